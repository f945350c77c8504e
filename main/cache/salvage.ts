import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { narrowDatabase, type CacheDatabase } from './database.js';

/** A tracked record as read back from a damaged cache. */
export interface SalvagedRecord {
  module: string;
  recordId: string;
  name: string | null;
}

/** What could be read, or why not (SQLite's words). */
export type Salvaged<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Reads what it can from a cache file that may be damaged, read-only (the file is never written):
 * for `timeline-auditor cache rebuild`, before the file is moved aside. Each read stands alone, so
 * a damaged events table does not lose the record list.
 */
export class DamagedCacheReader {
  private constructor(private readonly db: SqliteDatabase) {}

  static open(filePath: string): Salvaged<DamagedCacheReader> {
    try {
      return { ok: true, value: new DamagedCacheReader(new Database(filePath, { readonly: true, fileMustExist: true })) };
    } catch (error) {
      return { ok: false, reason: messageOf(error) };
    }
  }

  /** The tracked records (module, id, name), in the order they were tracked. */
  trackedRecords(): Salvaged<SalvagedRecord[]> {
    return this.read(() =>
      this.db
        .prepare<[], { module: string; record_id: string; name: string | null }>('SELECT module, record_id, name FROM records ORDER BY id')
        .all()
        .map((row) => ({ module: row.module, recordId: row.record_id, name: row.name })),
    );
  }

  /** Statements only, for capabilities that salvage their own tables (review's notes and rules). */
  read<T>(work: (db: CacheDatabase) => T): Salvaged<T> {
    try {
      return { ok: true, value: work(narrowDatabase(this.db)) };
    } catch (error) {
      return { ok: false, reason: messageOf(error) };
    }
  }

  close(): void {
    this.db.close();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
