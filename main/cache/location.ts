import { join } from 'node:path';

export const CACHE_FILE_NAME = 'timeline-cache.sqlite';

/**
 * Where the cache lives: next to the app's other per-user files — Electron's userData folder in
 * the desktop app, defaultHomeDirectory() (TIMELINE_AUDITOR_HOME, …) for the CLI and the host.
 */
export function cacheFilePath(home: string): string {
  return join(home, CACHE_FILE_NAME);
}
