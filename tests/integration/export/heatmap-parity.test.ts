/**
 * The screen's heatmaps (Review → Activity: ReviewService.heatmaps over the cache's SQL aggregates)
 * and the PDF's heatmaps (StatsCollector over the export's event source) must put the same events in
 * the same buckets — in zones whose offset changes between the events (daylight saving).
 */
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { TimelineCache } from '../../../main/cache/index.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import { EventHub } from '../../../main/core/event-hub.js';
import { exportInputFromCache } from '../../../main/export/cache-export-source.js';
import { StatsCollector, type HeatmapData } from '../../../main/export/stats.js';
import { ReviewService } from '../../../main/review/review-service.js';
import type { ReviewHeatmaps } from '../../../preload/contract.js';
import type { JsonObject, TimelineEntry } from '../../../main/zoho/models.js';
import { sampleTimeline, tempDir, type TempDir } from '../cache/helpers.js';
import { SqliteReviewStore } from '../../../main/review/sqlite-review-store.js';
import type { LocalFilterRuleInput } from '../../../preload/contract.js';

const USERS = [
  { id: '554023000000235011', name: 'Patricia Boyle' },
  { id: '554023000000235012', name: 'Ravi Menon' },
];
const SOURCES = ['crm_ui', 'api', null] as const;

/** Instants around a change, written by "Zoho" with assorted offsets (the offset Zoho writes must not matter). */
function instantsAround(changeUtc: string): string[] {
  const change = Date.parse(changeUtc);
  const written: string[] = [];
  const offsets = ['+00:00', '+05:30', '-11:00', '+01:00'];
  // Every 20 minutes from 26 h before to 26 h after: both sides of the change, and both neighbouring local midnights.
  for (let ms = change - 26 * 3_600_000, index = 0; ms <= change + 26 * 3_600_000; ms += 20 * 60_000, index += 1) {
    const offset = offsets[index % offsets.length] as string;
    written.push(DateTime.fromMillis(ms, { zone: offset === '+00:00' ? 'UTC' : `UTC${offset}` }).toISO({ suppressMilliseconds: true }) as string);
  }
  return written;
}

const SCENARIOS = [
  { zone: 'Europe/Berlin', change: '2026-03-29T01:00:00Z', what: 'spring forward (02:00–02:59 skipped)' },
  { zone: 'Europe/Berlin', change: '2026-10-25T01:00:00Z', what: 'fall back (02:00–02:59 twice)' },
  { zone: 'America/New_York', change: '2026-03-08T07:00:00Z', what: 'spring forward' },
  { zone: 'America/New_York', change: '2026-11-01T06:00:00Z', what: 'fall back' },
] as const;

let dir: TempDir | undefined;
let cache: TimelineCache | undefined;
let review: ReviewService | undefined;
afterEach(() => {
  review?.dispose();
  cache?.close();
  dir?.remove();
  review = undefined;
  cache = undefined;
  dir = undefined;
});

function fill(times: readonly string[]): { key: { module: string; recordId: string }; entries: TimelineEntry[] } {
  const sample = sampleTimeline().entries[0] as TimelineEntry;
  const key = sampleTimeline().key;
  const entries = times.map((time, index): TimelineEntry => {
    const user = USERS[index % USERS.length] as (typeof USERS)[number];
    const source = SOURCES[index % SOURCES.length] ?? null;
    const id = String(9_000_000_000 + index);
    const patch = { id, audited_time: time, source };
    return {
      event: { ...sample.event, ...patch, done_by: { ...sample.event.done_by, id: user.id, name: user.name } },
      raw: { ...sample.raw, ...patch, done_by: { ...(sample.raw['done_by'] as JsonObject), id: user.id, name: user.name } },
    };
  });
  return { key, entries };
}

/** The PDF's user × hour-of-week heatmap as (userId, hour) → count. */
function pdfHours(data: HeatmapData): Map<string, number> {
  const idByName = new Map(USERS.map((user) => [user.name, user.id]));
  const cells = new Map<string, number>();
  data.rowLabels.forEach((label, row) => {
    data.cells[row]?.forEach((count, hour) => {
      if (count > 0) cells.set(`${idByName.get(label) ?? `?${label}`}|${hour}`, count);
    });
  });
  return cells;
}

/** The PDF's source × day heatmap as (source, YYYY-MM-DD) → count; its columns are dd under yyyy-mm groups. */
function pdfDays(data: HeatmapData): Map<string, number> {
  expect(data.title).toBe('Events by source and day');
  const dates: string[] = [];
  let column = 0;
  for (const group of data.columnGroups) {
    for (let index = 0; index < group.span; index += 1, column += 1) dates.push(`${group.label}-${data.columnLabels[column] ?? '??'}`);
  }
  const cells = new Map<string, number>();
  data.rowLabels.forEach((label, row) => {
    data.cells[row]?.forEach((count, position) => {
      if (count > 0) cells.set(`${label === '(none)' ? '' : label}|${dates[position] ?? '?'}`, count);
    });
  });
  return cells;
}

function screenHours(maps: ReviewHeatmaps): Map<string, number> {
  return new Map(maps.userHourOfWeek.map((cell) => [`${cell.y}|${cell.x}`, cell.count]));
}

function screenDays(maps: ReviewHeatmaps): Map<string, number> {
  return new Map(maps.sourceDay.map((cell) => [`${cell.y}|${cell.x}`, cell.count]));
}

