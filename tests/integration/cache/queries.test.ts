import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimelineCache } from '../../../main/cache/index.js';
import type { CachedFieldChange, EventFilter, HeatmapKind, TextColumn } from '../../../main/cache/index.js';
import { Prng } from '../../../main/sandbox/prng.js';
import type { RecordKey } from '../../../main/sync/sync-store.js';
import type { TimelineEntry } from '../../../main/zoho/models.js';
import { generateTimelines, pages, sampleTimeline, tempDir } from './helpers.js';
import type { TempDir } from './helpers.js';
import { ReferenceModel } from './reference.js';

/** Zones with one fixed offset (no daylight saving in the data's years), so fixed-offset expectations hold. */
const FIXED_OFFSET_ZONES: Record<number, string> = { 0: 'UTC', 60: 'Etc/GMT-1', 330: 'Asia/Kolkata', [-300]: 'Etc/GMT+5', 840: 'Etc/GMT-14', [-720]: 'Etc/GMT+12' };
function fixedZone(offsetMinutes: number): string {
  const zone = FIXED_OFFSET_ZONES[offsetMinutes];
  if (zone === undefined) throw new Error(`no fixed-offset zone for ${offsetMinutes}`);
  return zone;
}

let dir: TempDir;
let cache: TimelineCache;
const model = new ReferenceModel();
const allKeys: RecordKey[] = [];

beforeAll(() => {
  dir = tempDir();
  cache = TimelineCache.open(dir.file('cache.sqlite'));
  const timelines = [sampleTimeline(), ...generateTimelines(3, 10)];
  for (const timeline of timelines) {
    allKeys.push(timeline.key);
    for (const page of pages(timeline.entries, 25)) {
      cache.writeTimelinePage(timeline.key, page, null);
      model.write(timeline.key, page);
    }
  }
  // Related records' own timelines: each Note/Task event also shows on the Note/Task itself.
  let extra = 0;
  for (const timeline of timelines.slice(0, 12)) {
    for (const entry of timeline.entries) {
      const own = entry.event.record;
      if (own.module.api_name === timeline.key.module || extra >= 25) continue;
      const key = { module: own.module.api_name, recordId: own.id };
      cache.writeTimelinePage(key, [entry], null);
      model.write(key, [entry]);
      allKeys.push(key);
      extra += 1;
    }
  }
  expect(extra).toBe(25);
});

afterAll(() => {
  cache.close();
  dir.remove();
});

function distinct<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

function events(): TimelineEntry[] {
  return [...model.events.values()].map((candidate) => candidate.entry);
}

function expectSame(filter: EventFilter): void {
  const expected = model.ordered(filter, 'desc');
  const actual = cache.queryEvents(filter, { limit: 100_000 }).map((event) => event.eventId);
  expect(actual, JSON.stringify(filter)).toEqual(expected);
  expect(cache.countEvents(filter), JSON.stringify(filter)).toBe(expected.length);
}

const MONTH_2022_06 = { from: Date.UTC(2022, 5, 1), to: Date.UTC(2022, 6, 1) };

