import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { instantOf, resolveZoneSetting, ZoneClock, zonedTime } from '../../../main/core/zoned-time.js';

const ms = (iso: string): number => Date.parse(iso);
const SUNDAY = 6;

describe('ZoneClock across daylight-saving changes', () => {
  it('Europe/Berlin 2026-03-29: the hour 02:00–02:59 is skipped, the offset changes at that instant', () => {
    const berlin = new ZoneClock('Europe/Berlin');
    const before = berlin.at(ms('2026-03-29T00:59:59Z'));
    const after = berlin.at(ms('2026-03-29T01:00:00Z'));
    expect(before.iso).toBe('2026-03-29T01:59:59+01:00');
    expect(after.iso).toBe('2026-03-29T03:00:00+02:00');
    expect(after.human).toBe('2026-03-29 03:00:00 +02:00');
    expect([before.weekday, before.hour, before.hourOfWeek]).toEqual([SUNDAY, 1, SUNDAY * 24 + 1]);
    expect([after.weekday, after.hour, after.hourOfWeek]).toEqual([SUNDAY, 3, SUNDAY * 24 + 3]);
    // No instant of that day lands in the skipped local hour 2.
    const hours = new Set<number>();
    for (let t = ms('2026-03-28T23:00:00Z'); t < ms('2026-03-29T22:00:00Z'); t += 60_000) hours.add(berlin.at(t).hour);
    expect(hours.has(2)).toBe(false);
    expect(hours.size).toBe(23);
  });

  it('Europe/Berlin 2026-10-25: the hour 02:00–02:59 happens twice, both go to hour 2 with their own offsets', () => {
    const berlin = new ZoneClock('Europe/Berlin');
    const first = berlin.at(ms('2026-10-25T00:30:00Z'));
    const second = berlin.at(ms('2026-10-25T01:30:00Z'));
    expect(first.iso).toBe('2026-10-25T02:30:00+02:00');
    expect(second.iso).toBe('2026-10-25T02:30:00+01:00');
    expect(first.hourOfWeek).toBe(SUNDAY * 24 + 2);
    expect(second.hourOfWeek).toBe(SUNDAY * 24 + 2);
    expect(first.date).toBe('2026-10-25');
    expect(second.dayNumber).toBe(first.dayNumber);
  });

  it('America/New_York 2026-03-08 and 2026-11-01', () => {
    const york = new ZoneClock('America/New_York');
    expect(york.at(ms('2026-03-08T06:59:00Z')).iso).toBe('2026-03-08T01:59:00-05:00');
    expect(york.at(ms('2026-03-08T07:00:00Z')).iso).toBe('2026-03-08T03:00:00-04:00');
    expect(york.at(ms('2026-11-01T05:30:00Z')).iso).toBe('2026-11-01T01:30:00-04:00');
    expect(york.at(ms('2026-11-01T06:30:00Z')).iso).toBe('2026-11-01T01:30:00-05:00');
    // Late evening UTC is the previous day in New York.
    expect(york.at(ms('2026-07-01T02:00:00Z')).date).toBe('2026-06-30');
  });

  it('uses the offset at the instant, not today’s: winter and summer events in one zone differ', () => {
    const berlin = new ZoneClock('Europe/Berlin');
    expect(berlin.at(ms('2026-01-15T12:00:00Z')).hour).toBe(13);
    expect(berlin.at(ms('2026-07-15T12:00:00Z')).hour).toBe(14);
  });

  it('an offset change inside a cached 15-minute slice is exact (Lord Howe changes by 30 minutes at 02:00 local)', () => {
    const lordHowe = new ZoneClock('Australia/Lord_Howe');
    // 2026-04-05 02:00 +11:00 → 01:30 +10:30, i.e. at 2026-04-04T15:00Z
    expect(lordHowe.at(ms('2026-04-04T14:59:59Z')).offsetMinutes).toBe(660);
    expect(lordHowe.at(ms('2026-04-04T15:00:00Z')).offsetMinutes).toBe(630);
  });

  it('day ranges are 23 and 25 hours long on change days; a missing midnight starts the day at 01:00', () => {
    const berlin = new ZoneClock('Europe/Berlin');
    const spring = berlin.dayRange('2026-03-29');
    expect(spring).toEqual({ startMs: ms('2026-03-28T23:00:00Z'), endMs: ms('2026-03-29T22:00:00Z') });
    const autumn = berlin.dayRange('2026-10-25');
    expect(autumn.endMs - autumn.startMs).toBe(25 * 3_600_000);
    expect(berlin.dayRange('2026-10-24', '2026-10-25')).toEqual({ startMs: ms('2026-10-23T22:00:00Z'), endMs: ms('2026-10-25T23:00:00Z') });
    // Havana springs forward at midnight: 2026-03-08 00:00 does not exist.
    const havana = new ZoneClock('America/Havana');
    expect(havana.at(havana.dayRange('2026-03-08').startMs).iso).toBe('2026-03-08T01:00:00-04:00');
    expect(() => berlin.dayRange('2026-02-30')).toThrow(RangeError);
  });

  it('keeps milliseconds only when there are some; before 1970 buckets correctly', () => {
    const utc = new ZoneClock('UTC');
    expect(utc.at(ms('2026-03-29T01:00:00.250Z')).iso).toBe('2026-03-29T01:00:00.250+00:00');
    const old = utc.at(ms('1969-12-31T23:30:00Z'));
    expect([old.date, old.weekday, old.hour]).toEqual(['1969-12-31', 2, 23]);
  });
});

