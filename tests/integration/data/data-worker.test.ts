/**
 * The data worker through a REAL worker thread (the TypeScript entry via main/data/data-worker-source.mjs) against
 * a real cache file in a temp dir: every request group, input validation, cancellation, a crash,
 * and the main thread's event-loop delay during a 100k-event export (measured, never asserted).
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMarkerPath, TimelineCache } from '../../../main/cache/index.js';
import { AuditorError } from '../../../main/core/errors.js';
import { createDataClient, DataJobAbortedError, DataWorkerStoppedError, inProcessSpawner, workerThreadSpawner, type DataClient, type ExportJobInput } from '../../../main/data/index.js';
import { exportInputFromCache } from '../../../main/export/cache-export-source.js';
import { exportCsvFile } from '../../../main/export/csv-export.js';
import { publicKeyFingerprint } from '../../../main/export/signing-key-store.js';
import type { ExportProgress } from '../../../main/export/types.js';
import { verifyPacket } from '../../../main/export/verify.js';
import { TEST_SIGNER } from '../../unit/export/fixtures.js';
import type { RecordKey } from '../../../main/sync/sync-store.js';
import { generateTimelines, overwriteRootPage, overwriteWithGarbage, sampleTimeline, tempDir, type TempDir } from '../cache/helpers.js';
import { fillCache, typescriptWorkerSpawner } from './fixtures.js';

let dir: TempDir;
let client: DataClient | undefined;

beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  dir.remove();
});

function open(cacheFile = dir.file('cache.sqlite'), spawner = typescriptWorkerSpawner()): DataClient {
  client = createDataClient(spawner, { cacheFile });
  return client;
}

function job(records: RecordKey[], path: string, extra: Partial<ExportJobInput> = {}): ExportJobInput {
  return {
    records,
    filter: { kind: 'none' },
    case: null,
    allowIncomplete: false,
    timeZone: 'Europe/Berlin',
    connection: { dataCentre: 'eu', orgId: '20001', apiDomain: 'https://www.zohoapis.eu' },
    generatedBy: 'Test Auditor <audit@example.com>',
    generatedAt: Date.parse('2026-11-30T12:00:00Z'),
    appVersion: '0.0.0-test',
    path,
    ...extra,
  };
}

describe('sync requests (WorkerSyncStore)', () => {
  it('writes through the worker into the cache file, as TimelineCache itself would', async () => {
    const data = open();
    const { key, entries } = sampleTimeline();
    expect(entries.length).toBeGreaterThan(3);
    await data.sync.trackRecords([{ ...key, name: 'First name' }]);
    expect(await data.sync.recordState(key)).toMatchObject({ ...key, name: 'First name', freshness: 'never', eventCount: 0 });
    await data.sync.beginRecordSync(key, 'full');
    expect(await data.sync.writeTimelinePage(key, entries.slice(0, 2), 'next-1')).toEqual({ inserted: 2 });
    // A page written twice leaves no duplicate.
    expect(await data.sync.writeTimelinePage(key, entries.slice(0, 2), 'next-1')).toEqual({ inserted: 0 });
    expect(await data.sync.recordState(key)).toMatchObject({ freshness: 'syncing', resumePageToken: 'next-1', syncMode: 'full' });
    await data.sync.clearResumeToken(key);
    expect((await data.sync.recordState(key))?.resumePageToken).toBeNull();
    await data.sync.writeTimelinePage(key, entries.slice(2), null);
    await data.sync.failRecordSync(key, { code: 'ZOHO_RATE_LIMITED', message: 'Too many requests' }, 1_000);
    expect(await data.sync.recordState(key)).toMatchObject({ freshness: 'failed', lastError: { code: 'ZOHO_RATE_LIMITED', message: 'Too many requests' } });
    await data.sync.completeRecordSync(key, 2_000);
    await data.sync.upsertUsers([{ id: '90001', full_name: 'Ada Worker', email: 'ada@example.com' }]);

    const run = await data.sync.createSyncRun([key], '{"mode":"full"}', 3_000);
    expect(await data.sync.latestUnfinishedSyncRun()).toEqual(run);
    await data.sync.markSyncRunRecord(run.id, key, 'done');
    expect(await data.sync.syncRunRecords(run.id)).toEqual([{ ...key, status: 'done' }]);
    await data.sync.finishSyncRun(run.id, 'done');
    expect(await data.sync.latestUnfinishedSyncRun()).toBeUndefined();
    const states = await data.sync.listRecordStates();
    await data.close();
    client = undefined;

    // The file, read without the worker, holds exactly that.
    const direct = TimelineCache.open(dir.file('cache.sqlite'));
    try {
      expect(direct.listRecordStates()).toEqual(states);
      expect(direct.recordState(key)).toMatchObject({ freshness: 'fresh', eventCount: entries.length, lastSyncedAt: 2_000, lastError: null, resumePageToken: null });
      expect(direct.countEvents({ records: [key] })).toBe(entries.length);
      expect(direct.userName('90001')).toBe('Ada Worker');
      for (const entry of entries) expect(direct.getRawEvent(entry.event.id)).toBe(JSON.stringify(entry.raw));
    } finally {
      direct.close();
    }
  });
});

describe('cache reads', () => {
  it('answers the Records screen and the record timeline exactly as the cache does', async () => {
    const timelines = generateTimelines(7, 2);
    const seed = TimelineCache.open(dir.file('cache.sqlite'));
    for (const { key, entries } of timelines) {
      seed.trackRecords([key]);
      seed.writeTimelinePage(key, entries, null);
    }
    const expected = {
      records: seed.listRecordStates(),
      events: seed.stats().events,
      page: seed.queryEvents({ records: [timelines[0]!.key] }, { limit: 5, offset: 1, orderBy: 'audited_time', direction: 'desc' }),
      count: seed.countEvents({ records: [timelines[0]!.key] }),
      sources: seed.countEvents({ sources: ['crm_ui'] }),
    };
    seed.close();
    const data = open();
    const overview = await data.cache.overview();
    expect(overview.records).toEqual(expected.records);
    expect(overview.stats.events).toBe(expected.events);
    expect(overview.stats.records).toBe(timelines.length);
    expect(await data.cache.countEvents({ records: [timelines[0]!.key] })).toBe(expected.count);
    expect(await data.cache.countEvents({ sources: ['crm_ui'] })).toBe(expected.sources);
    const page = await data.cache.queryEvents({ records: [timelines[0]!.key] }, { limit: 5, offset: 1, orderBy: 'audited_time', direction: 'desc' });
    expect(page).toEqual(expected.page);
    const first = timelines[0]!.entries[0]!;
    expect((await data.cache.getEvent(first.event.id))?.eventId).toBe(first.event.id);
    expect(await data.cache.getRawEvent(first.event.id)).toBe(JSON.stringify(first.raw));
    expect(await data.cache.getEvent('no-such-event')).toBeUndefined();
    expect(await data.cache.untrackRecords([timelines[0]!.key])).toBe(1);
    expect((await data.cache.overview()).records).toHaveLength(timelines.length - 1);
  });

  it('answers every request with the error of a cache it cannot open, as a value', async () => {
    // A directory where the cache file should be: the open fails, the worker stays up and says why.
    const data = open(dir.path);
    const error = await data.cache.overview().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuditorError);
    expect((error as AuditorError).code).not.toBe('DATA_WORKER_STOPPED');
    expect(data.state).toBe('running');
  });
});

describe('export jobs', () => {
  it('writes the same CSV as the inline export, with progress and the given flags and notes', async () => {
    const records = fillCache(dir.file('cache.sqlite'), 3_000);
    const annotation = { flags: ['suspicious'], notes: [{ author: 'Ann', text: 'check this', at: 0 }] };
    const cache = TimelineCache.open(dir.file('cache.sqlite'));
    let firstId: string;
    try {
      firstId = cache.queryEvents({ records }, { limit: 1, direction: 'asc' })[0]!.eventId;
      const inline = exportInputFromCache(cache, {
        ...job(records, ''),
        filter: undefined,
        filterStatement: { kind: 'none' },
        annotations: (ids) => new Map(ids.filter((id) => id === firstId).map((id) => [id, annotation])),
      });
      await exportCsvFile(inline, dir.file('inline.csv'));
    } finally {
      cache.close();
    }

    const data = open();
    const progress: ExportProgress[] = [];
    const result = await data.exports.csv(job(records, dir.file('out/worker.csv'), { annotations: [{ eventId: firstId, ...annotation }] }), { onProgress: (value) => progress.push(value) });
    const csv = readFileSync(dir.file('out/worker.csv'), 'utf8');
    expect(csv).toBe(readFileSync(dir.file('inline.csv'), 'utf8'));
    expect(csv).toContain('suspicious');
    expect(csv).toContain('Ann: check this');
    expect(result).toMatchObject({ path: dir.file('out/worker.csv'), events: 3_000, bytes: Buffer.byteLength(csv) });
    expect(result.rows).toBeGreaterThanOrEqual(3_000);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ phase: 'csv', eventsDone: 3_000 });
  });

  it('writes a PDF report and a signed packet signed with the key handed over', async () => {
    const records = fillCache(dir.file('cache.sqlite'), 400);
    const data = open();
    const pdf = await data.exports.pdf(job(records, dir.file('report.pdf'), { filter: { kind: 'where', where: { sources: ['crm_ui'] }, words: 'source is crm_ui' } }));
    expect(readFileSync(pdf.path).subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.pages).toBeGreaterThan(1);
    expect(pdf.events).toBeGreaterThan(0);
    expect(pdf.events).toBeLessThan(400);

    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const phases = new Set<string>();
    const packet = await data.exports.packet({ ...job(records, dir.file('packet.zip')), signingKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), signer: TEST_SIGNER }, { onProgress: (value) => phases.add(value.phase) });
    expect(packet.signerFingerprint).toBe(publicKeyFingerprint(publicKey));
    expect(packet.events).toBe(400);
    expect([...phases]).toEqual(expect.arrayContaining(['csv', 'pdf', 'signing', 'zip', 'done']));
    const verified = await verifyPacket(packet.path);
    expect(verified.ok).toBe(true);
    expect(verified.signerFingerprint).toBe(publicKeyFingerprint(publicKey));
    expect(verified.manifest?.signing.signer).toEqual(TEST_SIGNER);
  });

  it('fails as a value when nothing is cached for the records', async () => {
    const data = open();
    // Never fetched: refused as incomplete (its history is unknown); allowed anyway, nothing is cached for it.
    await expect(data.exports.csv(job([{ module: 'Leads', recordId: '1' }], dir.file('empty.csv')))).rejects.toMatchObject({ code: 'EXPORT_INCOMPLETE' });
    await expect(data.exports.csv(job([{ module: 'Leads', recordId: '1' }], dir.file('empty.csv'), { allowIncomplete: true }))).rejects.toMatchObject({ code: 'EXPORT_EMPTY' });
    expect(existsSync(dir.file('empty.csv'))).toBe(false);
  });

  it('cancels an export mid-way: AbortError, no output file, no partial file', async () => {
    const records = fillCache(dir.file('cache.sqlite'), 20_000);
    const data = open();
    const controller = new AbortController();
    let seenAt = 0;
    const running = data.exports.csv(job(records, dir.file('out/cancelled.csv')), {
      signal: controller.signal,
      onProgress: (progress) => {
        if (seenAt === 0) {
          seenAt = progress.eventsDone;
          controller.abort();
        }
      },
    });
    const error = await running.catch((caught: unknown) => caught);
    expect(seenAt).toBeGreaterThan(0);
    expect(seenAt).toBeLessThan(20_000);
    expect(error).toBeInstanceOf(DataJobAbortedError);
    expect(error).toMatchObject({ name: 'AbortError', code: 'EXPORT_CANCELLED' });
    expect(readdirSync(dir.file('out'))).toEqual([]);
    // The worker carries on.
    expect((await data.cache.overview()).stats.events).toBe(20_000);
  });
});

describe('the request boundary', () => {
  it('rejects a malformed request with the zod issues, and an unknown one, as typed errors', async () => {
    const data = open();
    const malformed = await data.call('sync.recordState', { key: { module: 7, recordId: '' } } as never).catch((caught: unknown) => caught);
    expect(malformed).toBeInstanceOf(AuditorError);
    expect(malformed).toMatchObject({ code: 'DATA_INVALID_INPUT' });
    expect((malformed as AuditorError).message).toMatch(/sync\.recordState.*key\.module/);
    expect((malformed as AuditorError).details?.['issues']).toEqual(expect.arrayContaining([expect.objectContaining({ path: ['key', 'recordId'] })]));
    await expect(data.call('sync.writeTimelinePage', { key: { module: 'Leads', recordId: '1' }, entries: [{ event: { id: 'x' }, raw: {} }], nextPageToken: null } as never)).rejects.toMatchObject({
      code: 'DATA_INVALID_INPUT',
    });
    await expect(data.call('review.flags' as never, {} as never)).rejects.toMatchObject({ code: 'DATA_UNKNOWN_REQUEST' });
    // Nothing was written and the worker still answers.
    expect((await data.cache.overview()).stats.events).toBe(0);
  });

  it('serves the same requests on this thread (in-process spawner, for unit tests)', async () => {
    const data = open(dir.file('cache.sqlite'), inProcessSpawner());
    const { key, entries } = sampleTimeline();
    await data.sync.trackRecords([key]);
    expect(await data.sync.writeTimelinePage(key, entries, null)).toEqual({ inserted: entries.length });
    expect(await data.cache.countEvents({ records: [key] })).toBe(entries.length);
    await expect(data.call('sync.recordState', {} as never)).rejects.toMatchObject({ code: 'DATA_INVALID_INPUT' });
  });
});

describe('a worker that stops', () => {
  it('rejects every pending call with a plain error, refuses calls until restarted, then works again', async () => {
    const records = fillCache(dir.file('cache.sqlite'), 5_000);
    const data = open(dir.file('cache.sqlite'), workerThreadSpawner(new URL('./crashing-data-worker.mjs', import.meta.url)));
    expect(await data.cache.countEvents({})).toBe(5_000);
    const exporting = data.exports.csv(job(records, dir.file('crash.csv'))).catch((caught: unknown) => caught);
    const overview = data.cache.overview().catch((caught: unknown) => caught); // the crashing worker exits on this one
    for (const error of [await exporting, await overview]) {
      expect(error).toBeInstanceOf(DataWorkerStoppedError);
      expect(error).toMatchObject({ code: 'DATA_WORKER_STOPPED', message: 'The data worker stopped: it exited with code 3; restart the app/command.' });
    }
    expect(data.state).toBe('stopped');
    await expect(data.cache.countEvents({})).rejects.toMatchObject({ code: 'DATA_WORKER_STOPPED' });
    data.restart();
    expect(data.state).toBe('running');
    expect(await data.cache.countEvents({})).toBe(5_000);
  });

  it('close() rejects what is still pending and stops the thread', async () => {
    const records = fillCache(dir.file('cache.sqlite'), 5_000);
    const data = open();
    const exporting = data.exports.csv(job(records, dir.file('closed.csv'))).catch((caught: unknown) => caught);
    await data.close();
    expect(await exporting).toMatchObject({ code: 'DATA_WORKER_CLOSED' });
    expect(data.state).toBe('closed');
    await expect(data.cache.overview()).rejects.toMatchObject({ code: 'DATA_WORKER_CLOSED' });
  });
});

describe('a damaged cache', () => {
  it('answers CACHE_DAMAGED (file named, what to do) to the request that met the damage and to every request after it; an export writes nothing', async () => {
    const records = fillCache(dir.file('cache.sqlite'), 3_000);
    overwriteRootPage(dir.file('cache.sqlite'), 'records');
    const data = open();
    const first = await data.cache.overview().catch((caught: unknown) => caught);
    expect(first).toBeInstanceOf(AuditorError);
    expect(first).toMatchObject({ code: 'CACHE_DAMAGED', message: expect.stringContaining(dir.file('cache.sqlite')) as unknown, hint: expect.stringContaining('timeline-auditor cache rebuild') as unknown });
    // The events table itself is readable, but a file damaged in one place is not trusted in another.
    await expect(data.cache.countEvents({})).rejects.toMatchObject({ code: 'CACHE_DAMAGED' });
    await expect(data.exports.csv(job(records, dir.file('out/damaged.csv')))).rejects.toMatchObject({ code: 'CACHE_DAMAGED' });
    expect(existsSync(dir.file('out')) ? readdirSync(dir.file('out')) : []).toEqual([]);
    expect(data.state).toBe('running');
  });

  it('cache.integrityCheck: {ms} for a sound file, CACHE_DAMAGED for 4 KiB of garbage at 40% of it', async () => {
    fillCache(dir.file('sound.sqlite'), 3_000);
    const sound = open(dir.file('sound.sqlite'));
    expect(await sound.cache.integrityCheck()).toEqual({ ms: expect.any(Number) as unknown });
    await sound.close();

    fillCache(dir.file('cache.sqlite'), 3_000);
    overwriteWithGarbage(dir.file('cache.sqlite'));
    const data = open();
    await expect(data.cache.integrityCheck()).rejects.toMatchObject({ code: 'CACHE_DAMAGED', message: expect.stringContaining('integrity check') as unknown });
  });

  it('close() closes the cache cleanly before the thread stops: the open marker is gone, so the next start checks nothing', async () => {
    fillCache(dir.file('cache.sqlite'), 100);
    const data = open();
    await data.cache.overview();
    expect(existsSync(openMarkerPath(dir.file('cache.sqlite')))).toBe(true);
    await data.close();
    expect(existsSync(openMarkerPath(dir.file('cache.sqlite')))).toBe(false);
  });
});

describe('process lifetime', () => {
  it('lets a command end when its calls are answered, without close()', async () => {
    // Were the worker always referenced, this child would never exit and execFile's timeout would kill it.
    const script = fileURLToPath(new URL('./idle-client.mts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, dir.file('cache.sqlite')], { timeout: 20_000 });
    expect(stdout).toBe('records=1\n');
  });
});

describe('review flags in the worker', () => {
  it('flags follow a bulk sync in batches, and every read sees them exactly as a full recompute gives', async () => {
    const data = open();
    const timelines = generateTimelines(7, 6);
    for (const { key, entries } of timelines) {
      await data.sync.trackRecords([key]);
      // Pages written back to back, as a sync does: flags are not computed page by page.
      await data.sync.writeTimelinePage(key, entries, null);
    }
    const flagged = { filter: { combinator: 'and' as const, rules: [{ field: 'flag' as const, operator: 'notNull' as const }] }, timeZone: 'UTC' };
    // Read at once (no wait for the batch): the read flushes it first.
    const seen = await data.review.count(flagged);
    const page = await data.review.page({ ...flagged, sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 500 });
    expect(seen).toBeGreaterThan(0);
    expect(page.length).toBe(Math.min(seen, 500));
    expect(page.every((row) => row.flags.length > 0)).toBe(true);
    // The same as computing every flag from scratch.
    const { flagged: full } = await data.review.recomputeFlags();
    expect(full).toBe(seen);
    expect(await data.review.count(flagged)).toBe(seen);
  });

  it('a reader in a new worker catches up on flags a writer left unflagged', async () => {
    const cacheFile = dir.file('cache.sqlite');
    const writer = TimelineCache.open(cacheFile); // a writer without review's hooks (an older version, a crash before the batch)
    for (const { key, entries } of generateTimelines(8, 4)) {
      writer.trackRecords([key]);
      writer.writeTimelinePage(key, entries, null);
    }
    writer.close();
    const data = open(cacheFile);
    const flagged = { filter: { combinator: 'and' as const, rules: [{ field: 'flag' as const, operator: 'notNull' as const }] }, timeZone: 'UTC' };
    const seen = await data.review.count(flagged);
    expect(seen).toBeGreaterThan(0);
    expect((await data.review.recomputeFlags()).flagged).toBe(seen);
  });
});
