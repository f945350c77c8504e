import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimelineCache } from '../../../main/cache/index.js';
import { focusFieldNames, SqliteReviewStore } from '../../../main/review/sqlite-review-store.js';
import { generateTimelines, pages, sampleTimeline, tempDir, type TempDir } from '../cache/helpers.js';

// Issue 14: filtering on "Field changed is Stage" showed rows headed "Amount +2" (the event's first change).
let dir: TempDir;
let cache: TimelineCache;
let store: SqliteReviewStore;
const multiField: Array<{ id: string; apiNames: string[] }> = [];

beforeAll(() => {
  dir = tempDir();
  cache = TimelineCache.open(dir.file('cache.sqlite'));
  for (const timeline of [sampleTimeline(), ...generateTimelines(5, 8)]) {
    for (const page of pages(timeline.entries, 50)) cache.writeTimelinePage(timeline.key, page, null);
    for (const entry of timeline.entries) {
      const apiNames = (entry.event.field_history ?? []).map((change) => change.api_name);
      if (apiNames.length > 1 && new Set(apiNames).size === apiNames.length) multiField.push({ id: entry.event.id, apiNames });
    }
  }
  store = new SqliteReviewStore(() => cache);
});

afterAll(() => {
  cache.close();
  dir.remove();
});

describe('the table row shows the field change the filter matched', () => {
  it('heads the row with the filtered field, not the first change', () => {
    const sample = multiField[0];
    expect(sample, 'the test data has an event changing several fields').toBeDefined();
    const wanted = sample!.apiNames[sample!.apiNames.length - 1]!;
    const rows = store.page({
      filter: { combinator: 'and', rules: [{ field: 'field', operator: '=', value: wanted }] },
      timeZone: 'UTC',
      sort: { column: 'time', direction: 'desc' },
      offset: 0,
      limit: 1000,
    });
    const row = rows.find((candidate) => candidate.eventId === sample!.id);
    expect(row).toBeDefined();
    expect(row!.firstChange?.apiName).toBe(wanted);
    expect(row!.fieldCount).toBe(sample!.apiNames.length);
    // Every row of that filter shows the field it was found by.
    expect(new Set(rows.map((candidate) => candidate.firstChange?.apiName))).toEqual(new Set([wanted]));
  });

  it('without a field condition the first change leads, as before', () => {
    const sample = multiField[0]!;
    const rows = store.page({ filter: { combinator: 'and', rules: [] }, timeZone: 'UTC', sort: { column: 'time', direction: 'desc' }, offset: 0, limit: 5000 });
    expect(rows.find((candidate) => candidate.eventId === sample.id)?.firstChange?.apiName).toBe(sample.apiNames[0]);
  });

  it('takes field conditions from nested groups but not from negated ones', () => {
    expect(
      focusFieldNames({
        combinator: 'and',
        rules: [
          { field: 'field', operator: 'in', value: ['Stage', 'Amount'] },
          { combinator: 'or', rules: [{ field: 'field', operator: '=', value: 'Owner' }] },
          { combinator: 'and', not: true, rules: [{ field: 'field', operator: '=', value: 'Email' }] },
          { field: 'field', operator: '!=', value: 'Phone' },
        ],
      }),
    ).toEqual(['Stage', 'Amount', 'Owner']);
  });
});
