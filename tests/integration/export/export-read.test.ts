/**
 * The export's forward read (TimelineCache.openExportRead through exportInputFromCache) against the
 * semantics of the read it replaced, computed here independently from the cache's other queries:
 * every event of the selected records' timelines once, ordered by (audited time, storage order),
 * owned by the first selected record by (module, record id) whose timeline holds it, with flags and
 * notes fetched per page. A multi-record cache with an event in two selected timelines, one in a
 * selected and an unselected timeline, one only in an unselected one, and runs of events in the same
 * millisecond stored out of id order — read with page sizes around every boundary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineCache } from '../../../main/cache/index.js';
import { EXPORT_CACHE_KIB } from '../../../main/cache/export-read.js';
import { exportInputFromCache, type CacheExportRequest } from '../../../main/export/cache-export-source.js';
import type { ExportEvent } from '../../../main/export/types.js';
import type { RecordKey } from '../../../main/sync/sync-store.js';
import { timelineEventSchema, type JsonObject, type TimelineEntry } from '../../../main/zoho/models.js';
import { buildEvents } from '../../unit/export/fixtures.js';
import { closeTempCaches, openTempCache } from '../sync/helpers.js';

const A: RecordKey = { module: 'Leads', recordId: '554023000000900001' };
const B: RecordKey = { module: 'Deals', recordId: '554023000000900002' };
const B2: RecordKey = { module: 'Deals', recordId: '554023000000900003' };
const C: RecordKey = { module: 'Contacts', recordId: '554023000000900004' };
const templates = buildEvents(40).map((event) => event.entry.raw);

/** Tables of open export reads: in the scratch database attached beside a file cache (export-read.ts), none when it is detached. */
function scratchTables(of: TimelineCache): number {
  const db = of.database();
  const attached = db
    .prepare<[], { name: string }>('SELECT name FROM pragma_database_list')
    .all()
    .some((row) => row.name === 'ta_export_scratch');
  return attached ? db.prepare<[], { n: number }>("SELECT count(*) AS n FROM ta_export_scratch.sqlite_master WHERE type = 'table'").get()!.n : 0;
}

let serial = 0;
/** A fresh event (new id) at `time`, from a template. */
function event(time: string): TimelineEntry {
  serial += 1;
  const raw = JSON.parse(JSON.stringify(templates[serial % templates.length])) as JsonObject;
  raw['id'] = String(554023000077000000 + serial * 7919).slice(0, 18);
  raw['audited_time'] = time;
  return { event: timelineEventSchema.parse(raw), raw };
}

const at = (second: number, ms = 0): string => new Date(Date.UTC(2024, 4, 1, 9, 0, second, ms)).toISOString().replace('Z', '+00:00');

let cache: TimelineCache;
let shared: TimelineEntry;
let sharedWithUnselected: TimelineEntry;
let onlyUnselected: TimelineEntry;

function write(key: RecordKey, entries: TimelineEntry[]): void {
  cache.trackRecords([key]);
  cache.writeTimelinePage(key, entries, null);
  cache.completeRecordSync(key, 0);
}

beforeAll(() => {
  cache = openTempCache();
  // Same-millisecond runs; B's page is written first, so storage order differs from id order and from A/B order.
  const sameMs = [event(at(5, 250)), event(at(5, 250)), event(at(5, 250)), event(at(5, 250))];
  const b = [event(at(1)), sameMs[1]!, sameMs[3]!, event(at(9)), event(at(9)), event(at(12))];
  const a = [event(at(0)), sameMs[0]!, sameMs[2]!, event(at(9)), event(at(11)), event(at(20)), event(at(20))];
  shared = event(at(7));
  sharedWithUnselected = event(at(8));
  onlyUnselected = event(at(6));
  write(B, [...b, shared]);
  write(A, [...a]);
  write(B2, [event(at(3)), event(at(9))]);
  // The shared event on A's timeline too (written later: a later link).
  write(A, [shared, sharedWithUnselected]);
  write(C, [sharedWithUnselected, onlyUnselected]);
});

afterAll(() => closeTempCaches());

