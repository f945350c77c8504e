import type { Clock } from '../core/clock.js';
import { AuditorError, serializeError, type SerializedError } from '../core/errors.js';
import { ZohoApiError } from '../zoho/errors.js';
import type { TimelineFilter } from '../zoho/filters.js';
import type { TimelinePage } from '../zoho/models.js';
import { MAX_PER_PAGE, type TimelinePageRequest, type ZohoClient } from '../zoho/client.js';
import { AdaptiveConcurrency, type ConcurrencyTicket } from './adaptive-concurrency.js';
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
  /** New events written by this invocation. */
  eventsWritten: number;
  pagesFetched: number;
  /** Over this invocation so far. */
  requestsPerSecond: number;
  eventsPerSecond: number;
  /** Estimated time to finish the remaining records; null until it can be estimated. */
  etaMs: number | null;
  currentConcurrency: number;
  creditsUsed: number;
  /** The last few per-record failures. */
  errors: Array<{ record: string; code: string; message: string }>;
  /** Why the run stopped (state 'stopped'). */
  stopReason?: SerializedError;
}

export interface SyncRetryPolicy {
  /** Tries per request on 429, 5xx, network errors and truncated answers. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface SyncOptions {
  /** 'incremental' fetches only events at or after each record's newest cached audited_time. Default 'full'. */
  mode?: SyncMode;
  /** Most requests in flight at once; default 10 (Zoho Standard's concurrent-call limit). The window adapts below it. */
  concurrency?: number;
  /** Most Zoho API credits (requests) this invocation may spend; the run stops resumably before exceeding it. */
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
  retry?: Partial<SyncRetryPolicy>;
  /** Source of jitter in [0, 1); injectable for deterministic tests. */
  random?: () => number;
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
}

interface RecordPlan {
  mode: SyncMode;
  /** Continue from this token (an interrupted sync); undefined = start at page one. */
  pageToken: string | undefined;
  /** Lower bound of the incremental window; undefined for full syncs. */
  since: string | undefined;
}

export const DEFAULT_SYNC_CONCURRENCY = 10;
const DEFAULT_SYNC_RETRY: SyncRetryPolicy = { maxAttempts: 8, baseDelayMs: 250, maxDelayMs: 30_000 };
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
 * For adaptive concurrency to see each 429, give it a ZohoClient built with `retry: SYNC_CLIENT_RETRY`
 * (one try per request): the engine retries itself, honouring Retry-After and shrinking the window.
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
  resumableRun(): SyncRun | undefined {
    return this.store.latestUnfinishedSyncRun();
  }

  /** The person gave up on a cancelled or stopped run: it is no longer offered for resuming. */
  abandonRun(runId: string): void {
    this.store.finishSyncRun(runId, 'cancelled');
  }

  async run(target: SyncTarget, options: SyncOptions = {}): Promise<SyncResult> {
    const invocation = new SyncInvocation(this.client, this.store, this.clock, options);
    return invocation.execute(target);
  }
}

/** Zoho client retry policy for use with the engine: one try, so every 429 reaches the AIMD window. */
export const SYNC_CLIENT_RETRY = { maxAttempts: 1 } as const;

class SyncInvocation {
  private readonly limiter: AdaptiveConcurrency;
  private readonly retry: SyncRetryPolicy;
  private readonly signal: AbortSignal | undefined;
  private readonly random: () => number;
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
  private readonly errors: SyncProgress['errors'] = [];
  private stopReason: SyncError | undefined;
  private lastProgressAt = Number.NEGATIVE_INFINITY;
  private readonly outcomes = new Map<string, SyncRecordOutcome>();

  constructor(
    private readonly client: ZohoClient,
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
    this.limiter = new AdaptiveConcurrency({ max: concurrency, clock });
    this.retry = { ...DEFAULT_SYNC_RETRY, ...options.retry };
    this.signal = options.signal;
    this.random = options.random ?? Math.random;
    this.startedAt = clock.now();
  }

  async execute(target: SyncTarget): Promise<SyncResult> {
    const pending = this.openRun(target);

    const usersTask = this.options.fetchUsers === false || pending.length === 0 ? Promise.resolve(null) : this.syncUsers();
    const queue = [...pending];
    // Twice as many workers as slots: while one writes its page to the store, another already holds the
    // slot it freed, so the window stays full (local work does not eat into Zoho's concurrency).
    const workerCount = Math.min(queue.length, this.limiter.limit * 2);
    const workers = Array.from({ length: workerCount }, () => this.worker(queue));
    await Promise.all(workers);
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
      this.store.finishSyncRun(this.runId, 'done');
    }
    const progress = this.progress(state);
    this.options.onProgress?.(progress);
    for (const outcome of this.outcomes.values()) {
      try {
        outcome.freshness = this.store.recordState(outcome)?.freshness ?? 'never';
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
    };
  }

  // ------------------------------------------------------------------ run bookkeeping

