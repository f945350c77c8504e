/**
 * A packet's completeness statement (coverage, control totals, query, case) against the sandbox's
 * ground truth: a record fetched whole through faults in the middle of its pagination, a record
 * fetched whole in one page, and a record whose fetch failed. Through the composition root, as the
 * app and the CLI run it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completenessLines, statedCompleteness } from '../../../main/export/completeness.js';
import type { ExportService } from '../../../main/export/export-service.js';
import type { PacketManifest } from '../../../main/export/packet.js';
import { LARGE_RECORD, startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import type { RecordKey } from '../../../main/sync/sync-store.js';
import { coreOnSandbox, type CoreOnSandbox } from '../records/core-on-sandbox.js';

interface TruthEvent {
  id: string;
  audited_time: string;
  action: string;
  source: string | null;
  done_by: { id: string; name: string | null };
  field_history: unknown[] | null;
}

const PER_PAGE = 100;
const large: RecordKey = { module: LARGE_RECORD.module, recordId: LARGE_RECORD.id };
let sandbox: Sandbox;
let harness: CoreOnSandbox;
let exports: ExportService;
let whole: RecordKey;
let failing: RecordKey;
let syncStartedAt: number;

const truthOf = (key: RecordKey): TruthEvent[] => sandbox.groundTruth(key.module, key.recordId, { includeInnerDetails: false }) as TruthEvent[];

function packetManifest(path: string): PacketManifest {
  return JSON.parse(Buffer.from(unzipSync(new Uint8Array(readFileSync(path)))['manifest.json']!).toString('utf8')) as PacketManifest;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 11, recordsPerModule: 3, latencyMs: 0 });
  whole = { module: 'Contacts', recordId: sandbox.listRecordIds('Contacts')[0]! };
  failing = { module: 'Leads', recordId: sandbox.listRecordIds('Leads')[2]! };
  harness = coreOnSandbox(sandbox);
  exports = await harness.core.exports();
  // Mid-pagination faults on the large record (after its 3rd and 6th requests): retried, so it completes.
  sandbox.injectFault({ kind: 'status', status: 500 }, { pathIncludes: large.recordId, afterRequests: 3 });
  sandbox.injectFault({ kind: 'status', status: 429 }, { pathIncludes: large.recordId, afterRequests: 6 });
  // The failing record answers 500 to every attempt, so its fetch fails (the others carry on).
  sandbox.injectFault({ kind: 'status', status: 500 }, { pathIncludes: failing.recordId, times: 1000 });
  syncStartedAt = Date.now();
  const result = await (await harness.core.records()).sync({ records: [large, whole, failing] }, { perPage: PER_PAGE, retry: { baseDelayMs: 1, maxDelayMs: 2 } });
  expect(result?.state).toBe('done');
  expect(sandbox.stats().rejected429).toBeGreaterThanOrEqual(1); // the faults did happen, mid-pagination
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await sandbox?.close();
});

describe('completeness in every packet', () => {
  it('refuses an export with a record whose fetch failed, naming it and writing nothing', async () => {
    const before = existsSync(join(harness.home, 'exports')) ? readdirSync(join(harness.home, 'exports')) : [];
    const attempt = exports.exportFiles({ records: [large, failing], formats: ['packet', 'csv'] });
    await expect(attempt).rejects.toMatchObject({ code: 'EXPORT_INCOMPLETE', message: expect.stringContaining(`${failing.module}/${failing.recordId}`) });
    await expect(attempt).rejects.toMatchObject({ message: expect.stringContaining('last fetch failed') });
    const after = existsSync(join(harness.home, 'exports')) ? readdirSync(join(harness.home, 'exports')) : [];
    expect(after).toEqual(before);
  });

  it('with --allow-incomplete: coverage and control totals match the ground truth; the failed record is marked with its reason', { timeout: 120_000 }, async () => {
    const entry = await exports.exportFiles({
      records: [large, whole, failing],
      formats: ['packet'],
      allowIncomplete: true,
      case: { reference: 'AUD-2026-114', purpose: 'Q4 change review', reviewer: 'Ana Ruiz, Compliance' },
    });
    expect(entry.incompleteRecords).toBe(1);
    expect(entry.caseReference).toBe('AUD-2026-114');
    const manifest = packetManifest(entry.files[0]!.path);

    const largeTruth = truthOf(large);
    const wholeTruth = truthOf(whole);
    const all = [...largeTruth, ...wholeTruth];
    expect(largeTruth.length).toBeGreaterThan(PER_PAGE * 3);

    const [largeRow, wholeRow, failingRow] = manifest.coverage;
    expect(manifest.coverage).toHaveLength(3);
    expect(largeRow).toMatchObject({ module: large.module, recordId: large.recordId, events: largeTruth.length, complete: true, pages: Math.ceil(largeTruth.length / PER_PAGE), syncMode: 'full' });
    expect(largeRow!.reason).toBeUndefined();
    const times = (events: TruthEvent[]): string[] => [...events].sort((a, b) => Date.parse(a.audited_time) - Date.parse(b.audited_time)).map((event) => event.audited_time);
    expect(largeRow!.firstEvent).toBe(times(largeTruth)[0]);
    expect(largeRow!.lastEvent).toBe(times(largeTruth).at(-1));
    const fetchedAt = Date.parse(largeRow!.fetchedAt!);
    expect(fetchedAt).toBeGreaterThanOrEqual(syncStartedAt - 1000);
    expect(fetchedAt).toBeLessThanOrEqual(Date.now());
    expect(wholeRow).toMatchObject({ recordId: whole.recordId, events: wholeTruth.length, complete: true, pages: Math.ceil(wholeTruth.length / PER_PAGE) });
    expect(failingRow).toMatchObject({ recordId: failing.recordId, events: 0, complete: false, firstEvent: null, lastEvent: null });
    expect(failingRow!.reason).toMatch(/last fetch failed/);

    // Control totals against what Zoho holds (the failed record contributed nothing).
    const totals = manifest.controlTotals;
    expect(totals.events).toBe(all.length);
    expect(manifest.counts.events).toBe(all.length);
    expect(manifest.coverage.reduce((sum, row) => sum + row.events, 0)).toBe(totals.events);
    expect(totals.fieldChanges).toBe(all.reduce((sum, event) => sum + (event.field_history?.length ?? 0), 0));
    expect(totals.byAction).toEqual(countBy(all, (event) => event.action));
    expect(totals.bySource).toEqual(countBy(all, (event) => event.source ?? '(none)'));
    expect(Object.fromEntries(totals.byUser.map((user) => [user.id, user.events]))).toEqual(countBy(all, (event) => event.done_by.id));

    // The query and the case, as given.
    expect(manifest.query.records).toEqual([large, whole, failing]);
    expect(manifest.query.filter).toEqual({ kind: 'none' });
    expect(manifest.query.timeRange).toEqual({ from: new Date(Date.parse(times(all)[0]!)).toISOString(), to: new Date(Date.parse(times(all).at(-1)!)).toISOString() });
    expect(manifest.case).toEqual({ reference: 'AUD-2026-114', purpose: 'Q4 change review', reviewer: 'Ana Ruiz, Compliance' });
    expect(manifest.scope.allowIncomplete).toBe(true);

    // verify reads the same statement back out of the signed manifest.
    const { verifyPacket } = await import('../../../main/export/verify.js');
    const verified = await verifyPacket(entry.files[0]!.path, { trustedKeys: [] });
    expect(verified.verdict.kind).toBe('signer-unknown');
    const stated = statedCompleteness(verified.manifest);
    expect(stated).toMatchObject({ kind: 'stated', records: 3, events: all.length, totalsAgree: true, filter: null, case: { reference: 'AUD-2026-114' } });
    expect(stated.kind === 'stated' && stated.incomplete.map((row) => row.record)).toEqual([`${failing.module}/${failing.recordId}`]);
    const printed = completenessLines(stated).join('\n');
    expect(printed).toContain('Completeness: INCOMPLETE — 1 of 3 records were not fetched completely:');
    expect(printed).toContain(`${failing.module}/${failing.recordId} — Its last fetch failed`);
    expect(printed).toContain(`Control totals: ${all.length.toLocaleString('en-US')} events`);
    expect(printed).toContain('Case: reference AUD-2026-114; purpose: Q4 change review; reviewer: Ana Ruiz, Compliance.');
    expect(statedCompleteness({ ...verified.manifest, coverage: 'nonsense' })).toEqual({ kind: 'unreadable' });
    const { coverage: _dropped, ...older } = verified.manifest!;
    expect(statedCompleteness(older)).toEqual({ kind: 'not-stated' });

    // The PDF cover states the same.
    const pdf = Buffer.from(unzipSync(new Uint8Array(readFileSync(entry.files[0]!.path)))['report.pdf']!);
    const cover = execFileSync('pdftotext', ['-enc', 'UTF-8', '-l', '2', '-', '-'], { input: pdf, encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(cover).toContain('AUD-2026-114');
    expect(cover).toContain('Q4 change review');
    expect(cover).toContain('INCOMPLETE: 1 of 3 records');
    expect(cover).toContain('Control totals');
    expect(cover).toContain(all.length.toLocaleString('en-US'));
  });

  it('exports a saved view: the view narrows the events, its name and filter are in the manifest', async () => {
    const review = await harness.core.review();
    await review.saveFilter('Workflow and API', { combinator: 'and', rules: [{ field: 'source', operator: 'in', value: ['workflow', 'crm_api'] }] });
    const entry = await exports.exportFiles({ records: [large, whole], formats: ['packet'], view: { savedViewName: 'workflow and api' } });
    const manifest = packetManifest(entry.files[0]!.path);
    const expected = [...truthOf(large), ...truthOf(whole)].filter((event) => event.source === 'workflow' || event.source === 'crm_api');
    expect(expected.length).toBeGreaterThan(0);
    expect(manifest.counts.events).toBe(expected.length);
    expect(manifest.controlTotals.bySource).toEqual(countBy(expected, (event) => event.source ?? '(none)'));
    expect(manifest.query.filter).toMatchObject({ kind: 'view', viewName: 'Workflow and API', words: 'Source is any of workflow, crm_api' });
    expect(manifest.scope.filterDescription).toBe('Source is any of workflow, crm_api');
    await expect(exports.exportFiles({ records: [large], formats: ['csv'], view: { savedViewName: 'No such view' } })).rejects.toMatchObject({ code: 'EXPORT_UNKNOWN_VIEW', hint: expect.stringContaining('Workflow and API') });
  });

  it('a view without records covers every tracked record — and so is refused while one of them is incomplete', { timeout: 120_000 }, async () => {
    const view = { name: null, filter: { combinator: 'and' as const, rules: [] }, words: 'everything' };
    await expect(exports.exportFiles({ formats: ['csv'], view })).rejects.toMatchObject({ code: 'EXPORT_INCOMPLETE' });
    const entry = await exports.exportFiles({ formats: ['csv'], view, allowIncomplete: true });
    expect(entry.records).toBe(3);
    // A filter with no condition is named as such, never left blank on the cover.
    const packet = await exports.exportFiles({ formats: ['packet'], view: { ...view, words: '' }, allowIncomplete: true });
    expect(packetManifest(packet.files[0]!.path).scope.filterDescription).toBe('all events (no condition)');
    expect(entry.events).toBe(truthOf(large).length + truthOf(whole).length);
  });
});
