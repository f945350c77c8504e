import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { TimelineCache, type LocalFilterGroup, type LocalFilterRule } from '../../../main/cache/index.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import { EventHub } from '../../../main/core/event-hub.js';
import { DEFAULT_FLAG_RULES } from '../../../main/review/flags.js';
import { compileReviewFilter } from '../../../main/review/local-filter-sql.js';
import { ReviewService } from '../../../main/review/review-service.js';
import { SqliteReviewStore } from '../../../main/review/sqlite-review-store.js';
import { Prng } from '../../../main/sandbox/prng.js';
import type { FlagRules } from '../../../preload/contract.js';
import { localFilterSchema } from '../../../preload/contract.js';
import { generateTimelines, pages, sampleTimeline, tempDir, type TempDir } from '../cache/helpers.js';
import { ReferenceModel, type ReferenceEvent } from '../cache/reference.js';
import { referenceMatches, type ReferenceExtras } from './local-filter-reference.js';

/** Zones with one fixed offset (no daylight saving in the data's years), so fixed-offset expectations hold. */
const FIXED_OFFSET_ZONES: Record<number, string> = { 0: 'UTC', 60: 'Etc/GMT-1', 330: 'Asia/Kolkata', [-300]: 'Etc/GMT+5', 840: 'Etc/GMT-14', [-720]: 'Etc/GMT+12' };
function fixedZone(offsetMinutes: number): string {
  const zone = FIXED_OFFSET_ZONES[offsetMinutes];
  if (zone === undefined) throw new Error(`no fixed-offset zone for ${offsetMinutes}`);
  return zone;
}

let dir: TempDir;
let cache: TimelineCache;
let review: ReviewService;
let now = 1_750_000_000_000;
const model = new ReferenceModel();
const noExtras: ReferenceExtras = { flags: () => [], notes: () => [] };

beforeAll(() => {
  dir = tempDir();
  cache = TimelineCache.open(dir.file('cache.sqlite'));
  for (const timeline of [sampleTimeline(), ...generateTimelines(5, 8)]) {
    for (const page of pages(timeline.entries, 50)) {
      cache.writeTimelinePage(timeline.key, page, null);
      model.write(timeline.key, page);
    }
  }
  review = new ReviewService({
    reviewStore: new SqliteReviewStore(() => cache),
    store: createJsonFileStore(dir.path, 'settings'),
    events: new EventHub(),
    clock: { now: () => now, sleep: async () => undefined },
    author: () => 'Ada Auditor',
  });
});

afterAll(() => {
  review.dispose();
  cache.close();
  dir.remove();
});

const all = (): ReferenceEvent[] => [...model.events.values()];
const ids = (events: readonly ReferenceEvent[]): string[] => events.map((event) => event.entry.event.id).sort();
async function cacheIds(filter: LocalFilterGroup, offset = 0): Promise<string[]> {
  const rows = (await review.page({ filter, timeZone: fixedZone(offset), sort: { column: 'time', direction: 'desc' }, offset: 0, limit: 500 })).rows;
  const total = await review.count({ filter, timeZone: fixedZone(offset) });
  // Page through everything (500 at a time) to compare whole sets.
  const collected = rows.map((row) => row.eventId);
  for (let start = 500; start < total; start += 500) {
    collected.push(...(await review.page({ filter, timeZone: fixedZone(offset), sort: { column: 'time', direction: 'desc' }, offset: start, limit: 500 })).rows.map((row) => row.eventId));
  }
  return collected.sort();
}

