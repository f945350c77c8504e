/**
 * The export's read of the cache: one forward pass over the events of an export scope, oldest first.
 *
 * The scope (which events, and which selected record owns each) is worked out ONCE per pass, in one
 * statement whose plan SQLite chooses freely, into a small temporary table keyed by
 * (audited_at_ms, event rowid). Pages are then read from that table by keyset — each continues after
 * the last key of the one before, so a page costs the same at the start and at the end of a million
 * events (LIMIT/OFFSET re-sorted the whole scope for every page: quadratic). Each page row comes with
 * Zoho's object as stored and its owner, joined in the same query: no per-event look-ups.
 *
 * Paging (not one long-running cursor) keeps the connection free between pages: the data worker
 * answers review queries and sync writes while an export runs, and better-sqlite3 refuses other
 * statements while an iterator is open.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { createPrivateFile } from '../core/private-files.js';
import type { RecordKey } from '../sync/sync-store.js';
import { AuditorError } from '../core/errors.js';
import { CacheMissingEntryError } from './errors.js';
import { buildEventCondition, type EventFilter } from './query.js';

/** One event of an export pass. */
export interface ExportReadRow {
  eventId: string;
  /** The event's row in the cache (events.id): what capabilities keeping their own per-event tables key them by. */
  eventRowid: number;
  auditedAtMs: number;
  /** Zoho's object exactly as stored (the text written at ingest). */
  rawJson: string;
  /**
   * Whose timeline it is exported from: of the selected records whose timelines hold the event, the
   * first by (module, record id) — the same object for every event of that record.
   */
  owner: RecordKey;
  /** The event's flags (request.flagsSql), in order; null when the read was asked for none. */
  flags: string[] | null;
}

export interface ExportReadRequest {
  /** The selected records: an event is in scope when one of their timelines holds it. */
  records: readonly RecordKey[];
  /** Further narrowing, ANDed (its own `records`, if any, is ANDed as well). */
  filter?: EventFilter;
  /** Only the first `limit` events of the scope (in export order); all when absent. */
  limit?: number;
  /**
   * An SQL expression over the event's row `e` (events) giving its flags joined by U+001F in order, or
   * NULL: worked out once for every event while the scope is built (set-based, in storage order),
   * and carried by each page row — review's flags (SqliteReviewStore.exportFlagsSql), which one
   * look-up per page cost ~2 s of a million-event export's reading thread.
   */
  flagsSql?: string;
}

/**
 * Rows per page unless the caller says otherwise. Small pages let each event's text die young: with
 * 2,000 rows a page outlived several minor collections, its strings were promoted and the old
 * generation swung between 100 and 200 MB at a million events; with 100 it stays near 80 MB and the
 * export ran ~20% faster (less GC), the extra queries costing far less than that.
 */
export const EXPORT_PAGE_SIZE = 100;

let nextTableNumber = 0;

/**
 * SQLite's page cache while export reads are open on a connection (KiB, negative as PRAGMA cache_size
 * wants it). A pass reads the stored JSON in time order, i.e. at random over the whole file: a 64 MiB
 * cache holds a few percent of a million-event file and hardly ever hits, yet it fills — 64 MiB of
 * the process's memory spent for nothing. The connection's own size comes back when the last read closes.
 * Measured at a million events (CLI CSV), before the scope moved to a scratch file: 64 MiB → 388 MB
 * peak RSS; 16 → 313; 8 → 285 MB, for ~5 s more system time (pages re-read from the OS file cache).
 * Since (writer thread, scratch scope, no state list on the main thread): 8 MiB → 265 MB and 16.4 s;
 * 16 MiB → 280 MB and 16.0 s (system time 4.2 → 2.6 s) — within the 300 MB target, so 16.
 */
export const EXPORT_CACHE_KIB = 16 * 1024;
const openReads = new WeakMap<SqliteDatabase, { count: number; cacheSize: number }>();

