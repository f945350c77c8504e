/**
 * RecordsService through the composition root: a real core in a temp home, the loopback sandbox,
 * the real SQLite cache. What the Records screen and `timeline-auditor fetch` rely on.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheFilePath } from '../../../main/cache/index.js';
import { startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import { TIMELINE_MODULES } from '../../../main/zoho/modules.js';
import { InstantClock } from '../sync/helpers.js';
import { coreOnSandbox, groundTruthIds, tempHome, type CoreOnSandbox } from './core-on-sandbox.js';

let sandbox: Sandbox;
const opened: CoreOnSandbox[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 11, recordsPerModule: 10, latencyMs: 0 });
});
afterAll(async () => {
  for (const harness of opened) await harness.close();
  await sandbox.close();
});

function open(options: Parameters<typeof coreOnSandbox>[1] = {}): CoreOnSandbox {
  const harness = coreOnSandbox(sandbox, options);
  opened.push(harness);
  return harness;
}

const ids = (module: string): string[] => sandbox.listRecordIds(module);
const sorted = (values: readonly string[]): string[] => [...values].sort();

/** Event ids the cache holds for a record (all of them, any order). */
async function cachedIds(harness: CoreOnSandbox, module: string, recordId: string): Promise<string[]> {
  const data = await harness.core.data();
  return (await data.cache.queryEvents({ records: [{ module, recordId }] }, { limit: 100_000 })).map((event) => event.eventId);
}

describe('RecordsService.add', () => {
  it('pasted lines (Module/id, bare ids with a default module, duplicates) are tracked, never synced yet', async () => {
    const harness = open();
    const records = await harness.core.records();
    const [lead1, lead2] = ids('Leads');
    const [deal1] = ids('Deals');
    const result = await records.add({ text: `Leads/${lead1}\r\n\n# a comment\nLeads/${lead2}, Leads/${lead1}\n${deal1}\n`, defaultModule: 'Deals', format: 'paste' });
    expect(result).toEqual({ added: 3, problems: [] });
    expect(harness.payloads('records:changed')).toHaveLength(1);
    const overview = await records.overview();
    expect(overview.records.map((row) => `${row.module}/${row.recordId}`).sort()).toEqual(sorted([`Leads/${lead1}`, `Leads/${lead2}`, `Deals/${deal1}`]));
    for (const row of overview.records) {
      expect(row).toMatchObject({ freshness: 'never', eventCount: 0, newestAuditedTime: null, lastSyncedAt: null, lastError: null, resumable: false });
    }
    expect(overview.cache.events).toBe(0);
    expect(overview.cache.records).toBe(3);
    expect(overview.modules).toEqual(TIMELINE_MODULES.map((module) => module.apiName));
  });

  it('a CSV with a header row gives modules, ids and names', async () => {
    const harness = open();
    const records = await harness.core.records();
    const [contact] = ids('Contacts');
    const [account] = ids('Accounts');
    const csv = `Module,Record Id,Name\r\nContacts,${contact},"Ōta, Hiroshi"\r\n,${account},\r\n`;
    expect(await records.add({ text: csv, defaultModule: 'Accounts', format: 'csv' })).toEqual({ added: 2, problems: [] });
    const rows = (await records.overview()).records;
    expect(rows.map((row) => ({ module: row.module, recordId: row.recordId, name: row.name })).sort((a, b) => a.module.localeCompare(b.module))).toEqual([
      { module: 'Accounts', recordId: account, name: null },
      { module: 'Contacts', recordId: contact, name: 'Ōta, Hiroshi' },
    ]);
  });

  it('bad lines come back as problems with their line number and text, and nothing is added', async () => {
    const harness = open();
    const records = await harness.core.records();
    const [lead] = ids('Leads');
    const result = await records.add({ text: `Leads/${lead}\nnot-a-record\nLeads/12ab\n`, defaultModule: null, format: 'paste' });
    expect(result.added).toBe(0);
    expect(result.problems).toEqual([
      { line: 2, text: 'not-a-record', message: '"not-a-record" has no module; write Module/RecordId (e.g. Leads/554023000001122039) or choose a default module' },
      { line: 3, text: 'Leads/12ab', message: '"12ab" is not a Zoho record id (digits only, e.g. 554023000001122039)' },
    ]);
    const csv = await records.add({ text: `Module,Id\nLeads,${lead}\nLeads,\nDeals,x1\n`, defaultModule: null, format: 'csv' });
    expect(csv).toEqual({
      added: 0,
      problems: [
        { line: 3, text: 'Leads,', message: 'the id column is empty' },
        { line: 4, text: 'Deals,x1', message: '"x1" is not a Zoho record id (digits only, e.g. 554023000001122039)' },
      ],
    });
    expect((await records.overview()).records).toEqual([]);
    expect(harness.payloads('records:changed')).toEqual([]);
  });

  it('addModule lists the whole module from Zoho', async () => {
    const harness = open();
    const records = await harness.core.records();
    const expected = ids('Contacts');
    expect(expected.length).toBeGreaterThan(1);
    expect(await records.addModule('Contacts')).toEqual({ added: expected.length, problems: [] });
    expect((await records.overview()).records.map((row) => row.recordId).sort()).toEqual(sorted(expected));
    expect((await records.overview()).records.every((row) => row.module === 'Contacts')).toBe(true);
  });
});