/** Random rules over values that occur in the data (and some that do not). */
function randomRule(prng: Prng): LocalFilterRule {
  const events = all();
  const pick = <T>(items: readonly T[]): T => items[prng.int(0, items.length - 1)]!;
  const event = pick(events).entry.event;
  const change = (event.field_history ?? [])[0];
  const text = (value: unknown): string => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));
  const ms = Date.parse(event.audited_time);
  switch (prng.int(0, 13)) {
    case 0:
      return { field: 'user', operator: pick(['=', '!=']), value: event.done_by!.id };
    case 1:
      return { field: 'source', operator: pick(['in', 'notIn']), value: [event.source ?? 'crm_ui', 'workflow'] };
    case 2:
      return { field: 'action', operator: pick(['=', '!=', 'in']), value: event.action };
    case 3:
      return { field: 'module', operator: 'in', value: [event.record.module.api_name, 'Notes'] };
    case 4:
      return { field: 'field', operator: pick(['=', '!=']), value: change?.api_name ?? 'Lead_Source' };
    case 5:
      return { field: 'oldValue', operator: pick(['=', 'contains', 'null', 'notNull', 'doesNotContain']), value: text(change?._value.old).slice(0, 4) || 'a' };
    case 6:
      return { field: 'newValue', operator: pick(['=', '!=', 'contains']), value: text(change?._value.new) || 'x' };
    case 7:
      return { field: 'valueChange', operator: 'changedFromTo', value: [text(change?._value.old), text(change?._value.new)] };
    case 8:
      return { field: 'time', operator: pick(['between', 'notBetween']), value: [new Date(ms - 40 * 86_400_000).toISOString(), new Date(ms).toISOString()] };
    case 9:
      return { field: 'time', operator: pick(['>=', '<']), value: event.audited_time };
    case 10:
      return { field: 'hourOfWeek', operator: 'in', value: [String((((Math.floor(ms / 3_600_000) + 72) % 168) + 168) % 168), '3'] };
    case 11:
      return { field: 'day', operator: 'between', value: [new Date(ms - 20 * 86_400_000).toISOString().slice(0, 10), new Date(ms).toISOString().slice(0, 10)] };
    case 12:
      return { field: 'automation', operator: pick(['null', 'notNull', 'contains']), value: 'blueprint' };
    default:
      return { field: 'text', operator: pick(['contains', 'doesNotContain']), value: (event.record.name ?? 'Boyle').split(/\s+/)[0]! };
  }
}

function randomGroup(prng: Prng, depth: number): LocalFilterGroup {
  const rules: LocalFilterGroup['rules'][number][] = [];
  const count = prng.int(1, 3);
  for (let index = 0; index < count; index += 1) rules.push(depth < 3 && prng.next() < 0.35 ? randomGroup(prng, depth + 1) : randomRule(prng));
  return { combinator: prng.next() < 0.5 ? 'and' : 'or', not: prng.next() < 0.15, rules };
}

