import type { CacheDatabase } from '../database.js';

/**
 * One schema step. `version` is the value PRAGMA user_version holds after the step; steps run in
 * order, all pending ones inside one transaction, so a file is never left half-upgraded. Steps of
 * every capability share ONE numbered history (see ./index.ts); each capability's steps touch only
 * its own tables.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: CacheDatabase): void;
}
