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
