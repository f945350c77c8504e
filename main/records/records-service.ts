import type { AddRecordsResult, RecordKeyView, RecordRowView, RecordsOverview, SyncProgressView, TimelineEventView, ZohoFilterModel } from '../../preload/contract.js';
import type { CachedEvent, CacheStats, EventFilter, QueryOptions } from '../cache/index.js';
import type { Clock } from '../core/clock.js';
import { AuditorError } from '../core/errors.js';
import type { EventHub } from '../core/event-hub.js';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { listModuleRecords, parseRecordCsv, parseRecordList, parseRecordRef, parseRecordsFile, SyncEngine, SyncError, type SyncOptions, type SyncProgress, type SyncRecordInput, type SyncResult, type SyncTarget } from '../sync/index.js';
import type { RecordKey, RecordSyncState, SyncStore } from '../sync/sync-store.js';
import { TIMELINE_MODULES } from '../zoho/modules.js';
import { describePathfinder } from '../zoho/automation.js';
import type { ZohoClient } from '../zoho/client.js';
import type { TimelineFilter } from '../zoho/filters.js';
import { buildZohoFilter } from '../review/zoho-filter-model.js';
import { fetchModuleLabels, type ZohoModuleLabel } from '../zoho/module-labels.js';

/** How often the Records list is told to refresh while a sync writes. */
const RECORDS_CHANGED_INTERVAL_MS = 500;

/**
 * What the Records screen reads and writes in the cache: the sync engine's store and a few reads.
 * Awaitable: the data worker answers across a thread (main/data); TimelineCache fits it directly.
 */
export interface RecordsStore {
  readonly sync: SyncStore;
  overview(): Promise<{ records: RecordSyncState[]; stats: CacheStats }>;
  untrackRecords(records: readonly RecordKey[]): Promise<number>;
  queryEvents(filter: Pick<EventFilter, 'records'>, options: Pick<QueryOptions, 'limit' | 'offset' | 'orderBy' | 'direction'>): Promise<CachedEvent[]>;
  countEvents(filter: Pick<EventFilter, 'records'>): Promise<number>;
  /** Keeps Zoho's module labels (replacing those read before). */
  storeModuleLabels(labels: readonly ZohoModuleLabel[], at: number): Promise<void>;
}

/** How long a finished sync waits for the module labels read beside it. */
const MODULE_LABELS_GRACE_MS = 2_000;

export interface RecordsServiceDependencies {
  store: RecordsStore;
  /** The cache file (for messages and `fetch --json`). */
  cacheFile: string;
  /** A client on the live connection, built when a sync or a listing needs one. */
  client: () => ZohoClient;
  events: EventHub;
  clock: Clock;
  /**
   * The concurrency a sync starts with unless told otherwise: the org's edition's limit (read at
   * sign-in; zoho/organization.ts). None = the engine's default (Standard's 10).
   */
  defaultConcurrency?: () => number;
}

/** Records named on a command line (see `resolveRecords`). */
export interface RecordSelection {
  /** Module/RecordId texts. */
  refs: readonly string[];
  /** A CSV (by .csv name) or a list, one Module/RecordId per line. */
  file?: string | undefined;
  /** Module of bare ids in the file. */
  defaultModule?: string | undefined;
  /** Every record of this module, optionally modified within [modifiedFrom, modifiedTo]. */
  module?: string | undefined;
  modifiedFrom?: string | undefined;
  modifiedTo?: string | undefined;
  signal?: AbortSignal;
}

/**
 * The Records screen's side in main: the tracked records, bulk syncs with progress pushed to every
 * window, one sync at a time, and the cached timelines (which need no network).
 */
export class RecordsService {
  #running: { controller: AbortController; done: Promise<void> } | undefined;
  #latest: SyncProgressView | null = null;
  #lastRecordsChanged = 0;

  constructor(private readonly deps: RecordsServiceDependencies) {}

  async overview(): Promise<RecordsOverview> {
    const { records, stats } = await this.deps.store.overview();
    return {
      records: records.map(toRecordRow),
      cache: stats,
      modules: TIMELINE_MODULES.map((module) => module.apiName),
    };
  }

  async add(input: { text: string; defaultModule: string | null; format: 'paste' | 'csv' }): Promise<AddRecordsResult> {
    const options = input.defaultModule === null ? {} : { defaultModule: input.defaultModule };
    let records: SyncRecordInput[];
    try {
      records = input.format === 'csv' ? parseRecordCsv(input.text, options) : parseRecordList(input.text, options);
    } catch (error) {
      const problems = problemsOf(error, input.text);
      if (problems === null) throw error;
      return { added: 0, problems };
    }
    return this.#track(records);
  }

