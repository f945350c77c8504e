import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFolderFor, writeAtomically } from '../../../main/core/atomic-file.js';
import { AuditorError } from '../../../main/core/errors.js';

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

describe('a destination the system refuses is EXPORT_DESTINATION_UNWRITABLE, in words, naming the file asked for', () => {
  const refusal = (error: unknown): { code: string; message: string; hint: string | undefined } => {
    expect(error).toBeInstanceOf(AuditorError);
    const { code, message, hint } = error as AuditorError;
    return { code, message, hint };
  };

  it('makeFolderFor makes the missing folders, and refuses a file in the way or a name that is a folder — before any work', () => {
    makeFolderFor(join(dir, 'a', 'b', 'events.csv'));
    expect(statSync(join(dir, 'a', 'b')).isDirectory()).toBe(true);
    writeFileSync(join(dir, 'notes.txt'), '');
    const inTheWay = refusal(catching(() => makeFolderFor(join(dir, 'notes.txt', 'sub', 'events.csv'))));
    expect(inTheWay).toMatchObject({ code: 'EXPORT_DESTINATION_UNWRITABLE', message: `Cannot write ${join(dir, 'notes.txt', 'sub', 'events.csv')}: ${join(dir, 'notes.txt')} is a file, not a folder.` });
    mkdirSync(join(dir, 'report.pdf'));
    const aFolder = refusal(catching(() => makeFolderFor(join(dir, 'report.pdf'))));
    expect(aFolder.message).toBe(`Cannot write ${join(dir, 'report.pdf')}: ${join(dir, 'report.pdf')} is a folder.`);
    expect(aFolder.hint).toBe('Give the export a file name inside that folder, and export again.');
  });

  it('writeAtomically: a temporary file that cannot be made names the folder that refuses it, never the .partial', async () => {
    const target = join(dir, 'gone', 'events.csv');
    const failure = await writeAtomically(target, async (temporary) => {
      const out = createWriteStream(temporary);
      out.end('a,b\n');
      await finished(out);
    }).catch((error: unknown) => error);
    const { code, message, hint } = refusal(failure);
    expect(code).toBe('EXPORT_DESTINATION_UNWRITABLE');
    expect(message).toBe(`Cannot write ${target}: ${join(dir, 'gone')} does not accept new files or folders (no such file or directory).`);
    expect(hint).toMatch(/^Choose another folder/);
  });

  it('writeAtomically: a file-system error about anything else (the cache, a font) passes as it was', async () => {
    const elsewhere = await writeAtomically(join(dir, 'events.csv'), () => readFile(join(dir, 'missing-cache.sqlite'))).catch((error: unknown) => error);
    expect(elsewhere).not.toBeInstanceOf(AuditorError);
    expect(elsewhere).toMatchObject({ code: 'ENOENT', path: join(dir, 'missing-cache.sqlite') });
    expect(readdirSync(dir)).toEqual([]);
  });
});

function catching(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
