/**
 * events.csv written on the export writer's thread (export-writer.ts) against the one-thread writer:
 * the same bytes whichever thread formats which page (a real worker thread, and the same code over a
 * MessageChannel with the flow pushed to each extreme); a damaged stored event, a failed read, a
 * cancel and a writer thread that dies each fail the export with no file left behind. Also the
 * export read's scratch file: private while open, gone after, and stale ones removed when the cache opens.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimelineCache } from '../../../main/cache/index.js';
import { scratchFilePrefix } from '../../../main/cache/export-read.js';
import { AuditorError } from '../../../main/core/errors.js';
import { exportWriterEntryBeside, exportWriterThreads, inProcessExportWriter } from '../../../main/data/export-writer-spawner.js';
import { exportInputFromCache, type CacheExportRequest } from '../../../main/export/cache-export-source.js';
import { exportCsvFile } from '../../../main/export/csv-export.js';
import { exportCsvFileOnWriter, type ExportWriterPort, type ExportWriterSpawner } from '../../../main/export/export-writer.js';
import { storedEventsOf } from '../../../main/export/stored-event.js';
import type { ExportInput, StoredExportEvent, StoredExportPage, StoredExportPageSource } from '../../../main/export/types.js';
import { LARGE_RECORD, startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import type { RecordKey } from '../../../main/sync/sync-store.js';
import { closeTempCaches, makeHarness } from '../sync/helpers.js';

const large: RecordKey = { module: LARGE_RECORD.module, recordId: LARGE_RECORD.id };
let sandbox: Sandbox;
let cache: TimelineCache;
let records: RecordKey[];
let out: string;
let expected: Buffer;
let expectedResult: { rows: number; events: number };

const request = (extra: Partial<CacheExportRequest> = {}): CacheExportRequest => ({
  records,
  filterStatement: { kind: 'none' },
  case: null,
  allowIncomplete: false,
  timeZone: 'Europe/Berlin',
  connection: { dataCentre: 'eu', orgId: null, apiDomain: 'https://www.zohoapis.eu' },
  generatedBy: 'Ada Lovelace <ada@example.com> (browser mode)',
  generatedAt: 1_750_000_000_000,
  appVersion: '9.9.9',
  // A flag on every event with an even last digit, a note on one: the annotations travel with the pages.
  annotations: (eventIds) => new Map(eventIds.filter((id) => /[02468]$/.test(id)).map((id, index) => [id, { flags: ['after_hours', 'bulk_change'], notes: index === 0 ? [{ author: 'Ada', text: 'Checked, "fine"', at: 1_750_000_000_000 }] : [] }])),
  ...extra,
});

function storedPagesOf(input: ExportInput): StoredExportPageSource {
  if (input.storedPages === undefined) throw new Error('an input from the cache has stored pages');
  return input.storedPages;
}

/** Files left in `out` besides those named: a temporary file would show here. */
const strays = (...keep: string[]): string[] => readdirSync(out).filter((name) => !keep.includes(name));

/** The real thread: the writer's TypeScript entry beside the data worker's (what data-worker-main does under tsx). */
const threadSpawner = (): ExportWriterSpawner => {
  const entry = exportWriterEntryBeside(new URL('../../../main/data/data-worker-main.ts', import.meta.url).href);
  if (entry === undefined) throw new Error('export-writer-source.mjs is missing beside data-worker-main.ts');
  return exportWriterThreads(entry);
};

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 11, recordsPerModule: 3, latencyMs: 0 });
  records = [large, { module: 'Leads', recordId: sandbox.listRecordIds('Leads')[0]! }, { module: 'Deals', recordId: sandbox.listRecordIds('Deals')[1]! }];
  const harness = makeHarness(sandbox);
  cache = harness.store;
  const result = await harness.engine.run({ records });
  expect(result.state).toBe('done');
  out = mkdtempSync(join(tmpdir(), 'export-writer-'));
  expectedResult = await exportCsvFile(exportInputFromCache(cache, request()), join(out, 'one-thread.csv'));
  expected = readFileSync(join(out, 'one-thread.csv'));
  rmSync(join(out, 'one-thread.csv'));
  expect(expectedResult.events).toBeGreaterThan(9_000); // pages of 100: every path below sees many
}, 120_000);

afterAll(async () => {
  closeTempCaches();
  rmSync(out, { recursive: true, force: true });
  await sandbox.close();
});

