import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheDamagedError, isSqliteCorruption, openMarkerPath, TimelineCache } from '../../../main/cache/index.js';
import { fillCache } from '../data/fixtures.js';
import { overwriteRootPage, overwriteWithGarbage, tempDir, type TempDir } from './helpers.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const posix = process.platform !== 'win32';

describe('a damaged cache file', () => {
  it('fails its integrity check (4 KiB of garbage at 40% of the file)', () => {
    const file = dir.file('cache.sqlite');
    fillCache(file, 3_000);
    overwriteWithGarbage(file);
    // Closed cleanly last time: the file opens without a check, as a file damaged after closing would.
    const cache = TimelineCache.open(file);
    try {
      expect(cache.openReport).toEqual({ uncleanShutdown: false, check: null });
      const check = cache.integrityCheck();
      expect(check.ok).toBe(false);
      if (!check.ok) {
        expect(check.problems.length).toBeGreaterThan(0);
        expect(check.problems.join('\n')).not.toContain('*** in database');
      }
    } finally {
      cache.close();
    }
  });

  it('reading a damaged table fails with an error recognised as corruption (SQLITE_CORRUPT)', () => {
    const file = dir.file('cache.sqlite');
    fillCache(file, 500);
    overwriteRootPage(file, 'records');
    const cache = TimelineCache.open(file);
    let caught: unknown;
    try {
      cache.listRecordStates();
    } catch (error) {
      caught = error;
    } finally {
      cache.close();
    }
    expect(caught).toMatchObject({ code: expect.stringMatching(/^SQLITE_(CORRUPT|NOTADB)/) as unknown });
    expect(isSqliteCorruption(caught)).toBe(true);
    expect(isSqliteCorruption(new Error('disk I/O error'))).toBe(false);
  });

  it('is refused at open with CACHE_DAMAGED after an unclean shutdown (the open marker was left)', () => {
    const file = dir.file('cache.sqlite');
    fillCache(file, 3_000);
    overwriteWithGarbage(file);
    writeFileSync(openMarkerPath(file), '4242\n'); // what a killed process leaves behind
    let caught: unknown;
    try {
      TimelineCache.open(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CacheDamagedError);
    const damaged = caught as CacheDamagedError;
    expect(damaged.code).toBe('CACHE_DAMAGED');
    expect(damaged.message).toContain(file);
    expect(damaged.message).toContain('integrity check');
    expect(damaged.hint).toContain('timeline-auditor cache rebuild');
    // Still damaged, still marked: the next open checks again.
    expect(existsSync(openMarkerPath(file))).toBe(true);
  });

  it('a file that is not SQLite at all is CACHE_DAMAGED (SQLITE_NOTADB), and left unchanged', () => {
    const file = dir.file('cache.sqlite');
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    expect(() => TimelineCache.open(file)).toThrow(CacheDamagedError);
    expect(readFileSync(file).equals(Buffer.alloc(8192, 0x5a))).toBe(true);
  });
});

describe('the unclean-shutdown check', () => {
  it('runs only when the last session did not close: a cache left open is checked at the next open, a closed one is not', () => {
    const file = dir.file('cache.sqlite');
    fillCache(file, 500);
    const first = TimelineCache.open(file);
    expect(first.openReport).toEqual({ uncleanShutdown: false, check: null });
    expect(existsSync(openMarkerPath(file))).toBe(true);
    // `first` is never closed, as if its process had been killed.
    const second = TimelineCache.open(file);
    expect(second.openReport.uncleanShutdown).toBe(true);
    expect(second.openReport.check).toMatchObject({ ok: true });
    second.close();
    expect(existsSync(openMarkerPath(file))).toBe(false);
    const third = TimelineCache.open(file);
    expect(third.openReport).toEqual({ uncleanShutdown: false, check: null });
    third.close();
    first.close();
  });

  it('a sound file passes quick_check and says how long it took', () => {
    const file = dir.file('cache.sqlite');
    fillCache(file, 500);
    const cache = TimelineCache.open(file);
    const check = cache.integrityCheck();
    cache.close();
    expect(check.ok).toBe(true);
    expect(check.ms).toBeGreaterThanOrEqual(0);
  });
});

describe.skipIf(!posix)('cache file modes (POSIX; on Windows the user profile’s ACL protects the folder, modes mean nothing there)', () => {
  it('creates the cache file, its -wal and -shm and the open marker 0600 whatever the umask', () => {
    const previous = process.umask(0o022);
    try {
      const file = dir.file('new/cache.sqlite');
      const cache = TimelineCache.open(file);
      cache.trackRecords([{ module: 'Leads', recordId: '1' }]);
      for (const path of [file, `${file}-wal`, `${file}-shm`, openMarkerPath(file)]) expect([path, statSync(path).mode & 0o777]).toEqual([path, 0o600]);
      expect(statSync(dir.file('new')).mode & 0o777).toBe(0o700);
      cache.close();
    } finally {
      process.umask(previous);
    }
  });

  it('narrows a cache (and its -wal/-shm) written 0644 by an earlier version when it opens', () => {
    const file = dir.file('cache.sqlite');
    const old = TimelineCache.open(file);
    old.trackRecords([{ module: 'Leads', recordId: '1' }]);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) chmodSync(path, 0o644);
    const reopened = TimelineCache.open(file);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect([path, statSync(path).mode & 0o777]).toEqual([path, 0o600]);
    reopened.close();
    old.close();
  });
});
