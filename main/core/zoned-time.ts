/**
 * The one time model. Every view that shows or buckets an instant — review table and detail,
 * heatmaps, day/hour filters, CSV, PDF — goes through this module, so they all agree.
 *
 * An instant (Zoho's audited_time, ISO 8601 with its offset, or epoch ms) plus the time-zone
 * setting gives a wall-clock time in a zone. Daylight saving is followed everywhere: the offset used
 * is the one in force AT THAT INSTANT in that zone, never today's offset and never the offset Zoho
 * happened to write (that stays visible in an event's raw JSON).
 */
import { DateTime, IANAZone } from 'luxon';
import type { OrgTimeZoneView, Settings } from '../../preload/contract.js';
import { AuditorError } from './errors.js';

/** The stored setting: local | utc | org | zone (an IANA zone the person chose). */
export type TimeZoneSetting = Settings['timeZone'];

/**
 * What is known about the organisation's zone (Zoho CRM GET /crm/v8/org → org[0].time_zone),
 * read at sign-in and kept with the connection.
 */
export type OrgTimeZone = OrgTimeZoneView;

export interface ZoneContext {
  org: OrgTimeZone;
  /** The machine's IANA zone (Intl's resolved zone). */
  localZone: string;
}

/** The setting resolved to one zone, with words for it. */
export interface ResolvedTimeZone {
  setting: TimeZoneSetting['kind'];
  /** An IANA zone name, or 'UTC'. */
  zone: string;
  /** For people: "Europe/Berlin (the organisation's zone)", "UTC (the organisation's zone could not be read: …)". */
  label: string;
  /** Set when the setting could not be honoured and `zone` is a fallback (shown, never silent). */
  fallbackReason: string | null;
}

export const ORG_FALLBACK_ZONE = 'UTC';

export function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function isKnownTimeZone(zone: string): boolean {
  return zone === 'UTC' || IANAZone.isValidZone(zone);
}

export function assertTimeZone(zone: string): void {
  if (!isKnownTimeZone(zone)) {
    throw new AuditorError('EXPORT_BAD_TIME_ZONE', `"${zone}" is not a time zone this app knows.`, {
      hint: 'Use an IANA time zone name such as Europe/Berlin, America/New_York or Asia/Kolkata, or UTC.',
    });
  }
}

/** The one place the setting becomes a zone. */
export function resolveZoneSetting(setting: TimeZoneSetting, context: ZoneContext): ResolvedTimeZone {
  switch (setting.kind) {
    case 'utc':
      return { setting: 'utc', zone: 'UTC', label: 'UTC', fallbackReason: null };
    case 'local': {
      const zone = isKnownTimeZone(context.localZone) ? context.localZone : 'UTC';
      return zone === context.localZone
        ? { setting: 'local', zone, label: `${zone} (this computer's zone)`, fallbackReason: null }
        : { setting: 'local', zone, label: `UTC (this computer's zone "${context.localZone}" is not known)`, fallbackReason: `this computer's zone "${context.localZone}" is not known` };
    }
    case 'zone':
      if (isKnownTimeZone(setting.zone)) return { setting: 'zone', zone: setting.zone, label: setting.zone, fallbackReason: null };
      return { setting: 'zone', zone: 'UTC', label: `UTC ("${setting.zone}" is not a known time zone)`, fallbackReason: `"${setting.zone}" is not a known time zone` };
    case 'org': {
      const org = context.org;
      if (org.state === 'read' && isKnownTimeZone(org.zone)) {
        return { setting: 'org', zone: org.zone, label: `${org.zone} (the organisation's zone)`, fallbackReason: null };
      }
      const reason = org.state === 'read' ? `Zoho named the zone "${org.zone}", which this app does not know` : org.reason;
      return {
        setting: 'org',
        zone: ORG_FALLBACK_ZONE,
        label: `${ORG_FALLBACK_ZONE} (the organisation's zone could not be read: ${reason})`,
        fallbackReason: `the organisation's zone could not be read: ${reason}`,
      };
    }
  }
}

// ---- instants -----------------------------------------------------------------------------------

/** ISO 8601 date-time WITH an offset (Zoho writes 2023-06-08T07:32:21+01:00). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Zoho's audited_time or epoch ms → epoch ms; null when it is not an instant. Text without an offset
 * is refused rather than read in some guessed zone. (Date.parse once the shape is checked: this runs
 * once per exported row.)
 */