describe('events.csv from the writer thread', () => {
  const flows = [
    { name: 'a real worker thread, default flow', spawn: threadSpawner, flow: undefined },
    { name: 'the writer formats every page', spawn: inProcessExportWriter, flow: { formatHereAt: 1_000, maxPagesInFlight: 1_000 } },
    { name: 'the reader formats every page (the writer only writes)', spawn: inProcessExportWriter, flow: { formatHereAt: 0, maxPagesInFlight: 3 } },
    { name: 'one page in flight at a time, alternating', spawn: inProcessExportWriter, flow: { formatHereAt: 1, maxPagesInFlight: 1 } },
    // A lane that holds about two pages: the reader waits for room again and again.
    { name: 'a lane that is full most of the time (a real thread)', spawn: threadSpawner, flow: { formatHereAt: 2, maxPagesInFlight: 6, laneBytes: 200_000 } },
    // A lane smaller than any page: every page travels as a copy of its own.
    { name: 'pages larger than the lane', spawn: inProcessExportWriter, flow: { formatHereAt: 2, maxPagesInFlight: 6, laneBytes: 1_000 } },
  ];
  for (const { name, spawn, flow } of flows) {
    it(`is byte for byte the one-thread CSV: ${name}`, async () => {
      const input = exportInputFromCache(cache, request());
      const progress: number[] = [];
      const path = join(out, 'events.csv');
      const result = await exportCsvFileOnWriter(spawn(), { scope: input.scope, storedPages: storedPagesOf(input), users: input.users }, path, {
        onProgress: (value) => progress.push(value.eventsDone),
        ...(flow === undefined ? {} : { flow }),
      });
      expect(result).toEqual(expectedResult);
      expect(readFileSync(path).equals(expected)).toBe(true);
      expect(progress.at(-1)).toBe(expectedResult.events);
      // Progress follows the pages the writer has taken; with room for every page in flight (and the
      // writer on this thread) it can only report the end.
      if (flow === undefined || flow.maxPagesInFlight < 100) expect(progress.length).toBeGreaterThan(2);
      expect([...progress].sort((a, b) => a - b)).toEqual(progress); // never goes back
      expect(strays('events.csv')).toEqual([]);
      rmSync(path);
    }, 60_000);
  }
});