describe('local filter compiler agrees with a plain evaluation', () => {
  it('has enough varied data', async () => {
    expect(model.events.size).toBeGreaterThan(300);
    expect(cache.countEvents()).toBe(model.events.size);
  });

  it('each field and operator on its own', async () => {
    const prng = new Prng(11);
    for (let round = 0; round < 120; round += 1) {
      const rule = randomRule(prng);
      const group: LocalFilterGroup = { combinator: 'and', rules: [rule] };
      const expected = ids(all().filter((candidate) => referenceMatches(candidate, group, 0, noExtras)));
      expect(await cacheIds(group), JSON.stringify(rule)).toEqual(expected);
    }
  });

  it('random nested AND/OR/NOT groups, with a time-zone offset', async () => {
    const prng = new Prng(29);
    let nonTrivial = 0;
    for (let round = 0; round < 60; round += 1) {
      const group = randomGroup(prng, 1);
      const offset = [0, 330, -300][round % 3]!;
      const expected = ids(all().filter((candidate) => referenceMatches(candidate, group, offset, noExtras)));
      if (expected.length > 0 && expected.length < model.events.size) nonTrivial += 1;
      expect(await cacheIds(group, offset), JSON.stringify(group)).toEqual(expected);
      expect(await review.count({ filter: group, timeZone: fixedZone(offset) })).toBe(expected.length);
    }
    expect(nonTrivial).toBeGreaterThan(20);
  });

  it('binds every value as a parameter: hostile text is data, never SQL', async () => {
    const hostile = ["' OR 1=1 --", '"; DROP TABLE events; --', '%_\\', 'NEAR(a b)', '\u0000x'];
    for (const value of hostile) {
      for (const field of ['user', 'oldValue', 'newValue', 'automation', 'text'] as const) {
        const operator = field === 'user' ? '=' : 'contains';
        const rule = { field, operator, value } as LocalFilterRule;
        const condition = compileReviewFilter({ combinator: 'and', rules: [rule] });
        expect(condition.where).not.toContain(value);
        const group: LocalFilterGroup = { combinator: 'and', rules: [rule] };
        expect(await cacheIds(group)).toEqual(ids(all().filter((candidate) => referenceMatches(candidate, group, 0, noExtras))));
      }
    }
    expect(cache.countEvents()).toBe(model.events.size);
  });

  it('refuses unknown fields, wrong operators, bad values, too deep or too large filters', async () => {
    const bad: LocalFilterGroup[] = [
      // Outside the contract's union (stale saved filters, callers that skipped the schema): refused at run time too.
      { combinator: 'and', rules: [{ field: 'e.id; --', operator: '=', value: '1' }] } as unknown as LocalFilterGroup,
      { combinator: 'and', rules: [{ field: 'user', operator: 'contains', value: '1' }] } as unknown as LocalFilterGroup,
      { combinator: 'and', rules: [{ field: 'time', operator: 'between', value: ['2024-01-02T00:00:00Z', '2024-01-01T00:00:00Z'] }] },
      { combinator: 'and', rules: [{ field: 'time', operator: '>=', value: 'yesterday' }] },
      { combinator: 'and', rules: [{ field: 'hourOfWeek', operator: '=', value: '168' }] },
      { combinator: 'and', rules: [{ field: 'day', operator: '=', value: '2024-02-30' }] },
      { combinator: 'and', rules: [{ field: 'user', operator: 'in', value: [] }] },
      { combinator: 'and', rules: [{ field: 'record', operator: '=', value: 'Leads/abc' }] },
    ];
    let deep: LocalFilterGroup = { combinator: 'and', rules: [] };
    for (let level = 0; level < 7; level += 1) deep = { combinator: 'or', rules: [deep] };
    bad.push(deep);
    bad.push({ combinator: 'and', rules: Array.from({ length: 201 }, () => ({ field: 'action', operator: '=', value: 'added' })) });
    for (const filter of bad) expect(() => compileReviewFilter(filter), JSON.stringify(filter).slice(0, 80)).toThrow(expect.objectContaining({ code: 'REVIEW_FILTER_INVALID' }));
    // The contract's schema refuses the deep and the large one before they reach main.
    expect(localFilterSchema.safeParse(deep).success).toBe(false);
    // …and the unknown field and the operator the field does not take (the union per field).
    expect(localFilterSchema.safeParse(bad[0]).success).toBe(false);
    expect(localFilterSchema.safeParse(bad[1]).success).toBe(false);
    expect(localFilterSchema.safeParse(bad[bad.length - 1]).success).toBe(false);
    expect(localFilterSchema.safeParse({ combinator: 'and', rules: [{ field: 'user', operator: '=', value: '1' }] }).success).toBe(true);
  });

  it('heatmaps and summary use the same filter', async () => {
    const event = all()[5]!.entry.event;
    const group: LocalFilterGroup = { combinator: 'and', rules: [{ field: 'user', operator: '=', value: event.done_by!.id }] };
    const expected = all().filter((candidate) => referenceMatches(candidate, group, 0, noExtras));
    const maps = await review.heatmaps({ filter: group, timeZone: 'Etc/GMT-1' });
    for (const cells of [maps.userHourOfWeek, maps.sourceDay, maps.userSource]) expect(cells.reduce((sum, cell) => sum + cell.count, 0)).toBe(expected.length);
    const summary = await review.summary({ filter: group, timeZone: 'UTC' });
    expect(summary.events).toBe(expected.length);
    expect(summary.users).toBe(1);
    // A cell's own filter (user + hour of week in the zone) gives exactly the cell's count.
    for (const cell of maps.userHourOfWeek.slice(0, 5)) {
      const cellFilter: LocalFilterGroup = {
        combinator: 'and',
        rules: [
          group,
          {
            combinator: 'and',
            rules: [
              { field: 'user', operator: '=', value: cell.y },
              { field: 'hourOfWeek', operator: '=', value: String(cell.x) },
            ],
          },
        ],
      };
      expect(await review.count({ filter: cellFilter, timeZone: 'Etc/GMT-1' })).toBe(cell.count);
    }
    for (const cell of maps.sourceDay.slice(0, 5)) {
      const cellFilter: LocalFilterGroup = { combinator: 'and', rules: [group, { field: 'day', operator: '=', value: cell.x }, cell.y === '' ? { field: 'source', operator: 'null' } : { field: 'source', operator: '=', value: cell.y }] };
      expect(await review.count({ filter: cellFilter, timeZone: 'Etc/GMT-1' })).toBe(cell.count);
    }
  });
});

