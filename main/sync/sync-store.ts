/**
 * What the sync engine needs from the local cache. main/cache's TimelineCache implements it on
 * SQLite; the engine (main/sync) depends on this interface only.
 *
 * Awaitable: every method may answer at once (TimelineCache, synchronous better-sqlite3) or with a
 * promise (a proxy to the data worker across a worker_threads boundary); the engine always awaits.
 * Calls for one record are made one after another (never two writes of a record at once), in order.
 *
 * Durability contract: every method that writes commits before it returns (one SQLite transaction
 * each), so a process killed at any instant leaves the cache at a state some earlier call left it in.
 */
import type { TimelineEntry, ZohoUser } from '../zoho/models.js';

export interface RecordKey {
  /** Module API name as Zoho spells it (Leads, Deals, a custom module's API name). */
  module: string;
  recordId: string;
}

export type RecordFreshness = 'never' | 'syncing' | 'fresh' | 'stale' | 'failed';

export interface RecordSyncState extends RecordKey {
  /** Display name as last seen in a timeline event or a record listing; null until known. */
  name: string | null;
  freshness: RecordFreshness;
  /** Events cached for this record. */
  eventCount: number;
  /** The newest audited_time cached for the record (ISO 8601 as Zoho sent it), for incremental re-sync. */
  newestAuditedTime: string | null;
  /** When the last complete sync of this record finished (ms since epoch). */
  lastSyncedAt: number | null;
  /** Why the last attempt failed, in plain words (freshness 'failed'). */
  lastError: { code: string; message: string } | null;
  /** The next_page_token to continue an interrupted sync with; null when none is in progress. */
  resumePageToken: string | null;
  /** 'full' or 'incremental' for the sync in progress (when resumePageToken or freshness 'syncing'). */
  syncMode: 'full' | 'incremental' | null;
  /** Pages written by the sync in progress (or the last one, until the next starts from page one). */
  pagesThisSync: number;
  /** Pages of the last sync that read to Zoho's last page; null before one did (or when made by a version that did not count). */
  lastSyncPages: number | null;
  lastSyncMode: 'full' | 'incremental' | null;
  /** The Zoho `filters` parameter (JSON) of the sync in progress; null = the whole timeline. */
  syncFilter: string | null;
  /** The filter (JSON) of the last sync that read to Zoho's last page; null = it fetched the whole timeline. A filtered fetch is not a complete one. */
  lastSyncFilter: string | null;
}

export interface SyncRunRecord extends RecordKey {
  status: 'pending' | 'done' | 'failed';
}

export interface SyncRun {
  id: string;
  createdAt: number;
  /** JSON the engine chose to remember (options); the store does not interpret it. */
  options: string;
  status: 'running' | 'cancelled' | 'done';
}

/** A store method's answer: now, or later. */
export type Awaitable<T> = T | Promise<T>;

export interface SyncStore {
  /** Adds records to the tracked list (idempotent); a known name is kept unless a new one is given. */
  trackRecords(records: ReadonlyArray<RecordKey & { name?: string | null }>): Awaitable<void>;
  recordState(key: RecordKey): Awaitable<RecordSyncState | undefined>;
  listRecordStates(): Awaitable<RecordSyncState[]>;

  /** Marks a record's sync as started (freshness 'syncing', mode and filter — JSON of Zoho's `filters`, null for none — remembered); keeps an existing resume token. */
  beginRecordSync(key: RecordKey, mode: 'full' | 'incremental', filter?: string | null): Awaitable<void>;
  /**
   * Stores one page in ONE transaction: the events (upserted by event id — a page written twice
   * leaves no duplicate), each event's raw JSON verbatim, and the resume token (next_page_token, or
   * null when this was the last page). Returns how many events were new.
   */
  writeTimelinePage(key: RecordKey, entries: readonly TimelineEntry[], nextPageToken: string | null): Awaitable<{ inserted: number }>;
  /** The record is complete: freshness 'fresh', lastSyncedAt = at, resume token cleared, error cleared. */
  completeRecordSync(key: RecordKey, at: number): Awaitable<void>;
  /** The attempt failed: freshness 'failed' with the error; events already written stay. Resume token is kept. */
  failRecordSync(key: RecordKey, error: { code: string; message: string }, at: number): Awaitable<void>;
  /** Discards a resume token that Zoho no longer accepts (the record restarts from page one). */
  clearResumeToken(key: RecordKey): Awaitable<void>;

  upsertUsers(users: readonly ZohoUser[]): Awaitable<void>;

  /** Sync runs, so a killed or cancelled run resumes where it stopped. */
  createSyncRun(records: readonly RecordKey[], options: string, at: number): Awaitable<SyncRun>;
  latestUnfinishedSyncRun(): Awaitable<SyncRun | undefined>;
  syncRunRecords(runId: string): Awaitable<SyncRunRecord[]>;
  markSyncRunRecord(runId: string, key: RecordKey, status: SyncRunRecord['status']): Awaitable<void>;
  finishSyncRun(runId: string, status: 'cancelled' | 'done'): Awaitable<void>;
}