/** An oracle independent of both: luxon's wall clock for each instant. */
function oracle(times: readonly string[], zone: string): { hours: Map<string, number>; days: Map<string, number> } {
  const hours = new Map<string, number>();
  const days = new Map<string, number>();
  times.forEach((time, index) => {
    const local = DateTime.fromISO(time).setZone(zone);
    const user = (USERS[index % USERS.length] as (typeof USERS)[number]).id;
    const source = SOURCES[index % SOURCES.length] ?? '';
    const hourKey = `${user}|${(local.weekday - 1) * 24 + local.hour}`;
    hours.set(hourKey, (hours.get(hourKey) ?? 0) + 1);
    const dayKey = `${source}|${local.toISODate() ?? '?'}`;
    days.set(dayKey, (days.get(dayKey) ?? 0) + 1);
  });
  return { hours, days };
}

const sorted = (map: Map<string, number>): Array<[string, number]> => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe('screen heatmap = PDF heatmap across daylight-saving changes', () => {
  it.each(SCENARIOS)('$zone, $what', async ({ zone, change }) => {
    dir = tempDir();
    cache = TimelineCache.open(dir.file('cache.sqlite'));
    const times = instantsAround(change);
    const { key, entries } = fill(times);
    cache.writeTimelinePage(key, entries, null);
    cache.completeRecordSync(key, 0);
    review = new ReviewService({
      reviewStore: new SqliteReviewStore(() => cache as TimelineCache),
      store: createJsonFileStore(dir.path, 'settings'),
      events: new EventHub(),
      clock: { now: () => 1_800_000_000_000, sleep: async () => undefined },
      author: () => 'Ada Auditor',
    });

    // The screen: what Review → Activity asks main for.
    const screen = await review.heatmaps({ filter: { combinator: 'and', rules: [] }, timeZone: zone });

    // The PDF: the export's event source through the report's statistics.
    const input = exportInputFromCache(cache, {
      records: [key],
      filterStatement: { kind: 'none' },
      case: null,
      allowIncomplete: false,
      timeZone: zone,
      connection: { dataCentre: 'eu', orgId: '1', apiDomain: 'https://www.zohoapis.eu' },
      generatedBy: 'test',
      generatedAt: 0,
      appVersion: '0',
    });
    const stats = new StatsCollector(input.scope.timeZone, input.users);
    for await (const event of input.events()) stats.add(event);
    const pdf = stats.finish();

    const expected = oracle(times, zone);
    expect(sorted(screenHours(screen))).toEqual(sorted(expected.hours));
    expect(sorted(pdfHours(pdf.userHourOfWeek))).toEqual(sorted(expected.hours));
    expect(sorted(screenDays(screen))).toEqual(sorted(expected.days));
    expect(sorted(pdfDays(pdf.sourceByDay))).toEqual(sorted(expected.days));

    // Events really lie on both sides of the change: two different offsets among them.
    const offsets = new Set(times.map((time) => DateTime.fromISO(time).setZone(zone).offset));
    expect(offsets.size).toBe(2);

    // A cell's own filter (day, hour of week) in the zone counts exactly the cell — the filters agree too.
    for (const cell of screen.sourceDay) {
      const rules: LocalFilterRuleInput[] = [{ field: 'day', operator: '=', value: cell.x }, cell.y === '' ? { field: 'source', operator: 'null' } : { field: 'source', operator: '=', value: cell.y }];
      expect(await review.count({ filter: { combinator: 'and', rules }, timeZone: zone }), `${cell.y} ${cell.x}`).toBe(cell.count);
    }
    for (const cell of screen.userHourOfWeek) {
      const rules: LocalFilterRuleInput[] = [
        { field: 'user', operator: '=', value: cell.y },
        { field: 'hourOfWeek', operator: '=', value: String(cell.x) },
      ];
      expect(await review.count({ filter: { combinator: 'and', rules }, timeZone: zone }), `${cell.y} ${cell.x}`).toBe(cell.count);
    }
  });

  it('Berlin fall-back: both 02:30s land in Sunday hour 2; spring-forward: nothing in Sunday hour 2; table and detail show each offset', async () => {
    dir = tempDir();
    cache = TimelineCache.open(dir.file('cache.sqlite'));
    const { key, entries } = fill(['2026-10-25T02:30:00+02:00', '2026-10-25T02:30:00+01:00', '2026-03-29T01:59:00+01:00', '2026-03-29T03:00:00+02:00']);
    cache.writeTimelinePage(key, entries, null);
    cache.completeRecordSync(key, 0);
    const hours = cache.heatmap({}, 'user-hour-of-week', { timeZone: 'Europe/Berlin' });
    const byHour = new Map<number, number>();
    for (const cell of hours) byHour.set(cell.x, (byHour.get(cell.x) ?? 0) + cell.count);
    expect([...byHour].sort((a, b) => a[0] - b[0])).toEqual([
      [6 * 24 + 1, 1],
      [6 * 24 + 2, 2],
      [6 * 24 + 3, 1],
    ]);

    // The table and the detail show each instant with its own offset, whatever offset Zoho wrote.
    review = new ReviewService({
      reviewStore: new SqliteReviewStore(() => cache as TimelineCache),
      store: createJsonFileStore(dir.path, 'settings'),
      events: new EventHub(),
      clock: { now: () => 1_800_000_000_000, sleep: async () => undefined },
      author: () => 'Ada Auditor',
    });
    const rows = (await review.page({ filter: { combinator: 'and', rules: [] }, timeZone: 'Europe/Berlin', sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 10 })).rows;
    expect(rows.map((row) => row.shownTime)).toEqual(['2026-03-29 01:59:00 +01:00', '2026-03-29 03:00:00 +02:00', '2026-10-25 02:30:00 +02:00', '2026-10-25 02:30:00 +01:00']);
    expect((await review.event(rows[3]!.eventId, 'America/New_York')).shownTime).toBe('2026-10-24 21:30:00 -04:00');
    await expect(review.event(rows[0]!.eventId, 'Mars/Olympus')).rejects.toThrow(/not a time zone/);
  });
});
