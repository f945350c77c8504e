import { join } from 'node:path';

export const CACHE_FILE_NAME = 'timeline-cache.sqlite';

/**
 * Where the cache lives: next to the app's other per-user files — Electron's userData folder in
 * the desktop app, defaultHomeDirectory() (TIMELINE_AUDITOR_HOME, …) for the CLI and the host.
 */
export function cacheFilePath(home: string): string {
  return join(home, CACHE_FILE_NAME);
}

/**
 * Beside the cache while a connection has it open (written by TimelineCache.open, removed by close):
 * left behind by a crash, so the next open runs the integrity check first.
 */
export function openMarkerPath(cacheFile: string): string {
  return `${cacheFile}.open`;
}

/** The files that make up one cache: the database, its write-ahead log and shared-memory index, the open marker. */
export function cacheFileSet(cacheFile: string): string[] {
  return [cacheFile, `${cacheFile}-wal`, `${cacheFile}-shm`, openMarkerPath(cacheFile)];
}