  async addModule(module: string): Promise<AddRecordsResult> {
    const records = await listModuleRecords(this.deps.client(), module);
    return this.#track(records);
  }

  async remove(records: readonly RecordKeyView[]): Promise<{ removed: number }> {
    if (this.#running !== undefined) {
      throw new AuditorError('SYNC_RUNNING', 'Records cannot be removed while a sync is running.', { hint: 'Wait for the sync to finish or cancel it first.' });
    }
    const removed = await this.deps.store.untrackRecords(records);
    this.deps.events.emit('records:changed', {});
    return { removed };
  }

  async start(input: { records?: readonly RecordKeyView[]; mode: 'full' | 'incremental'; filters?: ZohoFilterModel }): Promise<{ runId: string }> {
    const records = input.records ?? (await this.deps.store.sync.listRecordStates()).map(({ module, recordId }) => ({ module, recordId }));
    if (records.length === 0) {
      throw new AuditorError('SYNC_NOTHING_TO_DO', 'There are no records to sync.', { hint: 'Add records first: paste ids, import a CSV or take a whole module.' });
    }
    if (input.filters !== undefined && input.mode !== 'full') {
      throw new AuditorError('SYNC_INPUT_INVALID', 'A fetch with filters cannot be incremental.', { hint: 'Fetch with filters reads each timeline from its first page; leave out the filter to fetch only new events.' });
    }
    // Checked against the documented grammar (ZOHO_INVALID_FILTER names the failing part) before anything starts.
    const filters = input.filters === undefined ? undefined : buildZohoFilter(input.filters).filter;
    return this.#run({ records }, input.mode, filters);
  }

  async resume(): Promise<{ runId: string } | null> {
    const run = await this.deps.store.sync.latestUnfinishedSyncRun();
    if (run === undefined) return null;
    return this.#run({ resume: run }, undefined);
  }

  cancel(): { cancelled: boolean } {
    if (this.#running === undefined) return { cancelled: false };
    this.#running.controller.abort(new AuditorError('SYNC_CANCELLED', 'The sync was cancelled.'));
    return { cancelled: true };
  }

  progress(): SyncProgressView | null {
    return this.#latest;
  }

  /** Resolves when the running sync (if any) has ended; for shutdown and tests. */
  async idle(): Promise<void> {
    await this.#running?.done;
  }

  /** The cached state of these records (the CLI's per-record lines after a sync). */
  async recordStates(keys: readonly RecordKeyView[]): Promise<Array<RecordSyncState | undefined>> {
    return Promise.all(keys.map(async (key) => this.deps.store.sync.recordState({ module: key.module, recordId: key.recordId })));
  }

  /** The cache file syncs write to. */
  cacheFile(): string {
    return this.deps.cacheFile;
  }

  /**
   * Which records a headless sync is about: Module/RecordId arguments, a file (CSV or a list), a whole
   * module (optionally modified within a window, listed from Zoho). Duplicates collapse.
   */
  async resolveRecords(input: RecordSelection): Promise<SyncRecordInput[]> {
    const records = new Map<string, SyncRecordInput>();
    const add = (list: readonly SyncRecordInput[]): void => {
      for (const record of list) records.set(`${record.module}/${record.recordId}`, record);
    };
    add(input.refs.map(parseRecordRef));
    if (input.file !== undefined) {
      let text: string;
      try {
        text = readFileSync(input.file, 'utf8');
      } catch (error) {
        throw new SyncError('SYNC_INPUT_INVALID', `The file ${input.file} cannot be read (${error instanceof Error ? error.message : String(error)}).`, { hint: 'Check the path and that the file is readable.' });
      }
      add(parseRecordsFile(text, basename(input.file), input.defaultModule === undefined ? {} : { defaultModule: input.defaultModule }));
    }
    if (input.module !== undefined) {
      add(
        await listModuleRecords(this.deps.client(), input.module, {
          ...(input.modifiedFrom === undefined ? {} : { modifiedFrom: input.modifiedFrom }),
          ...(input.modifiedTo === undefined ? {} : { modifiedTo: input.modifiedTo }),
          ...(input.signal === undefined ? {} : { signal: input.signal }),
        }),
      );
    } else if (input.modifiedFrom !== undefined || input.modifiedTo !== undefined) {
      throw new SyncError('SYNC_INPUT_INVALID', 'A modification window needs a module.', { hint: 'Add --module, e.g. --module Leads --since 2024-03-01T00:00:00+00:00.' });
    }
    if (records.size === 0) throw new SyncError('SYNC_INPUT_INVALID', 'No records to sync.', { hint: 'Name records as Module/RecordId, give a file of ids, or a module.' });
    return [...records.values()];
  }

  /**
   * Runs a sync to its end and answers its result (the CLI). `{ resume: true }` continues the last
   * interrupted run and answers null when there is none. The app's `start` runs the same in the background.
   */
  async sync(target: { records: readonly SyncRecordInput[] } | { resume: true }, options: Omit<SyncOptions, 'mode'> & { mode?: 'full' | 'incremental' } = {}): Promise<SyncResult | null> {
    let syncTarget: SyncTarget;
    if ('resume' in target) {
      const run = await this.deps.store.sync.latestUnfinishedSyncRun();
      if (run === undefined) return null;
      syncTarget = { resume: run };
    } else {
      syncTarget = { records: [...target.records] };
    }
    return this.#thenModuleLabels(this.#engine().run(syncTarget, this.#withDefaultConcurrency(options)), options.signal);
  }

  /**
   * Reads the module labels once a sync's work has ended (one call), never beside it: the sync already
   * makes as many calls at once as the org's edition allows (Free 5 …), so one more beside it was
   * answered 429 and halved the sync's window at its start (issue 13). A failure leaves the labels as
   * they were; the finished sync waits for them a moment at most (a client backing off after a 429 would
   * otherwise hold it), then the request is dropped. A sync that threw reads none.
   */
  async #thenModuleLabels<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    const result = await work;
    if (signal?.aborted) return result;
    const controller = new AbortController();
    const follow = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', follow, { once: true });
    const timer = setTimeout(() => controller.abort(new Error('Reading the module labels took too long.')), MODULE_LABELS_GRACE_MS);
    try {
      await this.refreshModuleLabels(controller.signal);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', follow);
    }
    return result;
  }

