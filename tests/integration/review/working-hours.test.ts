/**
 * The working-hours rule at its edges: overnight shifts (22 → 6) whose hours after midnight belong to
 * the day the shift started, "to midnight" (end hour 0), and daylight-saving changes on either side
 * of a night. Each moment below is written as the zone's wall-clock time and its UTC instant; the
 * instants that would fall on the other side of a shift boundary under the wrong offset say so.
 */
import { describe, expect, it } from 'vitest';
import { TimelineCache } from '../../../main/cache/index.js';
import { DEFAULT_FLAG_RULES, isWithinWorkingHours, recomputeAllFlags, saveFlagRules, storedFlagRules } from '../../../main/review/flags.js';
import { SAMPLE_RECORD, SandboxDataset } from '../../../main/sandbox/dataset.js';
import { parseTimelinePage } from '../../../main/zoho/models.js';
import { DateTime } from 'luxon';
import type { FlagRules } from '../../../preload/contract.js';

/** Zoho-shaped events at the given instants (the sample event's shape, a plain update by a person). */
function cacheWithEventsAt(instants: readonly string[]): TimelineCache {
  const template = new SandboxDataset(1, 0).history(SAMPLE_RECORD.module, SAMPLE_RECORD.id)!.events[0]!.json;
  const events = instants.map((instant, index) => ({ ...template, id: String(7_000_000_000_000_000n + BigInt(index)), audited_time: instant, action: 'updated', source: 'crm_ui', field_history: null }));
  const page = parseTimelinePage(JSON.parse(JSON.stringify({ __timeline: events, info: { per_page: 200, count: events.length, page: 1, more_records: false, next_page_token: null } })) as unknown, 'test');
  const cache = TimelineCache.inMemory();
  cache.writeTimelinePage({ module: SAMPLE_RECORD.module, recordId: SAMPLE_RECORD.id }, page.entries, null);
  return cache;
}

function offHoursFlagged(cache: TimelineCache, offHours: FlagRules['offHours']): string[] {
  saveFlagRules(cache.database(), {
    ...DEFAULT_FLAG_RULES,
    deletion: { enabled: false },
    sensitiveFields: { enabled: false, fields: [] },
    apiByPerson: { enabled: false, sources: [] },
    massChange: { enabled: false, events: 20, minutes: 10 },
    offHours,
  });
  return cache
    .database()
    .prepare<[], { audited_time: string }>(`SELECT e.audited_time FROM event_flags f JOIN events e ON e.id = f.event_rowid WHERE f.flag = 'off_hours' ORDER BY e.audited_at_ms`)
    .all()
    .map((row) => row.audited_time);
}

