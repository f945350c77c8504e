import { migration0001 } from './0001-initial.js';
import { migration0002 } from './0002-review.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every schema step, oldest first. Append new files here; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002];