export function holdSmallCache(db: SqliteDatabase): void {
  const held = openReads.get(db);
  if (held !== undefined) {
    held.count += 1;
    return;
  }
  const cacheSize = Number(db.pragma('cache_size', { simple: true }));
  openReads.set(db, { count: 1, cacheSize });
  // Only ever smaller: a connection configured with less keeps its own.
  const current = cacheSize < 0 ? -cacheSize : (cacheSize * Number(db.pragma('page_size', { simple: true }))) / 1024;
  if (current > EXPORT_CACHE_KIB) db.pragma(`cache_size = ${-EXPORT_CACHE_KIB}`);
}

export function releaseSmallCache(db: SqliteDatabase): void {
  const held = openReads.get(db);
  if (held === undefined) return;
  held.count -= 1;
  if (held.count > 0) return;
  openReads.delete(db);
  db.pragma(`cache_size = ${held.cacheSize}`);
}

/**
 * Where a pass's scope lives: a scratch database file beside the cache, attached while export reads
 * are open. The connection keeps TEMP in memory (temp_store = MEMORY, for review's sorts), where a
 * million-event scope took ~80 MB of the process (and grew with the scope); in a file it costs a
 * 2 MiB page cache and the OS's file cache, and building it was no slower (measured 1.4 s vs 4.2 s at
 * a million events, docs/benchmarks.md). Owner-only from the first byte like the cache; no journal
 * (the file dies with the read). An in-memory cache (tests) keeps its scopes in TEMP.
 */
const SCRATCH_SCHEMA = 'ta_export_scratch';
const SCRATCH_CACHE_KIB = 2 * 1024;
const heldScratch = new WeakMap<SqliteDatabase, { count: number; path: string }>();

/** The scratch files a cache's export reads leave when their process dies (a clean close deletes its own). */
export function scratchFilePrefix(cacheFile: string): string {
  return `${basename(cacheFile)}.export-scratch-`;
}

/** Removes scratch files left by export reads of processes that ended without closing them (called when the cache opens). */
export function removeStaleScratchFiles(cacheFile: string): void {
  const prefix = scratchFilePrefix(cacheFile);
  let names: string[];
  try {
    names = readdirSync(dirname(cacheFile));
  } catch {
    return;
  }
  // A file another live process still uses: unlinked under it on POSIX (it keeps its open file); refused on Windows (kept).
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    try {
      rmSync(join(dirname(cacheFile), name), { force: true });
    } catch {
      // In use (Windows refuses to delete an open file): its process removes it when its read closes.
    }
  }
}

function holdScratch(db: SqliteDatabase, cacheFile: string | null): string {
  if (cacheFile === null) return 'temp';
  const held = heldScratch.get(db);
  if (held !== undefined) {
    held.count += 1;
    return SCRATCH_SCHEMA;
  }
  const path = join(dirname(cacheFile), `${scratchFilePrefix(cacheFile)}${process.pid}-${randomBytes(6).toString('hex')}`);
  createPrivateFile(path);
  try {
    db.prepare(`ATTACH DATABASE ? AS ${SCRATCH_SCHEMA}`).run(path);
    db.pragma(`${SCRATCH_SCHEMA}.journal_mode = OFF`);
    db.pragma(`${SCRATCH_SCHEMA}.synchronous = OFF`);
    db.pragma(`${SCRATCH_SCHEMA}.cache_size = ${-SCRATCH_CACHE_KIB}`);
  } catch (error) {
    if (db.prepare(`SELECT 1 FROM pragma_database_list WHERE name = ?`).get(SCRATCH_SCHEMA) !== undefined) db.exec(`DETACH DATABASE ${SCRATCH_SCHEMA}`);
    rmSync(path, { force: true });
    throw error;
  }
  heldScratch.set(db, { count: 1, path });
  return SCRATCH_SCHEMA;
}

function releaseScratch(db: SqliteDatabase, schema: string): void {
  if (schema === 'temp') return;
  const held = heldScratch.get(db);
  if (held === undefined) return;
  held.count -= 1;
  if (held.count > 0) return;
  heldScratch.delete(db);
  try {
    db.exec(`DETACH DATABASE ${SCRATCH_SCHEMA}`);
  } finally {
    rmSync(held.path, { force: true });
  }
}