describe('an export on the writer that cannot finish leaves no file', () => {
  /** Stored events as the page a reader sends (their texts encoded back to back). */
  function pageOf(events: StoredExportEvent[]): StoredExportPage {
    const texts = events.map((event) => Buffer.from(event.rawJson, 'utf8'));
    let end = 0;
    const owners = [...new Set(events.map((event) => event.owner))];
    return {
      eventIds: events.map((event) => event.eventId),
      auditedAtMs: events.map((event) => event.auditedAtMs),
      owners,
      ownerIndex: events.map((event) => owners.indexOf(event.owner)),
      flags: events.map((event) => event.flags),
      notes: events.map((event) => event.notes),
      rawJson: Buffer.concat(texts),
      rawJsonEnds: texts.map((text) => (end += text.length)),
    };
  }
  async function* pages(events: StoredExportEvent[]): AsyncGenerator<StoredExportPage> {
    for (let index = 0; index < events.length; index += 100) yield pageOf(events.slice(index, index + 100));
  }
  async function storedEvents(): Promise<{ input: ExportInput; events: StoredExportEvent[] }> {
    const input = exportInputFromCache(cache, request());
    const events: StoredExportEvent[] = [];
    for await (const page of storedPagesOf(input)()) events.push(...storedEventsOf(page));
    return { input, events };
  }

  for (const formatHereAt of [1_000, 0]) {
    it(`a damaged stored event is CACHE_DAMAGED naming it (${formatHereAt === 0 ? 'formatted by the reader' : 'formatted by the writer'})`, async () => {
      const { input, events } = await storedEvents();
      const victim = events[4_321]!;
      events[4_321] = { ...victim, rawJson: victim.rawJson.slice(0, 200) };
      const path = join(out, 'damaged.csv');
      const failure = await exportCsvFileOnWriter(inProcessExportWriter(), { scope: input.scope, storedPages: () => pages(events), users: input.users }, path, { flow: { formatHereAt, maxPagesInFlight: 4 } }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AuditorError);
      expect((failure as AuditorError).code).toBe('CACHE_DAMAGED');
      expect((failure as AuditorError).message).toContain(victim.eventId);
      expect(existsSync(path)).toBe(false);
      expect(strays()).toEqual([]);
    }, 60_000);
  }

  it('a read that fails half-way is the export error; the writer is stopped', async () => {
    const { input, events } = await storedEvents();
    async function* failing(): AsyncGenerator<StoredExportPage> {
      yield pageOf(events.slice(0, 100));
      yield pageOf(events.slice(100, 200));
      throw new AuditorError('CACHE_DAMAGED', 'The offline cache file is damaged (test).');
    }
    const path = join(out, 'read-failed.csv');
    await expect(exportCsvFileOnWriter(threadSpawner(), { scope: input.scope, storedPages: failing, users: input.users }, path)).rejects.toMatchObject({ code: 'CACHE_DAMAGED' });
    expect(strays()).toEqual([]);
  }, 60_000);

  it('a cancel stops it', async () => {
    const { input, events } = await storedEvents();
    const controller = new AbortController();
    async function* cancelled(): AsyncGenerator<StoredExportPage> {
      yield pageOf(events.slice(0, 100));
      controller.abort();
      yield pageOf(events.slice(100, 200));
    }
    const path = join(out, 'cancelled.csv');
    await expect(exportCsvFileOnWriter(threadSpawner(), { scope: input.scope, storedPages: cancelled, users: input.users }, path, { signal: controller.signal })).rejects.toMatchObject({ code: 'EXPORT_CANCELLED' });
    expect(strays()).toEqual([]);
  }, 60_000);

  it('a cancel after the last page was read, while the writer still has pages to write, stops it', async () => {
    const { input, events } = await storedEvents();
    const controller = new AbortController();
    const path = join(out, 'cancelled-late.csv');
    // A writer thread that gets nothing until the reader has sent its last page: every page is still
    // to be written when the reader starts waiting for the end (room for all of them in flight).
    const late: ExportWriterSpawner = () => {
      const port = threadSpawner()();
      const held: Array<Parameters<ExportWriterPort['postMessage']>> = [];
      return {
        ...port,
        postMessage: (message, transfer) => {
          if (message.type === 'start' || message.type === 'abort') return port.postMessage(message, transfer);
          held.push([message, transfer]);
          if (message.type === 'end') for (const [queued, moved] of held.splice(0)) port.postMessage(queued, moved);
        },
      };
    };
    const run = exportCsvFileOnWriter(late, { scope: input.scope, storedPages: () => pages(events), users: input.users }, path, {
      signal: controller.signal,
      flow: { formatHereAt: 10_000, maxPagesInFlight: 10_000, laneBytes: 64 * 1024 * 1024 },
      onProgress: (progress) => {
        if (progress.eventsDone > 0 && progress.eventsDone < events.length) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'EXPORT_CANCELLED' });
    expect(strays()).toEqual([]);
  }, 60_000);

  for (const [name, spawn] of [
    ['a real worker thread', threadSpawner],
    ['in process', inProcessExportWriter],
  ] as const) {
    it(`a file the system refuses to make is EXPORT_DESTINATION_UNWRITABLE naming the file asked for, not the temporary one (${name})`, async () => {
      const { input, events } = await storedEvents();
      const path = join(out, 'no-such-folder', 'refused.csv');
      const failure = await exportCsvFileOnWriter(spawn(), { scope: input.scope, storedPages: () => pages(events), users: input.users }, path).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AuditorError);
      expect((failure as AuditorError).code).toBe('EXPORT_DESTINATION_UNWRITABLE');
      expect((failure as AuditorError).message).toBe(`Cannot write ${path}: ${join(out, 'no-such-folder')} does not accept new files or folders (no such file or directory).`);
      expect((failure as AuditorError).message).not.toContain('.partial');
      expect(strays()).toEqual([]);
    }, 60_000);
  }

  it('a writer thread that dies is EXPORT_WRITER_STOPPED', async () => {
    const { input, events } = await storedEvents();
    // A thread that ends at once, as one killed by running out of memory would.
    const dying = exportWriterThreads(new URL('data:text/javascript,process.exit(7)'));
    const path = join(out, 'died.csv');
    const failure = await exportCsvFileOnWriter(dying, { scope: input.scope, storedPages: () => pages(events), users: input.users }, path).catch((error: unknown) => error);
    expect((failure as AuditorError).code).toBe('EXPORT_WRITER_STOPPED');
    expect((failure as AuditorError).message).toContain('No file was written');
    expect(strays()).toEqual([]);
  }, 60_000);
});

describe("the export read's scratch file", () => {
  it('is owner-only while a read is open and gone when it closes', () => {
    const file = cache.filePath!;
    const scratch = () => readdirSync(dirname(file)).filter((name) => name.startsWith(scratchFilePrefix(file)));
    const first = cache.openExportRead({ records });
    const second = cache.openExportRead({ records: records.slice(1) });
    expect(scratch()).toHaveLength(1); // one per connection, shared by its reads
    if (process.platform !== 'win32') expect(statSync(join(dirname(file), scratch()[0]!)).mode & 0o777).toBe(0o600);
    expect([...first.pages(5_000)].flatMap((page) => page.eventIds)).toHaveLength(first.count);
    first.close();
    expect(scratch()).toHaveLength(1);
    second.close();
    expect(scratch()).toEqual([]);
  });

  it('left by a process that died is removed when the cache opens', () => {
    const folder = mkdtempSync(join(tmpdir(), 'export-scratch-'));
    try {
      const file = join(folder, 'timeline-cache.sqlite');
      const stale = join(folder, `${scratchFilePrefix(file)}99999-deadbeef0000`);
      writeFileSync(stale, 'scope of an export that never closed');
      const unrelated = join(folder, `${basename(file)}.not-scratch`);
      writeFileSync(unrelated, 'kept');
      const reopened = TimelineCache.open(file);
      reopened.close();
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(unrelated)).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
