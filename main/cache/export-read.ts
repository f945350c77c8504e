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
import { CacheDamagedError, CacheMissingEntryError } from './errors.js';
import { buildEventCondition, type EventFilter } from './query.js';

/**
 * One page of an export pass, as columns (the same position is the same event), oldest first.
 *
 * Zoho's objects come as UTF-8 bytes, one buffer per query (a page's are a view of it), not a string
 * per event: SQLite joins the stored texts itself, so the reading thread makes no string and no row
 * object per event, and the bytes cross to the export writer's thread with one copy into a ring
 * (export-writer.ts); whoever parses an event decodes its bytes (storedEventsOf). At a million events
 * the strings and rows cost the reader ~3 s, and cloning them to the writer ~2 s more.
 */
export interface ExportReadPage {
  eventIds: string[];
  /** The events' rows in the cache (events.id): what capabilities keeping their own per-event tables key them by. */
  eventRowids: number[];
  auditedAtMs: number[];
  /**
   * Whose timeline each event is exported from: of the selected records whose timelines hold it, the
   * first by (module, record id). The page's owners are listed once each; `ownerIndex` points into them.
   */
  owners: RecordKey[];
  ownerIndex: number[];
  /** Each event's flags (request.flagsSql), in order; null when the read was asked for none. */
  flags: string[][] | null;
  /** Zoho's objects exactly as stored (the text written at ingest), as UTF-8, back to back. */
  rawJson: Uint8Array;
  /** Where each event's text ends in `rawJson` (the first starts at 0). */
  rawJsonEnds: number[];
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
   * look-up per page cost ~2 s of a million-event export's reading thread. Asked for as each pass's
   * scope is built (in the same synchronous step), so it may depend on what the cache holds then.
   */
  flagsSql?: () => string;
}

/** Events per page unless the caller says otherwise: the unit of progress, of flow control between threads, and of annotation look-ups. */
export const EXPORT_PAGE_SIZE = 100;

/**
 * Rows per query: pages are cut from it. Measured at a million events, reading alone: 1,000 rows a
 * query took 3.5 s, 100 rows 4.5 s (each query descends the scope's and the texts' b-trees afresh).
 * Its texts are one buffer outside V8's heap, so a larger query costs no garbage collection.
 */
const READ_BATCH = 1000;

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
 * Since pages come 1,000 rows a query through a ring (two runs each, peak RSS): 16 MiB → 285–290 MiB;
 * 12 → 283 MiB (297 MB); 8 → 275–278 MiB for ~1.3 s more system time. 12: under 300 MB with room.
 */
