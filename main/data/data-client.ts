/**
 * The main-thread side of the data worker: typed async calls derived from the request table
 * (protocol.ts), progress and cancellation for long jobs, and a plain error for every pending call
 * when the worker stops. `createDataClient(spawner, { cacheFile })` is the API the composition root
 * (main/app) wires into the services.
 */
import type {
  FlagRules,
  IpcError,
  LocalFilterGroupInput,
  RecordKeyView,
  ReviewHeatmaps,
  ReviewLogChainView,
  ReviewLogEntryView,
  ReviewProgress,
  ReviewProgressOverview,
  ReviewRow,
  ReviewState,
  ReviewSummary,
  SignOffView,
} from '../../preload/contract.js';
import type { ReviewAnnotationRecord, ReviewEventRecord, ReviewPageQuery, ReviewQuery, ReviewStore } from '../review/review-store.js';
import type { ReviewActor, SignOffRecordInput } from '../review/review-work.js';
import type { CachedEvent, CacheStats } from '../cache/index.js';
import { AuditorError } from '../core/errors.js';
import type { ExportProgress } from '../export/types.js';
import type { RecordKey, RecordSyncState, SyncRun, SyncRunRecord, SyncStore } from '../sync/sync-store.js';
import type { TimelineEntry, ZohoUser } from '../zoho/models.js';
import type { DataRequestInput, DataRequestName, DataRequestOutput, DataRequestProgress, DataWorkerPort, EventFilterInput, ExportJobInput, FromWorkerMessage, WorkerSpawner } from './protocol.js';

export interface CallOptions<Progress> {
  /** Aborting sends the worker an abort for this job; the call then rejects with a DataJobAbortedError. */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** ArrayBuffers in the input to move to the worker instead of copying (they are unusable here afterwards). */
  transfer?: readonly ArrayBuffer[];
}

/** A job the caller cancelled: name 'AbortError' (like fetch's), code as the worker reported it (e.g. EXPORT_CANCELLED). */
export class DataJobAbortedError extends AuditorError {
  constructor(error: IpcError) {
    super(error.code, error.message, { ...(error.hint === undefined ? {} : { hint: error.hint }) });
    this.name = 'AbortError';
  }
}

/** The worker is gone; every pending call fails with this, and later calls too until restart(). */
export class DataWorkerStoppedError extends AuditorError {
  constructor(reason: string) {
    super('DATA_WORKER_STOPPED', `The data worker stopped: ${reason}; restart the app/command.`, {
      hint: 'What was written before it stopped is kept. If this happens again, report it with the steps that led here.',
    });
  }
}

/** A SyncStore whose every method answers through the worker (the awaitable form of main/sync's interface). */
export type AwaitableSyncStore = {
  [K in keyof SyncStore]: (...args: Parameters<SyncStore[K]>) => Promise<Awaited<ReturnType<SyncStore[K]>>>;
};

type Call = <N extends DataRequestName>(name: N, input: DataRequestInput<N>, options?: CallOptions<DataRequestProgress<N>>) => Promise<DataRequestOutput<N>>;

/** The sync engine's store, in the worker. */
export class WorkerSyncStore implements AwaitableSyncStore {
  constructor(private readonly call: Call) {}