  /**
   * Reads the org's module labels (GET /settings/modules) into the cache, for screens, the PDF and
   * verify's output. Never fails: without them (no scope, Zoho down) labels stay as last read, or
   * preload/labels.ts's standard names. Answers what happened, for tests and logs.
   */
  async refreshModuleLabels(signal?: AbortSignal): Promise<{ read: number } | { failed: string }> {
    try {
      const labels = await fetchModuleLabels(this.deps.client(), signal);
      await this.deps.store.storeModuleLabels(labels, this.deps.clock.now());
      return { read: labels.length };
    } catch (error) {
      return { failed: error instanceof Error ? error.message : String(error) };
    }
  }

  #withDefaultConcurrency<T extends SyncOptions>(options: T): T {
    if (options.concurrency !== undefined || this.deps.defaultConcurrency === undefined) return options;
    return { ...options, concurrency: this.deps.defaultConcurrency() };
  }

  async timeline(record: RecordKeyView, limit: number, offset: number): Promise<{ total: number; events: TimelineEventView[] }> {
    const filter = { records: [{ module: record.module, recordId: record.recordId }] };
    const [total, events] = await Promise.all([this.deps.store.countEvents(filter), this.deps.store.queryEvents(filter, { limit, offset, orderBy: 'audited_time', direction: 'desc' })]);
    return {
      total,
      events: events.map(toEventView),
    };
  }

  async #run(target: SyncTarget, mode: 'full' | 'incremental' | undefined, filters?: TimelineFilter): Promise<{ runId: string }> {
    if (this.#running !== undefined) {
      throw new AuditorError('SYNC_RUNNING', 'A sync is already running.', { hint: 'Wait for it to finish, or cancel it first.' });
    }
    const controller = new AbortController();
    const engine = this.#engine();
    let announceRunId: (runId: string) => void = () => undefined;
    const runIdKnown = new Promise<string>((resolve) => (announceRunId = resolve));
    const finished = engine
      .run(
        target,
        this.#withDefaultConcurrency({
          ...(mode === undefined ? {} : { mode }),
          ...(filters === undefined ? {} : { filters }),
          signal: controller.signal,
          onProgress: (progress: SyncProgress) => {
            announceRunId(progress.runId);
            this.#publish(progress);
          },
        }),
      )
      .then((result) => {
        // The engine has already published the run's final progress through onProgress.
        announceRunId(result.runId);
      });
    const done = this.#thenModuleLabels(finished, controller.signal).finally(() => {
      this.#running = undefined;
      this.deps.events.emit('records:changed', {});
    });
    this.#running = { controller, done: done.catch(() => undefined) };
    // Starting fails loudly (not connected, nothing to resume); a run that started reports through progress.
    const runId = await Promise.race([runIdKnown, finished.then(() => runIdKnown)]);
    void done.catch((error: unknown) => this.#publishFailure(runId, error));
    return { runId };
  }

  #engine(): SyncEngine {
    return new SyncEngine({ client: this.deps.client(), store: this.deps.store.sync, clock: this.deps.clock });
  }

  #publish(progress: SyncProgress): void {
    this.#latest = toProgressView(progress);
    this.deps.events.emit('sync:progress', this.#latest);
    const now = this.deps.clock.now();
    if (progress.state !== 'running' || now - this.#lastRecordsChanged >= RECORDS_CHANGED_INTERVAL_MS) {
      this.#lastRecordsChanged = now;
      this.deps.events.emit('records:changed', {});
    }
  }

  #publishFailure(runId: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.#latest = {
      ...(this.#latest ?? emptyProgress(runId)),
      state: 'stopped',
      stoppedReason: message,
    };
    this.deps.events.emit('sync:progress', this.#latest);
  }

  async #track(records: readonly SyncRecordInput[]): Promise<AddRecordsResult> {
    await this.deps.store.sync.trackRecords(records);
    this.deps.events.emit('records:changed', {});
    return { added: records.length, problems: [] };
  }
}

