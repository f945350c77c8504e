import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimelineCache, type LocalFilterGroup } from '../../../main/cache/index.js';
import { compileReviewFilter } from '../../../main/review/local-filter-sql.js';
import { parseTimelinePage, type TimelineEntry } from '../../../main/zoho/models.js';
import { sampleTimeline } from '../cache/helpers.js';

/**
 * Edges of the local filter that plain random agreement tests rarely hit: an event exactly on a
 * bound, an event without a source. Each case was checked to fail against the mutation it names.
 */
const BOUND = Date.UTC(2025, 2, 4, 0, 0, 0);
let cache: TimelineCache;

/** Three events of the sample record: one before the bound, one exactly on it without a source, one after. */
function edgeEntries(): TimelineEntry[] {
  const template = sampleTimeline().entries[0]!.raw as Record<string, unknown>;
  const at = (ms: number): string => new Date(ms).toISOString().replace('.000Z', '+00:00');
  const raw = [
    { ...template, id: '990000000000000001', audited_time: at(BOUND - 1000), source: 'crm_ui' },
    { ...template, id: '990000000000000002', audited_time: at(BOUND), source: null },
    { ...template, id: '990000000000000003', audited_time: at(BOUND + 1000), source: 'workflow' },
  ];
  const body = JSON.parse(JSON.stringify({ __timeline: raw, info: { per_page: 200, count: 3, page: 1, more_records: false, next_page_token: null } })) as unknown;
  return parseTimelinePage(body, 'edges').entries;
}

beforeAll(() => {
  cache = TimelineCache.inMemory();
  cache.writeTimelinePage(sampleTimeline().key, edgeEntries(), null);
});
afterAll(() => cache.close());

function matching(filter: LocalFilterGroup, timeZone = 'UTC'): string[] {
  return cache.queryEvents({ condition: compileReviewFilter(filter, timeZone) }, { direction: 'asc', limit: 10 }).map((event) => event.eventId);
}

describe('local filter edges', () => {
  it('has the three edge events, one of them without a source', () => {
    expect(matching({ combinator: 'and', rules: [] })).toEqual(['990000000000000001', '990000000000000002', '990000000000000003']);
    expect(matching({ combinator: 'and', rules: [{ field: 'source', operator: 'null' }] })).toEqual(['990000000000000002']);
  });

  it('"before" excludes an event exactly at the bound (mutation: `<` → `<=`)', () => {
    const to = new Date(BOUND).toISOString();
    expect(matching({ combinator: 'and', rules: [{ field: 'time', operator: '<', value: to }] })).toEqual(['990000000000000001']);
    expect(matching({ combinator: 'and', rules: [{ field: 'time', operator: '>=', value: to }] })).toEqual(['990000000000000002', '990000000000000003']);
  });

  it('a day ends before the next day’s first instant (mutation: exclusive day end → inclusive)', () => {
    // The day before the bound, in UTC: its end is exactly BOUND, which belongs to the next day.
    expect(matching({ combinator: 'and', rules: [{ field: 'day', operator: '=', value: '2025-03-03' }] })).toEqual(['990000000000000001']);
    expect(matching({ combinator: 'and', rules: [{ field: 'day', operator: 'between', value: ['2025-03-01', '2025-03-03'] }] })).toEqual(['990000000000000001']);
  });

  it('"source is not X" and "source is none of" include events without a source (mutation: drop the coalesce)', () => {
    expect(matching({ combinator: 'and', rules: [{ field: 'source', operator: '!=', value: 'crm_ui' }] })).toEqual(['990000000000000002', '990000000000000003']);
    expect(matching({ combinator: 'and', rules: [{ field: 'source', operator: 'notIn', value: ['crm_ui', 'workflow'] }] })).toEqual(['990000000000000002']);
    // …while "is X" never matches a missing source.
    expect(matching({ combinator: 'and', rules: [{ field: 'source', operator: 'in', value: ['crm_ui', 'workflow'] }] })).toEqual(['990000000000000001', '990000000000000003']);
  });
});
