import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { AuditorError } from './errors.js';
import { makeDirectorySync } from './make-directory.js';

/**
 * Writes a file all-or-nothing: `write` fills a temporary file beside `path` (same folder, so the
 * rename is atomic on one file system), which replaces `path` only once `write` has succeeded. A
 * failure or a cancel removes the temporary file: no half-written export is ever left under the
 * name a person would open. Every export entry (CSV, PDF, packet) writes through this.
 * A file-system refusal (permission, read-only or full disk, a folder in the way) becomes
 * EXPORT_DESTINATION_UNWRITABLE naming `path` (destinationError).
 */
export async function writeAtomically<T>(path: string, write: (temporaryPath: string) => Promise<T>): Promise<T> {
  // Hidden and unique: two exports to one name cannot write the same temporary file.
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    const result = await write(temporary);
    await rename(temporary, path);
    return result;
  } catch (error) {
    await rm(temporary, { force: true });
    throw destinationError(error, path, temporary);
  }
}

/**
 * Makes the folder `path` goes in (and its parents), and refuses a `path` that is a folder, before
 * any work: either refusal is EXPORT_DESTINATION_UNWRITABLE.
 */
export function makeFolderFor(path: string): void {
  try {
    makeDirectorySync(dirname(path));
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true) {
      throw Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${path}'`), { code: 'EISDIR', path, syscall: 'open' });
    }
  } catch (error) {
    throw destinationError(error, path);
  }
}

/** Why the system refuses a file, in words, and what to do: by errno code. */
const REFUSALS: Readonly<Record<string, { reason: (at: string) => string; hint: string }>> = (() => {
  const elsewhere = 'Choose another folder — one you can write to, such as your Documents — and export again.';
  return {
    ENOENT: { reason: (at) => `${at} does not accept new files or folders (no such file or directory)`, hint: elsewhere },
    EACCES: { reason: (at) => `permission to write ${at} is denied`, hint: `If a file of that name is open in another program (such as Excel), close it; otherwise ${lowerFirst(elsewhere)}` },
    EPERM: { reason: (at) => `the system does not permit writing ${at}`, hint: `If a file of that name is open in another program (such as Excel), close it; otherwise ${lowerFirst(elsewhere)}` },
    EBUSY: { reason: (at) => `${at} is in use by another program`, hint: 'Close the program that has the file open (such as Excel), or choose another name, and export again.' },
    EROFS: { reason: () => 'the disk is read-only', hint: elsewhere },
    ENOSPC: { reason: () => 'the disk is full', hint: 'Free some space on that disk, or choose a folder on another one, and export again.' },
    EDQUOT: { reason: () => 'your disk quota is used up', hint: 'Free some space, or choose a folder on another disk, and export again.' },
    ENOTDIR: { reason: (at) => `${at} is a file, not a folder`, hint: 'Correct the path (a file stands where a folder should be), and export again.' },
    EEXIST: { reason: (at) => `${at} exists and is not a folder (a file, or a link to nothing)`, hint: 'Correct the path (something other than a folder stands where a folder should be), and export again.' },
    EISDIR: { reason: (at) => `${at} is a folder`, hint: 'Give the export a file name inside that folder, and export again.' },
    ENAMETOOLONG: { reason: () => 'the name or path is too long', hint: 'Choose a shorter name or a folder nearer the top of the disk, and export again.' },
  };
})();

/**
 * A file-system error about the destination `path` — its temporary file or a folder on its way — as
 * EXPORT_DESTINATION_UNWRITABLE; any other error as it was (a damaged cache must stay a damaged cache).
 */
export function destinationError(error: unknown, path: string, temporary?: string): unknown {
  const errno = error as NodeJS.ErrnoException | undefined;
  if (!(error instanceof Error) || typeof errno?.code !== 'string' || typeof errno.path !== 'string') return error;
  const refusal = REFUSALS[errno.code];
  const destination = resolve(path);
  const at = resolve(errno.path);
  const aboutDestination = at === destination || (temporary !== undefined && at === resolve(temporary)) || destination.startsWith(at + sep);
  if (refusal === undefined || !aboutDestination) return error;
  // The temporary file is ours, not the person's: name the file they asked for — or, when the system
  // says no such file or directory for a file being made, its folder, which is what refuses.
  const aboutTemporary = temporary !== undefined && at === resolve(temporary);
  const shown = !aboutTemporary ? at : errno.code === 'ENOENT' ? dirname(destination) : destination;
  return new AuditorError('EXPORT_DESTINATION_UNWRITABLE', `Cannot write ${destination}: ${refusal.reason(shown)}.`, {
    hint: refusal.hint,
    details: { path: destination, code: errno.code },
    cause: error,
  });
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