describe('queryEvents / countEvents agree with a plain in-memory computation', () => {
  it('holds enough varied data for the comparisons to mean something', () => {
    expect(model.events.size).toBeGreaterThan(1000);
    expect(cache.stats().events).toBe(model.events.size);
    expect(distinct(events().map((entry) => entry.event.done_by!.id)).length).toBeGreaterThan(5);
    expect(distinct(events().map((entry) => entry.event.source)).length).toBeGreaterThan(15);
  });

  it('with no filter: everything, newest first, and oldest first on request', () => {
    expectSame({});
    expect(cache.queryEvents({}, { limit: 100_000, direction: 'asc' }).map((event) => event.eventId)).toEqual(model.ordered({}, 'asc'));
  });

  it('each dimension on its own', () => {
    const all = events();
    const users = distinct(all.map((entry) => entry.event.done_by!.id));
    const sources = distinct(all.map((entry) => entry.event.source).filter((source): source is string => source !== null));
    const actions = distinct(all.map((entry) => entry.event.action));
    const modules = distinct(all.map((entry) => entry.event.record.module.api_name));
    const fields = distinct(all.flatMap((entry) => (entry.event.field_history ?? []).map((change) => change.api_name)));
    for (const user of users) expectSame({ userIds: [user] });
    expectSame({ userIds: users.slice(0, 3) });
    for (const source of sources) expectSame({ sources: [source] });
    for (const action of actions) expectSame({ actions: [action] });
    for (const module of modules) expectSame({ modules: [module] });
    for (const field of fields) expectSame({ fieldApiNames: [field] });
    expectSame({ fieldApiNames: ['Stage', 'Lead_Status', 'Tag'] });
    expectSame({ timelineModules: ['Deals'] });
    expectSame({ timelineModules: ['Notes', 'Tasks', 'Leads'] });
    expectSame(MONTH_2022_06);
    expectSame({ from: Date.UTC(2023, 0, 1) });
    expectSame({ to: Date.UTC(2022, 2, 1) });
    for (const key of allKeys.slice(0, 15)) expectSame({ records: [key] });
    expectSame({ records: allKeys.filter((_, index) => index % 3 === 0) });
    expectSame({ records: [{ module: 'Leads', recordId: '404' }] });
  });

  it('empty lists match nothing; very long lists work', () => {
    for (const filter of [{ userIds: [] }, { sources: [] }, { actions: [] }, { modules: [] }, { records: [] }, { fieldApiNames: [] }, { timelineModules: [] }] as EventFilter[]) {
      expect(cache.countEvents(filter)).toBe(0);
      expect(cache.queryEvents(filter)).toEqual([]);
    }
    const user = events()[0]!.event.done_by!.id;
    const many = [...Array.from({ length: 700 }, (_, index) => `9${index}`), user];
    expectSame({ userIds: many });
    expectSame({ records: [...Array.from({ length: 700 }, (_, index) => ({ module: 'Leads', recordId: `7${index}` })), allKeys[3]!] });
  });

  it('random combinations of dimensions (deterministic)', () => {
    const prng = new Prng(20261125);
    const all = events();
    const users = distinct(all.map((entry) => entry.event.done_by!.id));
    const sources = distinct(all.map((entry) => entry.event.source).filter((source): source is string => source !== null));
    const actions = distinct(all.map((entry) => entry.event.action));
    const modules = distinct(all.map((entry) => entry.event.record.module.api_name));
    const fields = distinct(all.flatMap((entry) => (entry.event.field_history ?? []).map((change) => change.api_name)));
    const texts = ['rockets', 'zylker', '山田', 'call', 'patricia', 'o connor', 'vip', '🔥', 'smith'];
    const some = <T>(items: readonly T[]): T[] => items.filter(() => prng.chance(0.3)).concat(prng.pick(items));
    let nonEmpty = 0;
    for (let round = 0; round < 120; round += 1) {
      const filter: EventFilter = {};
      if (prng.chance(0.5)) filter.userIds = some(users);
      if (prng.chance(0.5)) filter.sources = some(sources);
      if (prng.chance(0.3)) filter.actions = some(actions);
      if (prng.chance(0.25)) filter.modules = some(modules);
      if (prng.chance(0.25)) filter.fieldApiNames = some(fields);
      if (prng.chance(0.2)) filter.records = some(allKeys);
      if (prng.chance(0.15)) filter.timelineModules = some(['Leads', 'Contacts', 'Accounts', 'Deals', 'Notes']);
      if (prng.chance(0.4)) {
        const start = Date.UTC(2022, prng.int(0, 30), 1);
        filter.from = start;
        filter.to = start + prng.int(20, 200) * 86_400_000;
      }
      if (prng.chance(0.25)) filter.text = prng.pick(texts);
      expectSame(filter);
      if (cache.countEvents(filter) > 0) nonEmpty += 1;
    }
    expect(nonEmpty).toBeGreaterThan(30);
  });

  it('the review screen’s query: one user, one source, one month', () => {
    const busiest = events().find((entry) => entry.event.source === 'crm_ui')!.event.done_by!.id;
    const filter: EventFilter = { userIds: [busiest], sources: ['crm_ui'], ...MONTH_2022_06 };
    expectSame(filter);
    expectSame({ userIds: [busiest], sources: ['crm_ui'] });
  });

  it('pages through results with limit/offset in a stable order', () => {
    const filter: EventFilter = { sources: ['crm_ui', 'crm_api', 'workflow'] };
    for (const direction of ['asc', 'desc'] as const) {
      const collected: string[] = [];
      for (let offset = 0; ; offset += 37) {
        const page = cache.queryEvents(filter, { limit: 37, offset, direction });
        collected.push(...page.map((event) => event.eventId));
        if (page.length < 37) break;
      }
      expect(collected).toEqual(model.ordered(filter, direction));
    }
    expect(cache.queryEvents({}, { limit: 0 })).toEqual([]);
    expect(cache.queryEvents({}).length).toBe(100);
  });
});

