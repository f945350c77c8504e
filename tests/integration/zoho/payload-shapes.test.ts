/**
 * Issue 13, "lenient where Zoho is, strict where it matters", over real HTTP: the sandbox's
 * SHAPES_RECORD sends system actions (done_by null), every id as a bare JSON number (the record's own
 * id and one event id above 2^53), pick-list items without `type`, and signal entries with `type` and
 * `extension`. The client and a whole sync must land every event with the exact ids, the cache must
 * keep each event's text as sent, and the local filter must find system actions and types.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { tmpdir } from 'node:os';
import { compileLocalFilter } from '../../../main/cache/index.js';
import { EventHub } from '../../../main/core/event-hub.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import { ReviewService } from '../../../main/review/review-service.js';
import { SqliteReviewStore } from '../../../main/review/sqlite-review-store.js';
import { exportInputFromCache } from '../../../main/export/cache-export-source.js';
import { csvRowsForEvent, CSV_COLUMNS, userNames } from '../../../main/export/csv-export.js';
import { EventsJsonWriter } from '../../../main/export/events-json.js';
import { storedTimelineEntry } from '../../../main/export/stored-event.js';
import { ZoneClock } from '../../../main/export/values.js';
import { exactJsonText, parseZohoBody } from '../../../main/zoho/json-body.js';
import { SHAPES_BIG_EVENT_ID, SHAPES_RECORD, startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import { SyncEngine } from '../../../main/sync/index.js';
import { StaticTokenProvider, ZohoClient } from '../../../main/zoho/index.js';
import { InstantClock, closeTempCaches, openTempCache } from '../sync/helpers.js';

const KEY = { module: SHAPES_RECORD.module, recordId: SHAPES_RECORD.id };
const EVENT_IDS = ['554023000004000006', '554023000004000005', '554023000004000004', SHAPES_BIG_EVENT_ID, '554023000004000002', '554023000004000001'];

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 7 });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  closeTempCaches();
});

function client(): ZohoClient {
  return new ZohoClient({ tokenProvider: new StaticTokenProvider({ accessToken: sandbox.mintAccessToken().accessToken, apiDomain: sandbox.url }), clock: new InstantClock() });
}

describe('unusual-but-valid timeline shapes, over HTTP', () => {
  it('the sandbox really sends ids as bare numbers above 2^53 (JSON.parse would change their digits)', async () => {
    const url = `${sandbox.url}/crm/v8/${KEY.module}/${KEY.recordId}/__timeline?include_inner_details=done_by.profile,field_history.pick_list_values`;
    const response = await fetch(url, { headers: { Authorization: `Zoho-oauthtoken ${sandbox.mintAccessToken().accessToken}` } });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain(`"id":${SHAPES_BIG_EVENT_ID},`);
    expect(text).toContain(`"id":${SHAPES_RECORD.id}}`);
    expect(text).toContain('"done_by":null');
    // The control: the platform parser loses the digits this test is about.
    const lossy = JSON.parse(text) as { __timeline: Array<{ id: number }> };
    expect(lossy.__timeline.map((event) => String(event.id))).not.toContain(SHAPES_BIG_EVENT_ID);
  });

  it('the client reads every event whole, with exact ids, nullable done_by, loose pick lists, type and extension', async () => {
    const result = await client().fetchTimeline(KEY.module, KEY.recordId, { includeInnerDetails: true, includeTimelineType: 'signals', include: ['type', 'extension'] });
    expect(result.entries.map((entry) => entry.event.id)).toEqual(EVENT_IDS);
    expect(result.entries.every((entry) => entry.event.record.id === SHAPES_RECORD.id)).toBe(true);
    expect(result.entries.filter((entry) => entry.event.done_by === null).map((entry) => entry.event.id)).toEqual(['554023000004000006', SHAPES_BIG_EVENT_ID]);
    const picks = result.entries[2]!.event.field_history![0]!.pick_list_values!;
    expect(picks.map((item) => item.type ?? null)).toEqual([null, 'used', null]);
    expect(picks[0]!.id).toBe('554023000000002313');
    expect(result.entries[1]!.event).toMatchObject({ type: 'signals', extension: { name: 'Email Insights', api_name: 'email_insights' } });
    expect(result.entries[2]!.event.type).toBe('timeline');
    // The evidence text: the ids as the bare numbers Zoho sent, every digit.
    const big = result.entries.find((entry) => entry.event.id === SHAPES_BIG_EVENT_ID)!;
    expect(big.rawText).toContain(`"id":${SHAPES_BIG_EVENT_ID},`);
    expect(big.rawText).toContain(`"id":${SHAPES_RECORD.id}}`);
  });

  it('the cache keeps each event’s own characters as Zoho sent them (escapes and spacing), with the same values', async () => {
    // Zoho's answers spelt differently but meaning the same: every "a" in a string as \u0061, every "/" as \/, spaced out.
    const received: string[] = [];
    const respelling: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input instanceof Request ? input.url : input).includes('__timeline') || response.status !== 200) return response;
      const text = (await response.text()).replace(/"(?:[^"\\]|\\.)*"|,/g, (token) => (token === ',' ? ' ,\n  ' : token.replaceAll('a', '\\u0061').replaceAll('/', '\\/')));
      received.push(text);
      return new Response(text, { status: 200, headers: response.headers });
    };
    const respelt = openTempCache();
    const plain = openTempCache();
    const token = sandbox.mintAccessToken().accessToken;
    const respellingClient = new ZohoClient({ tokenProvider: new StaticTokenProvider({ accessToken: token, apiDomain: sandbox.url }), clock: new InstantClock(), fetch: respelling });
    expect((await new SyncEngine({ client: respellingClient, store: respelt, clock: new InstantClock() }).run({ records: [KEY] }, { perPage: 2 })).state).toBe('done');
    expect((await new SyncEngine({ client: client(), store: plain, clock: new InstantClock() }).run({ records: [KEY] }, { perPage: 2 })).state).toBe('done');

    expect(received.length).toBeGreaterThan(1);
    const ids = plain.queryEvents({ records: [KEY] }, { limit: 100 }).map((event) => event.eventId);
    expect(ids).toHaveLength(5);
    for (const id of ids) {
      const evidence = respelt.getRawEvent(id)!;
      expect(evidence).toContain('\\u0061');
      expect(received.some((body) => body.includes(evidence))).toBe(true);
      expect(exactJsonText(parseZohoBody(evidence))).toBe(plain.getRawEvent(id));
    }
    expect(respelt.getRawEvent(SHAPES_BIG_EVENT_ID)).toContain(`"id":${SHAPES_BIG_EVENT_ID} ,`);
  });

  it('a sync stores the record whole: exact ids, each event’s text as sent, system actions and types filterable', async () => {
    const store = openTempCache();
    const engine = new SyncEngine({ client: client(), store, clock: new InstantClock() });
    const result = await engine.run({ records: [KEY] }, { perPage: 2 });
    expect(result.state).toBe('done');
    expect(result.records[0]).toMatchObject({ status: 'done', freshness: 'fresh' });
    // The sync reads the default timeline (no signals): five of the six.
    const stored = store.queryEvents({ records: [KEY] }, { includeRaw: true, limit: 100 });
    expect(stored.map((event) => event.eventId).sort()).toEqual(EVENT_IDS.filter((id) => id !== '554023000004000005').sort());
    const big = stored.find((event) => event.eventId === SHAPES_BIG_EVENT_ID)!;
    expect(big.doneBy).toBeNull();
    expect(big.record.id).toBe(SHAPES_RECORD.id);
    expect(big.raw).toContain(`"id":${SHAPES_BIG_EVENT_ID},`);
    expect(store.getRawEvent(SHAPES_BIG_EVENT_ID)).toBe(big.raw);
    expect(store.recordState(KEY)?.eventCount).toBe(5);
    // The export reads the stored text back (events.json writes it as it is): exact ids, typed, no digit changed.
    for (const event of stored) {
      const entry = storedTimelineEntry(event.raw!, { eventId: event.eventId, auditedAtMs: event.auditedAtMs });
      expect(entry.rawText).toBe(event.raw);
      expect(entry.event.id).toBe(event.eventId);
      expect(entry.event.record.id).toBe(SHAPES_RECORD.id);
    }

    const matching = (group: Parameters<typeof compileLocalFilter>[0]): string[] => {
      const condition = compileLocalFilter(group, { extensions: { flag: () => '1', note: () => '1' } });
      return store
        .database()
        .prepare<unknown[], { event_id: string }>(`SELECT e.event_id FROM events e WHERE ${condition.where} ORDER BY e.event_id`)
        .all(...condition.params)
        .map((row) => row.event_id);
    };
    expect(matching({ combinator: 'and', rules: [{ field: 'user', operator: 'null' }] })).toEqual([SHAPES_BIG_EVENT_ID, '554023000004000006'].sort());
    expect(matching({ combinator: 'and', rules: [{ field: 'user', operator: '!=', value: '554023000000235011' }] })).toEqual([SHAPES_BIG_EVENT_ID, '554023000004000006'].sort());
  });

  it('an export writes events.json with each event as Zoho sent it (bare-number ids, every digit) and CSV rows naming System', async () => {
    const store = openTempCache();
    await new SyncEngine({ client: client(), store, clock: new InstantClock() }).run({ records: [KEY] }, { perPage: 200 });
    const input = exportInputFromCache(store, {
      records: [KEY],
      filterStatement: { kind: 'none' },
      case: null,
      allowIncomplete: false,
      timeZone: 'UTC',
      connection: { dataCentre: 'eu', orgId: null, apiDomain: 'https://www.zohoapis.eu' },
      generatedBy: 'Ada Lovelace <ada@example.com> (test)',
      generatedAt: Date.UTC(2026, 0, 1),
      appVersion: '9.9.9',
    });
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const writer = new EventsJsonWriter(out);
    await writer.start();
    const rows: string[][] = [];
    for await (const event of input.events()) {
      await writer.add(event);
      rows.push(...csvRowsForEvent(event, new ZoneClock('UTC'), userNames(input.users)));
    }
    await writer.finish();
    const text = chunks.join('');
    expect(text).toContain(`"id":${SHAPES_BIG_EVENT_ID},`);
    expect(text).toContain(`"id":${SHAPES_RECORD.id}}`);
    const document = parseZohoBody(text) as { events: Array<Record<string, unknown>> };
    expect(document.events).toHaveLength(5);
    // Every event's text in events.json is the cache's stored text, byte for byte.
    for (const event of store.queryEvents({ records: [KEY] }, { includeRaw: true, limit: 100 })) expect(text).toContain(event.raw!);
    const system = rows.filter((row) => row[CSV_COLUMNS.indexOf('event_id')] === SHAPES_BIG_EVENT_ID);
    expect(system).toHaveLength(1);
    expect(system[0]![CSV_COLUMNS.indexOf('done_by_id')]).toBe('');
    expect(system[0]![CSV_COLUMNS.indexOf('done_by_name')]).toBe('System');
    expect(system[0]![CSV_COLUMNS.indexOf('record_id')]).toBe(SHAPES_RECORD.id);
  });

  it('the review service shows system actions as rows and details without a user, and filters them', async () => {
    const store = openTempCache();
    await new SyncEngine({ client: client(), store, clock: new InstantClock() }).run({ records: [KEY] }, { perPage: 200 });
    const settings = mkdtempSync(`${tmpdir()}/shapes-review-`);
    const review = new ReviewService({
      reviewStore: new SqliteReviewStore(() => store),
      store: createJsonFileStore(settings, 'settings'),
      events: new EventHub(),
      clock: { now: () => Date.UTC(2026, 0, 1), sleep: async () => undefined },
      author: () => 'Ada Auditor',
    });
    try {
      const system = { combinator: 'and' as const, rules: [{ field: 'user' as const, operator: 'null' as const }] };
      const page = await review.page({ filter: system, timeZone: 'UTC', sort: { column: 'user', direction: 'asc' }, offset: 0, limit: 50 });
      expect(page.rows.map((row) => row.eventId).sort()).toEqual([SHAPES_BIG_EVENT_ID, '554023000004000006'].sort());
      expect(page.rows.every((row) => row.doneBy === null)).toBe(true);
      const detail = await review.event(SHAPES_BIG_EVENT_ID, 'UTC');
      expect(detail.doneBy).toBeNull();
      expect(detail.record.id).toBe(SHAPES_RECORD.id);
      const everyone = await review.page({ filter: { combinator: 'and', rules: [] }, timeZone: 'UTC', sort: { column: 'user', direction: 'asc' }, offset: 0, limit: 50 });
      expect(everyone.rows).toHaveLength(5);
    } finally {
      review.dispose();
      rmSync(settings, { recursive: true, force: true });
    }
  });

  it('with type and extension asked for, they are cached as columns and filterable', async () => {
    const store = openTempCache();
    const page = await client().getTimelinePage(KEY.module, KEY.recordId, { includeInnerDetails: true, includeTimelineType: 'signals', include: ['type', 'extension'] });
    store.trackRecords([KEY]);
    store.writeTimelinePage(KEY, page.entries, null);
    expect(store.getEvent('554023000004000005')).toMatchObject({ timelineType: 'signals', extension: '{"name":"Email Insights","api_name":"email_insights"}', doneBy: { id: '554023000000235011' } });
    const condition = compileLocalFilter({ combinator: 'and', rules: [{ field: 'timelineType', operator: 'in', value: ['signals', 'timeline'] }] }, { extensions: { flag: () => '1', note: () => '1' } });
    const ids = store
      .database()
      .prepare<unknown[], { event_id: string }>(`SELECT e.event_id FROM events e WHERE ${condition.where} ORDER BY e.event_id`)
      .all(...condition.params)
      .map((row) => row.event_id);
    expect(ids).toEqual(['554023000004000004', '554023000004000005']);
  });
});
