import { randomUUID } from 'node:crypto';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { AuditorError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { RecordFreshness, RecordKey, RecordSyncState, SyncRun, SyncRunRecord, SyncStore } from '../sync/sync-store.js';
import type { JsonObject, JsonValue, PickListValue, TimelineEntry, ZohoUser } from '../zoho/models.js';
import type { ZohoModuleLabel } from '../zoho/module-labels.js';
import { narrowDatabase, type CacheDatabase, type EventsRemovedHook, type EventsWrittenHook } from './database.js';
import { corruptionReason, CacheDamagedError, CacheFromNewerVersionError, CacheMissingEntryError, CacheUnavailableError, isSqliteCorruption } from './errors.js';
import { openMarkerPath } from './location.js';
import { createPrivateFile, ensurePrivateDirectory, PRIVATE_FILE_MODE, tightenPrivateFile } from '../core/private-files.js';
import { latestVersion, migrate, schemaVersion } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import type { Migration } from './migrations/index.js';
import { zoneClock } from '../core/zoned-time.js';
import { buildEventCondition, dayNumberToDate, RECORD_ROWIDS_OF_KEYS, recordKeysJson } from './query.js';
import type { CachedEvent, CachedFieldChange, EventFilter, HeatmapCell, HeatmapKind, HeatmapOptions, HourOfWeekCell, QueryOptions, SourceDayCell, UserSourceCell } from './query.js';
import { indexableText } from './search-text.js';
import { ExportRead, holdSmallCache, releaseSmallCache, removeStaleScratchFiles, withSortsOnDisk, type ExportReadRequest } from './export-read.js';

export interface TimelineCacheOptions {
  /** Stamps schema_migrations.applied_at. */
  clock?: Clock;
  /** Makes sync run ids; random UUIDs by default. */
  newRunId?: () => string;
  /** How long a write waits for another connection's lock before failing (ms). */
  busyTimeoutMs?: number;
  /** SQLite page cache per connection (MiB); 64 by default. */
  cacheSizeMiB?: number;
  /** The schema steps; the app's full list by default (tests pass shorter lists to build old files). */
  migrations?: readonly Migration[];
  /**
   * Run PRAGMA quick_check when the file was not closed cleanly last time (its open marker is still
   * there) and refuse a damaged file; true by default.
   */
  checkAfterUncleanShutdown?: boolean;
}

/** The result of PRAGMA quick_check: `problems` holds SQLite's own lines (at most 20) when not ok. */
export type IntegrityCheckResult = { ok: true; ms: number } | { ok: false; problems: string[]; ms: number };

/** What open() found about the last session: whether it ended cleanly, and the check it then ran. */
export interface OpenReport {
  uncleanShutdown: boolean;
  check: IntegrityCheckResult | null;
}

/** One page for bulkIngest. */
export interface TimelinePageWrite {
  key: RecordKey;
  entries: readonly TimelineEntry[];
  nextPageToken: string | null;
}

export interface CachedUser {
  id: string;
  name: string | null;
  email: string | null;
  profileName: string | null;
  status: string | null;
  /** false when the user is known only from events' done_by (e.g. deleted before the user list was fetched). */
  inDirectory: boolean;
}

export interface CacheStats {
  events: number;
  records: number;
  users: number;
  /** Database file plus its write-ahead log. */
  fileBytes: number;
}

interface RecordRow {
  id: number;
  module: string;
  record_id: string;
  name: string | null;
  freshness: RecordFreshness;
  sync_mode: 'full' | 'incremental' | null;
  resume_page_token: string | null;
  event_count: number;
  newest_audited_time: string | null;
  last_synced_at: number | null;
  last_error_code: string | null;
  last_error_message: string | null;
  sync_pages: number;
  last_sync_pages: number | null;
  last_sync_mode: 'full' | 'incremental' | null;
  sync_filter: string | null;
  last_sync_filter: string | null;
}

/** An `events` row as SQLite returns it (stores of other capabilities select these columns too). */
export interface EventRow {
  id: number;
  event_id: string;
  audited_time: string;
  audited_at_ms: number;
  action: string;
  source: string | null;
  done_by_id: string | null;
  done_by_name: string | null;
  record_module: string;
  record_id: string;
  record_name: string | null;
  related_module: string | null;
  related_id: string | null;
  related_name: string | null;
  automation_json: string | null;
  event_type: string | null;
  extension: string | null;
  raw_json?: string;
}

interface FieldChangeRow {
  event_rowid: number;
  api_name: string;
  field_id: string | null;
  field_label: string | null;
  data_type: string | null;
  old_json: string | null;
  new_json: string | null;
  old_text: string | null;
  new_text: string | null;
  enable_colour_code: number | null;
  pick_list_id: number | null;
}

interface SyncRunRow {
  id: string;
  created_at: number;
  options: string;
  status: SyncRun['status'];
}

const EVENT_COLUMNS = `e.id, e.event_id, e.audited_time, e.audited_at_ms, e.action, e.source, e.done_by_id, e.done_by_name,
  e.record_module, e.record_id, e.record_name, e.related_module, e.related_id, e.related_name, e.automation_json, e.event_type, e.extension`;

const RAW_COLUMN = '(SELECT r.raw_json FROM event_raw r WHERE r.event_rowid = e.id) AS raw_json';

/** Page cache (MiB) for a bulkIngest that stays in WAL mode, when the connection's own is smaller. */
const BULK_WAL_CACHE_MIB = 512;

function jsonOrNull(value: JsonValue | undefined): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** Zoho's `extension` as one text: a string as sent, anything else as its JSON text. */
function extensionText(value: JsonValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function textOf(value: JsonValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function parseAuditedTime(text: string): number {
  const ms = Date.parse(text);
  // The Zoho client validated the format; a NaN here would be a bug, and must not reach the index.
  if (Number.isNaN(ms)) throw new AuditorError('CACHE_BAD_EVENT_TIME', `An event's time "${text}" is not a date-time.`);
  return ms;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The offline cache: one SQLite file (WAL) holding tracked records and their sync state, timeline
 * events (once each, linked to every timeline that showed them), field changes, users, sync runs
 * and a full-text index. Implements the sync engine's SyncStore and the review screens' queries.
 * Synchronous by design (better-sqlite3): every call is one short transaction.
 */
export class TimelineCache implements SyncStore {
  private readonly statements: Statements;
  private readonly pickListIds = new Map<string, number>();
  private readonly pickListValues = new Map<number, PickListValue[]>();
  /** done_by users already written in this session (id → name), to skip redundant upserts. */
  private readonly seenUsers = new Map<string, string | null>();
  private readonly queryStatements = new Map<string, Statement<unknown[], unknown>>();
  private readonly writtenHooks = new Set<EventsWrittenHook>();
  private readonly removedHooks = new Set<EventsRemovedHook>();
  private readonly narrow: CacheDatabase;
  private closed = false;
  /** Set by open(): whether the last session ended cleanly, and the check run if it did not. */
  openReport: OpenReport = { uncleanShutdown: false, check: null };

  private constructor(
    private readonly db: SqliteDatabase,
    /** null for an in-memory cache. */
    readonly filePath: string | null,
    private readonly newRunId: () => string,
  ) {
    registerFunctions(db);
    this.statements = prepareStatements(db);
    this.narrow = narrowDatabase(db);
  }

  /**
   * Opens (creating when absent) the cache file and brings its schema up to date in one
   * transaction. A file written by a newer app version is refused and left untouched.
   */
  static open(filePath: string, options: TimelineCacheOptions = {}): TimelineCache {
    const migrations = options.migrations ?? MIGRATIONS;
    try {
      ensurePrivateDirectory(dirname(filePath));
      // Owner-only from the first byte: SQLite gives the -wal and -shm it creates the database file's
      // mode, so an empty 0600 file first makes all three private. Files of earlier versions are narrowed.
      createPrivateFile(filePath);
      tightenPrivateFile(`${filePath}-wal`);
      tightenPrivateFile(`${filePath}-shm`);
      removeStaleScratchFiles(filePath);
    } catch (error) {
      throw new CacheUnavailableError(filePath, `its folder or file cannot be created (${messageOf(error)})`, error);
    }
    const marker = openMarkerPath(filePath);
    const uncleanShutdown = existsSync(marker);
    let db: SqliteDatabase;
    try {
      db = new Database(filePath, { timeout: options.busyTimeoutMs ?? 5_000 });
    } catch (error) {
      if (isSqliteCorruption(error)) throw new CacheDamagedError(filePath, corruptionReason(error), error);
      throw new CacheUnavailableError(filePath, messageOf(error), error);
    }
    const cache = TimelineCache.initialise(db, filePath, filePath, migrations, options);
    let check: IntegrityCheckResult | null = null;
    if (uncleanShutdown && options.checkAfterUncleanShutdown !== false) {
      check = cache.integrityCheck();
      if (!check.ok) {
        cache.close();
        // The marker stays: the file is still damaged, and the next open checks again.
        writeFileSync(marker, '', { mode: PRIVATE_FILE_MODE });
        throw new CacheDamagedError(filePath, `the integrity check after an unclean shutdown found: ${check.problems.slice(0, 3).join('; ')}`);
      }
    }
    // Present while the file is open, removed by close(): found at the next open, it means this
    // session ended without closing (crash, kill, power cut) and the file is checked first.
    writeFileSync(marker, `${process.pid}\n`, { mode: PRIVATE_FILE_MODE });
    cache.openReport = { uncleanShutdown, check };
    return cache;
  }

  /** A throwaway cache in memory (tests, previews). */
  static inMemory(options: TimelineCacheOptions = {}): TimelineCache {
    const db = new Database(':memory:');
    return TimelineCache.initialise(db, null, ':memory:', options.migrations ?? MIGRATIONS, options);
  }

  private static initialise(db: SqliteDatabase, filePath: string | null, label: string, migrations: readonly Migration[], options: TimelineCacheOptions): TimelineCache {
    try {
      // Read the version BEFORE any pragma that writes (journal_mode=WAL changes the header).
      const version = schemaVersion(db);
      const supported = latestVersion(migrations);
      if (version > supported) throw new CacheFromNewerVersionError(label, version, supported);
      if (filePath !== null) db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a crashed process never loses a committed transaction; only a power cut
      // may lose the last few, and the file stays consistent either way.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      // A larger page cache keeps the index b-trees in memory during ingest; GROUP BY sorts in memory.
      db.pragma(`cache_size = ${-Math.trunc((options.cacheSizeMiB ?? 64) * 1024)}`);
      db.pragma('temp_store = MEMORY');
      // Checkpoint (copy the WAL into the file, with fsync) every ~40 MiB rather than every 4 MiB:
      // a page of events touches pages in a dozen b-trees, and frequent checkpoints dominated
      // page-by-page sync writes.
      db.pragma('wal_autocheckpoint = 10000');
      db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5_000)}`);
      migrate(db, migrations, (options.clock ?? systemClock).now());
      return new TimelineCache(db, filePath, options.newRunId ?? randomUUID);
    } catch (error) {
      db.close();
      if (error instanceof AuditorError) throw error;
      if (isSqliteCorruption(error)) throw new CacheDamagedError(label, corruptionReason(error), error);
      throw new CacheUnavailableError(label, messageOf(error), error);
    }
  }

  /**
   * The narrow handle for stores of capabilities that keep their own tables in this file (review's
   * flags and notes: main/review/sqlite-review-store.ts). Statements and transactions only.
   */
  database(): CacheDatabase {
    return this.narrow;
  }

  /**
   * Registers a hook run inside every transaction that writes timeline pages, with the events it
   * inserted or changed (review keeps flags current this way). Returns the unregister function.
   */
  onEventsWritten(hook: EventsWrittenHook): () => void {
    this.writtenHooks.add(hook);
    return () => this.writtenHooks.delete(hook);
  }

  /** Registers a hook run inside every transaction that removes events (untracked records). */
  onEventsRemoved(hook: EventsRemovedHook): () => void {
    this.removedHooks.add(hook);
    return () => this.removedHooks.delete(hook);
  }

  private eventsWritten(eventRowids: readonly number[]): void {
    if (eventRowids.length === 0) return;
    for (const hook of this.writtenHooks) hook(this.narrow, { eventRowids });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
    if (this.filePath !== null) rmSync(openMarkerPath(this.filePath), { force: true });
  }

  /**
   * PRAGMA quick_check: every page and b-tree of the file is read and checked for structure (not
   * UNIQUE/index contents, which full integrity_check adds at several times the cost). A file too
   * damaged for the check itself to run counts as not ok.
   */
  integrityCheck(): IntegrityCheckResult {
    const started = performance.now();
    let lines: string[];
    try {
      // A row may hold several lines; the "*** in database main ***" header says nothing to a person.
      lines = (this.db.pragma('quick_check(20)') as Array<{ quick_check: string }>)
        .flatMap((row) => row.quick_check.split('\n'))
        .map((line) => line.trim())
        .filter((line) => line !== '' && !/^\*\*\* in database/.test(line));
    } catch (error) {
      if (!isSqliteCorruption(error)) throw error;
      lines = [corruptionReason(error)];
    }
    const ms = Math.round(performance.now() - started);
    return lines.length === 1 && lines[0] === 'ok' ? { ok: true, ms } : { ok: false, problems: lines, ms };
  }

  /** The schema version of the open file (PRAGMA user_version). */
  schemaVersion(): number {
    return schemaVersion(this.db);
  }

  /**
   * Query SQL is built from the filter's shape (which dimensions, how many values), so the same few
   * shapes recur: their prepared statements are kept (up to 100, oldest dropped first).
   */
  private query<Row>(sql: string): Statement<unknown[], Row> {
    let statement = this.queryStatements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.queryStatements.set(sql, statement);
      if (this.queryStatements.size > 100) {
        const oldest = this.queryStatements.keys().next().value;
        if (oldest !== undefined) this.queryStatements.delete(oldest);
      }
    }
    return statement as Statement<unknown[], Row>;
  }

  /** Runs `work` in one IMMEDIATE transaction; in-memory lookups are dropped when it rolls back. */
  private write<T>(work: () => T): T {
    try {
      return this.db.transaction(work).immediate();
    } catch (error) {
      this.pickListIds.clear();
      this.pickListValues.clear();
      this.seenUsers.clear();
      throw error;
    }
  }

  // ---- SyncStore: records ------------------------------------------------------------------

  trackRecords(records: ReadonlyArray<RecordKey & { name?: string | null }>): void {
    this.write(() => {
      for (const record of records) this.statements.trackRecord.run(record.module, record.recordId, record.name ?? null);
    });
  }

  /**
   * Stops tracking records and deletes their cached timelines: an event goes only when no other
   * tracked record's timeline shows it (a Note's event stays while its parent Lead is tracked).
   * Returns how many records were removed.
   */
  untrackRecords(records: readonly RecordKey[]): number {
    if (records.length === 0) return 0;
    const keys = JSON.stringify(records.map((key) => ({ module: key.module, recordId: key.recordId })));
    return this.write(() => {
      const rowids = this.db.prepare(`SELECT r.id FROM json_each(?) j JOIN records r ON r.module = j.value ->> '$.module' AND r.record_id = j.value ->> '$.recordId'`).pluck().all(keys) as number[];
      if (rowids.length === 0) return 0;
      const list = JSON.stringify(rowids);
      const orphaned = this.db
        .prepare(
          `SELECT DISTINCT te.event_rowid FROM timeline_events te
           WHERE te.record_rowid IN (SELECT value FROM json_each(?))
             AND NOT EXISTS (SELECT 1 FROM timeline_events other
                             WHERE other.event_rowid = te.event_rowid AND other.record_rowid NOT IN (SELECT value FROM json_each(?)))`,
        )
        .pluck()
        .all(list, list) as number[];
      const orphanList = JSON.stringify(orphaned);
      this.db.prepare('DELETE FROM events_fts WHERE rowid IN (SELECT value FROM json_each(?))').run(orphanList);
      this.db.prepare('DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))').run(orphanList);
      this.db.prepare('DELETE FROM records WHERE id IN (SELECT value FROM json_each(?))').run(list);
      if (orphaned.length > 0) for (const hook of this.removedHooks) hook(this.narrow, { eventRowids: orphaned });
      return rowids.length;
    });
  }

  recordState(key: RecordKey): RecordSyncState | undefined {
    const row = this.statements.recordByKey.get(key.module, key.recordId);
    return row === undefined ? undefined : toRecordState(row);
  }

  /**
   * The states of these records, in their order (undefined for one not tracked): one statement for
   * all — an export of 30,000 records looked each up alone (~0.5 s, twice per export).
   */
  recordStatesOf(keys: readonly RecordKey[]): Array<RecordSyncState | undefined> {
    const rows = this.statements.recordsByKeys.all(JSON.stringify(keys.map((key) => [key.module, key.recordId])));
    const states = new Array<RecordSyncState | undefined>(keys.length);
    for (const row of rows) states[row.position] = toRecordState(row);
    return states;
  }

  listRecordStates(): RecordSyncState[] {
    return this.statements.allRecords.all().map(toRecordState);
  }

  beginRecordSync(key: RecordKey, mode: 'full' | 'incremental', filter: string | null = null): void {
    this.write(() => {
      const rowid = this.ensureRecord(key);
      this.statements.beginSync.run(mode, filter, rowid);
    });
  }

  writeTimelinePage(key: RecordKey, entries: readonly TimelineEntry[], nextPageToken: string | null): { inserted: number } {
    return this.write(() => {
      const written: number[] = [];
      const inserted = this.ingestPage(key, entries, nextPageToken, written);
      this.eventsWritten(written);
      return { inserted };
    });
  }

  /**
   * Many pages in ONE transaction (imports, benchmarks): same effect as writeTimelinePage for each.
   * With `deferIndexes`, the time-ordered secondary indexes on events are dropped first and rebuilt
   * (sorted, in one pass each) before the commit — much faster when the batch is large compared
   * with what the cache holds; all or nothing as ever (a failure rolls the indexes back too).
   *
   * With `directWrite`, a load into a file that holds no events yet runs with a rollback journal
   * instead of the WAL (see bulkLoadSettings): every byte is written once instead of WAL +
   * checkpoint. A crash at any point before the commit loses the whole load and leaves the file
   * exactly as it was.
   */
  bulkIngest(pages: Iterable<TimelinePageWrite>, options: { deferIndexes?: boolean; directWrite?: boolean } = {}): { inserted: number; pages: number } {
    const restore = this.bulkLoadSettings(options.directWrite === true);
    try {
      return this.write(() => {
        const deferred = options.deferIndexes === true ? this.dropEventIndexes() : [];
        let inserted = 0;
        let count = 0;
        const written: number[] = [];
        for (const page of pages) {
          inserted += this.ingestPage(page.key, page.entries, page.nextPageToken, written);
          count += 1;
        }
        for (const sql of deferred) this.db.exec(sql);
        // Once for the whole batch, after the indexes are back: hooks see every event of it.
        this.eventsWritten(written);
        return { inserted, pages: count };
      });
    } finally {
      restore();
    }
  }

  /**
   * Connection settings for one bulk load (they cannot change inside a transaction, so they are
   * set before it and restored after it); returns the function that restores them.
   *
   * - directWrite and a fresh file (no events yet): journal_mode = DELETE with synchronous = FULL. In WAL mode a
   *   1.5 GB load is written twice (into the WAL, then checkpointed into the file: ~9 s of 48 s at
   *   1M events). A rollback journal saves only the ORIGINAL content of pages that existed before
   *   the load (a few schema pages here; pages appended past the old end of file need no copy) and
   *   is fsynced before the file is touched, so a process crash or power cut before the commit
   *   finishes leaves a hot journal that the next open rolls back (its first read does it): the
   *   file returns to its pre-load state, never half-written. After the load the connection goes
   *   back to WAL. If another connection has the file open, SQLite refuses the switch and the
   *   load simply runs in WAL mode.
   * - Otherwise: stays in WAL (for a file with events, a rollback journal would copy every existing
   *   page the load touches), with a 512 MiB page cache, since reading evicted pages back through
   *   the WAL index is what made the 64 MiB default slow (~48 s -> ~41 s at 1M events).
   */
  private bulkLoadSettings(directWrite: boolean): () => void {
    // Foreign keys: every child row the ingest writes (raw JSON, links, field changes) takes its
    // parent's rowid straight from the insert or look-up just before it, in the same transaction,
    // and the ingest deletes nothing that cascades; the ~5 parent look-ups per event buy nothing here.
    const foreignKeys = Number(this.db.pragma('foreign_keys', { simple: true }));
    if (foreignKeys === 1) this.db.pragma('foreign_keys = OFF');
    const restoreKeys = (): void => {
      if (foreignKeys === 1) this.db.pragma('foreign_keys = ON');
    };
    if (this.filePath === null) return restoreKeys;
    const fresh = directWrite && this.db.prepare('SELECT 1 FROM events LIMIT 1').get() === undefined;
    if (fresh && this.switchJournal('delete')) {
      const synchronous = Number(this.db.pragma('synchronous', { simple: true }));
      this.db.pragma('synchronous = FULL');
      return () => {
        this.db.pragma(`synchronous = ${synchronous}`);
        // Committed or rolled back, the file is consistent in either mode; open() sets WAL anyway.
        this.switchJournal('wal');
        restoreKeys();
      };
    }
    const cacheSize = Number(this.db.pragma('cache_size', { simple: true }));
    // Negative cache_size is KiB, positive is pages.
    const cacheBytes = cacheSize < 0 ? -cacheSize * 1024 : cacheSize * Number(this.db.pragma('page_size', { simple: true }));
    if (cacheBytes >= BULK_WAL_CACHE_MIB * 1024 * 1024) return restoreKeys;
    this.db.pragma(`cache_size = ${-BULK_WAL_CACHE_MIB * 1024}`);
    return () => {
      this.db.pragma(`cache_size = ${cacheSize}`);
      restoreKeys();
    };
  }

  /** Sets journal_mode; false when SQLite kept the old mode (e.g. another connection has the file open). */
  private switchJournal(mode: 'delete' | 'wal'): boolean {
    try {
      return String(this.db.pragma(`journal_mode = ${mode.toUpperCase()}`, { simple: true })).toLowerCase() === mode;
    } catch {
      return false;
    }
  }

  /** Drops events' explicit indexes (not the event_id key ingest looks up by); returns their SQL. */
  private dropEventIndexes(): string[] {
    const indexes = this.db.prepare<[], { name: string; sql: string }>(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name`).all();
    for (const index of indexes) this.db.exec(`DROP INDEX "${index.name.replace(/"/g, '""')}"`);
    return indexes.map((index) => index.sql);
  }

  completeRecordSync(key: RecordKey, at: number): void {
    this.write(() => {
      this.ensureRecord(key);
      this.statements.completeSync.run(at, key.module, key.recordId);
    });
  }

  failRecordSync(key: RecordKey, error: { code: string; message: string }, at: number): void {
    this.write(() => {
      this.ensureRecord(key);
      this.statements.failSync.run(error.code, error.message, at, key.module, key.recordId);
    });
  }

  clearResumeToken(key: RecordKey): void {
    this.write(() => {
      this.statements.clearToken.run(key.module, key.recordId);
    });
  }

  private ensureRecord(key: RecordKey): number {
    const known = this.statements.recordIdByKey.get(key.module, key.recordId);
    if (known !== undefined) return known.id;
    // Callers hold a write transaction, so the look-up above cannot race. A plain INSERT (no upsert,
    // no RETURNING) needs no statement journal: a statement that opens one makes FTS5 flush its
    // pending index data to disk, which turned every page of a bulk ingest into a small FTS segment.
    return Number(this.statements.insertRecord.run(key.module, key.recordId).lastInsertRowid);
  }

  /** Returns how many events were new to this record's timeline. Must run inside a transaction. */
  private ingestPage(key: RecordKey, entries: readonly TimelineEntry[], nextPageToken: string | null, written: number[]): number {
    const recordRowid = this.ensureRecord(key);
    let linked = 0;
    let newestMs: number | null = null;
    let newestText: string | null = null;
    let nameMs = -Infinity;
    let name: string | undefined;
    for (const entry of entries) {
      const event = entry.event;
      const ms = parseAuditedTime(event.audited_time);
      if (this.ingestEvent(recordRowid, entry, ms, written)) linked += 1;
      if (newestMs === null || ms > newestMs) {
        newestMs = ms;
        newestText = event.audited_time;
      }
      // The record's display name as of its newest event in the page, from whichever side names it.
      const self =
        event.record.module.api_name === key.module && event.record.id === key.recordId
          ? event.record
          : event.related_record !== null && event.related_record.module.api_name === key.module && event.related_record.id === key.recordId
            ? event.related_record
            : undefined;
      if (self !== undefined && self.name !== null && ms >= nameMs) {
        nameMs = ms;
        name = self.name;
      }
    }
    this.statements.afterPage.run({ linked, newestMs, newestText, token: nextPageToken, rowid: recordRowid });
    if (name !== undefined) this.statements.nameFromEvent.run({ name, ms: nameMs, rowid: recordRowid });
    return linked;
  }

  /** Pushes the event's rowid to `written` when it was inserted or its content changed. */
  private ingestEvent(recordRowid: number, entry: TimelineEntry, ms: number, written: number[]): boolean {
    const event = entry.event;
    // Zoho's text with every number as sent (json-body.ts); fixtures built from plain objects have none.
    const raw = entry.rawText ?? JSON.stringify(entry.raw);
    const changes = event.field_history ?? [];
    const columns = [
      event.audited_time,
      ms,
      event.action,
      event.source,
      event.done_by?.id ?? null,
      event.done_by?.name ?? null,
      event.record.module.api_name,
      event.record.id,
      event.record.name,
      event.related_record?.module.api_name ?? null,
      event.related_record?.id ?? null,
      event.related_record?.name ?? null,
      event.automation_details === null ? null : JSON.stringify(event.automation_details),
      changes.length,
      event.type ?? null,
      extensionText(event.extension),
    ];
    let rowid: number;
    // Insert first (the common case is a new event); the unique event_id turns a repeat into a no-op.
    const insert = this.statements.insertEvent.run(event.id, ...columns);
    if (insert.changes === 1) {
      rowid = Number(insert.lastInsertRowid);
      written.push(rowid);
      this.statements.insertRaw.run(rowid, raw);
      this.writeDetails(rowid, entry);
    } else {
      const existing = this.statements.eventByEventId.get(event.id);
      if (existing === undefined) throw new CacheMissingEntryError(`event ${event.id} after a conflicting insert`);
      rowid = existing.id;
      if (existing.raw_json !== raw) {
        // Zoho re-sent the event with different content (a renamed record, extra inner details): latest wins.
        this.statements.updateEvent.run(...columns, rowid);
        this.statements.updateRaw.run(raw, rowid);
        this.statements.deleteFieldChanges.run(rowid);
        this.statements.deleteFts.run(rowid);
        if (existing.audited_at_ms !== ms) this.statements.relinkTime.run(ms, rowid);
        this.writeDetails(rowid, entry);
        written.push(rowid);
      }
    }
    const doneBy = event.done_by;
    if (doneBy !== null && (this.seenUsers.get(doneBy.id) !== doneBy.name || !this.seenUsers.has(doneBy.id))) {
      this.statements.seenUser.run(doneBy.id, doneBy.name);
      this.seenUsers.set(doneBy.id, doneBy.name);
    }
    return this.statements.insertLink.run(recordRowid, rowid, ms).changes === 1;
  }

  private writeDetails(rowid: number, entry: TimelineEntry): void {
    const event = entry.event;
    const oldTexts: string[] = [];
    const newTexts: string[] = [];
    (event.field_history ?? []).forEach((change, ordinal) => {
      const oldText = textOf(change._value.old);
      const newText = textOf(change._value.new);
      if (oldText !== null) oldTexts.push(indexableText(oldText));
      if (newText !== null) newTexts.push(indexableText(newText));
      this.statements.insertFieldChange.run(
        rowid,
        ordinal,
        change.api_name,
        change.id ?? null,
        change.field_label ?? null,
        change.data_type ?? null,
        jsonOrNull(change._value.old),
        jsonOrNull(change._value.new),
        oldText,
        newText,
        change.enable_colour_code === null || change.enable_colour_code === undefined ? null : change.enable_colour_code ? 1 : 0,
        this.pickListId(change.pick_list_values),
      );
    });
    const names = [indexableText(event.record.name), indexableText(event.related_record?.name)].join('\n');
    this.statements.insertFts.run(rowid, names, indexableText(event.done_by?.name), oldTexts.join('\n'), newTexts.join('\n'));
  }

  private pickListId(values: PickListValue[] | null | undefined): number | null {
    if (values === null || values === undefined) return null;
    const json = JSON.stringify(values);
    const known = this.pickListIds.get(json);
    if (known !== undefined) return known;
    const id = this.statements.pickListByJson.get(json)?.id ?? this.statements.insertPickList.get(json)?.id;
    if (id === undefined) throw new CacheMissingEntryError('pick list row after inserting it');
    this.pickListIds.set(json, id);
    return id;
  }

  // ---- SyncStore: users and runs -----------------------------------------------------------

  upsertUsers(users: readonly ZohoUser[]): void {
    this.write(() => {
      for (const user of users) {
        const joined = [user.first_name, user.last_name].filter((part) => typeof part === 'string' && part !== '').join(' ');
        const name = user.full_name ?? (joined === '' ? null : joined);
        this.statements.upsertUser.run(user.id, name, user.email ?? null, user.profile?.name ?? null, user.profile?.id ?? null, user.status ?? null, JSON.stringify(user));
        this.seenUsers.delete(user.id);
      }
    });
  }

  /** Zoho's labels for the org's modules (GET /settings/modules), replacing those read before, in one transaction. */
  storeModuleLabels(labels: readonly ZohoModuleLabel[], at: number): void {
    this.write(() => {
      const db = this.database();
      db.prepare('DELETE FROM module_labels').run();
      const insert = db.prepare('INSERT OR REPLACE INTO module_labels (api_name, module_name, singular_label, plural_label, fetched_at) VALUES (?, ?, ?, ?, ?)');
      for (const label of labels) insert.run(label.apiName, label.moduleName, label.singularLabel, label.pluralLabel, at);
    });
  }

  /** Each module's plural label as the org names it, by API name; empty until a sync read them. */
  moduleLabels(): Record<string, string> {
    const rows = this.database().prepare<[], { api_name: string; plural_label: string }>('SELECT api_name, plural_label FROM module_labels ORDER BY api_name').all();
    return Object.fromEntries(rows.map((row) => [row.api_name, row.plural_label]));
  }

  createSyncRun(records: readonly RecordKey[], options: string, at: number): SyncRun {
    const id = this.newRunId();
    this.write(() => {
      this.statements.insertRun.run(id, at, options);
      records.forEach((key, ordinal) => this.statements.insertRunRecord.run(id, key.module, key.recordId, ordinal));
    });
    return { id, createdAt: at, options, status: 'running' };
  }

  latestUnfinishedSyncRun(): SyncRun | undefined {
    const row = this.statements.latestRunning.get();
    return row === undefined ? undefined : { id: row.id, createdAt: row.created_at, options: row.options, status: row.status };
  }

  syncRunRecords(runId: string): SyncRunRecord[] {
    if (this.statements.runExists.get(runId) === undefined) throw new CacheMissingEntryError(`sync run ${runId}`);
    return this.statements.runRecords.all(runId).map((row) => ({ module: row.module, recordId: row.record_id, status: row.status }));
  }

  markSyncRunRecord(runId: string, key: RecordKey, status: SyncRunRecord['status']): void {
    this.write(() => {
      const result = this.statements.markRunRecord.run(status, runId, key.module, key.recordId);
      if (result.changes === 0) throw new CacheMissingEntryError(`record ${key.module}/${key.recordId} in sync run ${runId}`);
    });
  }

  finishSyncRun(runId: string, status: 'cancelled' | 'done'): void {
    this.write(() => {
      if (this.statements.finishRun.run(status, runId).changes === 0) throw new CacheMissingEntryError(`sync run ${runId}`);
    });
  }

  // ---- review queries ----------------------------------------------------------------------

  /** Events matching `filter`, ordered by audited time (ties by storage order), with their field changes. */
  queryEvents(filter: EventFilter = {}, options: QueryOptions = {}): CachedEvent[] {
    const { where, params } = buildEventCondition(filter);
    const direction = options.direction === 'asc' ? 'ASC' : 'DESC';
    const limit = Math.max(0, Math.trunc(options.limit ?? 100));
    const offset = Math.max(0, Math.trunc(options.offset ?? 0));
    const rawColumn = options.includeRaw === true ? `, ${RAW_COLUMN}` : '';
    const rows = this.query<EventRow>(
      `SELECT ${EVENT_COLUMNS}${rawColumn} FROM events e WHERE ${where}
         ORDER BY e.audited_at_ms ${direction}, e.id ${direction} LIMIT ? OFFSET ?`,
    ).all(...params, limit, offset);
    return this.toCachedEvents(rows);
  }

  countEvents(filter: EventFilter = {}): number {
    // Records alone (an export's count): the distinct events of their timelines, without visiting
    // each event's row — 0.24-0.32 s instead of 0.43-0.97 s for a million events in 30,000 records.
    if (filter.records !== undefined && filter.records.length > 0 && Object.entries(filter).every(([name, value]) => name === 'records' || value === undefined)) {
      return this.query<{ n: number }>(`SELECT count(DISTINCT te.event_rowid) AS n FROM timeline_events te WHERE te.record_rowid IN (${RECORD_ROWIDS_OF_KEYS})`).get(recordKeysJson(filter.records))?.n ?? 0;
    }
    const { where, params } = buildEventCondition(filter);
    const row = this.query<{ n: number }>(`SELECT count(*) AS n FROM events e WHERE ${where}`).get(...params);
    return row?.n ?? 0;
  }

  /**
   * Runs one pass over a scope that may be huge (an export's count, its review section) with the
   * small page cache export reads use and SQLite's sorts in files: such a pass over a million events
   * otherwise fills the 64 MiB page cache and in-memory temp b-trees with data read once — memory the
   * process then keeps (measured with the export CLI, docs/benchmarks.md).
   */
  withBoundedMemory<T>(work: () => T): T {
    holdSmallCache(this.db);
    try {
      return withSortsOnDisk(this.db, work);
    } finally {
      releaseSmallCache(this.db);
    }
  }

  /** countEvents in bounded memory (withBoundedMemory). */
  countEventsOnce(filter: EventFilter = {}): number {
    return this.withBoundedMemory(() => this.countEvents(filter));
  }

  /** One event with its field changes and raw JSON; undefined when not cached. */
  getEvent(eventId: string): CachedEvent | undefined {
    const row = this.statements.eventByEventIdFull.get(eventId);
    return row === undefined ? undefined : this.toCachedEvents([row])[0];
  }

  /** Zoho's object for the event exactly as stored (the text written at ingest). */
  getRawEvent(eventId: string): string | undefined {
    return this.statements.rawByEventId.get(eventId)?.raw_json;
  }

  /**
   * One forward pass over an export's events (main/cache/export-read.ts): the scope worked out once,
   * then read page by page in (audited time, storage order) with each event's raw JSON and owner.
   * Close it when the pass ends (it holds a temporary table until then).
   */
  openExportRead(request: ExportReadRequest): ExportRead {
    return new ExportRead(this.db, request, this.filePath);
  }

  /** The tracked records whose timelines showed this event. */
  timelinesOf(eventId: string): RecordKey[] {
    return this.statements.timelinesOf.all(eventId).map((row) => ({ module: row.module, recordId: row.record_id }));
  }

  heatmap(filter: EventFilter, kind: 'user-hour-of-week', options?: HeatmapOptions): HourOfWeekCell[];
  heatmap(filter: EventFilter, kind: 'source-day', options?: HeatmapOptions): SourceDayCell[];
  heatmap(filter: EventFilter, kind: 'user-source', options?: HeatmapOptions): UserSourceCell[];
  heatmap(filter: EventFilter, kind: HeatmapKind, options?: HeatmapOptions): HeatmapCell[];
  heatmap(filter: EventFilter, kind: HeatmapKind, options: HeatmapOptions = {}): HeatmapCell[] {
    const { where, params } = buildEventCondition(filter);
    const timeZone = options.timeZone ?? 'UTC';
    zoneClock(timeZone); // an unknown zone fails here, in plain words, not inside SQLite
    // Grouping by (user, source) walks events_user_source_time in order, with no sort step; the
    // time buckets are binned inside the group by the aggregates registered in registerFunctions.
    switch (kind) {
      case 'user-hour-of-week': {
        const rows = this.query<{ y: string; hours: string }>(
          // System actions (no user) form one row keyed by the empty id, as in the export's statistics.
          `SELECT coalesce(e.done_by_id, '') AS y, ta_hours_of_week(e.audited_at_ms, ?) AS hours
             FROM events e WHERE ${where} GROUP BY e.done_by_id ORDER BY e.done_by_id`,
        ).all(timeZone, ...params);
        const cells: HourOfWeekCell[] = [];
        for (const row of rows) {
          (JSON.parse(row.hours) as number[]).forEach((count, hour) => {
            if (count > 0) cells.push({ x: hour, y: row.y, count });
          });
        }
        return cells;
      }
      case 'source-day': {
        const rows = this.query<{ y: string | null; days: string }>(
          `SELECT e.source AS y, ta_days(e.audited_at_ms, ?) AS days
             FROM events e WHERE ${where} GROUP BY e.done_by_id, e.source`,
        ).all(timeZone, ...params);
        const bySource = new Map<string, Map<number, number>>();
        for (const row of rows) {
          const source = row.y ?? '';
          let days = bySource.get(source);
          if (days === undefined) {
            days = new Map();
            bySource.set(source, days);
          }
          for (const [day, count] of JSON.parse(row.days) as Array<[number, number]>) days.set(day, (days.get(day) ?? 0) + count);
        }
        const cells: SourceDayCell[] = [];
        const dates = new Map<number, string>();
        for (const source of [...bySource.keys()].sort(compareText)) {
          const days = bySource.get(source) ?? new Map<number, number>();
          for (const day of [...days.keys()].sort((a, b) => a - b)) {
            let date = dates.get(day);
            if (date === undefined) {
              date = dayNumberToDate(day);
              dates.set(day, date);
            }
            cells.push({ x: date, y: source, count: days.get(day) ?? 0 });
          }
        }
        return cells;
      }
      case 'user-source': {
        const rows = this.query<{ x: string | null; y: string; count: number }>(
          `SELECT e.source AS x, coalesce(e.done_by_id, '') AS y, count(*) AS count
             FROM events e WHERE ${where} GROUP BY e.done_by_id, e.source ORDER BY e.done_by_id, e.source`,
        ).all(...params);
        return rows.map((row) => ({ x: row.x ?? '', y: row.y, count: row.count }));
      }
    }
  }

  users(): CachedUser[] {
    return this.statements.allUsers.all().map((row) => ({
      id: row.id,
      name: row.name,
      email: row.email,
      profileName: row.profile_name,
      status: row.status,
      inDirectory: row.in_directory === 1,
    }));
  }

  /**
   * The users directory for an audit packet: Zoho's user objects as received where the user list was
   * fetched, and a minimal {id, full_name} for users known only from events' done_by.
   */
  usersDirectory(): ZohoUser[] {
    const rows = this.db.prepare('SELECT id, name, email, status, raw_json FROM users ORDER BY id').all() as Array<{ id: string; name: string | null; email: string | null; status: string | null; raw_json: string | null }>;
    return rows.map((row) => (row.raw_json !== null ? (JSON.parse(row.raw_json) as ZohoUser) : { id: row.id, full_name: row.name, email: row.email, status: row.status }));
  }

  /** The user's name from Zoho's user list, else as last seen on an event; undefined when unknown. */
  userName(id: string): string | undefined {
    return this.statements.userName.get(id)?.name ?? undefined;
  }

  stats(): CacheStats {
    let fileBytes: number;
    if (this.filePath === null) {
      fileBytes = Number(this.db.pragma('page_count', { simple: true })) * Number(this.db.pragma('page_size', { simple: true }));
    } else {
      fileBytes = statSync(this.filePath).size;
      try {
        fileBytes += statSync(`${this.filePath}-wal`).size;
      } catch {
        // No write-ahead log at the moment.
      }
    }
    return {
      events: this.statements.countEvents.get()?.n ?? 0,
      records: this.statements.countRecords.get()?.n ?? 0,
      users: this.statements.countUsers.get()?.n ?? 0,
      fileBytes,
    };
  }

  /** The connection's settings, for tests and the About screen. */
  diagnostics(): { schemaVersion: number; journalMode: string; foreignKeys: boolean; busyTimeoutMs: number; sqliteVersion: string } {
    return {
      schemaVersion: schemaVersion(this.db),
      journalMode: String(this.db.pragma('journal_mode', { simple: true })),
      foreignKeys: Number(this.db.pragma('foreign_keys', { simple: true })) === 1,
      busyTimeoutMs: Number(this.db.pragma('busy_timeout', { simple: true })),
      sqliteVersion: String(this.db.prepare('SELECT sqlite_version() AS v').pluck().get()),
    };
  }

  /**
   * After a large sync or import: refreshes the planner's statistics (PRAGMA optimize) and folds
   * the write-ahead log back into the file, truncating it (a big transaction leaves a big WAL).
   */
  optimize(): void {
    this.db.pragma('optimize');
    if (this.filePath !== null) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  private toCachedEvents(rows: readonly EventRow[]): CachedEvent[] {
    if (rows.length === 0) return [];
    const changesByEvent = new Map<number, CachedFieldChange[]>();
    const ids = rows.map((row) => row.id);
    const changeRows = this.query<FieldChangeRow>(
      `SELECT fc.event_rowid, fc.api_name, fc.field_id, fc.field_label, fc.data_type, fc.old_json, fc.new_json,
           fc.old_text, fc.new_text, fc.enable_colour_code, fc.pick_list_id
         FROM json_each(?) j JOIN field_changes fc ON fc.event_rowid = j.value ORDER BY fc.event_rowid, fc.ordinal`,
    ).all(JSON.stringify(ids));
    for (const row of changeRows) {
      let list = changesByEvent.get(row.event_rowid);
      if (list === undefined) {
        list = [];
        changesByEvent.set(row.event_rowid, list);
      }
      list.push({
        apiName: row.api_name,
        fieldId: row.field_id,
        fieldLabel: row.field_label,
        dataType: row.data_type,
        oldValue: row.old_json === null ? null : (JSON.parse(row.old_json) as JsonValue),
        newValue: row.new_json === null ? null : (JSON.parse(row.new_json) as JsonValue),
        oldText: row.old_text,
        newText: row.new_text,
        enableColourCode: row.enable_colour_code === null ? null : row.enable_colour_code === 1,
        pickListValues: row.pick_list_id === null ? null : this.pickList(row.pick_list_id),
      });
    }
    return rows.map((row) => {
      const event: CachedEvent = {
        eventId: row.event_id,
        auditedTime: row.audited_time,
        auditedAtMs: row.audited_at_ms,
        action: row.action,
        source: row.source,
        doneBy: row.done_by_id === null ? null : { id: row.done_by_id, name: row.done_by_name },
        timelineType: row.event_type,
        extension: row.extension,
        record: { module: row.record_module, id: row.record_id, name: row.record_name },
        relatedRecord: row.related_module === null || row.related_id === null ? null : { module: row.related_module, id: row.related_id, name: row.related_name },
        automation: row.automation_json === null ? null : (JSON.parse(row.automation_json) as JsonObject),
        fieldChanges: changesByEvent.get(row.id) ?? [],
      };
      if (row.raw_json !== undefined) event.raw = row.raw_json;
      return event;
    });
  }

  private pickList(id: number): PickListValue[] {
    const known = this.pickListValues.get(id);
    if (known !== undefined) return known;
    const row = this.statements.pickListById.get(id);
    const values = row === undefined ? [] : (JSON.parse(row.json) as PickListValue[]);
    this.pickListValues.set(id, values);
    return values;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * SQL aggregates that bin timestamps inside a GROUP BY, so a heatmap over a million events is one
 * index walk without the sort a `GROUP BY user, <time expression>` would need, and the scalar the
 * hour-of-week filter uses. All take the event's UTC ms and a zone name; the bucketing is
 * core/zoned-time's (the offset at each instant), the same the PDF's heatmaps use.
 */
function registerFunctions(db: SqliteDatabase): void {
  // @types/better-sqlite3 types step() with one argument; SQLite passes every argument of the call.
  type AggregateRegistration = (name: string, options: { start: () => unknown; step: (...args: never[]) => void; result: (state: never) => string; deterministic: boolean }) => void;
  const aggregate = db.aggregate.bind(db) as unknown as AggregateRegistration;
  db.function('ta_hour_of_week', { deterministic: true }, (ms: unknown, zone: unknown) => zoneClock(String(zone)).hourOfWeek(Number(ms)));
  aggregate('ta_hours_of_week', {
    deterministic: true,
    start: () => new Array<number>(168).fill(0),
    step: (hours: number[], ms: number, zone: string) => {
      const hour = zoneClock(zone).hourOfWeek(ms);
      hours[hour] = (hours[hour] ?? 0) + 1;
    },
    result: (hours: number[]) => JSON.stringify(hours),
  });
  aggregate('ta_days', {
    deterministic: true,
    start: () => ({ days: [] as number[], counts: [] as number[], positions: new Map<number, number>(), lastDay: Number.NaN, lastPosition: -1 }),
    step: (state: DayBins, ms: number, zone: string) => {
      const day = zoneClock(zone).dayNumber(ms);
      // Rows of one (user, source) group arrive in time order from the index: mostly the same day
      // as the previous row, so the map is consulted only when the day changes.
      if (day !== state.lastDay) {
        let position = state.positions.get(day);
        if (position === undefined) {
          position = state.days.length;
          state.days.push(day);
          state.counts.push(0);
          state.positions.set(day, position);
        }
        state.lastDay = day;
        state.lastPosition = position;
      }
      state.counts[state.lastPosition] = (state.counts[state.lastPosition] ?? 0) + 1;
    },
    result: (state: DayBins) => JSON.stringify(state.days.map((day, index) => [day, state.counts[index] ?? 0])),
  });
}

interface DayBins {
  days: number[];
  counts: number[];
  positions: Map<number, number>;
  lastDay: number;
  lastPosition: number;
}

function toRecordState(row: RecordRow): RecordSyncState {
  return {
    module: row.module,
    recordId: row.record_id,
    name: row.name,
    freshness: row.freshness,
    eventCount: row.event_count,
    newestAuditedTime: row.newest_audited_time,
    lastSyncedAt: row.last_synced_at,
    lastError: row.last_error_code === null ? null : { code: row.last_error_code, message: row.last_error_message ?? '' },
    resumePageToken: row.resume_page_token,
    syncMode: row.sync_mode,
    pagesThisSync: row.sync_pages,
    lastSyncPages: row.last_sync_pages,
    lastSyncMode: row.last_sync_mode,
    syncFilter: row.sync_filter,
    lastSyncFilter: row.last_sync_filter,
  };
}

function prepareStatements(db: SqliteDatabase) {
  return {
    recordByKey: db.prepare<[string, string], RecordRow>('SELECT * FROM records WHERE module = ? AND record_id = ?'),
    recordIdByKey: db.prepare<[string, string], { id: number }>('SELECT id FROM records WHERE module = ? AND record_id = ?'),
    allRecords: db.prepare<[], RecordRow>('SELECT * FROM records ORDER BY module, record_id'),
    recordsByKeys: db.prepare<[string], RecordRow & { position: number }>(`SELECT r.*, j.key AS position FROM json_each(?) j JOIN records r ON r.module = j.value ->> 0 AND r.record_id = j.value ->> 1`),
    insertRecord: db.prepare<[string, string], unknown>('INSERT INTO records (module, record_id) VALUES (?, ?)'),
    trackRecord: db.prepare<[string, string, string | null], unknown>(
      `INSERT INTO records (module, record_id, name) VALUES (?, ?, ?)
       ON CONFLICT (module, record_id) DO UPDATE SET
         name = coalesce(excluded.name, records.name),
         name_seen_at_ms = CASE WHEN excluded.name IS NULL THEN records.name_seen_at_ms ELSE NULL END`,
    ),
    // A sync that continues from a resume token keeps counting its pages; one from page one starts at 0.
    beginSync: db.prepare<[string, string | null, number], unknown>(`UPDATE records SET freshness = 'syncing', sync_mode = ?, sync_filter = ?, sync_pages = CASE WHEN resume_page_token IS NULL THEN 0 ELSE sync_pages END WHERE id = ?`),
    completeSync: db.prepare<[number, string, string], unknown>(
      `UPDATE records SET freshness = 'fresh', last_synced_at = ?, resume_page_token = NULL, last_sync_pages = sync_pages, last_sync_mode = coalesce(sync_mode, 'full'), sync_mode = NULL,
         last_sync_filter = sync_filter, sync_filter = NULL,
         last_error_code = NULL, last_error_message = NULL WHERE module = ? AND record_id = ?`,
    ),
    failSync: db.prepare<[string, string, number, string, string], unknown>(
      `UPDATE records SET freshness = 'failed', last_error_code = ?, last_error_message = ?, last_failed_at = ?
       WHERE module = ? AND record_id = ?`,
    ),
    clearToken: db.prepare<[string, string], unknown>('UPDATE records SET resume_page_token = NULL, sync_pages = 0 WHERE module = ? AND record_id = ?'),
    afterPage: db.prepare<[{ linked: number; newestMs: number | null; newestText: string | null; token: string | null; rowid: number }], unknown>(
      `UPDATE records SET
       event_count = event_count + @linked,
       newest_audited_time = CASE WHEN @newestMs IS NOT NULL AND (newest_audited_at_ms IS NULL OR @newestMs > newest_audited_at_ms)
         THEN @newestText ELSE newest_audited_time END,
       newest_audited_at_ms = CASE WHEN @newestMs IS NOT NULL AND (newest_audited_at_ms IS NULL OR @newestMs > newest_audited_at_ms)
         THEN @newestMs ELSE newest_audited_at_ms END,
       resume_page_token = @token,
       sync_pages = sync_pages + 1
     WHERE id = @rowid`,
    ),
    nameFromEvent: db.prepare<[{ name: string; ms: number; rowid: number }], unknown>(
      `UPDATE records SET name = @name, name_seen_at_ms = @ms
     WHERE id = @rowid AND (name IS NULL OR (name_seen_at_ms IS NOT NULL AND name_seen_at_ms <= @ms))`,
    ),
    eventByEventId: db.prepare<[string], { id: number; raw_json: string; audited_at_ms: number }>('SELECT e.id, r.raw_json, e.audited_at_ms FROM events e JOIN event_raw r ON r.event_rowid = e.id WHERE e.event_id = ?'),
    insertEvent: db.prepare<unknown[], unknown>(
      `INSERT INTO events (event_id, audited_time, audited_at_ms, action, source, done_by_id, done_by_name,
         record_module, record_id, record_name, related_module, related_id, related_name, automation_json, field_count, event_type, extension)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (event_id) DO NOTHING`,
    ),
    updateEvent: db.prepare<unknown[], unknown>(
      `UPDATE events SET audited_time = ?, audited_at_ms = ?, action = ?, source = ?, done_by_id = ?, done_by_name = ?,
         record_module = ?, record_id = ?, record_name = ?, related_module = ?, related_id = ?, related_name = ?,
         automation_json = ?, field_count = ?, event_type = ?, extension = ? WHERE id = ?`,
    ),
    insertRaw: db.prepare<[number, string], unknown>('INSERT INTO event_raw (event_rowid, raw_json) VALUES (?, ?)'),
    updateRaw: db.prepare<[string, number], unknown>('UPDATE event_raw SET raw_json = ? WHERE event_rowid = ?'),
    relinkTime: db.prepare<[number, number], unknown>('UPDATE timeline_events SET audited_at_ms = ? WHERE event_rowid = ?'),
    insertLink: db.prepare<[number, number, number], unknown>('INSERT OR IGNORE INTO timeline_events (record_rowid, event_rowid, audited_at_ms) VALUES (?, ?, ?)'),
    insertFieldChange: db.prepare<unknown[], unknown>(
      `INSERT INTO field_changes (event_rowid, ordinal, api_name, field_id, field_label, data_type,
         old_json, new_json, old_text, new_text, enable_colour_code, pick_list_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    deleteFieldChanges: db.prepare<[number], unknown>('DELETE FROM field_changes WHERE event_rowid = ?'),
    pickListByJson: db.prepare<[string], { id: number }>('SELECT id FROM pick_lists WHERE json = ?'),
    insertPickList: db.prepare<[string], { id: number }>('INSERT INTO pick_lists (json) VALUES (?) RETURNING id'),
    pickListById: db.prepare<[number], { json: string }>('SELECT json FROM pick_lists WHERE id = ?'),
    insertFts: db.prepare<[number, string, string, string, string], unknown>('INSERT INTO events_fts (rowid, record_names, done_by_name, old_values, new_values) VALUES (?, ?, ?, ?, ?)'),
    deleteFts: db.prepare<[number], unknown>('DELETE FROM events_fts WHERE rowid = ?'),
    seenUser: db.prepare<[string, string | null], unknown>(
      `INSERT INTO users (id, name) VALUES (?, ?)
       ON CONFLICT (id) DO UPDATE SET name = coalesce(excluded.name, users.name) WHERE users.in_directory = 0`,
    ),
    upsertUser: db.prepare<unknown[], unknown>(
      `INSERT INTO users (id, name, email, profile_name, profile_id, status, in_directory, raw_json)
       VALUES (?, ?, ?, ?, ?, ?, 1, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, profile_name = excluded.profile_name,
         profile_id = excluded.profile_id, status = excluded.status, in_directory = 1, raw_json = excluded.raw_json`,
    ),
    allUsers: db.prepare<[], { id: string; name: string | null; email: string | null; profile_name: string | null; status: string | null; in_directory: number }>(
      'SELECT id, name, email, profile_name, status, in_directory FROM users ORDER BY name COLLATE NOCASE, id',
    ),
    userName: db.prepare<[string], { name: string | null }>('SELECT name FROM users WHERE id = ?'),
    insertRun: db.prepare<[string, number, string], unknown>(`INSERT INTO sync_runs (id, created_at, options, status) VALUES (?, ?, ?, 'running')`),
    insertRunRecord: db.prepare<[string, string, string, number], unknown>('INSERT OR IGNORE INTO sync_run_records (run_id, module, record_id, ordinal) VALUES (?, ?, ?, ?)'),
    latestRunning: db.prepare<[], SyncRunRow>(`SELECT id, created_at, options, status FROM sync_runs WHERE status = 'running' ORDER BY created_at DESC, rowid DESC LIMIT 1`),
    runExists: db.prepare<[string], { id: string }>('SELECT id FROM sync_runs WHERE id = ?'),
    runRecords: db.prepare<[string], { module: string; record_id: string; status: SyncRunRecord['status'] }>('SELECT module, record_id, status FROM sync_run_records WHERE run_id = ? ORDER BY ordinal'),
    markRunRecord: db.prepare<[string, string, string, string], unknown>('UPDATE sync_run_records SET status = ? WHERE run_id = ? AND module = ? AND record_id = ?'),
    finishRun: db.prepare<[string, string], unknown>('UPDATE sync_runs SET status = ? WHERE id = ?'),
    rawByEventId: db.prepare<[string], { raw_json: string }>('SELECT r.raw_json FROM events e JOIN event_raw r ON r.event_rowid = e.id WHERE e.event_id = ?'),
    eventByEventIdFull: db.prepare<[string], EventRow>(`SELECT ${EVENT_COLUMNS}, ${RAW_COLUMN} FROM events e WHERE e.event_id = ?`),
    timelinesOf: db.prepare<[string], { module: string; record_id: string }>(
      `SELECT r.module, r.record_id FROM events e JOIN timeline_events te ON te.event_rowid = e.id
       JOIN records r ON r.id = te.record_rowid WHERE e.event_id = ? ORDER BY r.module, r.record_id`,
    ),
    countEvents: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM events'),
    countRecords: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM records'),
    countUsers: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;
