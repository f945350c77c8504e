import type { Clock } from '../core/clock.js';
import { serializeError, type SerializedError } from '../core/errors.js';
import { ZohoApiError } from '../zoho/errors.js';
import { validateTimelineFilter, type TimelineFilter } from '../zoho/filters.js';
import type { TimelineEntry, TimelinePage } from '../zoho/models.js';
import { MAX_PER_PAGE, type AttemptResult, type RequestGate, type RequestTicket, type RetryPolicy, type TimelinePageRequest, type ZohoClient } from '../zoho/client.js';
import { AbortFanout } from './abort-fanout.js';
import { AdaptiveConcurrency, type ConcurrencyTicket } from './adaptive-concurrency.js';
import { Slots } from './slots.js';
import { failureOf, isRejectedPageToken, SyncError, systemicReason } from './sync-errors.js';
import type { RecordFreshness, RecordKey, RecordSyncState, SyncRun, SyncRunRecord, SyncStore } from './sync-store.js';

export type SyncMode = 'full' | 'incremental';
export type SyncState = 'running' | 'done' | 'cancelled' | 'stopped';

export interface SyncProgress {
  runId: string;
  state: SyncState;
  recordsTotal: number;
  /** Records completed (in this run, including earlier attempts of a resumed run). */
  recordsDone: number;
  recordsFailed: number;
  /**
   * Records the run did not finish because it stopped or was cancelled first (they stay pending: a
   * resume continues them). 0 while running and when the run is done.
   */
  recordsSkipped: number;
  /** New events written by this invocation. */
  eventsWritten: number;
  pagesFetched: number;
  /** Over this invocation so far. */
  requestsPerSecond: number;
  eventsPerSecond: number;
  /** Estimated time to finish the remaining records; null until it can be estimated. */
  etaMs: number | null;
  currentConcurrency: number;
  /** Credits this invocation spent: Zoho's own count (X-API-CREDITS-REMAINING) when it sent one and it is higher, else one per request that reached Zoho. */
  creditsUsed: number;
  /** The organisation's credits left in Zoho's 24 h window, as Zoho last said (the lowest value seen this run); null when Zoho sent no X-API-CREDITS-REMAINING. */
  creditsRemaining: number | null;
  /** The last few per-record failures. */
  errors: Array<{ record: string; code: string; message: string }>;
  /** Why the run stopped (state 'stopped'). */
  stopReason?: SerializedError;
}

export interface SyncOptions {
  /** 'incremental' fetches only events at or after each record's newest cached audited_time. Default 'full'. */
  mode?: SyncMode;
  /**
   * Most requests in flight at once; default 10 (Zoho Standard's concurrent-call limit). The window adapts
   * below it. The app passes the limit of the org's edition (zoho/organization.ts, editionConcurrency).
   */
  concurrency?: number;
  /**
   * Most Zoho API credits this invocation may spend; the run stops resumably before exceeding it. Whether
   * or not one is given, the run also stops resumably before the org's remaining credits (Zoho's
   * X-API-CREDITS-REMAINING, when sent) run out, rather than meeting Zoho's 429 for an exhausted window.
   */
  creditBudget?: number;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  /** Minimum time between progress reports, default 100 ms (≤ 10 per second). The final report is always sent. */
  progressIntervalMs?: number;
  /** Events per page, default 200 (Zoho's maximum). */
  perPage?: number;
  /** Ask for all six include_inner_details extras (the fullest evidence). Default true. */
  includeInnerDetails?: boolean;
  /** Fetch the users directory once at the start (listUsers → upsertUsers). Default true. */
  fetchUsers?: boolean;
  /**
   * Overrides of the client's retry policy for this run (merged over SYNC_RETRY). The client does the
   * retrying; every attempt passes through the run's concurrency window.
   */
  retry?: Partial<RetryPolicy>;
  /** Most fetched pages waiting to be written at once; default 2 × concurrency (memory stays flat). */
  maxPendingWrites?: number;
  /**
   * Ask Zoho only for the events matching this `filters` parameter ("fetch with filters"). Such a fetch
   * reads from page one ('full' mode; not with 'incremental') and is recorded with its filter: it does
   * not make a record's timeline complete (export/completeness.ts).
   */
  filters?: TimelineFilter;
}

export type SyncRecordInput = RecordKey & { name?: string | null };

/** What to sync: new records, or an earlier run to resume (its id, or the run itself). */
export type SyncTarget = { records: readonly SyncRecordInput[] } | { resume: string | SyncRun };

