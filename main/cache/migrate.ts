import type { Database } from 'better-sqlite3';
import { narrowDatabase } from './database.js';
import type { Migration } from './migrations/index.js';

export interface MigrationOutcome {
  from: number;
  to: number;
  applied: string[];
}

export function schemaVersion(db: Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((latest, step) => Math.max(latest, step.version), 0);
}

/**
 * Applies the pending steps in ONE transaction (all or nothing) and records each in
 * schema_migrations. The caller has already refused files newer than `migrations` knows.
 */
export function migrate(db: Database, migrations: readonly Migration[], now: number): MigrationOutcome {
  const from = schemaVersion(db);
  const pending = [...migrations].filter((step) => step.version > from).sort((a, b) => a.version - b.version);
  if (pending.length === 0) return { from, to: from, applied: [] };
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    )`);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    const stores = narrowDatabase(db);
    for (const step of pending) {
      step.up(stores);
      record.run(step.version, step.name, now);
      // user_version lives in the file header and is written inside this transaction.
      db.pragma(`user_version = ${Math.trunc(step.version)}`);
    }
  });
  run.immediate();
  const last = pending[pending.length - 1];
  return { from, to: last === undefined ? from : last.version, applied: pending.map((step) => `${String(step.version).padStart(4, '0')}-${step.name}`) };
}