describe('ZoneClock offsets = luxon offsets', () => {
  it('for every minute around each change and random instants over a decade, in zones with odd rules', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'America/Havana', 'America/Santiago', 'Pacific/Chatham', 'Asia/Kathmandu', 'Europe/Dublin']) {
      const clock = new ZoneClock(zone);
      const mismatches: string[] = [];
      const check = (ms: number): void => {
        const expected = DateTime.fromMillis(ms, { zone }).offset;
        if (clock.offsetAt(ms) !== expected) mismatches.push(`${zone} ${new Date(ms).toISOString()}`);
      };
      let seed = 7;
      const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
      const from = ms('2018-01-01T00:00:00Z');
      const to = ms('2028-01-01T00:00:00Z');
      for (let index = 0; index < 5_000; index += 1) check(from + Math.floor(random() * (to - from)));
      // Every minute of each day on which the offset changes in 2026.
      for (let day = ms('2026-01-01T00:00:00Z'); day < ms('2027-01-01T00:00:00Z'); day += 86_400_000) {
        if (DateTime.fromMillis(day, { zone }).offset === DateTime.fromMillis(day + 86_399_999, { zone }).offset) continue;
        for (let minute = day; minute < day + 86_400_000; minute += 60_000) {
          check(minute);
          check(minute - 1);
        }
      }
      expect(mismatches.slice(0, 5), zone).toEqual([]);
    }
  });
});

describe('ZoneClock.iso', () => {
  it('is the wall clock of at() (luxon’s offset, toISOString’s text) in time order and at random, before 1970 and around changes', () => {
    // What iso() did before it kept the day's and the offset's text: one Date and toISOString per call.
    const reference = (clock: ZoneClock, instant: number): string => {
      const offset = DateTime.fromMillis(instant, { zone: clock.zone }).offset;
      const text = new Date(instant + offset * 60_000).toISOString();
      const sign = offset < 0 ? '-' : '+';
      const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
      const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
      return `${instant % 1000 === 0 ? text.slice(0, 19) : text.slice(0, 23)}${sign}${hours}:${minutes}`;
    };
    let seed = 11;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (const zone of ['UTC', 'Europe/Berlin', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/Santiago']) {
      const clock = new ZoneClock(zone);
      const instants: number[] = [];
      // In time order (as an export reads): every 37 minutes 13.5 seconds across 2026, then at random from 1890 to 2100.
      for (let instant = ms('2026-01-01T00:00:00Z'); instant < ms('2027-01-01T00:00:00Z'); instant += 2_233_500) instants.push(instant, instant + 1);
      const from = ms('1890-01-01T00:00:00Z');
      const to = ms('2100-01-01T00:00:00Z');
      for (let index = 0; index < 5_000; index += 1) instants.push(from + Math.floor(random() * (to - from)));
      instants.push(-1, -1000, -1500, 0, 999, ms('1969-12-31T23:59:59.999Z'));
      const mismatches = instants.filter((instant) => clock.iso(instant) !== reference(clock, instant)).map((instant) => `${zone} ${instant}: ${clock.iso(instant)} ≠ ${reference(clock, instant)}`);
      expect(mismatches.slice(0, 3), zone).toEqual([]);
    }
  });
});

describe('instants', () => {
  it('reads Zoho’s audited_time with its offset, and refuses text without one', () => {
    expect(instantOf('2026-10-25T02:30:00+01:00')).toBe(ms('2026-10-25T01:30:00Z'));
    expect(instantOf('2026-10-25T02:30:00')).toBeNull();
    expect(instantOf('not a time')).toBeNull();
    expect(zonedTime('2026-10-25T02:30:00+01:00', 'America/New_York')?.iso).toBe('2026-10-24T21:30:00-04:00');
  });
});

describe('resolveZoneSetting', () => {
  const read = { org: { state: 'read' as const, zone: 'Europe/Berlin' }, localZone: 'America/New_York' };
  it('maps each setting to one zone', () => {
    expect(resolveZoneSetting({ kind: 'org' }, read)).toMatchObject({ zone: 'Europe/Berlin', fallbackReason: null });
    expect(resolveZoneSetting({ kind: 'local' }, read)).toMatchObject({ zone: 'America/New_York', fallbackReason: null });
    expect(resolveZoneSetting({ kind: 'utc' }, read)).toMatchObject({ zone: 'UTC', label: 'UTC' });
    expect(resolveZoneSetting({ kind: 'zone', zone: 'Asia/Kolkata' }, read)).toMatchObject({ zone: 'Asia/Kolkata' });
  });
  it('says so when the organisation’s zone is not known', () => {
    const unread = resolveZoneSetting({ kind: 'org' }, { org: { state: 'unread', reason: 'Zoho answered 500' }, localZone: 'UTC' });
    expect(unread.zone).toBe('UTC');
    expect(unread.label).toBe("UTC (the organisation's zone could not be read: Zoho answered 500)");
    const odd = resolveZoneSetting({ kind: 'org' }, { org: { state: 'read', zone: 'Mars/Olympus' }, localZone: 'UTC' });
    expect(odd.zone).toBe('UTC');
    expect(odd.fallbackReason).toContain('Mars/Olympus');
  });
});