export const EXPORT_CACHE_KIB = 12 * 1024;
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
  private readonly cacheFile: string | null;
  private closed = false;

  constructor(
    private readonly db: SqliteDatabase,
    request: ExportReadRequest,
    /** The cache's file (its scratch file goes beside it), or null for an in-memory cache. */
    cacheFile: string | null = null,
  ) {
    nextTableNumber += 1;
    this.cacheFile = cacheFile;
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
           SELECT e.audited_at_ms, e.id, o.rank, e.event_id, ${request.flagsSql?.() ?? 'NULL'}
           FROM (SELECT te.event_rowid AS event_rowid, min(s.rank) AS rank
                 FROM ${this.ranks} s CROSS JOIN timeline_events te ON te.record_rowid = s.record_rowid
                 GROUP BY te.event_rowid) o
           JOIN events e ON e.id = o.event_rowid
           WHERE ${where}
           ORDER BY e.audited_at_ms, e.id${request.limit === undefined ? '' : ' LIMIT ?'}`,
            )
            .run(...params, ...(request.limit === undefined ? [] : [Math.max(0, Math.trunc(request.limit))])).changes,
      );
      // One row per page: the keys as JSON arrays and the stored texts joined into one blob, in key
      // order (pages() checks it). A missing stored text stays a position (LEFT JOIN) whose length is null.
      this.page = db
        .prepare<[number, number, number], PageRow>(
          `SELECT count(*), json_group_array(audited_at_ms), json_group_array(event_rowid), json_group_array(owner_rank),
                  json_group_array(event_id), json_group_array(flags), json_group_array(octet_length(raw_json)),
                  CAST(group_concat(raw_json, '') AS BLOB)
           FROM (SELECT s.audited_at_ms, s.event_rowid, s.owner_rank, s.event_id, s.flags, r.raw_json
                 FROM ${this.table} s LEFT JOIN event_raw r ON r.event_rowid = s.event_rowid
                 WHERE (s.audited_at_ms, s.event_rowid) > (?, ?)
                 ORDER BY s.audited_at_ms, s.event_rowid LIMIT ?)`,
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
   * The scope's events, oldest first (ties by storage order), `pageSize` at a time, read READ_BATCH
   * rows (or a page, if larger) per query; nothing holds the connection between queries.
   */
  *pages(pageSize = EXPORT_PAGE_SIZE): Generator<ExportReadPage, void, undefined> {
    const size = Math.max(1, Math.trunc(pageSize));
    const batch = Math.max(size, READ_BATCH);
    let afterMs = Number.MIN_SAFE_INTEGER;
    let afterRowid = Number.MIN_SAFE_INTEGER;
    for (;;) {
      this.assertOpen();
      const [count, auditedJson, rowidsJson, ranksJson, idsJson, flagsJson, lengthsJson, rawJson] = this.page.get(afterMs, afterRowid, batch) as PageRow;
      if (count === 0) return;
      const rows: BatchRows = {
        auditedAtMs: JSON.parse(auditedJson) as number[],
        eventRowids: JSON.parse(rowidsJson) as number[],
        ranks: JSON.parse(ranksJson) as number[],
        eventIds: JSON.parse(idsJson) as string[],
        flags: JSON.parse(flagsJson) as Array<string | null>,
        ends: new Array<number>(count),
        bytes: rawJson ?? Buffer.alloc(0),
      };
      // Keyset order, checked: each row comes strictly after the one before (SQLite's aggregate
      // follows the ordered subquery; were that ever to change, this fails instead of reordering rows).
      const lengths = JSON.parse(lengthsJson) as Array<number | null>;
      let end = 0;
      for (let index = 0; index < count; index += 1) {
        const ms = rows.auditedAtMs[index] as number;
        const rowid = rows.eventRowids[index] as number;
        if (ms < afterMs || (ms === afterMs && rowid <= afterRowid)) throw new AuditorError('EXPORT_READ_OUT_OF_ORDER', 'The export read events of the cache out of order.', { hint: 'This is a bug in Timeline Auditor; please report it.' });
        afterMs = ms;
        afterRowid = rowid;
        const length = lengths[index];
        // The events row is there (the scope read it) but Zoho's object is not: the file lost a row.
        if (length === null || length === undefined) throw new CacheDamagedError(this.cacheFile ?? 'in memory', `event ${rows.eventIds[index]} has no stored object`);
        end += length;
        rows.ends[index] = end;
      }
      if (rows.bytes.length !== end) throw new CacheDamagedError(this.cacheFile ?? 'in memory', `the stored objects of events ${rows.eventIds[0]} to ${rows.eventIds[count - 1]} do not add up to their lengths`);
      for (let from = 0; from < count; from += size) {
        this.assertOpen();
        yield this.pageOf(rows, from, Math.min(count, from + size));
      }
      if (count < batch) return;
    }
  }

  /** A read closed under a pass would end it early and silently: refused instead (a bug, never a short file). */
  private assertOpen(): void {
    if (this.closed) throw new AuditorError('EXPORT_READ_CLOSED', 'The export read the cache after its read was closed.', { hint: 'This is a bug in Timeline Auditor; please report it.' });
  }

  /** Rows [from, to) of a batch as a page (its texts a view of the batch's buffer). */
  private pageOf(rows: BatchRows, from: number, to: number): ExportReadPage {
    const count = to - from;
    const owners: RecordKey[] = [];
    const ownerIndex = new Array<number>(count);
    const indexOfRank = new Map<number, number>();
    const start = from === 0 ? 0 : (rows.ends[from - 1] as number);
    const rawJsonEnds = new Array<number>(count);
    for (let index = 0; index < count; index += 1) {
      const rank = rows.ranks[from + index] as number;
      let position = indexOfRank.get(rank);
      if (position === undefined) {
        const owner = this.owners[rank];
        if (owner === undefined) throw new CacheMissingEntryError(`owner record (rank ${rank}) of event ${rows.eventIds[from + index]}`);
        position = owners.length;
        owners.push(owner);
        indexOfRank.set(rank, position);
      }
      ownerIndex[index] = position;
      rawJsonEnds[index] = (rows.ends[from + index] as number) - start;
    }
    return {
      eventIds: rows.eventIds.slice(from, to),
      eventRowids: rows.eventRowids.slice(from, to),
      auditedAtMs: rows.auditedAtMs.slice(from, to),
      owners,
      ownerIndex,
      flags: this.withFlags ? rows.flags.slice(from, to).map((joined) => (joined === null ? [] : joined.split(FLAG_SEPARATOR))) : null,
      rawJson: rows.bytes.subarray(start, start + (rawJsonEnds[count - 1] ?? 0)),
      rawJsonEnds,
    };
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // A closed read may stay referenced (an export's event source keeps its first read): not its 30,000 owners.
    this.owners.length = 0;
    if (!this.db.open) return;
    try {
      this.db.exec(`DROP TABLE IF EXISTS ${this.table}; DROP TABLE IF EXISTS ${this.ranks}`);
    } finally {
      releaseSmallCache(this.db);
      releaseScratch(this.db, this.schema);
    }
  }
}

/** One query's rows, as columns; `ends[i]`: where row i's text ends in `bytes`. */
interface BatchRows {
  auditedAtMs: number[];
  eventRowids: number[];
  ranks: number[];
  eventIds: string[];
  flags: Array<string | null>;
  ends: number[];
  bytes: Buffer;
}

/** count, then JSON arrays of audited_at_ms, event_rowid, owner_rank, event_id, flags and each stored text's length in bytes; the texts joined (null when none). */
type PageRow = [number, string, string, string, string, string, string, Buffer | null];

/** What request.flagsSql joins an event's flags with (a control character no flag name holds). */
export const FLAG_SEPARATOR = '\u001f';
