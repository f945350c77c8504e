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
  // Steps that rebuild a table (SQLite's documented procedure for changing a column) must run with
  // foreign keys off — a DROP TABLE would otherwise cascade into every child table — and the keys
  // are checked before the commit instead. The pragma cannot change inside a transaction.
  const foreignKeys = Number(db.pragma('foreign_keys', { simple: true })) === 1;
  if (foreignKeys) db.pragma('foreign_keys = OFF');
  try {
    return applySteps(db, from, pending, now);
  } finally {
    if (foreignKeys) db.pragma('foreign_keys = ON');
  }
}

function applySteps(db: Database, from: number, pending: readonly Migration[], now: number): MigrationOutcome {
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
    const broken = db.pragma('foreign_key_check') as unknown[];
    if (broken.length > 0) throw new Error(`A schema step left ${broken.length} rows pointing at rows that do not exist; nothing was changed.`);
  });
  run.immediate();
  const last = pending[pending.length - 1];
  return { from, to: last === undefined ? from : last.version, applied: pending.map((step) => `${String(step.version).padStart(4, '0')}-${step.name}`) };
}
