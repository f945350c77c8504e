import { mkdirSync, statSync, type Stats } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` that always ends. Node's own `{ recursive: true }` spins forever at 100% CPU, deaf to
 * Ctrl-C, when a parent exists but cannot hold the child: under /proc (Linux answers ENOENT, so Node
 * "creates" the parent, gets EEXIST and tries the child again) or through a dangling symlink. A user
 * typing `--csv /proc/x.csv` or a stale mount must get an error, not a wedged process. So: find the
 * deepest folder that exists, then make each missing one with a plain mkdir — whose ENOENT is final.
 * `mode` applies to the folders made here, as with mkdir(2) (minus the umask).
 */
export function makeDirectorySync(path: string, mode?: number): void {
  for (const folder of missingFolders(path)) {
    try {
      mkdirSync(folder, mode === undefined ? undefined : { mode });
    } catch (error) {
      if (!isExistingFolder(error, folder)) throw error;
    }
  }
}

/** The same as makeDirectorySync, without blocking the event loop. */
export async function makeDirectory(path: string, mode?: number): Promise<void> {
  const missing: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    const stats = await stat(current).catch((error: unknown) => {
      if (notThere(error)) return undefined;
      throw error;
    });
    if (stats !== undefined) {
      if (!stats.isDirectory()) throw notAFolder(current);
      break;
    }
    missing.unshift(current);
    if (dirname(current) === current) break; // a missing root: mkdir reports it
  }
  for (const folder of missing) {
    try {
      await mkdir(folder, mode === undefined ? undefined : { mode });
    } catch (error) {
      if (!isExistingFolder(error, folder)) throw error;
    }
  }
}

/** The folders from the shallowest missing one down to `path`, in the order they must be made. */
function missingFolders(path: string): string[] {
  const missing: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    let stats: Stats | undefined;
    try {
      stats = statSync(current);
    } catch (error) {
      if (!notThere(error)) throw error;
    }
    if (stats !== undefined) {
      if (!stats.isDirectory()) throw notAFolder(current);
      break;
    }
    missing.unshift(current);
    if (dirname(current) === current) break; // a missing root: mkdir reports it
  }
  return missing;
}

/** EEXIST from a folder made meanwhile (another process) is success; from anything else, the error. */
function isExistingFolder(error: unknown, folder: string): boolean {
  if (code(error) !== 'EEXIST') return false;
  try {
    return statSync(folder).isDirectory();
  } catch {
    return false;
  }
}

/** Missing — or below a file (ENOTDIR): the walk goes on up and names the file that is in the way. */
function notThere(error: unknown): boolean {
  return code(error) === 'ENOENT' || code(error) === 'ENOTDIR';
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function notAFolder(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: 'ENOTDIR', path, syscall: 'mkdir' });
}
