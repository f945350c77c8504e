/**
 * ExportService through the composition root: a real core in a temp home, records synced from the
 * loopback sandbox into the real cache, files written to the home's exports folder.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportService } from '../../../main/export/export-service.js';
import { LARGE_RECORD, startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import type { RecordKey } from '../../../main/sync/sync-store.js';
import type { ExportProgressView } from '../../../preload/contract.js';
import { coreOnSandbox, tempHome, type CoreOnSandbox } from '../records/core-on-sandbox.js';

interface RawEvent {
  id: string;
  audited_time: string;
  source: string | null;
}

const large: RecordKey = { module: LARGE_RECORD.module, recordId: LARGE_RECORD.id };
let sandbox: Sandbox;
let harness: CoreOnSandbox;
let exports: ExportService;
let small: RecordKey[];
let exportsFolder: string;

const truthOf = (key: RecordKey): RawEvent[] => sandbox.groundTruth(key.module, key.recordId) as RawEvent[];
const sorted = (values: Iterable<string>): string[] => [...values].sort();

/** Every file under a folder, recursively. */
function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(entry.parentPath, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** The event ids and rows of an events CSV. */
function csvOf(path: string): { rows: Array<Record<string, string>>; eventIds: Set<string> } {
  const rows = parse<Record<string, string>>(readFileSync(path, 'utf8'), { bom: true, columns: true });
  return { rows, eventIds: new Set(rows.map((row) => row['event_id']!)) };
}

/** Starts an export and waits for its end; answers the progress views it pushed. */
async function runExport(request: Parameters<ExportService['start']>[0]): Promise<ExportProgressView[]> {
  const from = harness.pushed.length;
  const { exportId } = await exports.start(request);
  await exports.idle();
  const views = harness.pushed
    .slice(from)
    .filter((envelope) => envelope.channel === 'export:progress')
    .map((envelope) => envelope.payload as ExportProgressView);
  expect(views.every((view) => view.exportId === exportId)).toBe(true);
  return views;
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 3, recordsPerModule: 3, latencyMs: 0 });
  small = [
    { module: 'Leads', recordId: sandbox.listRecordIds('Leads')[1]! },
    { module: 'Contacts', recordId: sandbox.listRecordIds('Contacts')[0]! },
  ];
  harness = coreOnSandbox(sandbox);
  exportsFolder = join(harness.home, 'exports');
  const result = await (await harness.core.records()).sync({ records: [...small, large] });
  expect(result?.state).toBe('done');
  expect(result?.progress.recordsFailed).toBe(0);
  exports = await harness.core.exports();
}, 60_000);

afterAll(async () => {
  await harness.close();
  await sandbox.close();
});