describe('full-text search', () => {
  const words = [
    'rockets',
    'ROCKETS',
    'Acme',
    'acme rock',
    'zylker',
    'Zyl',
    '山田',
    '株式会社',
    '会社',
    'ゾーホー',
    '見積',
    'muller',
    'Müller',
    'söhne',
    'ليلى',
    'حداد',
    'العلي',
    'غدا',
    'חברת',
    'בע"מ',
    '🚀',
    '🔥',
    '🎉 launch',
    "o'connor",
    "O'Reilly",
    'Patri',
    'call back',
    '"Danger"',
    '=HYPERLINK',
    'SUM(1)',
    'Line two',
    'Привет',
    'ольга',
    '서울',
    'nguyen',
    'bjorn',
    'ødegaard',
    'Zoë',
    'renee',
    'smith boyle',
    'calc',
  ];
  const hostile = [
    '"',
    '""',
    '"""',
    "'",
    '*',
    '**',
    'NEAR',
    'NEAR(',
    'NEAR(a b)',
    'NEAR("a" "b", 2)',
    'a OR b',
    'NOT zylker',
    'zylker NOT',
    'AND',
    'OR',
    '(',
    ')',
    '(zylker',
    '^Acme',
    'record_names:Acme',
    '{old_values}:Acme',
    'old_values : zylker',
    '-Acme',
    '+1',
    '\\',
    '%',
    '_',
    "'; DROP TABLE events; --",
    '" OR "1"="1',
    '*Acme*',
    'Acme*',
    'zyl*er',
    '\u202Eevil\u202C',
    '\u200F\u200E',
    'a'.repeat(5000),
    '🙂',
    '🙂🙂🙂',
    '\t\n',
    'x\u0000y',
    '\u0301',
    'الاختبار*',
    '株式会社*',
    '"株式"',
    ':',
    '{',
    '}',
    '[]',
    'rowid',
    'events_fts',
    '1e10',
    '-1',
    'NULL',
    'null',
    'MATCH',
  ];

  it('matches like the plain computation for real words in every script', () => {
    let found = 0;
    for (const text of words) {
      expectSame({ text });
      if (cache.countEvents({ text }) > 0) found += 1;
    }
    expect(found).toBeGreaterThan(words.length - 6);
  });

  it('never fails on hostile input and still means what was typed', () => {
    for (const text of hostile) {
      expect(() => cache.countEvents({ text }), text).not.toThrow();
      expectSame({ text });
    }
  });

  it('finds substrings of CJK text and is accent-insensitive', () => {
    expect(cache.countEvents({ text: '会社' })).toBeGreaterThan(0);
    expect(cache.countEvents({ text: 'Müller' })).toBe(cache.countEvents({ text: 'muller' }));
    expect(cache.countEvents({ text: 'muller' })).toBeGreaterThan(0);
  });

  it('can be limited to some columns', () => {
    const columnSets: TextColumn[][] = [['oldValues'], ['newValues'], ['recordNames'], ['doneByName'], ['recordNames', 'doneByName'], ['oldValues', 'newValues'], []];
    for (const textIn of columnSets) {
      for (const text of ['zylker', 'patricia', '山田', 'acme rockets', '"']) expectSame({ text, textIn });
    }
    const old = cache.countEvents({ text: 'zylker', textIn: ['oldValues'] });
    const both = cache.countEvents({ text: 'zylker', textIn: ['oldValues', 'newValues'] });
    expect(old).toBeGreaterThan(0);
    expect(both).toBeGreaterThan(old);
  });
});

