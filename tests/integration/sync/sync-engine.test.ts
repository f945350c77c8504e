import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../main/core/clock.js';
import type { Sandbox } from '../../../main/sandbox/index.js';
import type { SyncProgress } from '../../../main/sync/index.js';
import { closeTempCaches, expectCacheEqualsGroundTruth, inFlightMeter, makeHarness, pickRecords, startSyncSandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  closeTempCaches();
  await sandbox?.close();
  sandbox = undefined;
});

describe('SyncEngine against the sandbox', () => {
  it('syncs every record completely, page by page, with the users directory and throttled progress', async () => {
    sandbox = await startSyncSandbox();
    const { engine, store } = makeHarness(sandbox);
    const records = pickRecords(sandbox, 24);
    const reports: SyncProgress[] = [];
    const result = await engine.run({ records }, { perPage: 10, onProgress: (progress) => reports.push(progress) });

    expect(result.state).toBe('done');
    expect(result.progress).toMatchObject({ recordsTotal: 24, recordsDone: 24, recordsFailed: 0, state: 'done' });
    expectCacheEqualsGroundTruth(store, sandbox, records);
    const totalEvents = records.reduce((sum, record) => sum + sandbox!.groundTruth(record.module, record.recordId).length, 0);
    expect(result.progress.eventsWritten).toBe(totalEvents);
    expect(result.progress.pagesFetched).toBeGreaterThan(records.length);
    expect(result.records.every((record) => record.status === 'done' && record.freshness === 'fresh' && record.mode === 'full')).toBe(true);
    expect(result.users).toMatchObject({ count: expect.any(Number) as number });
    expect(store.users().length).toBeGreaterThan(0);
    // Throttled: far fewer reports than pages, and the last one is final.
    expect(reports.length).toBeLessThan(result.progress.pagesFetched);
    expect(reports.at(-1)?.state).toBe('done');
    expect(store.latestUnfinishedSyncRun()).toBeUndefined();
  });

  it('ends with the exact timelines through 429 storms, 500s, socket resets and truncated JSON', async () => {
    sandbox = await startSyncSandbox();
    const { engine, store } = makeHarness(sandbox);
    const records = pickRecords(sandbox, 20);
    sandbox.injectFault({ kind: 'status', status: 429 }, { pathIncludes: '__timeline', afterRequests: 3, times: 15 });
    sandbox.injectFault({ kind: 'status', status: 500 }, { pathIncludes: '__timeline', afterRequests: 20, times: 4 });
    sandbox.injectFault({ kind: 'status', status: 503 }, { pathIncludes: '__timeline', afterRequests: 30, times: 2 });
    sandbox.injectFault({ kind: 'socket-reset' }, { pathIncludes: '__timeline', afterRequests: 40, times: 3 });
    sandbox.injectFault({ kind: 'truncated-json' }, { pathIncludes: '__timeline', afterRequests: 50, times: 3 });
    const result = await engine.run({ records }, { perPage: 7 });

    expect(result.state).toBe('done');
    expect(result.progress.recordsFailed).toBe(0);
    expectCacheEqualsGroundTruth(store, sandbox, records);
    expect(sandbox.stats().rejected429).toBeGreaterThanOrEqual(15);
  });

  it('keeps concurrency near the server limit with AIMD and still finishes', async () => {
    sandbox = await startSyncSandbox({ concurrencyLimit: 3, latencyMs: 10, recordsPerModule: 15 });
    const meter = inFlightMeter();
    const { engine, store } = makeHarness(sandbox, { clock: systemClock, fetch: meter.fetch });
    const records = pickRecords(sandbox, 60);
    const result = await engine.run({ records }, { perPage: 10, concurrency: 10, retry: { baseDelayMs: 10, maxDelayMs: 200, maxAttempts: 20 } });

    expect(result.state).toBe('done');
    expectCacheEqualsGroundTruth(store, sandbox, records);
    const stats = sandbox.stats();
    // It started at 10 against a limit of 3: the window came down at once (7 refusals) and stayed near
    // the limit — each refusal is one time the limit was exceeded, so few refusals = rarely over, briefly.
    expect(stats.rejected429).toBeGreaterThan(0);
    expect(stats.rejected429 / stats.crmRequests).toBeLessThan(0.15);
    expect(meter.meanAtSend()).toBeLessThan(4);
    expect(result.progress.currentConcurrency).toBeLessThanOrEqual(4);
  });
});