const request = (records: readonly RecordKey[], extra: Partial<CacheExportRequest> = {}): CacheExportRequest => ({
  records,
  filterStatement: { kind: 'none' },
  case: null,
  allowIncomplete: false,
  timeZone: 'UTC',
  connection: { dataCentre: 'eu', orgId: '1', apiDomain: 'https://www.zohoapis.eu' },
  generatedBy: 'test',
  generatedAt: 1_750_000_000_000,
  appVersion: '0.0.0',
  ...extra,
});

async function collect(events: () => AsyncIterable<ExportEvent>): Promise<ExportEvent[]> {
  const out: ExportEvent[] = [];
  for await (const item of events()) out.push(item);
  return out;
}

/**
 * The replaced read's answer, from other cache queries: events in time order (ties by storage
 * order), each owned by the first selected timeline in (module, record id) order (timelinesOf's order).
 */
function expected(records: readonly RecordKey[], flagged: ReadonlySet<string>): Array<{ id: string; owner: string; raw: JsonObject; flags: string[] }> {
  const selected = new Set(records.map((key) => `${key.module}/${key.recordId}`));
  return cache.queryEvents({ records }, { limit: 10_000, direction: 'asc', includeRaw: true }).map((cached) => ({
    id: cached.eventId,
    owner: cache
      .timelinesOf(cached.eventId)
      .map((key) => `${key.module}/${key.recordId}`)
      .find((key) => selected.has(key))!,
    raw: JSON.parse(cached.raw!) as JsonObject,
    flags: flagged.has(cached.eventId) ? ['suspicious'] : [],
  }));
}

const actual = (events: ExportEvent[]): Array<{ id: string; owner: string; raw: JsonObject; flags: string[] }> =>
  events.map((item) => ({ id: item.entry.event.id, owner: `${item.owner.module}/${item.owner.recordId}`, raw: item.entry.raw, flags: item.flags }));