  /** Creates or reopens the run; returns its pending records. */
  private openRun(target: SyncTarget): RecordKey[] {
    const perPage = this.options.perPage ?? MAX_PER_PAGE;
    const includeInnerDetails = this.options.includeInnerDetails ?? true;
    if ('records' in target) {
      const unique = new Map<string, SyncRecordInput>();
      for (const record of target.records) unique.set(recordLabel(record), record);
      const records = [...unique.values()];
      this.store.trackRecords(records);
      const mode = this.options.mode ?? 'full';
      const since: Record<string, string> = {};
      if (mode === 'incremental') {
        for (const record of records) {
          const state = this.store.recordState(record);
          if (state !== undefined && isCleanlyComplete(state) && state.newestAuditedTime !== null) since[recordLabel(record)] = state.newestAuditedTime;
        }
      }
      this.runOptions = { v: 1, mode, perPage, includeInnerDetails, since };
      const keys = records.map((record) => ({ module: record.module, recordId: record.recordId }));
      const run = this.store.createSyncRun(keys, JSON.stringify(this.runOptions), this.clock.now());
      this.runId = run.id;
      this.recordsTotal = keys.length;
      return keys;
    }

    const wanted = target.resume;
    let run: SyncRun | undefined;
    if (typeof wanted === 'string') {
      const latest = this.store.latestUnfinishedSyncRun();
      run = latest?.id === wanted ? latest : undefined;
      this.runId = wanted;
    } else {
      run = wanted;
      this.runId = wanted.id;
    }
    let runRecords: SyncRunRecord[];
    try {
      runRecords = this.store.syncRunRecords(this.runId);
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

  private plan(key: RecordKey): RecordPlan {
    const state = this.store.recordState(key);
    const knownSince = this.runOptions.since[recordLabel(key)];
    if (state === undefined) return { mode: 'full', pageToken: undefined, since: undefined };
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
      try {
        await this.syncRecord(key, outcome);
        this.store.markSyncRunRecord(this.runId, key, 'done');
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
          this.store.failRecordSync(key, failure, this.clock.now());
          this.store.markSyncRunRecord(this.runId, key, 'failed');
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
  }

  private async syncRecord(key: RecordKey, outcome: SyncRecordOutcome): Promise<void> {
    const plan = this.plan(key);
    outcome.mode = plan.mode;
    this.store.beginRecordSync(key, plan.mode);
    let pageToken = plan.pageToken;
    let restarted = false;
    const seenTokens = new Set<string>();
    const firstPage: TimelinePageRequest = {
      perPage: this.runOptions.perPage,
      includeInnerDetails: this.runOptions.includeInnerDetails,
      ...(plan.mode === 'incremental' && plan.since !== undefined ? { filters: this.incrementalFilter(plan.since) } : {}),
    };
    if (plan.mode === 'incremental' && plan.since === undefined && pageToken === undefined) {
      // Cannot happen by construction (plan gives incremental without a token only with a bound).
      throw new Error('incremental sync without a lower bound');
    }
    for (;;) {
      const request: TimelinePageRequest = pageToken === undefined ? firstPage : { includeInnerDetails: this.runOptions.includeInnerDetails, pageToken };
      let page: TimelinePage;
      try {
        page = await this.call((signal) => this.client.getTimelinePage(key.module, key.recordId, { ...request, ...(signal === undefined ? {} : { signal }) }));
      } catch (error) {
        if (pageToken !== undefined && !restarted && isRejectedPageToken(error)) {
          // Zoho no longer accepts the token (they expire): start this record again from page one.
          this.store.clearResumeToken(key);
          restarted = true;
          pageToken = undefined;
          seenTokens.clear();
          if (plan.mode === 'incremental' && plan.since === undefined) {
            // The incremental bound of the interrupted sync is unknown here: a full sync is the safe restart.
            outcome.mode = 'full';
            this.store.beginRecordSync(key, 'full');
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
      const { inserted } = this.store.writeTimelinePage(key, page.entries, next);
      this.pagesFetched += 1;
      this.eventsWritten += inserted;
      outcome.pages += 1;
      outcome.eventsInserted += inserted;
      this.report();
      if (next === null) break;
      pageToken = next;
      // Budget or systemic stop: the token just written lets the next run continue this record.
      if (this.stopReason !== undefined) throw new StopRun();
    }
    this.store.completeRecordSync(key, this.clock.now());
  }

  private incrementalFilter(since: string): TimelineFilter {
    const now = this.clock.now();
    const sinceMs = Date.parse(since);
    const until = formatZohoUtc(Number.isNaN(sinceMs) ? now : Math.max(now, sinceMs));
    return { field: { api_name: 'audited_time' }, comparator: 'between', value: [since, until] };
  }

  private async syncUsers(): Promise<SyncResult['users']> {
    try {
      const users = await this.call((signal) => this.client.listUsers(signal === undefined ? {} : { signal }));
      // listUsers pages by 200 (one credit each); call() charged the first page only.
      this.creditsUsed += Math.max(0, Math.ceil(users.length / MAX_PER_PAGE) - 1);
      this.store.upsertUsers(users);
      return { count: users.length };
    } catch (error) {
      if (error instanceof StopRun || this.cancelled()) return null;
      const systemic = systemicReason(error);
      if (systemic !== undefined && (systemic.code === 'SYNC_RECONNECT_REQUIRED' || systemic.code === 'SYNC_SIGN_IN_FAILED')) this.stop(systemic);
      // The directory only names the people in events; the timelines are still worth fetching without it.
      return { error: serializeError(error) };
    }
  }

  // ------------------------------------------------------------------ requests: window, retries, budget

  /** One Zoho request through the adaptive window, with retries and the credit budget. */
  private async call<T>(work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      this.reserveCredit();
      let ticket: ConcurrencyTicket;
      try {
        ticket = await this.limiter.acquire(this.signal);
      } catch (error) {
        this.creditsReserved -= 1;
        throw error;
      }
      if (this.stopReason !== undefined) {
        this.creditsReserved -= 1;
        this.limiter.release(ticket, 'other');
        throw new StopRun();
      }
      let result: T;
      try {
        result = await work(this.signal);
      } catch (error) {
        this.creditsReserved -= 1;
        const code = error instanceof AuditorError ? error.code : undefined;
        const retryAfter = retryAfterOf(error);
        if (code === 'ZOHO_RATE_LIMITED') {
          // A refused call is not charged by Zoho; everything else that reached it is assumed to be.
          this.limiter.release(ticket, 'rate-limited', retryAfter);
        } else {
          this.creditsUsed += 1;
          this.limiter.release(ticket, 'other');
        }
        this.requestsCompleted += 1;
        if (this.cancelled()) throw error;
        const transient = code === 'ZOHO_RATE_LIMITED' || code === 'ZOHO_SERVER_ERROR' || code === 'ZOHO_NETWORK_ERROR';
        if (!transient || attempt >= this.retry.maxAttempts) throw error;
        if (this.stopReason !== undefined) throw new StopRun();
        const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
        await this.clock.sleep(Math.max(Math.floor(this.random() * ceiling), retryAfter ?? 0), this.signal);
        continue;
      }
      this.creditsReserved -= 1;
      this.creditsUsed += 1;
      this.requestsCompleted += 1;
      this.limiter.release(ticket, 'success');
      return result;
    }
  }

  private reserveCredit(): void {
    if (this.stopReason !== undefined) throw new StopRun();
    const budget = this.options.creditBudget;
    if (budget !== undefined && this.creditsUsed + this.creditsReserved + 1 > budget) {
      this.stop(new SyncError('SYNC_CREDIT_BUDGET', `The sync stopped before exceeding its budget of ${budget} Zoho API credits (${this.creditsUsed} used).`, {
        hint: 'Resume it later or with a larger budget; every page already fetched is kept and the sync continues where it stopped.',
        details: { budget, used: this.creditsUsed },
      }));
      throw new StopRun();
    }
    this.creditsReserved += 1;
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
      eventsWritten: this.eventsWritten,
      pagesFetched: this.pagesFetched,
      requestsPerSecond: round(this.requestsCompleted / elapsedSeconds),
      eventsPerSecond: round(this.eventsWritten / elapsedSeconds),
      etaMs: remaining === 0 ? 0 : recordsPerSecond > 0 ? Math.round((remaining / recordsPerSecond) * 1000) : null,
      currentConcurrency: this.limiter.limit,
      creditsUsed: this.creditsUsed,
      errors: [...this.errors],
      ...(state === 'stopped' && this.stopReason !== undefined ? { stopReason: serializeError(this.stopReason) } : {}),
    };
  }
}

/** Anything but a Zoho answer failing a record is the cache failing (disk full, file locked): every record would fail alike. */
function cacheFailure(error: unknown): SyncError {
  const serialized = serializeError(error);
  return new SyncError('SYNC_CACHE_FAILED', `The sync stopped because the local cache could not be updated: ${serialized.message}`, {
    hint: `${serialized.hint ?? 'Check the free disk space and that the cache file is not open in another program.'} Then resume the sync; what was saved is kept.`,
    cause: error,
  });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A record whose cached timeline is complete up to its newest event (safe base for an incremental sync). */
function isCleanlyComplete(state: RecordSyncState): boolean {
  return (state.freshness === 'fresh' || state.freshness === 'stale') && state.resumePageToken === null && state.lastSyncedAt !== null;
}

function retryAfterOf(error: unknown): number | undefined {
  if (!(error instanceof AuditorError)) return undefined;
  const value = error.details?.['retryAfterMs'];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
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
    return { v: 1, mode, perPage, includeInnerDetails: inner, since: bounds };
  } catch {
    return undefined;
  }
}