describe('ExportService', () => {
  it('csv, pdf and packet in one export: progress from running to done, files of the reported sizes, history newest first', async () => {
    const key = await exports.signingKey();
    expect(key.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(key.exportsFolder).toBe(exportsFolder);
    const historyBefore = exports.history().length;

    const views = await runExport({ records: small, formats: ['csv', 'pdf', 'packet'] });
    const total = small.reduce((sum, record) => sum + truthOf(record).length, 0);
    expect(views[0]).toMatchObject({ state: 'running', phase: 'counting', eventsDone: 0, eventsTotal: total, entry: null, error: null });
    expect(views.slice(0, -1).every((view) => view.state === 'running')).toBe(true);
    const last = views.at(-1)!;
    expect(last).toMatchObject({ state: 'done', phase: 'done', eventsDone: total, eventsTotal: total, error: null });
    // A screen opened after the export ended still reads how it ended (export:status).
    expect(exports.status()).toEqual(last);
    const entry = last.entry!;
    expect(entry).toMatchObject({
      records: 2,
      events: total,
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      signerFingerprint: key.fingerprint,
    });
    expect(entry.packetDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(entry.files.map((file) => file.format)).toEqual(['csv', 'pdf', 'packet']);
    for (const file of entry.files) {
      expect(file.path.startsWith(exportsFolder)).toBe(true);
      expect(statSync(file.path).size).toBe(file.bytes);
      expect(file.bytes).toBeGreaterThan(0);
    }
    expect(entry.files[0]!.path).toMatch(/timeline-audit-\d{8}-\d{6}\.csv$/);
    expect(entry.files[2]!.path).toMatch(/\.zip$/);
    expect(readFileSync(entry.files[1]!.path).subarray(0, 5).toString()).toBe('%PDF-');
    const csv = csvOf(entry.files[0]!.path);
    expect(sorted(csv.eventIds)).toEqual(sorted(small.flatMap((record) => truthOf(record).map((event) => event.id))));
    const packed = unzipSync(readFileSync(entry.files[2]!.path));
    expect(Buffer.from(packed['events.csv']!).toString('utf8')).toBe(readFileSync(entry.files[0]!.path, 'utf8'));

    expect(exports.history()).toHaveLength(historyBefore + 1);
    expect(exports.history()[0]).toEqual(entry);
    const second = (await runExport({ records: [small[0]!], formats: ['csv'] })).at(-1)!.entry!;
    expect(second.events).toBe(truthOf(small[0]!).length);
    expect(
      exports
        .history()
        .slice(0, 2)
        .map((candidate) => candidate.id),
    ).toEqual([second.id, entry.id]);

    expect(exports.reveal(entry.id)).toEqual({ path: entry.files[0]!.path, revealed: false });
    const verified = await exports.verify({ exportId: entry.id });
    expect(verified).toMatchObject({ verdict: { kind: 'trusted', fingerprint: key.fingerprint, signerName: 'this installation', trustedAs: 'this-installation' }, signerFingerprint: key.fingerprint });
    // The manifest names the signer: the Zoho user and org of the connection, this installation.
    const connection = harness.core.auth.status();
    expect(verified.signer).toEqual({
      zohoUser: connection.user === undefined ? null : { name: connection.user.name ?? null, email: connection.user.email ?? null },
      organisation: { orgId: connection.orgId ?? null, dataCentre: connection.dataCentre ?? null },
      installation: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), hostname: hostname() },
    });
    expect(verified.files.length).toBeGreaterThan(0);
    expect(verified.files.every((file) => file.ok && file.problem === null)).toBe(true);
    await expect(exports.verify({ exportId: second.id })).rejects.toMatchObject({ code: 'EXPORT_NOT_A_PACKET' });

    // A packet with one byte of events.csv changed: not ok, naming the file.
    const files = unzipSync(readFileSync(entry.files[2]!.path));
    const csvText = Buffer.from(files['events.csv']!).toString('utf8');
    files['events.csv'] = strToU8(
      csvText.replace(
        csv.rows[0]!['event_id']!,
        csv.rows[0]!['event_id']!.replace(/.$/, (digit) => String((Number(digit) + 1) % 10)),
      ),
    );
    const tamperedPath = join(harness.home, 'tampered.zip');
    writeFileSync(tamperedPath, zipSync(files));
    const tampered = await exports.verify(exports.holdPacketFile(tamperedPath, { temporary: true }));
    expect(tampered.verdict).toMatchObject({ kind: 'not-intact', file: 'events.csv' });
    expect(tampered.files.find((file) => file.name === 'events.csv')).toMatchObject({ ok: false, problem: expect.any(String) });
    // An uploaded (temporary) file is deleted once verified, and its token forgotten.
    expect(existsSync(tamperedPath)).toBe(false);
    // The signature still holds; the manifest's packet digest (over events.csv among others) no longer does.
    expect(tampered.files.find((file) => file.name === 'manifest.sig')).toMatchObject({ ok: true });
    // Each file once, in the packet's order (manifest.json first): its "matches" row became the digest's failure.
    expect(tampered.files.filter((file) => !file.ok).map((file) => file.name)).toEqual(['manifest.json', 'events.csv']);
    expect(tampered.files.filter((file) => file.name === 'manifest.json')).toHaveLength(1);
    expect(tampered.files.filter((file) => file.name === 'manifest.json' && !file.ok).map((file) => file.problem)).toEqual([expect.stringContaining('packet digest')]);
  }, 60_000);

  it('where narrows to exactly the events that match, counted from the ground truth', async () => {
    const records = [...small, large];
    const all = records.flatMap((record) => truthOf(record));
    const source = truthOf(large)[0]!.source!;
    const times = all.map((event) => Date.parse(event.audited_time)).sort((a, b) => a - b);
    const from = times[Math.floor(times.length / 2)]!;
    const expected = all.filter((event) => event.source === source && Date.parse(event.audited_time) >= from);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    const views = await runExport({ records, formats: ['csv'], where: { sources: [source], from: new Date(from).toISOString() } });
    const entry = views.at(-1)!.entry!;
    expect(views.at(-1)!.eventsTotal).toBe(expected.length);
    expect(entry.events).toBe(expected.length);
    const csv = csvOf(entry.files[0]!.path);
    expect(sorted(csv.eventIds)).toEqual(sorted(expected.map((event) => event.id)));
    expect(csv.rows.every((row) => row['source'] === source)).toBe(true);
  });

  it('refuses: nothing selected, no format, never fetched, a where that matches nothing, an unknown export', async () => {
    await expect(exports.start({ records: [], formats: ['csv'] })).rejects.toMatchObject({ code: 'EXPORT_NOTHING_SELECTED' });
    await expect(exports.start({ records: small, formats: [] })).rejects.toMatchObject({ code: 'EXPORT_NO_FORMAT' });
    // A record never fetched is not "empty": its history is unknown, so the export is refused naming it.
    await expect(exports.start({ records: [{ module: 'Leads', recordId: '42' }], formats: ['csv'] })).rejects.toMatchObject({ code: 'EXPORT_INCOMPLETE', message: expect.stringContaining('Leads/42') });
    await expect(exports.start({ records: small, formats: ['csv'], where: { sources: ['crm_ui'], text: 'zqxjzqxjzqxj' } })).rejects.toMatchObject({ code: 'EXPORT_EMPTY' });
    await expect(exports.start({ records: small, formats: ['csv'], where: { source: ['crm_ui'] } as never })).rejects.toMatchObject({ code: 'CLI_USAGE' });
    expect(() => exports.reveal('no-such-export')).toThrow(expect.objectContaining({ code: 'EXPORT_UNKNOWN' }));
    return expect(exports.verify({ exportId: 'no-such-export' })).rejects.toMatchObject({ code: 'EXPORT_UNKNOWN' });
  });

  it('one export at a time: EXPORT_RUNNING while one runs; cancelled mid-CSV, it leaves no file behind', async () => {
    const before = sorted(filesUnder(exportsFolder));
    const from = harness.pushed.length;
    let cancelledAt: number | undefined;
    const unsubscribe = harness.core.events.subscribe((envelope) => {
      if (envelope.channel !== 'export:progress' || cancelledAt !== undefined) return;
      const view = envelope.payload as ExportProgressView;
      if (view.state === 'running' && view.phase === 'csv' && view.eventsDone > 0) {
        cancelledAt = view.eventsDone;
        expect(exports.cancel()).toEqual({ cancelled: true });
      }
    });
    try {
      const { exportId } = await exports.start({ records: [large], formats: ['csv'] });
      await expect(exports.start({ records: small, formats: ['csv'] })).rejects.toMatchObject({ code: 'EXPORT_RUNNING' });
      await expect(exports.exportFiles({ records: small, formats: ['csv'] })).rejects.toMatchObject({ code: 'EXPORT_RUNNING' });
      await exports.idle();
      expect(cancelledAt).toBeDefined();
      expect(cancelledAt!).toBeLessThan(truthOf(large).length);
      const last = harness.pushed
        .slice(from)
        .filter((envelope) => envelope.channel === 'export:progress')
        .at(-1)!.payload as ExportProgressView;
      expect(last).toMatchObject({ exportId, state: 'cancelled', entry: null, error: null });
    } finally {
      unsubscribe();
    }
    expect(sorted(filesUnder(exportsFolder))).toEqual(before);
    expect(exports.history().some((entry) => entry.events === truthOf(large).length && entry.files.length === 1 && entry.files[0]!.format === 'csv' && entry.records === 1 && !before.includes(entry.files[0]!.path))).toBe(false);
    expect(exports.cancel()).toEqual({ cancelled: false });
  });

  it('cancelled while writing its PDF, an export of CSV and PDF leaves none of its files behind', async () => {
    const before = sorted(filesUnder(exportsFolder));
    const historyBefore = exports.history();
    let cancelled = false;
    const unsubscribe = harness.core.events.subscribe((envelope) => {
      if (envelope.channel !== 'export:progress' || cancelled) return;
      const view = envelope.payload as ExportProgressView;
      // Every row of the CSV is written: cancel before the PDF is.
      if (view.state === 'running' && view.phase === 'csv' && view.eventsDone === view.eventsTotal) {
        cancelled = true;
        exports.cancel();
      }
    });
    const from = harness.pushed.length;
    try {
      await exports.start({ records: small, formats: ['csv', 'pdf'] });
      await exports.idle();
    } finally {
      unsubscribe();
    }
    expect(cancelled).toBe(true);
    const last = harness.pushed
      .slice(from)
      .filter((envelope) => envelope.channel === 'export:progress')
      .at(-1)!.payload as ExportProgressView;
    expect(last).toMatchObject({ state: 'cancelled', entry: null, error: null });
    expect(exports.history()).toEqual(historyBefore);
    // The CSV was complete when the PDF was cancelled; kept, it would be an export nobody asked for and no history names.
    expect(sorted(filesUnder(exportsFolder))).toEqual(before);
  }, 60_000);

  it('two exports made in the same second keep both files', async () => {
    // A clock that stands still: both exports get the same time stamp.
    const frozen = { now: () => Date.UTC(2026, 0, 2, 3, 4, 5), sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };
    const other = coreOnSandbox(sandbox, { clock: frozen });
    try {
      expect((await (await other.core.records()).sync({ records: small }))?.state).toBe('done');
      const service = await other.core.exports();
      const first = await service.exportFiles({ records: [small[0]!], formats: ['csv'] });
      const second = await service.exportFiles({ records: [small[1]!], formats: ['csv'] });
      expect(second.files[0]!.path).not.toBe(first.files[0]!.path);
      for (const [entry, record] of [
        [first, small[0]!],
        [second, small[1]!],
      ] as const) {
        expect(statSync(entry.files[0]!.path).size).toBe(entry.files[0]!.bytes);
        expect(sorted(csvOf(entry.files[0]!.path).eventIds)).toEqual(sorted(truthOf(record).map((event) => event.id)));
      }
    } finally {
      await other.close();
    }
  });

  it('exportFiles writes exactly the files asked for, with progress, into the history', async () => {
    const dir = join(harness.home, 'chosen');
    mkdirSync(dir, { recursive: true });
    const files = { csv: join(dir, 'audit.csv'), packet: join(dir, 'nested', 'audit.zip') };
    const phases = new Set<string>();
    const entry = await exports.exportFiles({ records: [small[1]!], formats: ['packet', 'csv'], files, timeZone: 'Asia/Tokyo' }, { onProgress: (progress) => phases.add(progress.phase) });
    expect(entry.files.map((file) => ({ format: file.format, path: file.path }))).toEqual([
      { format: 'packet', path: files.packet },
      { format: 'csv', path: files.csv },
    ]);
    for (const file of entry.files) expect(statSync(file.path).size).toBe(file.bytes);
    expect(entry.timeZone).toBe('Asia/Tokyo');
    expect(entry.events).toBe(truthOf(small[1]!).length);
    expect([...phases]).toEqual(expect.arrayContaining(['csv', 'pdf', 'signing', 'zip']));
    expect(csvOf(files.csv).rows.every((row) => row['audited_time']!.endsWith('+09:00'))).toBe(true);
    expect(exports.history()[0]).toEqual(entry);
    expect((await exports.verify({ exportId: entry.id })).verdict.kind).toBe('trusted');
  }, 60_000);
});