describe('working hours across midnight and daylight saving', () => {
  it('a night shift (22 → 6, Monday to Friday nights) in New York, both sides of the spring and autumn changes', () => {
    const moments = {
      // Friday night shift, before the spring change (EST, −05:00).
      'Fri 23:30': '2026-03-06T23:30:00-05:00',
      'Sat 05:59 (Friday’s shift)': '2026-03-07T05:59:00-05:00',
      'Sat 06:00': '2026-03-07T06:00:00-05:00',
      'Sat 22:30 (no Saturday shift)': '2026-03-07T22:30:00-05:00',
      // Sunday 8 March: 02:00 EST became 03:00 EDT (−04:00).
      'Sun 03:30 EDT (Saturday had no shift)': '2026-03-08T03:30:00-04:00',
      'Sun 22:00 (no Sunday shift)': '2026-03-08T22:00:00-04:00',
      // Under EST these would read Mon 21:00 (off) and Tue 05:30 (on): the offset of the moment counts.
      'Mon 22:00 EDT': '2026-03-09T22:00:00-04:00',
      'Tue 06:30 EDT': '2026-03-10T06:30:00-04:00',
      // Sunday 1 November: 02:00 EDT became 01:00 EST. Under EDT this would read 06:45 (off).
      'Mon 05:45 EST (Sunday had no shift)': '2026-11-02T05:45:00-05:00',
      'Tue 05:45 EST (Monday’s shift)': '2026-11-03T05:45:00-05:00',
    } as const;
    const cache = cacheWithEventsAt(Object.values(moments));
    const flagged = offHoursFlagged(cache, { enabled: true, startHour: 22, endHour: 6, workDays: [1, 2, 3, 4, 5], timeZone: 'America/New_York' });
    const expectedOff: Array<keyof typeof moments> = ['Sat 06:00', 'Sat 22:30 (no Saturday shift)', 'Sun 03:30 EDT (Saturday had no shift)', 'Sun 22:00 (no Sunday shift)', 'Tue 06:30 EDT', 'Mon 05:45 EST (Sunday had no shift)'];
    expect(flagged).toEqual(expectedOff.map((name) => moments[name]));
    cache.close();
  });

  it('"to midnight" (end hour 0): 23:59 is in, 00:00 the next day is out; same-day hours stop at the end hour', () => {
    const moments = ['2026-07-03T23:59:00+02:00', '2026-07-04T00:00:00+02:00', '2026-07-06T07:59:00+02:00', '2026-07-06T08:00:00+02:00', '2026-07-06T17:59:00+02:00', '2026-07-06T18:00:00+02:00'];
    const cache = cacheWithEventsAt(moments);
    expect(offHoursFlagged(cache, { enabled: true, startHour: 8, endHour: 0, workDays: [1, 2, 3, 4, 5], timeZone: 'Europe/Berlin' })).toEqual([moments[1], moments[2]]);
    expect(offHoursFlagged(cache, { enabled: true, startHour: 8, endHour: 18, workDays: [1, 2, 3, 4, 5], timeZone: 'Europe/Berlin' })).toEqual([moments[0], moments[1], moments[2], moments[5]]);
    cache.close();
  });

  it('the JS statement of the rule agrees with the SQL for every hour of a fortnight across a change', () => {
    const rule = { startHour: 21, endHour: 5, workDays: [1, 3, 5, 7] };
    const start = DateTime.fromISO('2026-03-25T00:00:00', { zone: 'Europe/London' });
    const instants = Array.from({ length: 14 * 24 * 2 }, (_unused, index) => start.plus({ minutes: 30 * index }).toISO()!);
    const cache = cacheWithEventsAt(instants);
    const flagged = new Set(offHoursFlagged(cache, { enabled: true, ...rule, timeZone: 'Europe/London' }));
    const byJs = instants.filter((instant) => {
      const local = DateTime.fromISO(instant).setZone('Europe/London');
      return !isWithinWorkingHours(rule, { weekday: local.weekday, hour: local.hour });
    });
    expect(byJs.length).toBeGreaterThan(0);
    expect(byJs.length).toBeLessThan(instants.length);
    expect([...flagged].sort()).toEqual([...byJs].sort());
    cache.close();
  });

  it('rules stored before hours were 0–23 ("to hour 24") are read as "to midnight" (end hour 0), flagging the same events', () => {
    const moments = ['2026-07-03T23:59:00+02:00', '2026-07-04T00:00:00+02:00', '2026-07-06T07:59:00+02:00', '2026-07-06T08:00:00+02:00'];
    const cache = cacheWithEventsAt(moments);
    const db = cache.database();
    const legacy = {
      ...DEFAULT_FLAG_RULES,
      deletion: { enabled: false },
      sensitiveFields: { enabled: false, fields: [] },
      apiByPerson: { enabled: false, sources: [] },
      offHours: { enabled: true, startHour: 8, endHour: 24, workDays: [1, 2, 3, 4, 5], timeZone: 'Europe/Berlin' },
    };
    db.prepare("INSERT INTO review_state (key, value) VALUES ('rules', ?)").run(JSON.stringify(legacy));
    expect(storedFlagRules(db)?.offHours).toEqual({ enabled: true, startHour: 8, endHour: 0, workDays: [1, 2, 3, 4, 5], timeZone: 'Europe/Berlin' });
    recomputeAllFlags(db);
    const flagged = db
      .prepare<[], { audited_time: string }>(`SELECT e.audited_time FROM event_flags f JOIN events e ON e.id = f.event_rowid WHERE f.flag = 'off_hours' ORDER BY e.audited_at_ms`)
      .all()
      .map((row) => row.audited_time);
    expect(flagged).toEqual([moments[1], moments[2]]);
    cache.close();
  });
});