describe('the export read', () => {
  it('matches the replaced read for every page size around the boundaries', async () => {
    const records = [A, B, B2];
    const total = cache.countEvents({ records });
    expect(total).toBe(17); // a: 7, b: 6 (+ shared), b2: 2, sharedWithUnselected: 1 — the shared event once
    const ids = cache.queryEvents({ records }, { limit: 100, direction: 'asc' }).map((cached) => cached.eventId);
    const flagged = new Set([ids[0]!, ids[5]!, ids[16]!]);
    const want = expected(records, flagged);
    // The cases the test is about are really there.
    expect(want.find((row) => row.id === shared.event.id)?.owner).toBe(`${B.module}/${B.recordId}`); // Deals < Leads
    expect(want.find((row) => row.id === sharedWithUnselected.event.id)?.owner).toBe(`${A.module}/${A.recordId}`);
    expect(want.some((row) => row.id === onlyUnselected.event.id)).toBe(false);
    const sameMsRun = want.filter((row) => row.raw['audited_time'] === at(5, 250)).map((row) => row.id);
    expect(sameMsRun).toHaveLength(4);
    expect([...sameMsRun].sort()).not.toEqual(sameMsRun); // storage order, not id order, breaks the tie

    for (const pageSize of [1, 2, 3, 4, 5, 8, total - 1, total, total + 1, 2_000]) {
      const pages: number[] = [];
      const input = exportInputFromCache(
        cache,
        request(records, {
          pageSize,
          annotations: (eventIds) => {
            pages.push(eventIds.length);
            return new Map(eventIds.filter((id) => flagged.has(id)).map((id) => [id, { flags: ['suspicious'], notes: [] }]));
          },
        }),
      );
      expect({ pageSize, events: actual(await collect(input.events)) }).toEqual({ pageSize, events: want });
      // Flags and notes: one batch per page, every event asked for once.
      expect(pages).toEqual(Array.from({ length: Math.ceil(total / pageSize) }, (_, page) => Math.min(pageSize, total - page * pageSize)));
    }
  });

  it('owners follow the selection: the shared event is A’s when B is not selected', async () => {
    const onlyA = actual(await collect(exportInputFromCache(cache, request([A], { pageSize: 3 })).events));
    expect(onlyA).toEqual(expected([A], new Set()));
    expect(onlyA.find((row) => row.id === shared.event.id)?.owner).toBe(`${A.module}/${A.recordId}`);
    expect(onlyA.every((row) => row.owner === `${A.module}/${A.recordId}`)).toBe(true);
  });

  it('a filter narrows the same way; the scope’s time range is the first and last event', async () => {
    const records = [A, B, B2];
    const filter = { from: Date.parse(at(5)), to: Date.parse(at(12)) };
    const input = exportInputFromCache(cache, request(records, { filter, pageSize: 2 }));
    const want = cache.queryEvents({ records, ...filter }, { limit: 100, direction: 'asc' }).map((cached) => cached.eventId);
    expect(want.length).toBeGreaterThan(4);
    expect((await collect(input.events)).map((item) => item.entry.event.id)).toEqual(want);
    expect(input.scope.timeRange).toEqual({ from: Date.parse(at(5, 250)), to: Date.parse(at(11)) });
  });

  it('each pass reads afresh and leaves no temporary table behind, finished or abandoned', async () => {
    const input = exportInputFromCache(cache, request([A, B], { pageSize: 2 }));
    const first = await collect(input.events);
    for await (const item of input.events()) {
      expect(item.entry.event.id).toBe(first[0]!.entry.event.id);
      break; // an abandoned pass closes its read too
    }
    expect((await collect(input.events)).map((item) => item.entry.event.id)).toEqual(first.map((item) => item.entry.event.id));
    const temporary = cache.database().prepare<[], { name: string }>("SELECT name FROM sqlite_temp_master WHERE type = 'table'").all();
    expect(temporary).toEqual([]);
    expect(scratchTables(cache)).toBe(0);
  });

  it('an export prepared but never run leaves one read at most, closed by the next; its passes still read everything', async () => {
    const temporaryTables = (): number => scratchTables(cache);
    const abandoned = exportInputFromCache(cache, request([A, B], { pageSize: 4 }));
    expect(temporaryTables()).toBe(2); // the scope and the owners' order of one read
    const next = exportInputFromCache(cache, request([A]));
    expect(temporaryTables()).toBe(2); // the abandoned one's read was closed, the new one's is open
    const want = expected([A, B], new Set()).map((row) => row.id);
    expect((await collect(abandoned.events)).map((item) => item.entry.event.id)).toEqual(want);
    expect((await collect(next.events)).map((item) => item.entry.event.id)).toEqual(expected([A], new Set()).map((row) => row.id));
    expect(temporaryTables()).toBe(0);
  });

  it('a pass that wants only the first events reads only those', async () => {
    const records = [A, B, B2];
    const want = expected(records, new Set()).map((row) => row.id);
    const input = exportInputFromCache(cache, request(records, { pageSize: 3 }));
    for (const limit of [0, 1, 5, want.length, want.length + 4]) {
      expect((await collect(() => input.events({ limit }))).map((item) => item.entry.event.id)).toEqual(want.slice(0, limit));
    }
    expect((await collect(input.events)).map((item) => item.entry.event.id)).toEqual(want);
  });

  it('a read closed between its pages refuses the next page (never a short pass, never an owner it forgot)', () => {
    const read = cache.openExportRead({ records: [A, B] });
    const pages = read.pages(2);
    expect(pages.next().value?.eventIds).toHaveLength(2);
    read.close();
    // The next page is cut from the batch already read: still refused, by name.
    expect(() => pages.next()).toThrow(expect.objectContaining({ code: 'EXPORT_READ_CLOSED' }));
  });

  it('holds SQLite’s page cache small while reads are open, and gives the connection its own size back', () => {
    const cacheSize = (): number => cache.database().prepare<[], { cache_size: number }>('PRAGMA cache_size').get()!.cache_size;
    const own = cacheSize();
    expect(own).toBe(-64 * 1024);
    const one = cache.openExportRead({ records: [A] });
    const two = cache.openExportRead({ records: [B] });
    expect(EXPORT_CACHE_KIB).toBeLessThan(64 * 1024);
    expect(cacheSize()).toBe(-EXPORT_CACHE_KIB);
    one.close();
    expect(cacheSize()).toBe(-EXPORT_CACHE_KIB); // another read is still open
    two.close();
    two.close(); // idempotent: released once
    expect(cacheSize()).toBe(own);
  });

  it('runs a large one-off pass (withBoundedMemory) with the small cache and sorts in files, then gives both back', () => {
    const pragma = (name: string): number => Number(Object.values(cache.database().prepare<[], Record<string, number>>(`PRAGMA ${name}`).get()!)[0]);
    const ownCache = pragma('cache_size');
    expect(pragma('temp_store')).toBe(2); // MEMORY: the connection's setting for review's queries
    const seen = cache.withBoundedMemory(() => ({ cacheSize: pragma('cache_size'), tempStore: pragma('temp_store'), count: cache.countEvents({ records: [A, B] }) }));
    expect(seen).toEqual({ cacheSize: -EXPORT_CACHE_KIB, tempStore: 0, count: cache.countEvents({ records: [A, B] }) });
    expect(seen.count).toBeGreaterThan(0);
    expect(pragma('cache_size')).toBe(ownCache);
    expect(pragma('temp_store')).toBe(2);
    // A failing pass gives them back too.
    expect(() => cache.withBoundedMemory(() => cache.database().prepare('SELECT * FROM no_such_table').all())).toThrow();
    expect(pragma('cache_size')).toBe(ownCache);
    expect(pragma('temp_store')).toBe(2);
  });
});