describe('event rows', () => {
  it('carry the event and its field changes as Zoho sent them', () => {
    const rows = cache.queryEvents({}, { limit: 100_000 });
    let withChanges = 0;
    for (const row of rows) {
      const event = model.events.get(row.eventId)!.entry.event;
      expect(row).toMatchObject({
        auditedTime: event.audited_time,
        auditedAtMs: Date.parse(event.audited_time),
        action: event.action,
        source: event.source,
        doneBy: { id: event.done_by!.id, name: event.done_by!.name },
        record: { module: event.record.module.api_name, id: event.record.id, name: event.record.name },
        relatedRecord: event.related_record === null ? null : { module: event.related_record.module.api_name, id: event.related_record.id, name: event.related_record.name },
        automation: event.automation_details,
      });
      expect(row.raw).toBeUndefined();
      const expected: CachedFieldChange[] = (event.field_history ?? []).map((change) => ({
        apiName: change.api_name,
        fieldId: change.id ?? null,
        fieldLabel: change.field_label ?? null,
        dataType: change.data_type ?? null,
        oldValue: change._value.old,
        newValue: change._value.new,
        oldText: typeof change._value.old === 'string' || change._value.old === null ? change._value.old : JSON.stringify(change._value.old),
        newText: typeof change._value.new === 'string' || change._value.new === null ? change._value.new : JSON.stringify(change._value.new),
        enableColourCode: change.enable_colour_code ?? null,
        pickListValues: change.pick_list_values ?? null,
      }));
      expect(row.fieldChanges).toEqual(expected);
      if (expected.length > 0) withChanges += 1;
    }
    expect(withChanges).toBeGreaterThan(300);
  });

  it('keep the raw JSON exactly as stored', () => {
    for (const candidate of model.events.values()) {
      const raw = cache.getRawEvent(candidate.entry.event.id);
      expect(raw).toBe(JSON.stringify(candidate.entry.raw));
      expect(JSON.parse(raw!)).toEqual(candidate.entry.raw);
    }
    const withRaw = cache.queryEvents({ text: '山田' }, { limit: 5, includeRaw: true });
    expect(withRaw.length).toBe(5);
    for (const row of withRaw) expect(row.raw).toBe(JSON.stringify(model.events.get(row.eventId)!.entry.raw));
    expect(cache.getRawEvent('1')).toBeUndefined();
    const one = cache.getEvent(withRaw[0]!.eventId);
    expect(one).toEqual(withRaw[0]);
    expect(cache.getEvent('1')).toBeUndefined();
  });

  it('keeps unknown keys Zoho may add, verbatim', () => {
    const extra = TimelineCache.inMemory();
    const sample = sampleTimeline().entries[0]!;
    const raw = { ...sample.raw, future_key: { nested: ['ü', 1.5, null, true] }, emoji: '🚀 "quoted" \\ \u2028' };
    extra.writeTimelinePage({ module: 'Leads', recordId: '1' }, [{ event: sample.event, raw }], null);
    expect(extra.getRawEvent(sample.event.id)).toBe(JSON.stringify(raw));
    extra.close();
  });
});