  trackRecords(records: ReadonlyArray<RecordKey & { name?: string | null }>): Promise<void> {
    return this.call('sync.trackRecords', { records: [...records] });
  }
  recordState(key: RecordKey): Promise<RecordSyncState | undefined> {
    return this.call('sync.recordState', { key: keyOf(key) });
  }
  listRecordStates(): Promise<RecordSyncState[]> {
    return this.call('sync.listRecordStates', {});
  }
  beginRecordSync(key: RecordKey, mode: 'full' | 'incremental', filter: string | null = null): Promise<void> {
    return this.call('sync.beginRecordSync', { key: keyOf(key), mode, filter });
  }
  writeTimelinePage(key: RecordKey, entries: readonly TimelineEntry[], nextPageToken: string | null): Promise<{ inserted: number }> {
    return this.call('sync.writeTimelinePage', { key: keyOf(key), entries: [...entries], nextPageToken });
  }
  completeRecordSync(key: RecordKey, at: number): Promise<void> {
    return this.call('sync.completeRecordSync', { key: keyOf(key), at });
  }
  failRecordSync(key: RecordKey, error: { code: string; message: string }, at: number): Promise<void> {
    return this.call('sync.failRecordSync', { key: keyOf(key), error: { code: error.code, message: error.message }, at });
  }
  clearResumeToken(key: RecordKey): Promise<void> {
    return this.call('sync.clearResumeToken', { key: keyOf(key) });
  }
  upsertUsers(users: readonly ZohoUser[]): Promise<void> {
    return this.call('sync.upsertUsers', { users: [...users] });
  }
  createSyncRun(records: readonly RecordKey[], options: string, at: number): Promise<SyncRun> {
    return this.call('sync.createSyncRun', { records: records.map(keyOf), options, at });
  }
  latestUnfinishedSyncRun(): Promise<SyncRun | undefined> {
    return this.call('sync.latestUnfinishedSyncRun', {});
  }
  syncRunRecords(runId: string): Promise<SyncRunRecord[]> {
    return this.call('sync.syncRunRecords', { runId });
  }
  markSyncRunRecord(runId: string, key: RecordKey, status: SyncRunRecord['status']): Promise<void> {
    return this.call('sync.markSyncRunRecord', { runId, key: keyOf(key), status });
  }
  finishSyncRun(runId: string, status: 'cancelled' | 'done'): Promise<void> {
    return this.call('sync.finishSyncRun', { runId, status });
  }
}

/** Review's store, in the worker: the Review screen's SQL never runs on the main thread. */
export class WorkerReviewStore implements ReviewStore {
  constructor(private readonly call: Call) {}

  page(query: ReviewPageQuery): Promise<ReviewRow[]> {
    return this.call('review.page', query);
  }
  summary(query: ReviewQuery): Promise<ReviewSummary> {
    return this.call('review.summary', query);
  }
  heatmaps(query: ReviewQuery): Promise<ReviewHeatmaps> {
    return this.call('review.heatmaps', query);
  }
  count(query: ReviewQuery): Promise<number> {
    return this.call('review.count', query);
  }
  facets(): Promise<Awaited<ReturnType<ReviewStore['facets']>>> {
    return this.call('review.facets', {});
  }
  event(eventId: string): Promise<ReviewEventRecord | null> {
    return this.call('review.event', { eventId });
  }
  raw(eventId: string): Promise<string | null> {
    return this.call('review.raw', { eventId });
  }
  recordTimeline(record: RecordKeyView, limit: number): Promise<Awaited<ReturnType<ReviewStore['recordTimeline']>>> {
    return this.call('review.recordTimeline', { record: { module: record.module, recordId: record.recordId }, limit });
  }
  addNote(note: { eventId: string; author: string; text: string; tag: string | null; at: number }): Promise<number | null> {
    return this.call('review.addNote', note);
  }
  deleteNote(id: number, by: ReviewActor): Promise<boolean> {
    return this.call('review.deleteNote', { id, by: { actor: by.actor, at: by.at } });
  }
  annotations(eventIds: readonly string[]): Promise<ReviewAnnotationRecord[]> {
    return this.call('review.annotations', { eventIds: [...eventIds] });
  }
  rules(): Promise<FlagRules | null> {
    return this.call('review.rules', {});
  }
  setRules(rules: FlagRules, by?: ReviewActor): Promise<{ flagged: number }> {
    return this.call('review.setRules', by === undefined ? { rules } : { rules, by: { actor: by.actor, at: by.at } });
  }
  recomputeFlags(): Promise<{ flagged: number }> {
    return this.call('review.recomputeFlags', {});
  }
  ensureFlags(): Promise<{ work: 'current' | 'incremental' | 'full' }> {
    return this.call('review.ensureFlags', {});
  }
  mark(input: ReviewActor & { eventIds: string[]; state: ReviewState; query: ReviewQuery }): Promise<{ marked: number; progress: ReviewProgress }> {
    return this.call('review.mark', { eventIds: input.eventIds, state: input.state, query: { filter: input.query.filter, timeZone: input.query.timeZone }, actor: input.actor, at: input.at });
  }
  markFiltered(input: ReviewActor & ReviewQuery & { words: string; state: ReviewState; expectedEvents: number }): Promise<{ marked: number; progress: ReviewProgress }> {
    return this.call('review.markFiltered', { filter: input.filter, timeZone: input.timeZone, words: input.words, state: input.state, expectedEvents: input.expectedEvents, actor: input.actor, at: input.at });
  }
  progress(query: ReviewQuery): Promise<ReviewProgress> {
    return this.call('review.progress', { filter: query.filter, timeZone: query.timeZone });
  }
  progressOverview(input: { timeZone: string; views: Array<{ name: string; filter: LocalFilterGroupInput }> }): Promise<ReviewProgressOverview> {
    return this.call('review.progressOverview', { timeZone: input.timeZone, views: input.views.map((view) => ({ name: view.name, filter: view.filter })) });
  }
  signOff(input: SignOffRecordInput): Promise<SignOffView> {
    return this.call('review.signOff', input);
  }
  signOffs(): Promise<SignOffView[]> {
    return this.call('review.signOffs', {});
  }
  log(input: { beforeSeq: number | null; limit: number }): Promise<{ entries: ReviewLogEntryView[]; chain: ReviewLogChainView }> {
    return this.call('review.log', input);
  }
}

