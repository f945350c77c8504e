import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineCache } from '../../../main/cache/index.js';
import type { Sandbox } from '../../../main/sandbox/index.js';
import { SyncEngine } from '../../../main/sync/index.js';
import type { RecordKey, RecordSyncState, SyncStore } from '../../../main/sync/sync-store.js';
import type { TimelineEntry } from '../../../main/zoho/models.js';
import { closeTempCaches, expectCacheEqualsGroundTruth, InstantClock, makeHarness, pickRecords, startSyncSandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  closeTempCaches();
  await sandbox?.close();
  sandbox = undefined;
});

const label = (key: RecordKey): string => `${key.module}/${key.recordId}`;

function pagesNeeded(sandbox: Sandbox, records: readonly RecordKey[], perPage: number): number {
  return records.reduce((sum, record) => sum + Math.max(1, Math.ceil(sandbox.groundTruth(record.module, record.recordId).length / perPage)), 0);
}

/**
 * TimelineCache behind an asynchronous boundary, as the data worker will put it: every method answers
 * with a promise, and each page write takes `writeDelayMs` before it resolves (the write itself
 * happens at the end). Records what happened in one sequence so the test can check the order.
 */
class SlowAsyncStore implements SyncStore {
  /** Monotonic step counter shared with the fetch wrapper. */
  step = 0;
  pendingWrites = 0;
  peakPendingWrites = 0;
  readonly pendingByRecord = new Map<string, number>();
  readonly writesByRecord = new Map<string, number>();
  /** Step at which the write that stored each next_page_token finished. */
  readonly tokenWrittenAt = new Map<string, number>();
  readonly problems: string[] = [];
  completed: string[] = [];

  constructor(
    readonly cache: TimelineCache,
    private readonly writeDelayMs: number,
    private readonly failWrite: (key: RecordKey, pageIndex: number) => boolean = () => false,
  ) {}

  private async later<T>(work: () => T): Promise<T> {
    await new Promise((resolve) => setImmediate(resolve));
    return work();
  }

  trackRecords(records: ReadonlyArray<RecordKey & { name?: string | null }>): Promise<void> {
    return this.later(() => this.cache.trackRecords(records));
  }
  recordState(key: RecordKey): Promise<RecordSyncState | undefined> {
    return this.later(() => this.cache.recordState(key));
  }
  listRecordStates(): Promise<ReturnType<TimelineCache['listRecordStates']>> {
    return this.later(() => this.cache.listRecordStates());
  }
  beginRecordSync(key: RecordKey, mode: 'full' | 'incremental'): Promise<void> {
    return this.later(() => this.cache.beginRecordSync(key, mode));
  }
  clearResumeToken(key: RecordKey): Promise<void> {
    return this.later(() => this.cache.clearResumeToken(key));
  }
  upsertUsers(users: Parameters<TimelineCache['upsertUsers']>[0]): Promise<void> {
    return this.later(() => this.cache.upsertUsers(users));
  }
  createSyncRun(records: readonly RecordKey[], options: string, at: number): ReturnType<SyncStore['createSyncRun']> {
    return this.later(() => this.cache.createSyncRun(records, options, at));
  }
  latestUnfinishedSyncRun(): ReturnType<SyncStore['latestUnfinishedSyncRun']> {
    return this.later(() => this.cache.latestUnfinishedSyncRun());
  }
  syncRunRecords(runId: string): ReturnType<SyncStore['syncRunRecords']> {
    return this.later(() => this.cache.syncRunRecords(runId));
  }
  markSyncRunRecord(runId: string, key: RecordKey, status: 'pending' | 'done' | 'failed'): Promise<void> {
    return this.later(() => this.cache.markSyncRunRecord(runId, key, status));
  }
  finishSyncRun(runId: string, status: 'cancelled' | 'done'): Promise<void> {
    return this.later(() => this.cache.finishSyncRun(runId, status));
  }
  failRecordSync(key: RecordKey, error: { code: string; message: string }, at: number): Promise<void> {
    return this.later(() => this.cache.failRecordSync(key, error, at));
  }

  completeRecordSync(key: RecordKey, at: number): Promise<void> {
    if ((this.pendingByRecord.get(label(key)) ?? 0) !== 0) this.problems.push(`${label(key)} completed with a write pending`);
    this.completed.push(label(key));
    return this.later(() => this.cache.completeRecordSync(key, at));
  }

  async writeTimelinePage(key: RecordKey, entries: readonly TimelineEntry[], nextPageToken: string | null): Promise<{ inserted: number }> {
    const record = label(key);
    const pageIndex = this.writesByRecord.get(record) ?? 0;
    this.writesByRecord.set(record, pageIndex + 1);
    if ((this.pendingByRecord.get(record) ?? 0) !== 0) this.problems.push(`${record}: two writes at once`);
    this.pendingByRecord.set(record, 1);
    this.pendingWrites += 1;
    this.peakPendingWrites = Math.max(this.peakPendingWrites, this.pendingWrites);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.writeDelayMs));
      if (this.failWrite(key, pageIndex)) throw new Error('disk I/O error');
      const result = this.cache.writeTimelinePage(key, entries, nextPageToken);
      this.step += 1;
      if (nextPageToken !== null) this.tokenWrittenAt.set(nextPageToken, this.step);
      return result;
    } finally {
      this.pendingWrites -= 1;
      this.pendingByRecord.set(record, 0);
    }
  }
}