describe('review flags', () => {
  function expectedFlags(rules: FlagRules): Map<string, Set<string>> {
    const result = new Map<string, Set<string>>();
    const add = (id: string, flag: string): void => {
      const set = result.get(id) ?? new Set<string>();
      set.add(flag);
      result.set(id, set);
    };
    const byUser = new Map<string, ReferenceEvent[]>();
    for (const candidate of all()) {
      const event = candidate.entry.event;
      const changes = event.field_history ?? [];
      if (rules.deletion.enabled && (event.action === 'deleted' || (event.source ?? '').startsWith('mass_delete'))) add(event.id, 'deletion');
      if (rules.ownerChange.enabled && (event.action === 'owner_assigned' || changes.some((change) => change.api_name === 'Owner'))) add(event.id, 'owner_change');
      if (rules.sensitiveFields.enabled && changes.some((change) => rules.sensitiveFields.fields.includes(change.api_name))) add(event.id, 'sensitive_field');
      const raw = candidate.entry.raw as { done_by?: { type__s?: string } };
      if (rules.apiByPerson.enabled && rules.apiByPerson.sources.includes(event.source ?? '') && raw.done_by?.type__s?.toLowerCase() === 'regular user') add(event.id, 'api_by_person');
      const local = DateTime.fromMillis(candidate.ms, { zone: rules.offHours.timeZone });
      // Overnight (end at or before start): the hours after midnight belong to the day before's shift.
      const { startHour, endHour, workDays } = rules.offHours;
      const working =
        startHour < endHour
          ? workDays.includes(local.weekday) && local.hour >= startHour && local.hour < endHour
          : (workDays.includes(local.weekday) && local.hour >= startHour) || (workDays.includes(local.minus({ days: 1 }).weekday) && local.hour < endHour);
      if (rules.offHours.enabled && !working) add(event.id, 'off_hours');
      byUser.set(event.done_by!.id, [...(byUser.get(event.done_by!.id) ?? []), candidate]);
    }
    if (rules.massChange.enabled) {
      for (const events of byUser.values()) {
        const sorted = [...events].sort((a, b) => a.ms - b.ms || a.order - b.order);
        // Brute force: an event is in a burst if some window of M minutes containing it holds N events.
        sorted.forEach((candidate, index) => {
          for (let start = 0; start <= index; start += 1) {
            const first = sorted[start]!;
            if (candidate.ms - first.ms > rules.massChange.minutes * 60_000) continue;
            const inWindow = sorted.filter((other) => other.ms >= first.ms && other.ms <= first.ms + rules.massChange.minutes * 60_000).length;
            if (inWindow >= rules.massChange.events) {
              add(candidate.entry.event.id, 'mass_change');
              break;
            }
          }
        });
      }
    }
    return result;
  }

  async function actualFlags(): Promise<Map<string, Set<string>>> {
    const annotations = await review.reviewAnnotations(all().map((candidate) => candidate.entry.event.id));
    const result = new Map<string, Set<string>>();
    for (const [id, annotation] of annotations) if (annotation.flags.length > 0) result.set(id, new Set(annotation.flags));
    return result;
  }

  it('computes every rule like a plain computation, and recomputes when the rules change', async () => {
    await review.ensureFlags();
    expect(await actualFlags()).toEqual(expectedFlags(DEFAULT_FLAG_RULES));
    const tighter: FlagRules = {
      ...DEFAULT_FLAG_RULES,
      offHours: { enabled: true, startHour: 9, endHour: 17, workDays: [1, 2, 3, 4], timeZone: 'Asia/Tokyo' },
      ownerChange: { enabled: true },
      massChange: { enabled: true, events: 3, minutes: 90 },
      sensitiveFields: { enabled: true, fields: ['Lead_Source', 'Last_Name'] },
    };
    const { flagged } = await review.setRules(tighter);
    const expected = expectedFlags(tighter);
    expect(flagged).toBe(expected.size);
    expect(await actualFlags()).toEqual(expected);
    const kinds = new Set([...expected.values()].flatMap((set) => [...set]));
    expect([...kinds].sort()).toEqual(['api_by_person', 'deletion', 'mass_change', 'off_hours', 'owner_change', 'sensitive_field']);
    // Flags are a filter too.
    const filter: LocalFilterGroup = { combinator: 'and', rules: [{ field: 'flag', operator: '=', value: 'mass_change' }] };
    const extras: ReferenceExtras = { flags: (id) => [...(expected.get(id) ?? [])], notes: () => [] };
    expect(await cacheIds(filter)).toEqual(ids(all().filter((candidate) => referenceMatches(candidate, filter, 0, extras))));
    expect(await review.count({ filter: { combinator: 'and', rules: [{ field: 'flag', operator: 'notNull' }] }, timeZone: 'UTC' })).toBe(expected.size);
    const off = await review.setRules({ ...tighter, offHours: { ...tighter.offHours, enabled: false }, massChange: { ...tighter.massChange, enabled: false } });
    expect(off.flagged).toBe(expectedFlags({ ...tighter, offHours: { ...tighter.offHours, enabled: false }, massChange: { ...tighter.massChange, enabled: false } }).size);
    expect((await review.rules()).offHours.enabled).toBe(false);
    // Working hours in a zone with daylight saving: the offset of each event's own moment counts.
    const berlin: FlagRules = { ...tighter, offHours: { enabled: true, startHour: 8, endHour: 18, workDays: [1, 2, 3, 4, 5], timeZone: 'Europe/Berlin' } };
    expect((await review.setRules(berlin)).flagged).toBe(expectedFlags(berlin).size);
    expect(await actualFlags()).toEqual(expectedFlags(berlin));
    // A night shift (22 → 6, Monday to Friday nights) in a zone with daylight saving.
    const nights: FlagRules = { ...tighter, offHours: { enabled: true, startHour: 22, endHour: 6, workDays: [1, 2, 3, 4, 5], timeZone: 'America/New_York' } };
    expect((await review.setRules(nights)).flagged).toBe(expectedFlags(nights).size);
    expect(await actualFlags()).toEqual(expectedFlags(nights));
    // Hours "to midnight" (end hour 0).
    const evenings: FlagRules = { ...tighter, offHours: { enabled: true, startHour: 12, endHour: 0, workDays: [6, 7], timeZone: 'Europe/Berlin' } };
    expect(await actualFlags()).not.toEqual(expectedFlags(evenings));
    expect((await review.setRules(evenings)).flagged).toBe(expectedFlags(evenings).size);
    expect(await actualFlags()).toEqual(expectedFlags(evenings));
    // The next test starts from the Berlin rules, as it did before night shifts existed.
    await review.setRules(berlin);
  });

  it('recompute after new events arrive (sync finished)', async () => {
    const before = await review.count({ filter: { combinator: 'and', rules: [{ field: 'flag', operator: 'notNull' }] }, timeZone: 'UTC' });
    const extra = generateTimelines(77, 1).slice(0, 3);
    for (const timeline of extra) {
      cache.writeTimelinePage(timeline.key, timeline.entries, null);
      model.write(timeline.key, timeline.entries);
    }
    await review.summary({ filter: { combinator: 'and', rules: [] }, timeZone: 'UTC' });
    expect(await actualFlags()).toEqual(expectedFlags(await review.rules()));
    expect(await review.count({ filter: { combinator: 'and', rules: [{ field: 'flag', operator: 'notNull' }] }, timeZone: 'UTC' })).toBeGreaterThanOrEqual(before);
  });
});

