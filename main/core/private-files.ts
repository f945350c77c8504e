import { chmodSync, closeSync, openSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirectorySync } from './make-directory.js';

/**
 * The app's own files hold Zoho tokens (encrypted), the signing key and the CRM data the cache keeps:
 * on POSIX they are the owner's alone — folder 0700, files 0600 — set when they are made and
 * tightened when a file made by an earlier version (0644/0755) is found. On Windows modes mean
 * nothing; the user profile's ACL protects the folder (docs/security.md).
 */
export const PRIVATE_DIRECTORY_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const posix = process.platform !== 'win32';

/** Creates the folder (and its parents) owner-only, and narrows it to 0700 when it already existed wider. */
export function ensurePrivateDirectory(path: string): void {
  makeDirectorySync(path, PRIVATE_DIRECTORY_MODE);
  if (posix) narrow(path, PRIVATE_DIRECTORY_MODE);
}

/** Narrows an existing file to 0600 when group or others may read it; a missing file is no error. */
export function tightenPrivateFile(path: string): void {
  if (posix) narrow(path, PRIVATE_FILE_MODE);
}

/**
 * Creates the file empty with mode 0600 when it does not exist (so whatever writes it later — SQLite,
 * which gives its -wal and -shm the database file's mode — starts from a private file), and
 * narrows it when it does.
 */
export function createPrivateFile(path: string): void {
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  tightenPrivateFile(path);
}

/**
 * The home folder of the CLI and the browser host: 0700, and every file directly in it 0600 (what
 * earlier versions wrote with the default umask). Sub-folders (exports) are the user's to share.
 */
export function makeHomeFolderPrivate(home: string): void {
  ensurePrivateDirectory(home);
  if (!posix) return;
  for (const entry of readdirSync(home, { withFileTypes: true })) {
    if (entry.isFile()) tightenPrivateFile(join(home, entry.name));
  }
}

function narrow(path: string, mode: number): void {
  let current: number;
  try {
    current = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  // Only ever takes bits away: a file the user made stricter stays so.
  if ((current & ~mode) !== 0) chmodSync(path, current & mode);
}