describe('RecordsService sync', () => {
  it('start with no records tracked: SYNC_NOTHING_TO_DO; nothing to resume: null', async () => {
    const harness = open();
    const records = await harness.core.records();
    await expect(records.start({ mode: 'full' })).rejects.toMatchObject({ code: 'SYNC_NOTHING_TO_DO' });
    expect(await records.resume()).toBeNull();
    expect(await records.sync({ resume: true })).toBeNull();
    expect(records.progress()).toBeNull();
    expect(records.cancel()).toEqual({ cancelled: false });
  });

  it('start syncs every tracked record: progress events end in done, the cache equals the ground truth, timelines page', async () => {
    const harness = open();
    const records = await harness.core.records();
    const keys = [
      { module: 'Leads', recordId: ids('Leads')[1]! },
      { module: 'Deals', recordId: ids('Deals')[2]! },
      { module: 'Accounts', recordId: ids('Accounts')[3]! },
    ];
    await records.add({ text: keys.map((key) => `${key.module}/${key.recordId}`).join('\n'), defaultModule: null, format: 'paste' });
    const changedBefore = harness.payloads('records:changed').length;
    const { runId } = await records.start({ mode: 'full' });
    await records.idle();

    const progress = harness.payloads('sync:progress');
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((view) => view.runId === runId)).toBe(true);
    // Running views first, then the run's end (the number of end views has a test of its own below).
    const firstEnd = progress.findIndex((view) => view.state !== 'running');
    expect(firstEnd).toBeGreaterThan(0);
    expect(progress.slice(firstEnd).every((view) => view.state === 'done')).toBe(true);
    const truth = keys.map((key) => groundTruthIds(sandbox, key.module, key.recordId));
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ state: 'done', recordsDone: 3, recordsTotal: 3, recordsFailed: 0, errors: [], stoppedReason: null });
    expect(last.eventsWritten).toBe(truth.reduce((sum, list) => sum + list.length, 0));
    expect(records.progress()).toEqual(last);
    expect(harness.payloads('records:changed').length).toBeGreaterThan(changedBefore);

    for (const [index, key] of keys.entries()) {
      expect(sorted(await cachedIds(harness, key.module, key.recordId))).toEqual(sorted(truth[index]!));
    }
    const overview = await records.overview();
    expect(overview.cache.events).toBe(last.eventsWritten);
    expect(records.cacheFile()).toBe(cacheFilePath(harness.home));
    for (const [index, key] of keys.entries()) {
      const row = overview.records.find((candidate) => candidate.recordId === key.recordId)!;
      const newest = (sandbox.groundTruth(key.module, key.recordId)[0] as { audited_time: string }).audited_time;
      expect(row).toMatchObject({ module: key.module, freshness: 'fresh', eventCount: truth[index]!.length, newestAuditedTime: newest, lastError: null, resumable: false });
      expect(row.lastSyncedAt).toEqual(expect.any(Number));
    }

    // The cached timeline, newest first, in pages.
    const key = keys[0]!;
    const all = truth[0]!;
    expect(all.length).toBeGreaterThan(12);
    const first = await records.timeline(key, 5, 0);
    expect(first.total).toBe(all.length);
    expect(first.events.map((event) => event.eventId)).toEqual(all.slice(0, 5));
    expect((await records.timeline(key, 5, 5)).events.map((event) => event.eventId)).toEqual(all.slice(5, 10));
    const tail = await records.timeline(key, 5, all.length - 2);
    expect(tail).toEqual({ total: all.length, events: expect.any(Array) });
    expect(tail.events.map((event) => event.eventId)).toEqual(all.slice(-2));
    expect((await records.timeline(key, 5, all.length)).events).toEqual([]);
    expect(await records.timeline({ module: 'Leads', recordId: '42' }, 5, 0)).toEqual({ total: 0, events: [] });
  });

  it('a run ends with exactly one final sync:progress event', async () => {
    const harness = open();
    const records = await harness.core.records();
    await records.add({ text: `Contacts/${ids('Contacts')[0]!}`, defaultModule: null, format: 'paste' });
    await records.start({ mode: 'full' });
    await records.idle();
    const states = harness.payloads('sync:progress').map((view) => view.state);
    expect(states.at(-1)).toBe('done');
    // A window told twice that the run ended (e.g. to show "sync finished") would say it twice.
    expect(states.filter((state) => state !== 'running')).toEqual(['done']);
  });

  it('one sync at a time: a second start and a remove are refused while it runs; cancel, then resume completes it', async () => {
    const harness = open();
    const records = await harness.core.records();
    const keys = ['Leads', 'Contacts', 'Accounts', 'Deals'].flatMap((module) =>
      ids(module)
        .slice(0, 10)
        .map((recordId) => ({ module, recordId })),
    );
    expect(await records.add({ text: keys.map((key) => `${key.module}/${key.recordId}`).join('\n'), defaultModule: null, format: 'paste' })).toEqual({ added: 40, problems: [] });
    // Four waves of ten requests: a cancel after the first record leaves ample room even on a loaded machine.
    sandbox.setKnobs({ latencyMs: 150 });
    let cancelledAt: { recordsDone: number; recordsTotal: number } | undefined;
    // Cancel as soon as the first record is complete, from inside the progress event.
    const unsubscribe = harness.core.events.subscribe((envelope) => {
      if (envelope.channel !== 'sync:progress' || cancelledAt !== undefined) return;
      const view = envelope.payload as { recordsDone: number; recordsTotal: number; state: string };
      if (view.state === 'running' && view.recordsDone >= 1) {
        cancelledAt = { recordsDone: view.recordsDone, recordsTotal: view.recordsTotal };
        expect(records.cancel()).toEqual({ cancelled: true });
      }
    });
    try {
      const { runId } = await records.start({ mode: 'full' });
      await expect(records.start({ mode: 'full' })).rejects.toMatchObject({ code: 'SYNC_RUNNING' });
      await expect(records.remove([keys[0]!])).rejects.toMatchObject({ code: 'SYNC_RUNNING' });
      expect(records.progress()?.runId).toBe(runId);
      await records.idle();
      expect(cancelledAt).toBeDefined();
      expect(cancelledAt!.recordsTotal).toBe(40);
      const afterCancel = records.progress()!;
      expect(afterCancel).toMatchObject({ runId, state: 'cancelled', recordsTotal: 40 });
      expect(afterCancel.recordsDone).toBeLessThan(40);
      const rows = (await records.overview()).records;
      expect(rows.filter((row) => row.freshness === 'fresh')).toHaveLength(afterCancel.recordsDone);
      // The rest were not reached (never) or cut off mid-record (syncing, offered for resuming).
      for (const row of rows.filter((candidate) => candidate.freshness !== 'fresh')) {
        expect([
          { freshness: 'never', resumable: false },
          { freshness: 'syncing', resumable: true },
        ]).toContainEqual({ freshness: row.freshness, resumable: row.resumable });
      }
    } finally {
      unsubscribe();
      sandbox.setKnobs({ latencyMs: 0 });
    }

    const resumed = await records.resume();
    expect(resumed).not.toBeNull();
    await records.idle();
    expect(records.progress()).toMatchObject({ runId: resumed!.runId, state: 'done', recordsDone: 40, recordsTotal: 40, recordsFailed: 0 });
    for (const key of keys) {
      expect(sorted(await cachedIds(harness, key.module, key.recordId))).toEqual(sorted(groundTruthIds(sandbox, key.module, key.recordId)));
    }
    expect((await records.overview()).records.every((row) => row.freshness === 'fresh')).toBe(true);
    expect(await records.resume()).toBeNull();
    expect(await records.sync({ resume: true })).toBeNull();

    // Idle again: remove is allowed and takes the record's events with it.
    // An incremental pass right after finds nothing new.
    await records.start({ mode: 'incremental' });
    await records.idle();
    expect(records.progress()).toMatchObject({ state: 'done', recordsDone: 40, recordsFailed: 0, eventsWritten: 0 });

    const gone = keys[0]!;
    const eventsBefore = (await records.overview()).cache.events;
    const changedBefore = harness.payloads('records:changed').length;
    expect(await records.remove([gone, { module: 'Leads', recordId: '42' }])).toEqual({ removed: 1 });
    expect(harness.payloads('records:changed')).toHaveLength(changedBefore + 1);
    expect((await records.overview()).records.some((row) => row.recordId === gone.recordId)).toBe(false);
    expect(await records.timeline(gone, 10, 0)).toEqual({ total: 0, events: [] });
    expect((await records.overview()).cache.events).toBe(eventsBefore - groundTruthIds(sandbox, gone.module, gone.recordId).length);
  });

  it('a record Zoho keeps failing is marked failed with the message; the others are fresh', async () => {
    // An instant clock: the engine's backoff between its 8 tries costs no real time.
    const harness = open({ clock: new InstantClock() });
    const records = await harness.core.records();
    const good = { module: 'Deals', recordId: ids('Deals')[0]! };
    const bad = { module: 'Leads', recordId: ids('Leads')[3]! };
    await records.add({ text: `${good.module}/${good.recordId}\n${bad.module}/${bad.recordId}`, defaultModule: null, format: 'paste' });
    expect((await records.overview()).records.map((row) => row.freshness)).toEqual(['never', 'never']);
    sandbox.injectFault({ kind: 'status', status: 500 }, { pathIncludes: `/${bad.recordId}/`, times: 8 });
    const result = await records.sync({ records: [good, bad] });
    expect(result?.state).toBe('done');
    expect(result?.progress.recordsFailed).toBe(1);
    expect(result?.progress.errors).toEqual([{ record: `Leads/${bad.recordId}`, code: 'ZOHO_SERVER_ERROR', message: expect.stringContaining('internal error') }]);
    const rows = (await records.overview()).records;
    const badRow = rows.find((row) => row.recordId === bad.recordId)!;
    const goodRow = rows.find((row) => row.recordId === good.recordId)!;
    expect(badRow.freshness).toBe('failed');
    expect(badRow.lastError).toEqual({ code: 'ZOHO_SERVER_ERROR', message: result!.progress.errors[0]!.message });
    expect(badRow.eventCount).toBe(0);
    expect(goodRow).toMatchObject({ freshness: 'fresh', eventCount: groundTruthIds(sandbox, good.module, good.recordId).length, lastError: null });
    expect((await records.recordStates([good, bad, { module: 'Leads', recordId: '42' }])).map((state) => state?.freshness)).toEqual(['fresh', 'failed', undefined]);
  });
});

