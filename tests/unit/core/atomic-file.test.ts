import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeAtomically } from '../../../main/core/atomic-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ta-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeAtomically', () => {
  it('writes into a temporary file beside the target, then renames it into place', async () => {
    const target = join(dir, 'events.csv');
    let temporary = '';
    const result = await writeAtomically(target, async (path) => {
      temporary = path;
      await writeFile(path, 'a,b\n');
      // Until the write is done, nothing exists under the name a person would open.
      expect(readdirSync(dir)).toEqual([path.slice(dir.length + 1)]);
      return 42;
    });
    expect(result).toBe(42);
    expect(temporary.startsWith(join(dir, '.events.csv.'))).toBe(true);
    expect(temporary.endsWith('.partial')).toBe(true);
    expect(readdirSync(dir)).toEqual(['events.csv']);
    expect(readFileSync(target, 'utf8')).toBe('a,b\n');
  });

  it('on failure removes the temporary file and leaves an existing file of that name as it was', async () => {
    const target = join(dir, 'report.pdf');
    writeFileSync(target, 'the earlier report');
    const failure = new Error('the cache is damaged');
    await expect(
      writeAtomically(target, async (path) => {
        await writeFile(path, 'half a report');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(readdirSync(dir)).toEqual(['report.pdf']);
    expect(readFileSync(target, 'utf8')).toBe('the earlier report');
  });

  it('two writes to one name use different temporary files', async () => {
    const target = join(dir, 'packet.zip');
    const seen: string[] = [];
    await Promise.all(
      [1, 2].map((n) =>
        writeAtomically(target, async (path) => {
          seen.push(path);
          await writeFile(path, `packet ${n}`);
        }),
      ),
    );
    expect(new Set(seen).size).toBe(2);
    expect(readdirSync(dir)).toEqual(['packet.zip']);
  });
});