/** Only the key's two fields cross the port (callers pass richer objects; the schema is strict). */
function keyOf(key: RecordKey): RecordKey {
  return { module: key.module, recordId: key.recordId };
}

export interface DataClient {
  /** Any request of the table, typed by name. */
  call: Call;
  readonly sync: WorkerSyncStore;
  readonly review: WorkerReviewStore;
  readonly cache: {
    overview(): Promise<{ records: RecordSyncState[]; stats: CacheStats }>;
    untrackRecords(records: readonly RecordKey[]): Promise<number>;
    queryEvents(filter: EventFilterInput, options?: DataRequestInput<'cache.queryEvents'>['options']): Promise<CachedEvent[]>;
    countEvents(filter: EventFilterInput): Promise<number>;
    countView(records: RecordKey[], filter: LocalFilterGroupInput, timeZone: string): Promise<number>;
    getEvent(eventId: string): Promise<CachedEvent | undefined>;
    getRawEvent(eventId: string): Promise<string | undefined>;
    /** PRAGMA quick_check in the worker; rejects with CACHE_DAMAGED when the file is damaged. */
    integrityCheck(): Promise<{ ms: number }>;
    storeModuleLabels(labels: Readonly<DataRequestInput<'cache.storeModuleLabels'>['labels']>, at: number): Promise<void>;
    moduleLabels(): Promise<Record<string, string>>;
  };
  readonly exports: {
    scope(records: RecordKey[] | null): Promise<DataRequestOutput<'export.scope'>>;
    csv(job: ExportJobInput, options?: CallOptions<ExportProgress>): Promise<DataRequestOutput<'export.csv'>>;
    pdf(job: ExportJobInput, options?: CallOptions<ExportProgress>): Promise<DataRequestOutput<'export.pdf'>>;
    packet(job: DataRequestInput<'export.packet'>, options?: CallOptions<ExportProgress>): Promise<DataRequestOutput<'export.packet'>>;
  };
  /** 'stopped' after a crash: calls fail with DataWorkerStoppedError until restart(). */
  readonly state: 'running' | 'stopped' | 'closed';
  /** Starts a fresh worker after a crash (pending calls of the old one have already failed). */
  restart(): void;
  /** Cancels nothing by itself: pending calls fail with "closed"; the worker is terminated, the cache closed with it. */
  close(): Promise<void>;
}

/** How long close() waits for the worker to close the cache (it may be in the middle of a long statement). */
const CLOSE_TIMEOUT_MS = 5_000;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress: ((progress: unknown) => void) | undefined;
  aborted: () => boolean;
  cleanup: () => void;
}