describe('reviewer notes', () => {
  it('stores notes with author and time, shows them in rows, filters and annotations', async () => {
    const [first, second] = all().map((candidate) => candidate.entry.event.id);
    now = 1_760_000_000_000;
    const note = await review.addNote({ eventId: first!, text: 'Checked with the owner — fine', tag: 'reviewed' });
    now += 1000;
    await review.addNote({ eventId: first!, text: 'Second look', tag: null });
    await review.addNote({ eventId: second!, text: 'Suspicious timing', tag: 'follow-up' });
    expect(note).toMatchObject({ author: 'Ada Auditor', at: 1_760_000_000_000, tag: 'reviewed' });

    const annotations = await review.reviewAnnotations([first!, second!, 'not-an-event']);
    expect(annotations.get(first!)?.notes).toEqual([
      { author: 'Ada Auditor', text: 'Checked with the owner — fine', tag: 'reviewed', at: 1_760_000_000_000 },
      { author: 'Ada Auditor', text: 'Second look', tag: null, at: 1_760_000_001_000 },
    ]);
    expect(annotations.has('not-an-event')).toBe(false);

    const withNotes = (await review.page({ filter: { combinator: 'and', rules: [{ field: 'note', operator: 'notNull' }] }, timeZone: 'UTC', sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 10 })).rows;
    expect(withNotes.map((row) => row.eventId).sort()).toEqual([first!, second!].sort());
    expect(withNotes.find((row) => row.eventId === first)?.noteCount).toBe(2);
    expect(await review.count({ filter: { combinator: 'and', rules: [{ field: 'note', operator: 'contains', value: 'FOLLOW' }] }, timeZone: 'UTC' })).toBe(1);
    expect((await review.event(first!, 'UTC')).notes.map((entry) => entry.text)).toEqual(['Checked with the owner — fine', 'Second look']);

    expect(await review.deleteNote(note.id)).toEqual({ deleted: true });
    expect(await review.deleteNote(note.id)).toEqual({ deleted: false });
    expect((await review.reviewAnnotations([first!])).get(first!)?.notes).toHaveLength(1);
    await expect(review.addNote({ eventId: '999', text: 'x', tag: null })).rejects.toThrow(expect.objectContaining({ code: 'REVIEW_EVENT_NOT_CACHED' }));
  });
});