export interface SyncRecordOutcome extends RecordKey {
  status: 'done' | 'failed' | 'pending';
  mode: SyncMode | null;
  eventsInserted: number;
  pages: number;
  /** The store's freshness after this invocation. */
  freshness: RecordFreshness;
  error?: { code: string; message: string };
}

export interface SyncResult {
  runId: string;
  state: Exclude<SyncState, 'running'>;
  stopReason?: SerializedError;
  progress: SyncProgress;
  /** Records this invocation worked on or found already done; freshness from the store. */
  records: SyncRecordOutcome[];
  /** Users written from the users directory, or the reason it could not be fetched. */
  users: { count: number } | { error: SerializedError } | null;
  /** Largest number of requests in flight at once. */
  peakConcurrency: number;
  /** Largest number of fetched pages waiting for the store at once. */
  peakPendingWrites: number;
}

export interface SyncEngineDependencies {
  client: ZohoClient;
  store: SyncStore;
  clock: Clock;
}

/** What the engine remembers in SyncRun.options, so a resumed run behaves like the original. */
interface StoredRunOptions {
  v: 1;
  mode: SyncMode;
  perPage: number;
  includeInnerDetails: boolean;
  /** Per record (key "Module/id"): the lower bound of its incremental window, fixed when the run began. */
  since: Record<string, string>;
  /** Zoho's `filters` of a filtered fetch; absent = whole timelines. */
  filters?: TimelineFilter;
}

interface RecordPlan {
  mode: SyncMode;
  /** Continue from this token (an interrupted sync); undefined = start at page one. */
  pageToken: string | undefined;
  /** Lower bound of the incremental window; undefined for full syncs. */
  since: string | undefined;
}

export const DEFAULT_SYNC_CONCURRENCY = 10;
/**
 * The client's retry policy as a bulk run uses it: more patient than one interactive call (a run of
 * thousands of requests meets more 429 bursts), with a shorter first backoff because the adaptive
 * window already slows the whole run down.
 */
export const SYNC_RETRY: Partial<RetryPolicy> = { maxAttempts: 8, baseDelayMs: 250 };
const MAX_REPORTED_ERRORS = 5;

export function recordLabel(key: RecordKey): string {
  return `${key.module}/${key.recordId}`;
}

