import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeDirectory, makeDirectorySync } from '../../../main/core/make-directory.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ta-mkdir-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Node's own recursive mkdir never returns for these paths, and a synchronous one would freeze the
 * test runner with it: each case runs in a child process with a deadline, so a regression fails.
 */
function codeInChild(call: 'makeDirectorySync' | 'makeDirectory', path: string): { code: string | null; timedOut: boolean } {
  const script = `
    import { ${call} } from ${JSON.stringify(new URL('../../../main/core/make-directory.ts', import.meta.url).href)};
    try { await ${call}(${JSON.stringify(path)}); console.log('made'); } catch (error) { console.log(error.code); }
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  return { code: child.stdout.trim() || null, timedOut: child.error !== undefined || child.signal !== null };
}

describe('makeDirectory (mkdir -p that always ends)', () => {
  for (const call of ['makeDirectorySync', 'makeDirectory'] as const) {
    const make = async (path: string, mode?: number): Promise<void> => (call === 'makeDirectorySync' ? makeDirectorySync(path, mode) : makeDirectory(path, mode));

    it(`${call}: makes the missing folders, accepts one that exists, and refuses a file in the way`, async () => {
      const deep = join(dir, 'a', 'b', 'c');
      await make(deep);
      expect(statSync(deep).isDirectory()).toBe(true);
      await make(deep); // already there: no error
      writeFileSync(join(dir, 'file'), '');
      await expect(make(join(dir, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR', path: join(dir, 'file') });
    });

    it.skipIf(process.platform === 'win32')(`${call}: gives the folders it makes the mode asked for (POSIX)`, async () => {
      const previous = process.umask(0o022);
      try {
        mkdirSync(join(dir, 'open'), { mode: 0o755 });
        await make(join(dir, 'open', 'x', 'y'), 0o700);
        expect(statSync(join(dir, 'open', 'x')).mode & 0o777).toBe(0o700);
        expect(statSync(join(dir, 'open', 'x', 'y')).mode & 0o777).toBe(0o700);
        expect(statSync(join(dir, 'open')).mode & 0o777).toBe(0o755); // an existing folder is left as it was
      } finally {
        process.umask(previous);
      }
    });

    it.skipIf(process.platform === 'win32')(`${call}: a dangling symlink on the way is an error, not an endless loop (POSIX)`, () => {
      symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
      expect(codeInChild(call, join(dir, 'dangling', 'out'))).toEqual({ code: 'EEXIST', timedOut: false });
    });

    it.skipIf(process.platform !== 'linux')(`${call}: a folder under /proc is ENOENT at once, where Node's recursive mkdir spins forever (Linux)`, () => {
      expect(codeInChild(call, '/proc/timeline-auditor-nope/x')).toEqual({ code: 'ENOENT', timedOut: false });
    });
  }
});