describe('event detail and a record as of a moment', () => {
  it('returns everything Zoho sent for the sample event, raw JSON verbatim', async () => {
    const sample = sampleTimeline();
    const entry = sample.entries.find((candidate) => (candidate.event.field_history ?? []).some((change) => (change.pick_list_values ?? []).length > 3))!;
    const detail = await review.event(entry.event.id, 'UTC');
    expect(detail.doneBy).toMatchObject({ id: entry.event.done_by!.id, profile: { name: 'Administrator' }, type: 'regular user' });
    const change = detail.fieldChanges.find((candidate) => (candidate.pickList ?? []).length > 0)!;
    expect(change.pickList!.length).toBeGreaterThan(3);
    expect((await review.raw(entry.event.id)).raw).toBe(JSON.stringify(entry.raw));
  });

  it('replays field_history: values at each step, earlier values from later changes', async () => {
    const sample = sampleTimeline();
    const key = sample.key;
    const latest = await review.recordState({ record: key });
    expect(latest.events).toHaveLength(sample.entries.length);
    expect(latest.index).toBe(latest.events.length - 1);
    // Plain replay: apply every change in time order.
    const ordered = [...sample.entries].sort((a, b) => Date.parse(a.event.audited_time) - Date.parse(b.event.audited_time));
    const values = new Map<string, string | null>();
    for (const entry of ordered) for (const change of entry.event.field_history ?? []) values.set(change.api_name, typeof change._value.new === 'string' || change._value.new === null ? change._value.new : JSON.stringify(change._value.new));
    expect(Object.fromEntries(latest.fields.map((field) => [field.apiName, field.value]))).toEqual(Object.fromEntries(values));

    const before = await review.recordState({ record: key, atTime: '2000-01-01T00:00:00Z' });
    expect(before.index).toBe(-1);
    expect(before.fields.every((field) => field.basis === 'earlier')).toBe(true);
    const firstChanged = ordered.find((entry) => (entry.event.field_history ?? []).length > 0)!;
    const step = await review.recordState({ record: key, atEventId: firstChanged.event.id });
    const changed = step.fields
      .filter((field) => field.changedHere)
      .map((field) => field.apiName)
      .sort();
    expect(changed).toEqual([...new Set((firstChanged.event.field_history ?? []).map((change) => change.api_name))].sort());
  });
});

describe('saved filters and preferences live in main', () => {
  it('saves, replaces, lists and deletes named filters; refuses one that cannot compile', async () => {
    const filter: LocalFilterGroup = { combinator: 'or', rules: [{ field: 'action', operator: '=', value: 'deleted' }] };
    expect((await review.saveFilter('Deletions', filter)).map((saved) => saved.name)).toEqual(['Deletions']);
    await review.saveFilter('Alpha', { combinator: 'and', rules: [] });
    expect((await review.saveFilter('Deletions', { ...filter, not: true })).map((saved) => saved.name)).toEqual(['Alpha', 'Deletions']);
    expect((await review.savedFilters()).find((saved) => saved.name === 'Deletions')?.filter.not).toBe(true);
    await expect(review.saveFilter('Bad', { combinator: 'and', rules: [{ field: 'user', operator: 'contains', value: 'x' }] } as unknown as LocalFilterGroup)).rejects.toThrow(expect.objectContaining({ code: 'REVIEW_FILTER_INVALID' }));
    expect((await review.deleteFilter('Alpha')).map((saved) => saved.name)).toEqual(['Deletions']);
    expect(await review.setPreferences({ columns: ['time', 'user', 'flags'] })).toEqual({ columns: ['time', 'user', 'flags'] });
    expect((await review.preferences()).columns).toEqual(['time', 'user', 'flags']);
  });
});
