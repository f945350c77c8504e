import { AuditorError } from '../core/errors.js';

/** The cache file was written by a newer Timeline Auditor; we never touch such a file. */
export class CacheFromNewerVersionError extends AuditorError {
  constructor(filePath: string, fileVersion: number, supportedVersion: number) {
    super('CACHE_FROM_NEWER_VERSION', `The offline cache at ${filePath} was created by a newer version of Timeline Auditor (cache format ${fileVersion}; this version understands up to ${supportedVersion}).`, {
      hint: 'Update Timeline Auditor to the latest version, or choose a different cache location. The file was left unchanged.',
      details: { filePath, fileVersion, supportedVersion },
    });
    this.name = 'CacheFromNewerVersionError';
  }
}

/** The cache file exists but cannot be read or upgraded (not a database, damaged, locked, no permission). */
export class CacheUnavailableError extends AuditorError {
  constructor(filePath: string, reason: string, cause?: unknown) {
    super('CACHE_UNAVAILABLE', `The offline cache at ${filePath} could not be opened: ${reason}.`, {
      hint: 'Close other copies of Timeline Auditor and check that the folder is writable. If the file is damaged, move it aside; the app then builds a new cache on the next sync.',
      details: { filePath },
      cause,
    });
    this.name = 'CacheUnavailableError';
  }
}

/** A caller asked for something the cache does not hold (unknown sync run, unknown run record). */
export class CacheMissingEntryError extends AuditorError {
  constructor(what: string) {
    super('CACHE_MISSING_ENTRY', `The offline cache has no ${what}.`, {
      hint: 'This is a bug in Timeline Auditor; please report it with the steps that led here.',
      details: { what },
    });
    this.name = 'CacheMissingEntryError';
  }
}

/** What to do about a damaged cache, the same words wherever it is reported. */
export const CACHE_DAMAGED_HINT =
  'Run `timeline-auditor cache rebuild`: it keeps the damaged file aside (renamed, not deleted) and fetches the same records again into a new cache. Without the command line: quit the app, move the file aside, start the app and sync the records again. No export is made from a damaged cache.';

/**
 * The cache file is damaged (SQLite reports corruption, or the integrity check finds problems): nothing
 * read from it can be trusted as evidence, so every request that touches it fails with this.
 */
export class CacheDamagedError extends AuditorError {
  constructor(filePath: string, reason: string, cause?: unknown) {
    super('CACHE_DAMAGED', `The offline cache at ${filePath} is damaged (${reason}); nothing is read from it or exported until it is rebuilt.`, {
      hint: CACHE_DAMAGED_HINT,
      details: { filePath, reason },
      cause,
    });
    this.name = 'CacheDamagedError';
  }
}

/**
 * True for SQLite's "this file is damaged" failures: better-sqlite3's SqliteError carries SQLite's
 * (extended) result code as `code` — SQLITE_CORRUPT, SQLITE_CORRUPT_INDEX/_VTAB/_SEQUENCE,
 * SQLITE_NOTADB — and the messages are checked too, for errors that passed through other layers.
 */
export function isSqliteCorruption(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_'))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && /database disk image is malformed|file is not a database|database corruption/i.test(message);
}

/** The plain words SQLite gave, for the message ("database disk image is malformed"). */
export function corruptionReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^SqliteError:\s*/, '');
}
