import type { Database } from 'better-sqlite3';

/**
 * One schema step. `version` is the value PRAGMA user_version holds after the step; steps run in
 * order, all pending ones inside one transaction, so a file is never left half-upgraded.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Database): void;
}
