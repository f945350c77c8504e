/**
 * "Fetch with filters": the sync sends Zoho's `filters` parameter, caches only what matched, and keeps
 * the filter with the record's sync state — so the fetch is never taken for a complete one (coverage,
 * incremental bounds), until an unfiltered fetch reads the whole timeline again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { completenessOf } from '../../../main/export/completeness.js';
import type { Sandbox } from '../../../main/sandbox/index.js';
import type { TimelineFilter } from '../../../main/zoho/filters.js';
import { cachedRawEvents, closeTempCaches, expectCacheEqualsGroundTruth, makeHarness, pickRecords, startSyncSandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  closeTempCaches();
  await sandbox?.close();
  sandbox = undefined;
});

const API_ONLY: TimelineFilter = { field: { api_name: 'source' }, comparator: 'equal', value: 'crm_api' };

describe('fetch with filters', () => {
  it('caches only the matching events, records the filter, and is not complete until an unfiltered fetch', async () => {
    sandbox = await startSyncSandbox();
    const { engine, store } = makeHarness(sandbox);
    const records = pickRecords(sandbox, 4);
    const filtered = await engine.run({ records }, { fetchUsers: false, filters: API_ONLY });
    expect(filtered.state).toBe('done');
    let someLeftOut = false;
    for (const record of records) {
      const truth = sandbox.groundTruth(record.module, record.recordId) as Array<{ id: string; source: string }>;
      const cached = cachedRawEvents(store, record) as Array<{ id: string; source: string }>;
      expect(cached.every((event) => event.source === 'crm_api')).toBe(true);
      expect(cached.map((event) => event.id).sort()).toEqual(
        truth
          .filter((event) => event.source === 'crm_api')
          .map((event) => event.id)
          .sort(),
      );
      if (cached.length < truth.length) someLeftOut = true;
      const state = store.recordState(record)!;
      expect(state.freshness).toBe('fresh');
      expect(state.lastSyncFilter).toBe(JSON.stringify(API_ONLY));
      expect(completenessOf(state)).toMatchObject({ complete: false, reason: 'fetch-filtered' });
    }
    expect(someLeftOut).toBe(true);

    // An incremental fetch must not take the filtered fetch's newest event as its bound: it reads whole.
    const incremental = await engine.run({ records }, { fetchUsers: false, mode: 'incremental' });
    expect(incremental.records.map((record) => record.mode)).toEqual(records.map(() => 'full'));
    expectCacheEqualsGroundTruth(store, sandbox, records);
    for (const record of records) {
      const state = store.recordState(record)!;
      expect(state.lastSyncFilter).toBeNull();
      expect(completenessOf(state)).toMatchObject({ complete: true, syncMode: 'full' });
    }
  });

  it('a filtered fetch cannot be incremental', async () => {
    sandbox = await startSyncSandbox();
    const { engine } = makeHarness(sandbox);
    await expect(engine.run({ records: pickRecords(sandbox, 1) }, { fetchUsers: false, mode: 'incremental', filters: API_ONLY })).rejects.toMatchObject({ code: 'SYNC_INPUT_INVALID' });
  });

  it('an interrupted filtered fetch resumes under its filter; an unfiltered run does not continue its page token', async () => {
    sandbox = await startSyncSandbox();
    const { engine, store } = makeHarness(sandbox);
    const records = pickRecords(sandbox, 8);
    const controller = new AbortController();
    const first = await engine.run(
      { records },
      {
        perPage: 1,
        fetchUsers: false,
        filters: API_ONLY,
        signal: controller.signal,
        progressIntervalMs: 0,
        concurrency: 2,
        onProgress: (progress) => {
          if (progress.pagesFetched >= 3) controller.abort();
        },
      },
    );
    expect(first.state).toBe('cancelled');
    const interrupted = store.listRecordStates().filter((state) => state.resumePageToken !== null);
    expect(interrupted.length).toBeGreaterThan(0);
    expect(interrupted.every((state) => state.syncFilter === JSON.stringify(API_ONLY))).toBe(true);
    const resumed = await engine.run({ resume: first.runId }, { fetchUsers: false });
    expect(resumed.state).toBe('done');
    for (const record of records) expect(store.recordState(record)!.lastSyncFilter).toBe(JSON.stringify(API_ONLY));

    // Interrupt another filtered fetch, then fetch the same records without a filter: whole timelines.
    const again = new AbortController();
    await engine.run({ records }, { perPage: 1, fetchUsers: false, filters: API_ONLY, signal: again.signal, progressIntervalMs: 0, concurrency: 2, onProgress: (progress) => progress.pagesFetched >= 3 && again.abort() });
    expect(store.listRecordStates().some((state) => state.resumePageToken !== null)).toBe(true);
    const whole = await engine.run({ records }, { fetchUsers: false });
    expect(whole.state).toBe('done');
    expectCacheEqualsGroundTruth(store, sandbox, records);
    for (const record of records) expect(completenessOf(store.recordState(record)).complete).toBe(true);
  });
});
