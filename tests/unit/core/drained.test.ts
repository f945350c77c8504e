import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drained } from '../../../main/core/drained.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ta-drained-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const bigChunk = 'x'.repeat(1 << 20);

/** The result within a deadline: `once(stream, 'drain')` would still be waiting. */
function within<T>(promise: Promise<T>, ms = 5_000): Promise<T | 'still waiting'> {
  return Promise.race([promise, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms).unref())]);
}

describe('drained', () => {
  it('rejects with the error of a file that failed to open before the wait began', async () => {
    const out = createWriteStream(join(dir, 'no-such-folder', 'events.csv'));
    expect(out.write(bigChunk)).toBe(false);
    await new Promise((resolve) => out.once('error', resolve)); // the failure comes first, as under a slow loop
    await expect(within(drained(out))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects when the stream fails or closes while it waits', async () => {
    const failing = new Writable({ highWaterMark: 4, write: () => undefined });
    failing.write('12345');
    const failed = within(drained(failing));
    failing.destroy(new Error('disk gone'));
    await expect(failed).rejects.toThrow('disk gone');

    const closing = new Writable({ highWaterMark: 4, write: () => undefined });
    closing.write('12345');
    const closed = within(drained(closing));
    closing.destroy();
    await expect(closed).rejects.toThrow('closed before everything was written');
  });

  it('resolves at once when nothing waits, and on drain when something does', async () => {
    const out = createWriteStream(join(dir, 'ok.txt'));
    await expect(within(drained(out))).resolves.toBeUndefined();
    expect(out.write(bigChunk)).toBe(false);
    await expect(within(drained(out))).resolves.toBeUndefined();
    out.end();
  });
});
