import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../main/sandbox/index.js';
import { parseTimelinePage } from '../../../main/zoho/models.js';
import type { RecordKey } from '../../../main/sync/sync-store.js';
import { closeTempCaches, expectCacheEqualsGroundTruth, InstantClock, makeHarness, pickRecords, startSyncSandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  closeTempCaches();
  await sandbox?.close();
  sandbox = undefined;
});

function pagesNeeded(sandbox: Sandbox, records: readonly RecordKey[], perPage: number): number {
  return records.reduce((sum, record) => sum + Math.max(1, Math.ceil(sandbox.groundTruth(record.module, record.recordId).length / perPage)), 0);
}

describe('resume, incremental re-sync and budgets', () => {
  it('cancels at once, leaves the run resumable, and the resume fetches no page twice', async () => {
    sandbox = await startSyncSandbox();
    const { engine, store } = makeHarness(sandbox);
    const records = pickRecords(sandbox, 20);
    const controller = new AbortController();
    const first = await engine.run(
      { records },
      {
        perPage: 5,
        fetchUsers: false,
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (progress) => {
          if (progress.pagesFetched >= 30) controller.abort();
        },
      },
    );
    expect(first.state).toBe('cancelled');
    expect(first.progress.state).toBe('cancelled');
    expect(first.progress.recordsDone).toBeLessThan(records.length);
    const interrupted = store.listRecordStates().filter((state) => state.resumePageToken !== null);
    expect(interrupted.length).toBeGreaterThan(0);
    expect((await engine.resumableRun())?.id).toBe(first.runId);

    const second = await engine.run({ resume: first.runId }, { fetchUsers: false });
    expect(second.state).toBe('done');
    expect(second.progress.recordsDone).toBe(records.length);
    expect(await engine.resumableRun()).toBeUndefined();
    expectCacheEqualsGroundTruth(store, sandbox, records);
    // Interrupted records continued from their tokens: every page was fetched exactly once overall.
    expect(first.progress.pagesFetched + second.progress.pagesFetched).toBe(pagesNeeded(sandbox, records, 5));
  });

  it('restarts a record from page one when Zoho rejects its saved page token', async () => {
    sandbox = await startSyncSandbox();
    const { engine, store } = makeHarness(sandbox);
    const records = pickRecords(sandbox, 8);
    const controller = new AbortController();
    const first = await engine.run(
      { records },
      {
        perPage: 5,
        fetchUsers: false,
        signal: controller.signal,
        progressIntervalMs: 0,
        concurrency: 2,
        onProgress: (progress) => {
          if (progress.pagesFetched >= 3) controller.abort();
        },
      },
    );
    const victim = store.listRecordStates().find((state) => state.resumePageToken !== null);
    expect(victim).toBeDefined();
    const key = { module: victim!.module, recordId: victim!.recordId };
    // A token Zoho does not know (expired after 24 h, say).
    store.writeTimelinePage(key, [], 'eyJraW5kIjoidGltZWxpbmUifQ.not-a-valid-signature');
    const second = await engine.run({ resume: first.runId }, { fetchUsers: false });
    expect(second.state).toBe('done');
    expectCacheEqualsGroundTruth(store, sandbox, records);
    const outcome = second.records.find((record) => record.recordId === key.recordId);
    expect(outcome?.pages).toBe(pagesNeeded(sandbox, [key], 5));
  });

  it('incremental re-sync asks only for events since the newest cached one', async () => {
    sandbox = await startSyncSandbox();
    const { engine, store } = makeHarness(sandbox);
    const records = pickRecords(sandbox, 12);
    // The cache as an earlier sync left it: everything except each record's newest few events.
    let missing = 0;
    records.forEach((record, index) => {
      const truth = sandbox!.groundTruth(record.module, record.recordId);
      const newer = (index % 4) + 1;
      missing += newer;
      const older = parseTimelinePage({ __timeline: truth.slice(newer), info: { more_records: false, next_page_token: null } }, 'test');
      store.trackRecords([record]);
      store.beginRecordSync(record, 'full');
      store.writeTimelinePage(record, older.entries, null);
      store.completeRecordSync(record, Date.now() - 86_400_000);
    });
    const before = sandbox.stats().crmRequests;
    const result = await engine.run({ records }, { mode: 'incremental', fetchUsers: false, perPage: 5 });
    expect(result.state).toBe('done');
    expect(result.records.every((record) => record.mode === 'incremental' && record.freshness === 'fresh')).toBe(true);
    expect(result.progress.eventsWritten).toBe(missing);
    // One small page per record instead of the whole timeline.
    expect(sandbox.stats().crmRequests - before).toBe(records.length);
    expectCacheEqualsGroundTruth(store, sandbox, records);

    // Nothing new since: still one request per record, nothing written.
    const again = await engine.run({ records }, { mode: 'incremental', fetchUsers: false });
    expect(again.progress.eventsWritten).toBe(0);
    expect(again.progress.pagesFetched).toBe(records.length);
  });

  it('an interrupted incremental sync whose token expired restarts from the bound fixed at its start', async () => {
    sandbox = await startSyncSandbox();
    const { engine, store } = makeHarness(sandbox);
    const records = pickRecords(sandbox, 4);
    for (const record of records) {
      const truth = sandbox.groundTruth(record.module, record.recordId);
      const older = parseTimelinePage({ __timeline: truth.slice(7), info: { more_records: false, next_page_token: null } }, 'test');
      store.trackRecords([record]);
      store.beginRecordSync(record, 'full');
      store.writeTimelinePage(record, older.entries, null);
      store.completeRecordSync(record, Date.now() - 86_400_000);
    }
    const controller = new AbortController();
    const first = await engine.run(
      { records },
      {
        mode: 'incremental',
        perPage: 2,
        fetchUsers: false,
        concurrency: 1,
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (progress) => {
          if (progress.pagesFetched >= 1) controller.abort();
        },
      },
    );
    expect(first.state).toBe('cancelled');
    const interrupted = store.listRecordStates().find((state) => state.resumePageToken !== null);
    expect(interrupted?.syncMode).toBe('incremental');
    const key = { module: interrupted!.module, recordId: interrupted!.recordId };
    // The first page (the newest events) is cached, so the record's newest time is already the newest of all.
    expect(interrupted?.newestAuditedTime).toBe((sandbox.groundTruth(key.module, key.recordId)[0] as { audited_time: string }).audited_time);
    store.writeTimelinePage(key, [], 'eyJraW5kIjoidGltZWxpbmUifQ.not-a-valid-signature');

    const second = await engine.run({ resume: first.runId }, { fetchUsers: false });
    expect(second.state).toBe('done');
    expect(second.records.find((record) => record.recordId === key.recordId)?.mode).toBe('incremental');
    expectCacheEqualsGroundTruth(store, sandbox, records);
  });

  it('stops before the credit budget is exceeded and resumes to completion', async () => {
    sandbox = await startSyncSandbox();
    const { engine, store } = makeHarness(sandbox);
    const records = pickRecords(sandbox, 10);
    const first = await engine.run({ records }, { perPage: 5, fetchUsers: false, creditBudget: 20 });
    expect(first.state).toBe('stopped');
    expect(first.stopReason?.code).toBe('SYNC_CREDIT_BUDGET');
    expect(first.progress.stopReason?.code).toBe('SYNC_CREDIT_BUDGET');
    expect(sandbox.stats().crmRequests).toBeLessThanOrEqual(20);
    expect(first.progress.creditsUsed).toBeLessThanOrEqual(20);
    expect((await engine.resumableRun())?.id).toBe(first.runId);

    const second = await engine.run({ resume: first.runId }, { fetchUsers: false });
    expect(second.state).toBe('done');
    expectCacheEqualsGroundTruth(store, sandbox, records);
    expect(first.progress.pagesFetched + second.progress.pagesFetched).toBe(pagesNeeded(sandbox, records, 5));
  });

  it('records per-record failures (deleted record, missing scope) and carries on', async () => {
    sandbox = await startSyncSandbox();
    const { engine, store } = makeHarness(sandbox, { scopes: ['ZohoCRM.modules.leads.READ', 'ZohoCRM.modules.contacts.READ', 'ZohoCRM.users.READ'] });
    const good = pickRecords(sandbox, 8).filter((record) => record.module === 'Leads' || record.module === 'Contacts');
    const deleted = { module: 'Leads', recordId: '554023000999999999' };
    const forbidden = { module: 'Deals', recordId: sandbox.listRecordIds('Deals')[0] ?? '' };
    const result = await engine.run({ records: [...good, deleted, forbidden] }, {});
    expect(result.state).toBe('done');
    expect(result.progress.recordsFailed).toBe(2);
    expect(result.progress.recordsDone).toBe(good.length);
    expect(store.recordState(deleted)).toMatchObject({ freshness: 'failed', lastError: { code: 'ZOHO_INVALID_DATA' } });
    expect(store.recordState(forbidden)).toMatchObject({ freshness: 'failed', lastError: { code: 'ZOHO_SCOPE_MISMATCH' } });
    expect(result.progress.errors.map((error) => error.code).sort()).toEqual(['ZOHO_INVALID_DATA', 'ZOHO_SCOPE_MISMATCH']);
    expectCacheEqualsGroundTruth(store, sandbox, good);
  });

  it('stops the whole run, resumably, when Zoho no longer accepts the sign-in', async () => {
    sandbox = await startSyncSandbox();
    const { engine, store } = makeHarness(sandbox, { token: '1000.not-a-real-token' });
    const records = pickRecords(sandbox, 6);
    const result = await engine.run({ records }, {});
    expect(result.state).toBe('stopped');
    expect(result.stopReason?.code).toBe('SYNC_RECONNECT_REQUIRED');
    expect(result.progress.recordsFailed).toBe(0);
    expect(store.syncRunRecords(result.runId).every((record) => record.status === 'pending')).toBe(true);
    expect((await engine.resumableRun())?.id).toBe(result.runId);
  });

  it('stops with a plain reason when the cache cannot be written, instead of failing every record', async () => {
    sandbox = await startSyncSandbox();
    const { engine, store } = makeHarness(sandbox);
    const records = pickRecords(sandbox, 12);
    const result = await engine.run(
      { records },
      {
        perPage: 5,
        fetchUsers: false,
        progressIntervalMs: 0,
        onProgress: (progress) => {
          if (progress.pagesFetched >= 5) store.close();
        },
      },
    );
    expect(result.state).toBe('stopped');
    expect(result.stopReason?.code).toBe('SYNC_CACHE_FAILED');
    expect(result.stopReason?.message).toMatch(/local cache could not be updated/);
    expect(result.progress.recordsFailed).toBe(0);
  });

  it('honours Retry-After on a 429 before trying again', async () => {
    sandbox = await startSyncSandbox();
    const clock = new InstantClock();
    const withRetryAfter: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (response.status !== 429) return response;
      const headers = new Headers(response.headers);
      headers.set('Retry-After', '7');
      return new Response(await response.text(), { status: 429, headers });
    };
    const { engine, store } = makeHarness(sandbox, { clock, fetch: withRetryAfter });
    const records = pickRecords(sandbox, 3);
    sandbox.injectFault({ kind: 'status', status: 429 }, { pathIncludes: '__timeline', times: 2 });
    const result = await engine.run({ records }, { fetchUsers: false, concurrency: 1 });
    expect(result.state).toBe('done');
    expect(clock.sleeps.filter((ms) => ms >= 7000).length).toBeGreaterThanOrEqual(2);
    expectCacheEqualsGroundTruth(store, sandbox, records);
  });
});