export function instantOf(input: string | number): number | null {
  if (typeof input === 'number') return Number.isFinite(input) ? input : null;
  if (!ISO_INSTANT.test(input)) return null;
  const ms = Date.parse(input);
  return Number.isNaN(ms) ? null : ms;
}

// ---- the clock ----------------------------------------------------------------------------------

export interface ZonedTime {
  /** Epoch ms of the instant. */
  ms: number;
  /** 2026-03-29T03:00:00+02:00 (milliseconds only when not zero). */
  iso: string;
  /** 2026-03-29 03:00:00 +02:00 — what the table and detail show. */
  human: string;
  /** The zone's offset from UTC at this instant, in minutes. */
  offsetMinutes: number;
  /** 0 = Monday … 6 = Sunday, in the zone. */
  weekday: number;
  /** 0–23, in the zone. */
  hour: number;
  /** 0 (Monday 00:00–00:59) … 167 (Sunday 23:00–23:59), in the zone. */
  hourOfWeek: number;
  /** YYYY-MM-DD, in the zone. */
  date: string;
  /** Days since 1970-01-01 of `date` (a key that sorts). */
  dayNumber: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, value) => String(value).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, '0'));

/**
 * The offset over one UTC day: one number when it does not change that day; the change found once
 * when it does (offset changes happen on whole minutes); 'exact' for the freak day with two changes.
 */
type DayOffsets = number | { changeAt: number; before: number; after: number } | 'exact';

/**
 * Instants → wall-clock times in one zone. Offsets come from luxon (IANA rules), looked up once per
 * UTC day (twice more, plus a binary search, on a day the clocks change), so a heatmap over a million
 * events costs a million Map lookups, not a million luxon calls — and every offset is the one in
 * force at that instant.
 */
export class ZoneClock {
  private readonly iana: IANAZone | null;
  private readonly days = new Map<number, DayOffsets>();
  private isoDay = Number.NaN;
  private isoDayText = '';
  private isoOffset = Number.NaN;
  private isoOffsetText = '';

  constructor(readonly zone: string) {
    assertTimeZone(zone);
    this.iana = zone === 'UTC' ? null : IANAZone.create(zone);
  }

  offsetAt(ms: number): number {
    const iana = this.iana;
    if (iana === null) return 0;
    const day = Math.floor(ms / DAY_MS);
    let offsets = this.days.get(day);
    if (offsets === undefined) {
      if (this.days.size > 100_000) this.days.clear();
      offsets = dayOffsets(iana, day * DAY_MS);
      this.days.set(day, offsets);
    }
    if (typeof offsets === 'number') return offsets;
    if (offsets === 'exact') return iana.offset(ms);
    return ms < offsets.changeAt ? offsets.before : offsets.after;
  }

  /** ms + offset: the wall clock read as if it were UTC. */
  wallMs(ms: number): number {
    return ms + this.offsetAt(ms) * 60_000;
  }

  at(ms: number): ZonedTime {
    const offsetMinutes = this.offsetAt(ms);
    const wall = ms + offsetMinutes * 60_000;
    const text = new Date(wall).toISOString();
    const clock = ms % 1000 === 0 ? text.slice(11, 19) : text.slice(11, 23);
    const date = text.slice(0, 10);
    const offset = formatOffset(offsetMinutes);
    const hourOfWeek = hourOfWeekOfWall(wall);
    return {
      ms,
      iso: `${date}T${clock}${offset}`,
      human: `${date} ${clock} ${offset}`,
      offsetMinutes,
      weekday: Math.floor(hourOfWeek / 24),
      hour: hourOfWeek % 24,
      hourOfWeek,
      date,
      dayNumber: Math.floor(wall / DAY_MS),
    };
  }