/**
 * Runs `work` with SQLite's temporary b-trees and sorts in files (its default) instead of memory.
 * The connection keeps them in memory for review's queries; the scope's GROUP BY over a million
 * events then took ~90 MB of the process, kept by the allocator after the statement (measured with
 * the export CLI). In files they use the temp cache and spill beyond it, for no measurable time.
 * Changing the setting drops TEMP tables; the cache's users create theirs before each use.
 */
export function withSortsOnDisk<T>(db: SqliteDatabase, work: () => T): T {
  const setting = Number(db.pragma('temp_store', { simple: true }));
  if (setting !== TEMP_STORE_MEMORY || db.inTransaction) return work();
  db.pragma('temp_store = DEFAULT');
  try {
    return work();
  } finally {
    db.pragma('temp_store = MEMORY');
  }
}
const TEMP_STORE_MEMORY = 2;

/**
 * One pass: `count` events, read with `pages()`; `close()` drops the temporary table (idempotent).
 * Open a new one for every pass — it reflects the cache as it was when opened.
 */
export class ExportRead {
  readonly count: number;
  private readonly table: string;
  private readonly ranks: string;
  private readonly schema: string;
  private withFlags = false;
  private readonly owners: RecordKey[] = [];
  private readonly page: Statement<[number, number, number], PageRow>;
  private closed = false;