describe('a stored object the cache lost or that changed behind its back', () => {
  const damagedCase = async (damage: (db: ReturnType<TimelineCache['database']>, victim: TimelineEntry) => void): Promise<{ error: unknown; victim: TimelineEntry }> => {
    const own = openTempCache();
    const entries = Array.from({ length: 2_500 }, (_, index) => event(at(index % 60, index)));
    const key: RecordKey = { module: 'Leads', recordId: '554023000000900099' };
    own.trackRecords([key]);
    own.writeTimelinePage(key, entries, null);
    own.completeRecordSync(key, 0);
    const victim = entries[1_234]!;
    damage(own.database(), victim);
    const input = exportInputFromCache(own, request([key]));
    const error = await collect(input.events).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    return { error, victim };
  };

  it('a missing one fails the export as CACHE_DAMAGED naming the event (never a shorter export)', async () => {
    const { error, victim } = await damagedCase((db, entry) => db.prepare('DELETE FROM event_raw WHERE event_rowid = (SELECT id FROM events WHERE event_id = ?)').run(entry.event.id));
    expect(error).toMatchObject({ code: 'CACHE_DAMAGED', message: expect.stringContaining(`event ${victim.event.id} has no stored object`) });
  });

  it('bytes that are not UTF-8 fail it as CACHE_DAMAGED naming the event (not replaced by U+FFFD)', async () => {
    const { error, victim } = await damagedCase((db, entry) => db.prepare("UPDATE event_raw SET raw_json = CAST(CAST(raw_json AS BLOB) || x'ff' AS TEXT) WHERE event_rowid = (SELECT id FROM events WHERE event_id = ?)").run(entry.event.id));
    expect(error).toMatchObject({ code: 'CACHE_DAMAGED', message: expect.stringContaining(`event ${victim.event.id}: its stored text is not valid UTF-8`) });
  });
});

describe('countEvents of records alone (the distinct events of their timelines)', () => {
  it('equals the count of the general condition, shared and unselected timelines included', () => {
    for (const records of [[A], [B], [A, B], [A, B, B2], [A, C], [C], [A, B, B2, C]]) {
      // `from` far in the past selects every event but takes the general path (a condition on each event's row).
      expect(cache.countEvents({ records })).toBe(cache.countEvents({ records, from: Number.MIN_SAFE_INTEGER }));
      const read = cache.openExportRead({ records });
      expect(cache.countEvents({ records })).toBe(read.count);
      read.close();
    }
  });
});
