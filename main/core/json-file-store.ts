import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AuditorError } from './errors.js';
import { ensurePrivateDirectory, PRIVATE_FILE_MODE, tightenPrivateFile } from './private-files.js';
import type { KeyValueStore } from './kv-store.js';

/**
 * A KeyValueStore in `<directory>/<name>.json` for plain Node (CLI, loopback host, tests): the same
 * file format electron-store writes, so a home folder reads the same in every shell.
 *
 * Why not `conf` (electron-store's base): it costs ~0.3 s of start-up on these machines (ajv and
 * friends), and the CLI's `status` must start in well under that. This store does what the app
 * needs: every read sees what another process wrote (the file is re-read when its size or mtime
 * changes), every write replaces the file atomically (temporary file, fsync, rename), readable by
 * the owner only.
 */
export function createJsonFileStore(directory: string, name: string): KeyValueStore {
  const path = join(directory, `${name}.json`);
  // A file an earlier version wrote with the default umask (0644) becomes the owner's alone.
  tightenPrivateFile(path);
  let cached: { stamp: string; data: Record<string, unknown> } | undefined;

  const read = (): Record<string, unknown> => {
    let stamp: string;
    try {
      const stats = statSync(path);
      stamp = `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    if (cached?.stamp === stamp) return cached.data;
    const text = readFileSync(path, 'utf8');
    let data: unknown;
    try {
      data = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new AuditorError('STORE_DAMAGED', `The file ${path} is damaged (it is not JSON).`, {
        hint: 'Move it away and start again; settings in it are lost, and the app asks to reconnect if it held the Zoho connection.',
      });
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new AuditorError('STORE_DAMAGED', `The file ${path} is damaged (it does not hold settings).`, { hint: 'Move it away and start again.' });
    }
    cached = { stamp, data: data as Record<string, unknown> };
    return cached.data;
  };

  const write = (data: Record<string, unknown>): void => {
    ensurePrivateDirectory(directory);
    const temporary = `${path}.${process.pid}.tmp`;
    const fd = openSync(temporary, 'w', PRIVATE_FILE_MODE);
    // 'w' keeps the mode of a temporary file left by a crash; the rename must not publish it wider.
    tightenPrivateFile(temporary);
    try {
      writeSync(fd, JSON.stringify(data, null, '\t'));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
    cached = undefined;
  };

  return {
    path,
    get: (key) => read()[key],
    set: (key, value) => write({ ...read(), [key]: value }),
    delete: (key) => {
      const { [key]: _removed, ...rest } = read();
      write(rest);
    },
    clear: () => write({}),
  };
}
