import type { Migration } from '../../cache/migrations/migration.js';
import { migration0002 } from './0002-review.js';
import { migration0005 } from './0005-review-work.js';

/** Review's schema steps (its tables in the cache file); numbered in the one history the cache's registry keeps. */
export const REVIEW_MIGRATIONS: readonly Migration[] = [migration0002, migration0005];
