import { REVIEW_MIGRATIONS } from '../../review/migrations/index.js';
import { migration0001 } from './0001-initial.js';
import { migration0003 } from './0003-sync-coverage.js';
import { migration0004 } from './0004-nullable-done-by.js';
import { migration0006 } from './0006-sync-filter.js';
import { migration0007 } from './0007-module-labels.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** The cache's own steps (records, events, sync state, full-text index). */
export const CACHE_MIGRATIONS: readonly Migration[] = [migration0001, migration0003, migration0004, migration0006, migration0007];

/**
 * The registry: every capability's steps in the cache file, in ONE numbered history (0001 cache,
 * 0002 review, …). The cache runs them; each capability keeps its steps in its own folder
 * (main/review/migrations). Append new steps with the next number; never edit a released one.
 */
export const MIGRATIONS: readonly Migration[] = orderedHistory([...CACHE_MIGRATIONS, ...REVIEW_MIGRATIONS]);

function orderedHistory(steps: readonly Migration[]): readonly Migration[] {
  const sorted = [...steps].sort((a, b) => a.version - b.version);
  sorted.forEach((step, index) => {
    // A gap or a duplicate number would make files of two builds disagree on what a version means.
    if (step.version !== index + 1) throw new Error(`Migration ${step.name} has version ${step.version}; expected ${index + 1}.`);
  });
  return sorted;
}