function emptyProgress(runId: string): SyncProgressView {
  return {
    runId,
    state: 'stopped',
    recordsDone: 0,
    recordsTotal: 0,
    recordsFailed: 0,
    recordsSkipped: 0,
    eventsWritten: 0,
    pagesFetched: 0,
    requestsPerSecond: 0,
    eventsPerSecond: 0,
    etaMs: null,
    currentConcurrency: 0,
    creditsUsed: 0,
    creditsRemaining: null,
    errors: [],
    stoppedReason: null,
  };
}

function problemsOf(error: unknown, text: string): AddRecordsResult['problems'] | null {
  if (!(error instanceof SyncError) || error.code !== 'SYNC_INPUT_INVALID') return null;
  const lines = text.split(/\r\n|\n|\r/);
  const listed = error.details?.['problems'];
  if (!Array.isArray(listed)) return [{ line: 1, text: lines[0] ?? '', message: error.message }];
  return listed.map((problem: { line: number; message: string }) => ({ line: problem.line, text: (lines[problem.line - 1] ?? '').trim().slice(0, 120), message: problem.message }));
}

function toRecordRow(state: RecordSyncState): RecordRowView {
  return {
    module: state.module,
    recordId: state.recordId,
    name: state.name,
    freshness: state.freshness,
    eventCount: state.eventCount,
    newestAuditedTime: state.newestAuditedTime,
    lastSyncedAt: state.lastSyncedAt,
    lastError: state.lastError,
    resumable: state.resumePageToken !== null || state.freshness === 'syncing',
    lastFetchFilter: state.lastSyncFilter,
  };
}

function toProgressView(progress: SyncProgress): SyncProgressView {
  return {
    runId: progress.runId,
    state: progress.state,
    recordsDone: progress.recordsDone,
    recordsTotal: progress.recordsTotal,
    recordsFailed: progress.recordsFailed,
    recordsSkipped: progress.recordsSkipped,
    eventsWritten: progress.eventsWritten,
    pagesFetched: progress.pagesFetched,
    requestsPerSecond: progress.requestsPerSecond,
    eventsPerSecond: progress.eventsPerSecond,
    etaMs: progress.etaMs,
    currentConcurrency: progress.currentConcurrency,
    creditsUsed: progress.creditsUsed,
    creditsRemaining: progress.creditsRemaining,
    errors: progress.errors,
    stoppedReason: progress.stopReason === undefined ? null : [progress.stopReason.message, progress.stopReason.hint].filter((part) => part !== undefined).join(' '),
  };
}

export function toEventView(event: CachedEvent): TimelineEventView {
  return {
    eventId: event.eventId,
    auditedTime: event.auditedTime,
    action: event.action,
    source: event.source,
    doneBy: event.doneBy,
    record: event.record,
    relatedRecord: event.relatedRecord,
    automation: automationLabel(event.automation),
    fieldChanges: event.fieldChanges.map((change) => ({
      apiName: change.apiName,
      label: change.fieldLabel,
      dataType: change.dataType,
      oldValue: change.oldText,
      newValue: change.newText,
    })),
  };
}

/** "Workflow: Assign region" from Zoho's automation_details (shape not fixed by the doc). */
function automationLabel(details: CachedEvent['automation']): string | null {
  if (details === null) return null;
  const pathfinder = describePathfinder(details);
  if (pathfinder !== null) return pathfinder;
  const type = typeof details['type'] === 'string' ? details['type'] : null;
  const rule = details['rule'];
  const name = typeof details['name'] === 'string' ? details['name'] : typeof rule === 'object' && rule !== null && !Array.isArray(rule) && typeof rule['name'] === 'string' ? rule['name'] : null;
  if (type === null && name === null) return JSON.stringify(details);
  return [type, name].filter((part) => part !== null).join(': ');
}