  constructor(
    private readonly db: SqliteDatabase,
    request: ExportReadRequest,
    /** The cache's file (its scratch file goes beside it), or null for an in-memory cache. */
    cacheFile: string | null = null,
  ) {
    nextTableNumber += 1;
    this.schema = holdScratch(db, cacheFile);
    this.table = `${this.schema}.ta_export_scope_${process.pid}_${nextTableNumber}`;
    this.ranks = `${this.schema}.ta_export_records_${process.pid}_${nextTableNumber}`;
    const { where, params } = buildEventCondition(request.filter ?? {});
    holdSmallCache(db);
    try {
      db.exec(`CREATE TABLE ${this.ranks} (record_rowid INTEGER PRIMARY KEY, rank INTEGER NOT NULL UNIQUE)`);
      // The owner order is SQLite's own (module, record_id) order, as timelinesOf sorts them.
      db.prepare(
        `INSERT INTO ${this.ranks} (record_rowid, rank)
         SELECT r.id, row_number() OVER (ORDER BY r.module, r.record_id) - 1
         FROM (SELECT DISTINCT j.value ->> '$.module' AS module, j.value ->> '$.recordId' AS record_id FROM json_each(?) j) k
         JOIN records r ON r.module = k.module AND r.record_id = k.record_id`,
      ).run(JSON.stringify(request.records.map((key) => ({ module: key.module, recordId: key.recordId }))));
      for (const row of db.prepare(`SELECT r.module, r.record_id FROM ${this.ranks} s JOIN records r ON r.id = s.record_rowid ORDER BY s.rank`).all() as Array<{ module: string; record_id: string }>) {
        this.owners.push({ module: row.module, recordId: row.record_id });
      }
      // Zoho's event id is copied in while the scope reads each event's row anyway (in storage
      // order): the pages then touch only event_raw at random, not events as well — at a million
      // events that second random look-up per event cost ~3 s of CPU (half of it system time) for
      // ~20 MB more of temporary table.
      db.exec(`CREATE TABLE ${this.table} (audited_at_ms INTEGER NOT NULL, event_rowid INTEGER NOT NULL, owner_rank INTEGER NOT NULL, event_id TEXT NOT NULL, flags TEXT, PRIMARY KEY (audited_at_ms, event_rowid)) WITHOUT ROWID`);
      this.withFlags = request.flagsSql !== undefined;
      // Driven by the selected records (CROSS JOIN fixes that order): the work follows the scope,
      // not the size of the cache. Sorted before insertion, so the table fills in key order.
      this.count = withSortsOnDisk(
        db,
        () =>
          db
            .prepare(
              `INSERT INTO ${this.table} (audited_at_ms, event_rowid, owner_rank, event_id, flags)
           SELECT e.audited_at_ms, e.id, o.rank, e.event_id, ${request.flagsSql ?? 'NULL'}
           FROM (SELECT te.event_rowid AS event_rowid, min(s.rank) AS rank
                 FROM ${this.ranks} s CROSS JOIN timeline_events te ON te.record_rowid = s.record_rowid
                 GROUP BY te.event_rowid) o
           JOIN events e ON e.id = o.event_rowid
           WHERE ${where}
           ORDER BY e.audited_at_ms, e.id${request.limit === undefined ? '' : ' LIMIT ?'}`,
            )
            .run(...params, ...(request.limit === undefined ? [] : [Math.max(0, Math.trunc(request.limit))])).changes,
      );
      // Rows as arrays (raw mode): no object per row to build and collect, at a million rows.
      this.page = db
        .prepare<[number, number, number], PageRow>(
          `SELECT s.audited_at_ms, s.event_rowid, s.owner_rank, s.event_id, r.raw_json, s.flags
           FROM ${this.table} s JOIN event_raw r ON r.event_rowid = s.event_rowid
           WHERE (s.audited_at_ms, s.event_rowid) > (?, ?)
           ORDER BY s.audited_at_ms, s.event_rowid LIMIT ?`,
        )
        .raw(true);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** The scope's first and last audited time, or null when it is empty. */
  timeRange(): { from: number; to: number } | null {
    const row = this.db.prepare(`SELECT min(audited_at_ms) AS "from", max(audited_at_ms) AS "to" FROM ${this.table}`).get() as { from: number | null; to: number | null };
    return row.from === null || row.to === null ? null : { from: row.from, to: row.to };
  }

  /**
   * The scope's events, oldest first (ties by storage order), `pageSize` at a time. Each page is one
   * query; nothing holds the connection between pages.
   */
  *pages(pageSize = EXPORT_PAGE_SIZE): Generator<ExportReadRow[], void, undefined> {
    const size = Math.max(1, Math.trunc(pageSize));
    let afterMs = Number.MIN_SAFE_INTEGER;
    let afterRowid = Number.MIN_SAFE_INTEGER;
    for (;;) {
      // A read closed under a pass would end it early and silently: refuse instead (a bug, never a short file).
      if (this.closed) throw new AuditorError('EXPORT_READ_CLOSED', 'The export read the cache after its read was closed.', { hint: 'This is a bug in Timeline Auditor; please report it.' });
      const rows = this.page.all(afterMs, afterRowid, size);
      if (rows.length === 0) return;
      const out: ExportReadRow[] = new Array<ExportReadRow>(rows.length);
      for (let index = 0; index < rows.length; index += 1) {
        const [auditedAtMs, eventRowid, ownerRank, eventId, rawJson, flags] = rows[index] as PageRow;
        const owner = this.owners[ownerRank];
        if (owner === undefined) throw new CacheMissingEntryError(`owner record (rank ${ownerRank}) of event ${eventId}`);
        out[index] = { eventId, eventRowid, auditedAtMs, rawJson, owner, flags: !this.withFlags ? null : flags === null ? [] : flags.split(FLAG_SEPARATOR) };
      }
      const last = rows[rows.length - 1] as PageRow;
      afterMs = last[0];
      afterRowid = last[1];
      yield out;
      if (rows.length < size) return;
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.db.open) return;
    try {
      this.db.exec(`DROP TABLE IF EXISTS ${this.table}; DROP TABLE IF EXISTS ${this.ranks}`);
    } finally {
      releaseSmallCache(this.db);
      releaseScratch(this.db, this.schema);
    }
  }
}

/** audited_at_ms, event_rowid, owner_rank, event_id, raw_json, flags */
type PageRow = [number, number, number, string, string, string | null];

/** What request.flagsSql joins an event's flags with (a control character no flag name holds). */
export const FLAG_SEPARATOR = '\u001f';
