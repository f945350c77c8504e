/**
 * exportInputFromCache on a real TimelineCache filled by a real sync from the sandbox: paging over
 * more than one page (LARGE_RECORD), order, ids and objects exactly as Zoho sent them, ownership of
 * an event shared by two timelines, annotations, the scope's time range and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_PAGE_SIZE, type TimelineCache } from '../../../main/cache/index.js';
import { exportInputFromCache, type CacheExportRequest } from '../../../main/export/cache-export-source.js';
import type { ExportEvent } from '../../../main/export/types.js';
import { LARGE_RECORD, startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import type { RecordKey } from '../../../main/sync/sync-store.js';
import { timelineEventSchema, type JsonObject } from '../../../main/zoho/models.js';
import { closeTempCaches, makeHarness, openTempCache } from '../sync/helpers.js';

interface RawEvent extends JsonObject {
  id: string;
  audited_time: string;
  source: string | null;
}

const large: RecordKey = { module: LARGE_RECORD.module, recordId: LARGE_RECORD.id };
let sandbox: Sandbox;
let cache: TimelineCache;
let small: RecordKey[];
let usersSynced: number;

const request = (records: readonly RecordKey[], extra: Partial<CacheExportRequest> = {}): CacheExportRequest => ({
  records,
  filterStatement: { kind: 'none' },
  case: null,
  allowIncomplete: false,
  timeZone: 'Europe/Berlin',
  connection: { dataCentre: 'eu', orgId: null, apiDomain: 'https://www.zohoapis.eu' },
  generatedBy: 'Ada Lovelace <ada@example.com> (browser mode)',
  generatedAt: 1_750_000_000_000,
  appVersion: '9.9.9',
  ...extra,
});

async function collect(events: () => AsyncIterable<ExportEvent>): Promise<ExportEvent[]> {
  const out: ExportEvent[] = [];
  for await (const event of events()) out.push(event);
  return out;
}

const truthOf = (key: RecordKey): RawEvent[] => sandbox.groundTruth(key.module, key.recordId) as RawEvent[];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 5, recordsPerModule: 3, latencyMs: 0 });
  small = [
    { module: 'Leads', recordId: sandbox.listRecordIds('Leads')[1]! },
    { module: 'Deals', recordId: sandbox.listRecordIds('Deals')[0]! },
  ];
  const harness = makeHarness(sandbox);
  cache = harness.store;
  const result = await harness.engine.run({ records: [large, ...small] });
  expect(result.state).toBe('done');
  expect(result.progress.recordsFailed).toBe(0);
  usersSynced = 'count' in (result.users ?? {}) ? (result.users as { count: number }).count : -1;
}, 60_000);

afterAll(async () => {
  closeTempCaches();
  await sandbox.close();
});

describe('exportInputFromCache', () => {
  it('reads more than one page: every event once, oldest first, objects exactly as Zoho sent them', async () => {
    const truth = truthOf(large);
    expect(truth.length).toBeGreaterThan(3 * EXPORT_PAGE_SIZE); // several pages
    const input = exportInputFromCache(cache, request([large]));
    const events = await collect(input.events);
    // Zoho sends newest first with distinct times here, so oldest first is exactly the reverse.
    expect(events.map((event) => event.entry.event.id)).toEqual([...truth].reverse().map((event) => event.id));
    expect(events.map((event) => event.entry.raw)).toEqual([...truth].reverse());
    expect(events.every((event) => event.owner.module === large.module && event.owner.recordId === large.recordId)).toBe(true);
    expect(events.every((event) => event.flags.length === 0 && event.notes.length === 0)).toBe(true);
    // Replayable: a second pass reads the same events again.
    expect((await collect(input.events)).map((event) => event.entry.event.id)).toEqual(events.map((event) => event.entry.event.id));
  });

  it('the scope names the records, the connection and the first and last audited time', () => {
    const truth = truthOf(large);
    const times = truth.map((event) => Date.parse(event.audited_time));
    const input = exportInputFromCache(cache, request([large, small[0]!], { filterStatement: { kind: 'where', where: {}, words: 'all events' } }));
    const smallTimes = truthOf(small[0]!).map((event) => Date.parse(event.audited_time));
    expect(input.scope).toEqual({
      records: [
        { module: large.module, recordId: large.recordId, name: cache.recordState(large)?.name ?? null },
        { module: small[0]!.module, recordId: small[0]!.recordId, name: cache.recordState(small[0]!)?.name ?? null },
      ],
      filterDescription: 'all events',
      filter: { kind: 'where', where: {}, words: 'all events' },
      case: null,
      allowIncomplete: false,
      timeRange: { from: Math.min(...times, ...smallTimes), to: Math.max(...times, ...smallTimes) },
      timeZone: 'Europe/Berlin',
      dataCentre: 'EU',
      orgId: 'unknown',
      apiDomain: 'https://www.zohoapis.eu',
      generatedBy: 'Ada Lovelace <ada@example.com> (browser mode)',
      generatedAt: 1_750_000_000_000,
      appVersion: '9.9.9',
    });
    expect(input.users.length).toBe(usersSynced);
    expect(usersSynced).toBeGreaterThan(0);
  });

  it('several records: each event once, oldest first, owned by the timeline it came from; a filter narrows', async () => {
    const records = small;
    const truth = records.flatMap((key) => truthOf(key).map((event) => ({ id: event.id, owner: `${key.module}/${key.recordId}`, event })));
    const events = await collect(exportInputFromCache(cache, request(records)).events);
    expect(events).toHaveLength(truth.length);
    expect(events.map((event) => event.entry.event.id).sort()).toEqual(truth.map((entry) => entry.id).sort());
    const ms = events.map((event) => Date.parse(event.entry.event.audited_time));
    expect(ms.every((value, index) => index === 0 || ms[index - 1]! <= value)).toBe(true);
    const ownerOf = new Map(truth.map((entry) => [entry.id, entry.owner]));
    expect(events.every((event) => ownerOf.get(event.entry.event.id) === `${event.owner.module}/${event.owner.recordId}`)).toBe(true);

    // Narrowed by source: exactly the ground truth's events of that source (counted independently).
    const source = truthOf(small[0]!)[0]!.source!;
    expect(truth.filter((entry) => entry.event.source === source).length).toBeLessThan(truth.length);
    const narrowed = await collect(exportInputFromCache(cache, request(records, { filter: { sources: [source] } })).events);
    expect(narrowed.map((event) => event.entry.event.id).sort()).toEqual(
      truth
        .filter((entry) => entry.event.source === source)
        .map((entry) => entry.id)
        .sort(),
    );
  });

  it('annotations are applied to their events, page by page', async () => {
    const truth = truthOf(large);
    const flagged = new Set([truth[0]!.id, truth[2_500]!.id, truth.at(-1)!.id]);
    const asked: number[] = [];
    const input = exportInputFromCache(
      cache,
      request([large], {
        annotations: (eventIds) => {
          asked.push(eventIds.length);
          return new Map(eventIds.filter((id) => flagged.has(id)).map((id) => [id, { flags: ['suspicious'], notes: [{ author: 'Reviewer', text: `checked ${id}`, at: 1 }] }]));
        },
      }),
    );
    const events = await collect(input.events);
    const annotated = events.filter((event) => event.flags.length > 0);
    expect(annotated.map((event) => event.entry.event.id).sort()).toEqual([...flagged].sort());
    for (const event of annotated) expect(event.notes).toEqual([{ author: 'Reviewer', text: `checked ${event.entry.event.id}`, at: 1 }]);
    expect(events.filter((event) => event.notes.length > 0)).toHaveLength(3);
    // One lookup per page of EXPORT_PAGE_SIZE events.
    expect(asked.reduce((sum, count) => sum + count, 0)).toBe(truth.length);
    expect(asked).toHaveLength(Math.ceil(truth.length / EXPORT_PAGE_SIZE));
  });

  it('refuses an empty selection, records with nothing cached and a filter that matches nothing', () => {
    expect(() => exportInputFromCache(cache, request([]))).toThrow(expect.objectContaining({ code: 'EXPORT_NOTHING_SELECTED' }));
    expect(() => exportInputFromCache(cache, request([{ module: 'Leads', recordId: '42' }]))).toThrow(expect.objectContaining({ code: 'EXPORT_INCOMPLETE' }));
    expect(() => exportInputFromCache(cache, request([{ module: 'Leads', recordId: '42' }], { allowIncomplete: true }))).toThrow(expect.objectContaining({ code: 'EXPORT_EMPTY' }));
    expect(() => exportInputFromCache(cache, request([large], { filter: { sources: ['no_such_source'] } }))).toThrow(expect.objectContaining({ code: 'EXPORT_EMPTY' }));
  });
});

describe('an event in two selected timelines', () => {
  it('is emitted once, owned by one of the two', async () => {
    // Zoho shows an event on a related record's timeline too (a note added to a deal, on the deal and its contact).
    const shared = openTempCache();
    const [a, b] = small as [RecordKey, RecordKey];
    // Both timelines as Zoho sends them, then one of b's events on a's timeline as well.
    for (const key of [a, b]) {
      shared.trackRecords([key]);
      shared.beginRecordSync(key, 'full');
      shared.writeTimelinePage(
        key,
        truthOf(key).map((raw) => ({ event: timelineEventSchema.parse(raw), raw })),
        null,
      );
      shared.completeRecordSync(key, Date.now());
    }
    const linked = truthOf(b)[3]!;
    shared.writeTimelinePage(a, [{ event: timelineEventSchema.parse(linked), raw: linked }], null);
    expect(
      shared
        .timelinesOf(linked.id)
        .map((key) => `${key.module}/${key.recordId}`)
        .sort(),
    ).toEqual([`${a.module}/${a.recordId}`, `${b.module}/${b.recordId}`].sort());

    const both = await collect(exportInputFromCache(shared, request([a, b])).events);
    expect(both).toHaveLength(truthOf(a).length + truthOf(b).length);
    const copies = both.filter((event) => event.entry.event.id === linked.id);
    expect(copies).toHaveLength(1);
    expect([`${a.module}/${a.recordId}`, `${b.module}/${b.recordId}`]).toContain(`${copies[0]!.owner.module}/${copies[0]!.owner.recordId}`);
    expect(copies[0]!.entry.raw).toEqual(linked);

    // Only a selected: the shared event is a's.
    const onlyA = await collect(exportInputFromCache(shared, request([a])).events);
    expect(onlyA).toHaveLength(truthOf(a).length + 1);
    expect(onlyA.find((event) => event.entry.event.id === linked.id)?.owner).toEqual({ module: a.module, recordId: a.recordId });
  });
});