/** Zoho's date-time format with an explicit offset (UTC here), second precision: 2026-11-25T01:02:03+00:00. */
export function formatZohoUtc(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19)}+00:00`;
}

/** Thrown inside workers to end the run without failing the record (budget reached, systemic error). */
class StopRun extends Error {}

/**
 * Bulk timeline sync into a SyncStore. One invocation of run() works through a sync run's pending
 * records with bounded, adaptive concurrency; every page is committed with its next_page_token, so a
 * killed, cancelled or stopped run resumes where it was (see docs/sync.md).
 *
 * Retrying is the client's (one policy for every caller); the engine gives the client a request gate
 * for the run, so each attempt, retries included, takes a slot of the adaptive window and reports
 * its 429s to it. Pages are handed to the store and the next request goes out without waiting for
 * the write (see docs/sync.md, "Pipelined writes").
 */
export class SyncEngine {
  private readonly client: ZohoClient;
  private readonly store: SyncStore;
  private readonly clock: Clock;

  constructor(dependencies: SyncEngineDependencies) {
    this.client = dependencies.client;
    this.store = dependencies.store;
    this.clock = dependencies.clock;
  }

  /** The newest run that has not finished (killed or stopped), to offer "resume". */
  async resumableRun(): Promise<SyncRun | undefined> {
    return this.store.latestUnfinishedSyncRun();
  }

  /** The person gave up on a cancelled or stopped run: it is no longer offered for resuming. */
  async abandonRun(runId: string): Promise<void> {
    await this.store.finishSyncRun(runId, 'cancelled');
  }

  async run(target: SyncTarget, options: SyncOptions = {}): Promise<SyncResult> {
    const invocation = new SyncInvocation(this.client, this.store, this.clock, options);
    return invocation.execute(target);
  }
}

class SyncInvocation {
  private readonly limiter: AdaptiveConcurrency;
  /** The client with this run's gate (window + budget) and retry settings. */
  private readonly client: ZohoClient;
  private readonly signal: AbortSignal | undefined;
  private readonly abort: AbortFanout;
  private readonly writeSlots: Slots;
  /** Records whose last request is made but whose writes (and completion) are still running. */
  private readonly finishing = new Set<Promise<void>>();
  private readonly startedAt: number;
  private runId = '';
  private runOptions!: StoredRunOptions;
  private recordsTotal = 0;
  private recordsDone = 0;
  private recordsFailed = 0;
  private recordsDoneAtStart = 0;
  private eventsWritten = 0;
  private pagesFetched = 0;
  private requestsCompleted = 0;
  private creditsUsed = 0;
  private creditsReserved = 0;
  /** Zoho's X-API-CREDITS-REMAINING: the lowest value seen, the first value seen and our own count when it was seen. */
  private creditsRemaining: number | null = null;
  private creditsRemainingFirst: { remaining: number; usedThen: number } | null = null;
  private readonly errors: SyncProgress['errors'] = [];
  private stopReason: SyncError | undefined;
  private lastProgressAt = Number.NEGATIVE_INFINITY;
  private readonly outcomes = new Map<string, SyncRecordOutcome>();

  constructor(
    client: ZohoClient,
    private readonly store: SyncStore,
    private readonly clock: Clock,
    private readonly options: SyncOptions,
  ) {
    const concurrency = options.concurrency ?? DEFAULT_SYNC_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 100) {
      throw new SyncError('SYNC_INPUT_INVALID', `A concurrency of ${concurrency} is not allowed.`, { hint: 'Use a whole number from 1 to 100 (Zoho allows 5–25 concurrent calls depending on the edition).' });
    }
    if (options.creditBudget !== undefined && !(Number.isInteger(options.creditBudget) && options.creditBudget >= 0)) {
      throw new SyncError('SYNC_INPUT_INVALID', `A credit budget of ${options.creditBudget} is not allowed.`, { hint: 'Use a whole number of credits (each page of a timeline costs one).' });
    }
    const perPage = options.perPage ?? MAX_PER_PAGE;
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
      throw new SyncError('SYNC_INPUT_INVALID', `A page size of ${perPage} is not allowed.`, { hint: `Use a whole number from 1 to ${MAX_PER_PAGE}.` });
    }
    const maxPendingWrites = options.maxPendingWrites ?? concurrency * 2;
    if (!Number.isInteger(maxPendingWrites) || maxPendingWrites < 1) {
      throw new SyncError('SYNC_INPUT_INVALID', `A limit of ${maxPendingWrites} pending page writes is not allowed.`, { hint: 'Use a whole number of at least 1.' });
    }
    this.limiter = new AdaptiveConcurrency({ max: concurrency, clock });
    this.client = client.withPolicy({ requestGate: this.requestGate(), retry: { ...SYNC_RETRY, ...options.retry } });
    this.signal = options.signal;
    this.abort = new AbortFanout(options.signal);
    this.writeSlots = new Slots(maxPendingWrites);
    this.startedAt = clock.now();
  }

  async execute(target: SyncTarget): Promise<SyncResult> {
    try {
      return await this.executeRun(target);
    } finally {
      this.abort.close();
    }
  }

  private async executeRun(target: SyncTarget): Promise<SyncResult> {
    const pending = await this.openRun(target);

    const usersTask = this.options.fetchUsers === false || pending.length === 0 ? Promise.resolve(null) : this.syncUsers();
    const queue = [...pending];
    // Twice as many workers as slots: a worker between requests (planning its next record, reading its
    // state from the store) does not leave a slot of the window empty.
    const workerCount = Math.min(queue.length, this.limiter.limit * 2);
    const workers = Array.from({ length: workerCount }, () => this.worker(queue));
    await Promise.all(workers);
    // Records whose pages are all fetched but not all written yet.
    while (this.finishing.size > 0) await Promise.all([...this.finishing]);
    const users = await usersTask;

    let state: SyncResult['state'];
    if (this.cancelled()) {
      // Left 'running' in the store, like a stopped run, so latestUnfinishedSyncRun offers it for
      // resuming; SyncEngine.abandonRun marks a run the person gave up on as 'cancelled'.
      state = 'cancelled';
    } else if (this.stopReason !== undefined) {
      state = 'stopped';
    } else {
      state = 'done';
      try {
        await this.store.finishSyncRun(this.runId, 'done');
      } catch (error) {
        this.stop(cacheFailure(error));
        state = 'stopped';
      }
    }
    const progress = this.progress(state);
    this.options.onProgress?.(progress);
    for (const outcome of this.outcomes.values()) {
      try {
        outcome.freshness = (await this.store.recordState(outcome))?.freshness ?? 'never';
      } catch {
        // The cache failed (stopReason says so); the outcome keeps its last known freshness.
      }
    }
    return {
      runId: this.runId,
      state,
      ...(this.stopReason === undefined ? {} : { stopReason: serializeError(this.stopReason) }),
      progress,
      records: [...this.outcomes.values()],
      users,
      peakConcurrency: this.limiter.peakInFlight,
      peakPendingWrites: this.writeSlots.peakHeld,
    };
  }

  // ------------------------------------------------------------------ run bookkeeping

  /** Creates or reopens the run; returns its pending records. */
  private async openRun(target: SyncTarget): Promise<RecordKey[]> {
    const perPage = this.options.perPage ?? MAX_PER_PAGE;
    const includeInnerDetails = this.options.includeInnerDetails ?? true;
    if ('records' in target) {
      const unique = new Map<string, SyncRecordInput>();
      for (const record of target.records) unique.set(recordLabel(record), record);
      const records = [...unique.values()];
      await this.store.trackRecords(records);
      const mode = this.options.mode ?? 'full';
      if (this.options.filters !== undefined && mode === 'incremental') {
        throw new SyncError('SYNC_INPUT_INVALID', 'A fetch with filters cannot be incremental.', { hint: 'Fetch with filters reads each timeline from its first page; leave out the filter to fetch only new events.' });
      }
      const filters = this.options.filters === undefined ? undefined : validateTimelineFilter(this.options.filters);
      const since: Record<string, string> = {};
      if (mode === 'incremental') {
        for (const record of records) {
          const state = await this.store.recordState(record);
          if (state !== undefined && isCleanlyComplete(state) && state.newestAuditedTime !== null) since[recordLabel(record)] = state.newestAuditedTime;
        }
      }
      this.runOptions = { v: 1, mode, perPage, includeInnerDetails, since, ...(filters === undefined ? {} : { filters }) };
      const keys = records.map((record) => ({ module: record.module, recordId: record.recordId }));
      const run = await this.store.createSyncRun(keys, JSON.stringify(this.runOptions), this.clock.now());
      this.runId = run.id;
      this.recordsTotal = keys.length;
      return keys;
    }

    const wanted = target.resume;
    let run: SyncRun | undefined;
    if (typeof wanted === 'string') {
      const latest = await this.store.latestUnfinishedSyncRun();
      run = latest?.id === wanted ? latest : undefined;
      this.runId = wanted;
    } else {
      run = wanted;
      this.runId = wanted.id;
    }
    let runRecords: SyncRunRecord[];
    try {
      runRecords = await this.store.syncRunRecords(this.runId);
    } catch {
      runRecords = [];
    }
    if (runRecords.length === 0 && run === undefined) {
      throw new SyncError('SYNC_RUN_NOT_FOUND', `There is no sync run ${this.runId} to resume.`, { hint: 'Start a new sync of the records instead.' });
    }
    this.runOptions = parseRunOptions(run?.options) ?? { v: 1, mode: this.options.mode ?? 'full', perPage, includeInnerDetails, since: {} };
    this.recordsTotal = runRecords.length;
    const pending: RecordKey[] = [];
    for (const record of runRecords) {
      const key = { module: record.module, recordId: record.recordId };
      if (record.status === 'pending') pending.push(key);
      else if (record.status === 'done') this.recordsDone += 1;
      else this.recordsFailed += 1;
    }
    this.recordsDoneAtStart = this.recordsDone;
    return pending;
  }

  /** Zoho's `filters` of this run as stored with each record's sync (null = whole timelines). */
  private filterJson(): string | null {
    return this.runOptions.filters === undefined ? null : JSON.stringify(this.runOptions.filters);
  }

  private async plan(key: RecordKey): Promise<RecordPlan> {
    let state = await this.store.recordState(key);
    const knownSince = this.runOptions.since[recordLabel(key)];
    if (state === undefined) return { mode: 'full', pageToken: undefined, since: undefined };
    if (state.resumePageToken !== null && state.syncFilter !== this.filterJson()) {
      // A page token carries the filter it was issued under: continuing it under another (or none)
      // would record one kind of fetch as the other. This record starts again from page one.
      await this.store.clearResumeToken(key);
      state = { ...state, resumePageToken: null };
    }
    if (this.runOptions.filters !== undefined) return { mode: 'full', pageToken: state.resumePageToken ?? undefined, since: undefined };
    if (state.resumePageToken !== null) {
      // An interrupted sync continues in its own mode (the token carries its filter).
      const mode = state.syncMode ?? 'full';
      return { mode, pageToken: state.resumePageToken, since: mode === 'incremental' ? knownSince : undefined };
    }
    if (state.freshness === 'syncing') {
      // Interrupted before its first page or after a rejected token: the cached newest time may already
      // be past events not yet fetched, so only the bound fixed at the start of this run is trusted.
      if (state.syncMode === 'incremental' && knownSince !== undefined) return { mode: 'incremental', pageToken: undefined, since: knownSince };
      return { mode: 'full', pageToken: undefined, since: undefined };
    }
    if (this.runOptions.mode === 'incremental' && isCleanlyComplete(state) && state.newestAuditedTime !== null) {
      return { mode: 'incremental', pageToken: undefined, since: knownSince ?? state.newestAuditedTime };
    }
    return { mode: 'full', pageToken: undefined, since: undefined };
  }

  // ------------------------------------------------------------------ workers

  private async worker(queue: RecordKey[]): Promise<void> {
    for (;;) {
      if (this.cancelled() || this.stopReason !== undefined) return;
      const key = queue.shift();
      if (key === undefined) return;
      const outcome: SyncRecordOutcome = { ...key, status: 'pending', mode: null, eventsInserted: 0, pages: 0, freshness: 'never' };
      this.outcomes.set(recordLabel(key), outcome);
      // The worker moves on once the record's last request is answered; its page writes and its
      // completion finish meanwhile (bounded by the write slots), so the next request goes out at once.
      let requestsOver: () => void = () => undefined;
      const lastRequestAnswered = new Promise<void>((resolve) => (requestsOver = resolve));
      const finished: Promise<void> = this.processRecord(key, outcome, () => requestsOver()).finally(() => {
        this.finishing.delete(finished);
        requestsOver();
      });
      this.finishing.add(finished);
      await lastRequestAnswered;
    }
  }

  /** Syncs one record and books its outcome. Never rejects: a failure fails the record or stops the run. */
  private async processRecord(key: RecordKey, outcome: SyncRecordOutcome, requestsOver: () => void): Promise<void> {
    try {
      await this.syncRecord(key, outcome, requestsOver);
      await this.store.markSyncRunRecord(this.runId, key, 'done');
      outcome.status = 'done';
      this.recordsDone += 1;
    } catch (error) {
      if (error instanceof StopRun || this.cancelled()) return;
      const systemic = systemicReason(error) ?? (error instanceof ZohoApiError ? undefined : cacheFailure(error));
      if (systemic !== undefined) {
        this.stop(systemic);
        return;
      }
      const failure = failureOf(error);
      try {
        await this.store.failRecordSync(key, failure, this.clock.now());
        await this.store.markSyncRunRecord(this.runId, key, 'failed');
      } catch (storeError) {
        this.stop(cacheFailure(storeError));
        return;
      }
      outcome.status = 'failed';
      outcome.error = failure;
      this.recordsFailed += 1;
      this.errors.push({ record: recordLabel(key), ...failure });
      if (this.errors.length > MAX_REPORTED_ERRORS) this.errors.shift();
    }
    this.report();
  }

  /**
   * Fetches a record page by page. Each page is handed to the store and the next request is sent
   * without waiting for the write; the record's writes run one after another in page order, and the
   * record is completed only once all of them succeeded. A failed write fails the record.
   */
  private async syncRecord(key: RecordKey, outcome: SyncRecordOutcome, requestsOver: () => void): Promise<void> {
    const plan = await this.plan(key);
    outcome.mode = plan.mode;
    await this.store.beginRecordSync(key, plan.mode, this.filterJson());
    const writes = new RecordWrites(this.store, key, this.writeSlots, (inserted) => {
      this.pagesFetched += 1;
      this.eventsWritten += inserted;
      outcome.pages += 1;
      outcome.eventsInserted += inserted;
      this.report();
    });
    let pageToken = plan.pageToken;
    let restarted = false;
    const seenTokens = new Set<string>();
    const firstPage: TimelinePageRequest = {
      perPage: this.runOptions.perPage,
      includeInnerDetails: this.runOptions.includeInnerDetails,
      ...(this.runOptions.filters !== undefined ? { filters: this.runOptions.filters } : plan.mode === 'incremental' && plan.since !== undefined ? { filters: this.incrementalFilter(plan.since) } : {}),
    };
    if (plan.mode === 'incremental' && plan.since === undefined && pageToken === undefined) {
      // Cannot happen by construction (plan gives incremental without a token only with a bound).
      throw new Error('incremental sync without a lower bound');
    }
    try {
      for (;;) {
        // A write of this record failed: fetching more of it is pointless (drain() below throws why).
        if (writes.failed) break;
        const request: TimelinePageRequest = pageToken === undefined ? firstPage : { includeInnerDetails: this.runOptions.includeInnerDetails, pageToken };
        let page: TimelinePage;
        try {
          page = await this.request((signal) => this.client.getTimelinePage(key.module, key.recordId, { ...request, ...(signal === undefined ? {} : { signal }) }));
        } catch (error) {
          if (pageToken !== undefined && !restarted && isRejectedPageToken(error)) {
            // Zoho no longer accepts the token (they expire): start this record again from page one,
            // after the pages already fetched are written (the last of them stored that token).
            await writes.drain();
            await this.store.clearResumeToken(key);
            restarted = true;
            pageToken = undefined;
            seenTokens.clear();
            if (plan.mode === 'incremental' && plan.since === undefined) {
              // The incremental bound of the interrupted sync is unknown here: a full sync is the safe restart.
              outcome.mode = 'full';
              await this.store.beginRecordSync(key, 'full', this.filterJson());
              delete firstPage.filters;
            }
            continue;
          }
          throw error;
        }
        const next = page.info?.more_records === true ? page.info.next_page_token : null;
        if (next !== null && seenTokens.has(next)) {
          throw new ZohoApiError('ZOHO_PAGINATION_LOOP', `Zoho sent the same page of the timeline of ${recordLabel(key)} twice, so it cannot be read completely.`, {
            hint: 'The pages already fetched are kept. Try again later; if it persists, report it to Zoho support with this record id.',
            details: { module: key.module, recordId: key.recordId },
          });
        }
        if (next !== null) seenTokens.add(next);
        // Backpressure: waits while too many fetched pages (of all records) are not yet written.
        await writes.enqueue(page.entries, next);
        if (next === null) break;
        pageToken = next;
        // Budget or systemic stop: the token written with this page lets the next run continue the record.
        if (this.stopReason !== undefined) throw new StopRun();
      }
      requestsOver();
      await writes.drain();
    } catch (error) {
      requestsOver();
      // Never leave a write of this record running behind its failure or the run's stop.
      const writeError = await writes.settle();
      if (writeError !== undefined && !(error instanceof StopRun) && !this.cancelled()) throw writeError.error;
      throw error;
    }
    await this.store.completeRecordSync(key, this.clock.now());
  }

  private incrementalFilter(since: string): TimelineFilter {
    const now = this.clock.now();
    const sinceMs = Date.parse(since);
    const until = formatZohoUtc(Number.isNaN(sinceMs) ? now : Math.max(now, sinceMs));
    return { field: { api_name: 'audited_time' }, comparator: 'between', value: [since, until] };
  }

  private async syncUsers(): Promise<SyncResult['users']> {
    try {
      // Every page of the directory passes the request gate, so each is charged to the budget.
      const users = await this.request((signal) => this.client.listUsers(signal === undefined ? {} : { signal }));
      await this.store.upsertUsers(users);
      return { count: users.length };
    } catch (error) {
      if (error instanceof StopRun || this.cancelled()) return null;
      const systemic = systemicReason(error);
      if (systemic !== undefined && (systemic.code === 'SYNC_RECONNECT_REQUIRED' || systemic.code === 'SYNC_SIGN_IN_FAILED')) this.stop(systemic);
      // The directory only names the people in events; the timelines are still worth fetching without it.
      return { error: serializeError(error) };
    }
  }

  // ------------------------------------------------------------------ requests: window, budget, cancellation

  /** One client call with a signal of its own (one abort listener on the run's signal in all). */
  private async request<T>(work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const { signal, dispose } = this.abort.child();
    try {
      return await work(signal);
    } finally {
      dispose();
    }
  }

  /**
   * The gate the client passes every attempt through (first tries and retries): a credit of the
   * budget and a slot of the adaptive window per attempt; the window is told each 429.
   */
  private requestGate(): RequestGate {
    return {
      acquire: async (signal: AbortSignal | undefined): Promise<RequestTicket> => {
        this.reserveCredit();
        let ticket: ConcurrencyTicket;
        try {
          ticket = await this.limiter.acquire(signal);
        } catch (error) {
          this.creditsReserved -= 1;
          throw error;
        }
        if (this.stopReason !== undefined) {
          this.creditsReserved -= 1;
          this.limiter.release(ticket, 'other');
          throw new StopRun();
        }
        let released = false;
        return {
          release: (result: AttemptResult): void => {
            if (released) return;
            released = true;
            this.creditsReserved -= 1;
            this.requestsCompleted += 1;
            if (result.creditsRemaining !== undefined) this.noteCreditsRemaining(result.creditsRemaining);
            switch (result.kind) {
              case 'ok':
                this.creditsUsed += 1;
                this.limiter.release(ticket, 'success');
                break;
              case 'rate-limited':
                // A refused call is not charged by Zoho; everything else that reached it is assumed to be.
                this.limiter.release(ticket, 'rate-limited', result.retryAfterMs);
                break;
              case 'error':
                this.creditsUsed += 1;
                this.limiter.release(ticket, 'other');
                break;
              default: {
                const unreachable: never = result;
                throw new Error(`unknown attempt result ${String(unreachable)}`);
              }
            }
          },
        };
      },
    };
  }

  private reserveCredit(): void {
    if (this.stopReason !== undefined) throw new StopRun();
    const budget = this.options.creditBudget;
    const used = this.creditsSpent();
    if (budget !== undefined && used + this.creditsReserved + 1 > budget) {
      this.stop(
        new SyncError('SYNC_CREDIT_BUDGET', `The sync stopped before exceeding its budget of ${budget} Zoho API credits (${used} used${this.creditsRemaining === null ? '' : `; Zoho says ${this.creditsRemaining} are left today`}).`, {
          hint: 'Resume it later or with a larger budget; every page already fetched is kept and the sync continues where it stopped.',
          details: { budget, used, remaining: this.creditsRemaining },
        }),
      );
      throw new StopRun();
    }
    if (this.creditsRemaining !== null && this.creditsRemaining - this.creditsReserved < 1) {
      // Zoho's own count says the org's 24 h allowance is spent: every further call would be refused.
      this.stop(
        new SyncError('SYNC_CREDIT_BUDGET', `The sync stopped because Zoho says the organisation has ${this.creditsRemaining} API credits left in its 24-hour window (${used} used by this sync).`, {
          hint: "Resume it when Zoho's window has freed credits (they return 24 hours after they were spent); every page already fetched is kept and the sync continues where it stopped.",
          details: { used, remaining: this.creditsRemaining },
        }),
      );
      throw new StopRun();
    }
    this.creditsReserved += 1;
  }

  /** Answers may arrive out of order; the lowest remaining value is the latest charge Zoho reported. */
  private noteCreditsRemaining(remaining: number): void {
    if (this.creditsRemainingFirst === null) this.creditsRemainingFirst = { remaining, usedThen: this.creditsUsed + 1 };
    this.creditsRemaining = this.creditsRemaining === null ? remaining : Math.min(this.creditsRemaining, remaining);
  }

  /**
   * Credits spent so far: Zoho's count (the fall of X-API-CREDITS-REMAINING since the first answer that
   * carried it, plus what was spent up to that answer) when it is higher than ours — some calls cost
   * more than one credit, and other integrations of the org spend from the same window.
   */
  private creditsSpent(): number {
    const first = this.creditsRemainingFirst;
    if (first === null || this.creditsRemaining === null) return this.creditsUsed;
    return Math.max(this.creditsUsed, first.usedThen + first.remaining - this.creditsRemaining);
  }

  /** A method, not a field read, so TypeScript does not narrow it across awaits. */
  private cancelled(): boolean {
    return this.signal?.aborted === true;
  }

  private stop(reason: SyncError): void {
    if (this.stopReason === undefined) this.stopReason = reason;
  }

  // ------------------------------------------------------------------ progress

  private report(): void {
    const onProgress = this.options.onProgress;
    if (onProgress === undefined) return;
    const now = this.clock.now();
    if (now - this.lastProgressAt < (this.options.progressIntervalMs ?? 100)) return;
    this.lastProgressAt = now;
    onProgress(this.progress('running'));
  }

  private progress(state: SyncState): SyncProgress {
    const elapsedSeconds = Math.max(0.001, (this.clock.now() - this.startedAt) / 1000);
    const finishedHere = this.recordsDone - this.recordsDoneAtStart + this.recordsFailed;
    const remaining = Math.max(0, this.recordsTotal - this.recordsDone - this.recordsFailed);
    const recordsPerSecond = finishedHere / elapsedSeconds;
    return {
      runId: this.runId,
      state,
      recordsTotal: this.recordsTotal,
      recordsDone: this.recordsDone,
      recordsFailed: this.recordsFailed,
      recordsSkipped: state === 'running' ? 0 : Math.max(0, this.recordsTotal - this.recordsDone - this.recordsFailed),
      eventsWritten: this.eventsWritten,
      pagesFetched: this.pagesFetched,
      requestsPerSecond: round(this.requestsCompleted / elapsedSeconds),
      eventsPerSecond: round(this.eventsWritten / elapsedSeconds),
      etaMs: remaining === 0 ? 0 : recordsPerSecond > 0 ? Math.round((remaining / recordsPerSecond) * 1000) : null,
      currentConcurrency: this.limiter.limit,
      creditsUsed: this.creditsSpent(),
      creditsRemaining: this.creditsRemaining,
      errors: [...this.errors],
      ...(state === 'stopped' && this.stopReason !== undefined ? { stopReason: serializeError(this.stopReason) } : {}),
    };
  }
}

/** Anything but a Zoho answer failing a record is the cache failing (disk full, file locked): every record would fail alike. */
function cacheFailure(error: unknown): SyncError {
  const serialized = serializeError(error);
  // A damaged cache is not resumed but rebuilt: its own hint says how.
  if (serialized.code === 'CACHE_DAMAGED') return new SyncError('CACHE_DAMAGED', serialized.message, { ...(serialized.hint === undefined ? {} : { hint: serialized.hint }), cause: error });
  return new SyncError('SYNC_CACHE_FAILED', `The sync stopped because the local cache could not be updated: ${serialized.message}`, {
    hint: `${serialized.hint ?? 'Check the free disk space and that the cache file is not open in another program.'} Then resume the sync; what was saved is kept.`,
    cause: error,
  });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A record whose cached timeline is complete up to its newest event (safe base for an incremental sync). */
/** Read whole to Zoho's last page, unfiltered: only then is its newest event a safe incremental bound. */
function isCleanlyComplete(state: RecordSyncState): boolean {
  return (state.freshness === 'fresh' || state.freshness === 'stale') && state.resumePageToken === null && state.lastSyncedAt !== null && state.lastSyncFilter === null;
}

function parseRunOptions(text: string | undefined): StoredRunOptions | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const object = value as Record<string, unknown>;
    const mode = object['mode'];
    const perPage = object['perPage'];
    const inner = object['includeInnerDetails'];
    const since = object['since'];
    if ((mode !== 'full' && mode !== 'incremental') || typeof perPage !== 'number' || typeof inner !== 'boolean') return undefined;
    const bounds: Record<string, string> = {};
    if (typeof since === 'object' && since !== null) {
      for (const [key, bound] of Object.entries(since)) if (typeof bound === 'string') bounds[key] = bound;
    }
    const filters = object['filters'] === undefined ? undefined : validateTimelineFilter(object['filters']);
    return { v: 1, mode, perPage, includeInnerDetails: inner, since: bounds, ...(filters === undefined ? {} : { filters }) };
  } catch {
    return undefined;
  }
}

/**
 * One record's page writes: run one after another in page order (each after the previous resolved),
 * each holding one of the run's write slots from the moment its page arrived until it is written.
 */
class RecordWrites {
  private chain: Promise<void> = Promise.resolve();
  private error: { error: unknown } | undefined;

  constructor(
    private readonly store: SyncStore,
    private readonly key: RecordKey,
    private readonly slots: Slots,
    private readonly onWritten: (inserted: number) => void,
  ) {}

  get failed(): boolean {
    return this.error !== undefined;
  }

  /** Waits for a write slot, then queues the page behind the record's earlier pages. */
  async enqueue(entries: readonly TimelineEntry[], nextPageToken: string | null): Promise<void> {
    await this.slots.acquire();
    this.chain = this.chain.then(async () => {
      try {
        if (this.error !== undefined) return;
        // Let the next request go out first: a synchronous store would otherwise write before it is sent.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const { inserted } = await this.store.writeTimelinePage(this.key, entries, nextPageToken);
        this.onWritten(inserted);
      } catch (error) {
        this.error = { error };
      } finally {
        this.slots.release();
      }
    });
  }

  /** Every queued page written; throws the first write's failure. */
  async drain(): Promise<void> {
    const error = await this.settle();
    if (error !== undefined) throw error.error;
  }

  /** Waits for every queued write to end; returns the first failure, if any. */
  async settle(): Promise<{ error: unknown } | undefined> {
    await this.chain;
    return this.error;
  }
}
