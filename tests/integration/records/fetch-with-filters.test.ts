/**
 * "Fetch with filters" end to end through the app's IPC handlers on a temp home: sync:start takes the
 * Records screen's Zoho filter, the records list says the last fetch was filtered, and an export of
 * such a record is refused as incomplete (and, when allowed, its packet states it was not fetched
 * completely) — a filtered fetch is never called complete.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/app/core.js';
import { createIpcHandlers } from '../../../main/app/ipc-handlers.js';
import { nodePlatformPorts } from '../../../main/app/node-platform.js';
import { approveDemoConsent } from '../../../main/demo/approve-consent.js';
import type { PacketManifest } from '../../../main/export/packet.js';
import { DEMO_CLIENT, SAMPLE_RECORD, startSandbox, type Sandbox } from '../../../main/sandbox/index.js';

const record = { module: SAMPLE_RECORD.module, recordId: SAMPLE_RECORD.id };
let sandbox: Sandbox;
let home: string;
let core: Core;

beforeAll(async () => {
  sandbox = await startSandbox({ recordsPerModule: 2 });
  home = mkdtempSync(join(tmpdir(), 'ta-filtered-fetch-'));
  core = createCore(nodePlatformPorts({ shell: 'browser', home, env: { TIMELINE_AUDITOR_PASSPHRASE: 'filtered fetch test' } }));
  await core.auth.connect({ clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret, target: { accountsUrl: sandbox.url }, port: 0, openBrowser: (url) => approveDemoConsent(url) });
});
afterAll(async () => {
  await core.close();
  await sandbox.close();
  rmSync(home, { recursive: true, force: true });
});

describe('fetch with filters, through the app', () => {
  it('caches what matched, says the fetch was filtered, and exports never call it complete', async () => {
    const handlers = createIpcHandlers(core);
    await handlers['records:add']({ text: `${record.module}/${record.recordId}`, defaultModule: null, format: 'paste' });
    const filters = { operator: 'AND' as const, conditions: [{ field: 'source', comparator: 'equal', value: 'crm_ui' }] };
    await expect(handlers['sync:start']({ mode: 'incremental', filters })).rejects.toMatchObject({ code: 'SYNC_INPUT_INVALID' });
    await expect(handlers['sync:start']({ mode: 'full', filters: { operator: 'AND', conditions: [{ field: 'source', comparator: 'equal', value: 'not_a_source' }] } })).rejects.toMatchObject({ code: 'ZOHO_INVALID_FILTER' });
    await handlers['sync:start']({ mode: 'full', filters });
    await (await core.records()).idle();

    const overview = await handlers['records:overview']({});
    const row = overview.records.find((candidate) => candidate.recordId === record.recordId)!;
    expect(row.freshness).toBe('fresh');
    expect(row.lastFetchFilter).toBe('{"field":{"api_name":"source"},"comparator":"equal","value":"crm_ui"}');
    const truth = sandbox.groundTruth(record.module, record.recordId) as Array<{ source: string }>;
    expect(row.eventCount).toBe(truth.filter((event) => event.source === 'crm_ui').length);
    expect(row.eventCount).toBeLessThan(truth.length);

    await expect(handlers['export:start']({ records: [record], formats: ['packet'] })).rejects.toMatchObject({ code: 'EXPORT_INCOMPLETE' });
    await handlers['export:start']({ records: [record], formats: ['packet'], allowIncomplete: true });
    await (await core.exports()).idle();
    const [entry] = (await core.exports()).history();
    const manifest = JSON.parse(strFromU8(unzipSync(readFileSync(entry!.files[0]!.path))['manifest.json']!)) as PacketManifest;
    expect(manifest.coverage[0]).toMatchObject({ complete: false });
    expect(manifest.coverage[0]!.reason).toMatch(/only for the events matching a filter/);

    // Fetched again without a filter: whole, and complete.
    await handlers['sync:start']({ mode: 'full' });
    await (await core.records()).idle();
    const again = (await handlers['records:overview']({})).records.find((candidate) => candidate.recordId === record.recordId)!;
    expect(again.lastFetchFilter).toBeNull();
    expect(again.eventCount).toBe(truth.length);
  });
});