describe('pipelined page writes into an asynchronous store', () => {
  it('keeps requests going while writes are pending, with per-record order and exact completion', async () => {
    sandbox = await startSyncSandbox({ recordsPerModule: 10 });
    const requestsWhileWriting: number[] = [];
    const tokenRequestedAt = new Map<string, number>();
    let slow: SlowAsyncStore | undefined;
    const recordingFetch: typeof fetch = (input, init) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      if (slow !== undefined && url.pathname.includes('__timeline')) {
        requestsWhileWriting.push(slow.pendingWrites);
        const token = url.searchParams.get('page_token');
        if (token !== null) tokenRequestedAt.set(token, slow.step);
      }
      return fetch(input, init);
    };
    const { store: cache, client, clock } = makeHarness(sandbox, { fetch: recordingFetch });
    slow = new SlowAsyncStore(cache, 15);
    const engine = new SyncEngine({ client, store: slow, clock });
    const records = pickRecords(sandbox, 24);
    const concurrency = 3;
    const result = await engine.run({ records }, { perPage: 5, concurrency, fetchUsers: false });

    expect(result.state).toBe('done');
    expect(slow.problems).toEqual([]);
    expectCacheEqualsGroundTruth(cache, sandbox, records);
    expect(result.progress.pagesFetched).toBe(pagesNeeded(sandbox, records, 5));
    expect(slow.completed.sort()).toEqual(records.map(label).sort());
    for (const record of records) {
      expect(slow.writesByRecord.get(label(record))).toBe(pagesNeeded(sandbox, [record], 5));
      expect(cache.recordState(record)).toMatchObject({ freshness: 'fresh', resumePageToken: null });
    }
    // Pages were written late: more of them waited for the store than requests may be in flight…
    expect(slow.peakPendingWrites).toBeGreaterThan(concurrency);
    // …but never more than the bound (2 × concurrency), so memory stays flat.
    expect(slow.peakPendingWrites).toBeLessThanOrEqual(2 * concurrency);
    expect(result.peakPendingWrites).toBe(slow.peakPendingWrites);
    // Requests were not held back by writes: most went out while some page was still being written,
    // and a record's next page was often asked for before the page carrying its token was stored (an
    // engine that waited for each write would score 0 here; backpressure, when all write slots are
    // taken, makes some wait — how many depends on the machine's load, hence a quarter).
    const overlapping = requestsWhileWriting.filter((pending) => pending > 0).length;
    expect(overlapping / requestsWhileWriting.length).toBeGreaterThan(0.5);
    const askedBeforeStored = [...tokenRequestedAt].filter(([token, at]) => at < (slow.tokenWrittenAt.get(token) ?? Number.POSITIVE_INFINITY)).length;
    expect(askedBeforeStored).toBeGreaterThan(tokenRequestedAt.size / 4);
  });

  it('a failed write never completes its record; the run stops resumably and a resume finishes it', async () => {
    sandbox = await startSyncSandbox({ recordsPerModule: 10 });
    const { store: cache, client, clock } = makeHarness(sandbox, { clock: new InstantClock() });
    const records = pickRecords(sandbox, 8);
    const victim = records.find((record) => sandbox!.groundTruth(record.module, record.recordId).length > 10)!;
    const slow = new SlowAsyncStore(cache, 2, (key, pageIndex) => label(key) === label(victim) && pageIndex === 1);
    const engine = new SyncEngine({ client, store: slow, clock });
    const first = await engine.run({ records }, { perPage: 5, concurrency: 2, fetchUsers: false });

    expect(first.state).toBe('stopped');
    expect(first.stopReason?.code).toBe('SYNC_CACHE_FAILED');
    expect(first.stopReason?.message).toMatch(/disk I\/O error/);
    expect(slow.completed).not.toContain(label(victim));
    expect(cache.recordState(victim)?.freshness).not.toBe('fresh');
    expect(cache.recordState(victim)?.lastSyncedAt).toBeNull();
    expect(cache.syncRunRecords(first.runId).find((record) => record.recordId === victim.recordId)?.status).toBe('pending');
    expect(slow.problems).toEqual([]);

    const second = await new SyncEngine({ client, store: cache, clock }).run({ resume: first.runId }, { fetchUsers: false });
    expect(second.state).toBe('done');
    expectCacheEqualsGroundTruth(cache, sandbox, records);
  });
});

describe('abort listeners', () => {
  it('a cancellable bulk run adds one abort listener, not one per request (no MaxListenersExceededWarning)', async () => {
    sandbox = await startSyncSandbox({ recordsPerModule: 20, latencyMs: 2 });
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const { engine } = makeHarness(sandbox);
      const controller = new AbortController();
      const result = await engine.run({ records: pickRecords(sandbox, 40) }, { perPage: 10, concurrency: 12, signal: controller.signal });
      expect(result.state).toBe('done');
      expect(result.peakConcurrency).toBeGreaterThan(10);
      // Warnings are emitted on a later tick.
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map((warning) => warning.message)).toEqual([]);
  });
});