describe('heatmaps', () => {
  function expected(kind: HeatmapKind, filter: EventFilter, offsetMinutes: number): Array<{ x: string | number; y: string; count: number }> {
    const counts = new Map<string, { x: string | number; y: string; count: number }>();
    for (const candidate of model.matching(filter)) {
      const event = candidate.entry.event;
      const local = new Date(candidate.ms + offsetMinutes * 60_000);
      let x: string | number;
      let y: string;
      if (kind === 'user-hour-of-week') {
        x = ((local.getUTCDay() + 6) % 7) * 24 + local.getUTCHours();
        y = event.done_by!.id;
      } else if (kind === 'source-day') {
        x = local.toISOString().slice(0, 10);
        y = event.source ?? '';
      } else {
        x = event.source ?? '';
        y = event.done_by!.id;
      }
      const key = `${y}\u0000${x}`;
      const cell = counts.get(key) ?? { x, y, count: 0 };
      cell.count += 1;
      counts.set(key, cell);
    }
    return [...counts.values()].sort((a, b) => (a.y < b.y ? -1 : a.y > b.y ? 1 : a.x < b.x ? -1 : a.x > b.x ? 1 : 0));
  }

  it('count exactly what a JS count gives, per kind, filter and timezone offset', () => {
    const kinds: HeatmapKind[] = ['user-hour-of-week', 'source-day', 'user-source'];
    const filters: EventFilter[] = [{}, { sources: ['crm_ui'] }, { ...MONTH_2022_06 }, { text: 'zylker', actions: ['updated'] }, { userIds: [] }];
    for (const kind of kinds) {
      for (const filter of filters) {
        for (const offset of [0, 330, -300, 840, -720]) {
          const actual = cache.heatmap(filter, kind, { timeZone: fixedZone(offset) });
          expect(actual, `${kind} ${JSON.stringify(filter)} ${offset}`).toEqual(expected(kind, filter, offset));
        }
      }
    }
    const hours = cache.heatmap({}, 'user-hour-of-week');
    expect(hours.every((cell) => Number.isInteger(cell.x) && cell.x >= 0 && cell.x < 168)).toBe(true);
    expect(hours.reduce((sum, cell) => sum + cell.count, 0)).toBe(model.events.size);
  });

  it('puts Monday 00:00 UTC at hour 0 and Sunday 23:00 at 167, also before 1970', () => {
    const extra = TimelineCache.inMemory();
    const sample = sampleTimeline().entries[0]!;
    const at = (id: string, time: string): TimelineEntry => ({ event: { ...sample.event, id, audited_time: time }, raw: { ...sample.raw, id, audited_time: time } });
    extra.writeTimelinePage({ module: 'Leads', recordId: '1' }, [at('1', '2024-01-01T00:30:00+00:00'), at('2', '2024-01-07T23:59:59Z'), at('3', '1969-12-29T00:00:00Z'), at('4', '2024-01-01T05:00:00+05:30')], null);
    // Monday 00:30 UTC, Sunday 23:59 UTC, a Monday in 1969, and Sunday 23:30 UTC written as Monday 05:00 +05:30.
    expect(extra.heatmap({}, 'user-hour-of-week').map((cell) => [cell.x, cell.count])).toEqual([
      [0, 2],
      [167, 2],
    ]);
    expect(extra.heatmap({}, 'user-hour-of-week', { timeZone: 'Asia/Kolkata' }).map((cell) => [cell.x, cell.count])).toEqual([
      [5, 3],
      [6, 1],
    ]);
    expect(extra.heatmap({}, 'source-day', { timeZone: 'Etc/GMT-1' }).map((cell) => [cell.x, cell.count])).toEqual([
      ['1969-12-29', 1],
      ['2024-01-01', 2],
      ['2024-01-08', 1],
    ]);
    extra.close();
  });
});

describe('users and stats', () => {
  it('lists every user seen and reports sizes', () => {
    const ids = distinct(events().map((entry) => entry.event.done_by!.id)).sort();
    expect(
      cache
        .users()
        .map((user) => user.id)
        .sort(),
    ).toEqual(ids);
    for (const id of ids)
      expect(cache.userName(id)).toBe(
        events()
          .filter((entry) => entry.event.done_by!.id === id)
          .at(-1)?.event.done_by!.name,
      );
    const stats = cache.stats();
    expect(stats).toMatchObject({ events: model.events.size, records: distinct(allKeys.map((key) => `${key.module}/${key.recordId}`)).length, users: ids.length });
    expect(stats.fileBytes).toBeGreaterThan(100_000);
  });
});