describe('the signing identity and "generated by"', () => {
  it('the same home gives the same key in a new core; the private key is never stored in the clear', async () => {
    const home = tempHome('ta-signing-');
    const first = coreOnSandbox(sandbox, { home });
    const fingerprint = (await (await first.core.exports()).signingKey()).fingerprint;
    await first.close({ keepHome: true });
    const second = coreOnSandbox(sandbox, { home, shell: 'cli' });
    try {
      expect((await (await second.core.exports()).signingKey()).fingerprint).toBe(fingerprint);
    } finally {
      await second.close({ keepHome: true });
    }
    const third = coreOnSandbox(sandbox, { home });
    try {
      const key = await (await third.core.exports()).signingKey();
      expect(key.fingerprint).toBe(fingerprint);
      expect(key.publicKeyPem).toContain('BEGIN PUBLIC KEY');
      const stored = filesUnder(home);
      expect(stored.length).toBeGreaterThan(0);
      for (const file of stored) {
        const text = readFileSync(file).toString('latin1');
        expect(text, file).not.toContain('PRIVATE KEY');
      }
    } finally {
      await third.close();
    }
  });

  it('names the shell: browser mode, desktop app, command line with the OS user', async () => {
    const expected = { browser: 'Timeline Auditor user (browser mode)', electron: 'Timeline Auditor user (desktop app)', cli: `Timeline Auditor user (command line, ${userInfo().username})` } as const;
    for (const shell of ['browser', 'electron', 'cli'] as const) {
      const other = coreOnSandbox(sandbox, { shell });
      try {
        expect((await other.core.exports()).generatedBy()).toBe(expected[shell]);
      } finally {
        await other.close();
      }
    }
  });
});