export function createDataClient(spawner: WorkerSpawner, options: { cacheFile: string }): DataClient {
  let port: DataWorkerPort;
  let state: DataClient['state'] = 'running';
  let stopReason = '';
  let nextId = 1;
  const pending = new Map<number, Pending>();
  /** Resolves when the worker has answered a 'close' (its cache closed cleanly). */
  let closedByWorker: (() => void) | undefined;

  const failAll = (error: Error): void => {
    const calls = [...pending.values()];
    pending.clear();
    for (const call of calls) {
      call.cleanup();
      call.reject(error);
    }
  };

  const start = (): void => {
    const current = spawner.spawn({ cacheFile: options.cacheFile });
    port = current;
    state = 'running';
    current.onMessage((message: FromWorkerMessage) => {
      if (port !== current) return;
      if (message.type === 'closed') {
        closedByWorker?.();
        return;
      }
      const call = pending.get(message.id);
      if (call === undefined) return;
      if (message.type === 'progress') {
        call.onProgress?.(message.progress);
        return;
      }
      pending.delete(message.id);
      call.cleanup();
      if (pending.size === 0) current.keepAlive(false);
      if (message.result.ok) call.resolve(message.result.value);
      else call.reject(call.aborted() ? new DataJobAbortedError(message.result.error) : errorFrom(message.result.error));
    });
    current.onStop((reason) => {
      closedByWorker?.();
      if (port !== current || state === 'closed') return;
      state = 'stopped';
      stopReason = reason;
      failAll(new DataWorkerStoppedError(reason));
    });
  };
  start();

  const call: Call = (name, input, callOptions = {}) => {
    if (state === 'stopped') return Promise.reject(new DataWorkerStoppedError(stopReason));
    if (state === 'closed') return Promise.reject(new AuditorError('DATA_WORKER_CLOSED', 'The data worker was closed.', { hint: 'This is a bug in Timeline Auditor: a call after shutdown.' }));
    const id = nextId++;
    const { signal, onProgress, transfer } = callOptions;
    return new Promise((resolve, reject) => {
      const abort = (): void => port.postMessage({ type: 'abort', id });
      signal?.addEventListener('abort', abort, { once: true });
      pending.set(id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        onProgress: onProgress as ((progress: unknown) => void) | undefined,
        aborted: () => signal?.aborted === true,
        cleanup: () => signal?.removeEventListener('abort', abort),
      });
      if (pending.size === 1) port.keepAlive(true);
      port.postMessage({ type: 'request', id, name, input }, transfer);
      if (signal?.aborted === true) abort();
    });
  };

  return {
    call,
    sync: new WorkerSyncStore(call),
    review: new WorkerReviewStore(call),
    cache: {
      overview: () => call('cache.overview', {}),
      untrackRecords: (records) => call('cache.untrackRecords', { records: records.map(keyOf) }),
      queryEvents: (filter, queryOptions = {}) => call('cache.queryEvents', { filter, options: queryOptions }),
      countEvents: (filter) => call('cache.countEvents', { filter }),
      countView: (records, filter, timeZone) => call('cache.countView', { records, filter, timeZone }),
      getEvent: (eventId) => call('cache.getEvent', { eventId }),
      getRawEvent: (eventId) => call('cache.getRawEvent', { eventId }),
      integrityCheck: () => call('cache.integrityCheck', {}),
      storeModuleLabels: (labels, at) => call('cache.storeModuleLabels', { labels: [...labels], at }),
      moduleLabels: () => call('cache.moduleLabels', {}),
    },
    exports: {
      scope: (records) => call('export.scope', { records }),
      csv: (job, callOptions) => call('export.csv', job, callOptions),
      pdf: (job, callOptions) => call('export.pdf', job, callOptions),
      packet: (job, callOptions) => call('export.packet', job, callOptions),
    },
    get state() {
      return state;
    },
    restart() {
      if (state !== 'stopped') return;
      start();
    },
    async close() {
      if (state === 'closed') return;
      const wasRunning = state === 'running';
      state = 'closed';
      failAll(new AuditorError('DATA_WORKER_CLOSED', 'The data worker was closed while a request was running.', { hint: 'The app or command is shutting down.' }));
      // A clean close of the cache (its open marker removed) before the thread goes: terminating
      // alone would leave the marker, and the next start would check the whole file for damage.
      if (wasRunning) {
        const closing = new Promise<void>((resolve) => {
          closedByWorker = resolve;
          setTimeout(resolve, CLOSE_TIMEOUT_MS).unref();
        });
        port.keepAlive(true);
        port.postMessage({ type: 'close' });
        await closing;
      }
      await port.terminate();
    },
  };
}

function errorFrom(error: IpcError): AuditorError {
  return new AuditorError(error.code, error.message, {
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    ...(error.details === undefined ? {} : { details: error.details }),
  });
}
