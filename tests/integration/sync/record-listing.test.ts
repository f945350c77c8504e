import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../../main/sandbox/index.js';
import { listModuleRecords } from '../../../main/sync/index.js';
import { closeTempCaches, makeHarness, startSyncSandbox } from './helpers.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  closeTempCaches();
  await sandbox?.close();
  sandbox = undefined;
});

describe('listing a module to sync', () => {
  it('lists every record of a module, across pages, with names', async () => {
    sandbox = await startSyncSandbox({ recordsPerModule: 230 });
    const { client } = makeHarness(sandbox);
    const before = sandbox.stats().crmRequests;
    const records = await listModuleRecords(client, 'Contacts');
    expect(records.map((record) => record.recordId).sort()).toEqual(sandbox.listRecordIds('Contacts').sort());
    expect(records.every((record) => record.module === 'Contacts' && typeof record.name === 'string' && record.name !== '')).toBe(true);
    // 230 records at 200 per page.
    expect(sandbox.stats().crmRequests - before).toBe(2);
  });

  it('lists a whole module through a 429 and a 500 (the client retries by default)', async () => {
    sandbox = await startSyncSandbox({ recordsPerModule: 230 });
    const { client } = makeHarness(sandbox);
    sandbox.injectFault({ kind: 'status', status: 429 }, { pathIncludes: '/Contacts', times: 1 });
    sandbox.injectFault({ kind: 'status', status: 503 }, { pathIncludes: '/Contacts', afterRequests: 2, times: 1 });
    const records = await listModuleRecords(client, 'Contacts');
    expect(records.map((record) => record.recordId).sort()).toEqual(sandbox.listRecordIds('Contacts').sort());
    expect(sandbox.stats().rejected429).toBe(1);
  });

  it('keeps only the records modified in a window (applied to the listed Modified_Time)', async () => {
    sandbox = await startSyncSandbox({ recordsPerModule: 30 });
    const { client } = makeHarness(sandbox);
    const modified = sandbox
      .listRecordIds('Deals')
      .map((recordId) => {
        const newest = (sandbox!.groundTruth('Deals', recordId)[0] as { audited_time: string }).audited_time;
        return { recordId, at: Date.parse(newest) };
      })
      .sort((a, b) => a.at - b.at);
    const from = modified[5]!;
    const to = modified[20]!;
    const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
    const records = await listModuleRecords(client, 'Deals', { modifiedFrom: iso(from.at), modifiedTo: iso(to.at) });
    const expected = modified
      .filter((entry) => entry.at >= from.at && entry.at <= to.at)
      .map((entry) => entry.recordId)
      .sort();
    expect(records.map((record) => record.recordId).sort()).toEqual(expected);
    expect(expected.length).toBeGreaterThanOrEqual(16);
    await expect(listModuleRecords(client, 'Deals', { modifiedFrom: iso(to.at), modifiedTo: iso(from.at) })).rejects.toThrow(/ends before it starts/);
    await expect(listModuleRecords(client, 'Deals', { modifiedFrom: '2024-01-01' })).rejects.toThrow(/offset/);
  });
});
