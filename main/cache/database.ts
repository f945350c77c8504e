import type { Database as SqliteDatabase } from 'better-sqlite3';

/** What a run of a statement changed. */
export interface CacheRunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** A prepared statement: positional parameters in, plain row objects out. */
export interface CacheStatement<Params extends unknown[] = unknown[], Row = unknown> {
  run(...params: Params): CacheRunResult;
  get(...params: Params): Row | undefined;
  all(...params: Params): Row[];
}

/**
 * The narrow handle main/cache gives the capabilities that keep their own tables in the cache file
 * (their stores and migrations): statements and transactions, nothing else of better-sqlite3 —
 * no pragmas, no closing, no user functions. Only main/cache imports better-sqlite3.
 */
export interface CacheDatabase {
  prepare<Params extends unknown[] = unknown[], Row = unknown>(sql: string): CacheStatement<Params, Row>;
  exec(sql: string): void;
  /** Runs `work` in one IMMEDIATE transaction (a savepoint when one is already open). */
  transaction<T>(work: () => T): T;
}

export function narrowDatabase(db: SqliteDatabase): CacheDatabase {
  return {
    prepare: <Params extends unknown[], Row>(sql: string) => db.prepare<Params, Row>(sql) as unknown as CacheStatement<Params, Row>,
    exec: (sql) => {
      db.exec(sql);
    },
    transaction: (work) => (db.inTransaction ? db.transaction(work)() : db.transaction(work).immediate()),
  };
}

/**
 * Called inside the transaction that wrote timeline pages, with the rowids (events.id) of the
 * events it inserted or whose content changed; a throw rolls the write back. The cache knows
 * nothing of what a hook keeps (review: flags).
 */
export type EventsWrittenHook = (db: CacheDatabase, written: { eventRowids: readonly number[] }) => void;
/** Called inside the transaction that removed events (untracked records): the rowids are gone. */
export type EventsRemovedHook = (db: CacheDatabase, removed: { eventRowids: readonly number[] }) => void;