  /**
   * Just the ISO text (the CSV needs nothing else, once per row): the date text kept for the day
   * and the offset's for the offset (an export runs in time order: both change rarely), the clock
   * from tables — not a Date and its toISOString per row (~0.5 s of a million-event CSV).
   */
  iso(ms: number): string {
    const offsetMinutes = this.offsetAt(ms);
    const wall = ms + offsetMinutes * 60_000;
    const day = Math.floor(wall / DAY_MS);
    if (day !== this.isoDay) {
      this.isoDayText = new Date(day * DAY_MS).toISOString().slice(0, 10);
      this.isoDay = day;
    }
    if (offsetMinutes !== this.isoOffset) {
      this.isoOffsetText = formatOffset(offsetMinutes);
      this.isoOffset = offsetMinutes;
    }
    const inDay = wall - day * DAY_MS;
    const clock = `${TWO_DIGITS[Math.floor(inDay / HOUR_MS)]}:${TWO_DIGITS[Math.floor(inDay / MINUTE_MS) % 60]}:${TWO_DIGITS[Math.floor(inDay / 1000) % 60]}`;
    return `${this.isoDayText}T${ms % 1000 === 0 ? clock : `${clock}.${THREE_DIGITS[inDay % 1000]}`}${this.isoOffsetText}`;
  }

  hourOfWeek(ms: number): number {
    return hourOfWeekOfWall(this.wallMs(ms));
  }

  dayNumber(ms: number): number {
    return Math.floor(this.wallMs(ms) / DAY_MS);
  }

  /** Zoho's audited_time (or ms) in this zone; null when the text is not an instant. */
  of(input: string | number): ZonedTime | null {
    const ms = instantOf(input);
    return ms === null ? null : this.at(ms);
  }

  /**
   * The instants of the local days first…last (inclusive): [start, end) in epoch ms. A day is 23 or
   * 25 hours long when the clocks change; a midnight that does not exist starts the day at the first
   * wall time that does.
   */
  dayRange(firstDay: string, lastDay: string = firstDay): { startMs: number; endMs: number } {
    return { startMs: this.startOfDay(parseDayKey(firstDay)), endMs: this.startOfDay(parseDayKey(lastDay) + 1) };
  }

  private startOfDay(dayNumber: number): number {
    const [year, month, day] = dayKeyOf(dayNumber).split('-').map(Number) as [number, number, number];
    return DateTime.fromObject({ year, month, day }, { zone: this.iana ?? 'UTC' })
      .startOf('day')
      .toMillis();
  }
}

function dayOffsets(iana: IANAZone, start: number): DayOffsets {
  const end = start + DAY_MS - 1;
  // Sampled every 6 hours too, so a day that changes and changes back is not taken as constant.
  const samples = [start, start + 6 * HOUR_MS, start + 12 * HOUR_MS, start + 18 * HOUR_MS, end].map((ms) => iana.offset(ms));
  const before = samples[0] as number;
  const after = samples[4] as number;
  const changes = samples.filter((offset, index) => index > 0 && offset !== samples[index - 1]).length;
  if (changes === 0) return before;
  if (changes > 1) return 'exact';
  // Binary search for the first minute with the new offset.
  let low = start; // offset(low) === before
  let high = Math.floor(end / MINUTE_MS) * MINUTE_MS; // offset(high) === after (a change lands on a minute)
  if (iana.offset(high) !== after) return 'exact';
  while (high - low > MINUTE_MS) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
    if (iana.offset(middle) === before) low = middle;
    else high = middle;
  }
  // One change that day, or call it exact (two changes in one day are not handled by one split).
  return iana.offset(high - 1) === before && iana.offset(high) === after && iana.offset(end) === after && iana.offset(start) === before ? { changeAt: high, before, after } : 'exact';
}

const clocks = new Map<string, ZoneClock>();

/** One shared clock per zone (its offset cache is reused by every caller). */
export function zoneClock(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (clock === undefined) {
    clock = new ZoneClock(zone);
    clocks.set(zone, clock);
  }
  return clock;
}

/** An instant in a zone, or null when the input is not an instant. */
export function zonedTime(input: string | number, zone: string): ZonedTime | null {
  return zoneClock(zone).of(input);
}

// ---- small helpers ------------------------------------------------------------------------------

/** 1970-01-01 was a Thursday: +72 hours makes 0 = Monday 00:00. Math.floor keeps times before 1970 right. */
function hourOfWeekOfWall(wallMs: number): number {
  return (((Math.floor(wallMs / HOUR_MS) + 72) % 168) + 168) % 168;
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
}

/** Days since 1970-01-01 → YYYY-MM-DD. */
export function dayKeyOf(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** YYYY-MM-DD → days since 1970-01-01; throws on anything that is not a real calendar day. */
export function parseDayKey(text: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(ms) || dayKeyOf(ms / DAY_MS) !== text) throw new RangeError(`"${text}" is not a day (YYYY-MM-DD).`);
  return ms / DAY_MS;
}