describe('RecordsService.resolveRecords', () => {
  it('refs, an ids file and a whole module, duplicates collapsed', async () => {
    const harness = open();
    const records = await harness.core.records();
    const dir = tempHome('ta-resolve-');
    try {
      const [lead1, lead2] = ids('Leads');
      const [account1] = ids('Accounts');
      const file = join(dir, 'records.csv');
      writeFileSync(file, `Module,Record Id\nLeads,${lead1}\nAccounts,${account1}\nLeads,${lead2}\n`);
      const listFile = join(dir, 'records.txt');
      writeFileSync(listFile, `${lead1}\n${lead2}\n`);
      const resolved = await records.resolveRecords({ refs: [`Leads/${lead1}`, `Leads/${lead1}`], file, module: 'Accounts' });
      const expected = [`Leads/${lead1}`, `Accounts/${account1}`, `Leads/${lead2}`, ...ids('Accounts').map((id) => `Accounts/${id}`)];
      expect(resolved.map((record) => `${record.module}/${record.recordId}`).sort()).toEqual(sorted([...new Set(expected)]));
      expect(resolved).toHaveLength(2 + ids('Accounts').length);
      const fromList = await records.resolveRecords({ refs: [], file: listFile, defaultModule: 'Leads' });
      expect(fromList).toEqual([
        { module: 'Leads', recordId: lead1 },
        { module: 'Leads', recordId: lead2 },
      ]);

      await expect(records.resolveRecords({ refs: [`Leads/${lead1}`], modifiedFrom: '2024-01-01T00:00:00+00:00' })).rejects.toMatchObject({ code: 'SYNC_INPUT_INVALID', message: 'A modification window needs a module.' });
      await expect(records.resolveRecords({ refs: [] })).rejects.toMatchObject({ code: 'SYNC_INPUT_INVALID', message: 'No records to sync.' });
      await expect(records.resolveRecords({ refs: [], file: join(dir, 'missing.csv') })).rejects.toMatchObject({ code: 'SYNC_INPUT_INVALID' });
      await expect(records.resolveRecords({ refs: ['Leads'] })).rejects.toMatchObject({ code: 'SYNC_INPUT_INVALID' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
