import { DateTime } from 'luxon';

/**
 * The one way a date-time is written on screen: ISO-like, 24-hour, with the offset in force at that
 * instant in the chosen zone ("2026-03-01 14:05:09 +01:00") — the same text main's core/zoned-time
 * gives as `human` (the Review table's rows carry it ready-made as `shownTime`).
 */
export const DATE_TIME_FORMAT = 'yyyy-LL-dd HH:mm:ss ZZ';
/** What a person types into a time input: ISO-like, 24-hour, in the zone the input names. */
export const TYPED_TIME_FORMAT = 'yyyy-LL-dd HH:mm';
export const TYPED_TIME_PLACEHOLDER = 'yyyy-mm-dd hh:mm';
export const TYPED_DAY_PLACEHOLDER = 'yyyy-mm-dd';

/** Zoho's audited_time re-expressed in `zone` (the setting as main resolves it: `settings:time-zone`). */
export function formatAuditedTime(iso: string, zone: string): string {
  const original = DateTime.fromISO(iso, { setZone: true });
  if (!original.isValid) return iso;
  const shown = original.setZone(zone);
  return shown.isValid ? shown.toFormat(DATE_TIME_FORMAT) : iso;
}

/** A moment the app itself recorded (epoch ms): same format; the computer's zone unless one is given. */
export function formatTimestamp(ms: number | null, zone?: string): string {
  if (ms === null) return '—';
  const time = DateTime.fromMillis(ms, zone === undefined ? {} : { zone });
  return (time.isValid ? time : DateTime.fromMillis(ms)).toFormat(DATE_TIME_FORMAT);
}

/** "Europe/Berlin, UTC+01:00" (the offset now): what a time input says its typed times mean. */
export function zoneCaption(zone: string, at: DateTime = DateTime.now()): string {
  const there = at.setZone(zone);
  return there.isValid ? `${zone}, UTC${there.toFormat('ZZ')}` : zone;
}

const TYPED = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * A typed time ("2026-03-01 14:05", "2026-03-01T14:05:09", "2026-03-01") read in `zone`; null when it
 * is not one (or names a wall time that does not exist there, like 25:00 or 2026-02-30).
 */
export function parseTypedTime(text: string, zone: string): DateTime | null {
  const match = TYPED.exec(text.trim());
  if (match === null) return null;
  const [, year, month, day, hour = '0', minute = '0', second = '0'] = match;
  const time = DateTime.fromObject({ year: Number(year), month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second) }, { zone });
  if (!time.isValid) return null;
  // luxon rolls impossible values over (hour 24 → next day): such input is refused, not reinterpreted.
  if (time.year !== Number(year) || time.month !== Number(month) || time.day !== Number(day) || time.hour !== Number(hour) || time.minute !== Number(minute)) return null;
  return time;
}

/** A typed day ("2026-03-01"), or null. */
export function parseTypedDay(text: string): string | null {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return null;
  return DateTime.fromISO(trimmed).isValid ? trimmed : null;
}

/**
 * What a time input shows for a stored value: the builder's own typed text, or an absolute ISO time
 * (a saved view keeps those) re-expressed in `zone` — so a re-applied view shows its dates.
 */
export function typedTimeText(value: unknown, zone: string): string {
  if (typeof value !== 'string' || value.trim() === '') return '';
  const typed = parseTypedTime(value, zone);
  if (typed !== null && !/[zZ]|[+-]\d{2}:?\d{2}$/.test(value.trim())) return value.trim();
  const absolute = DateTime.fromISO(value.trim(), { setZone: true });
  if (!absolute.isValid) return value;
  const there = absolute.setZone(zone);
  return there.toFormat(there.second === 0 ? TYPED_TIME_FORMAT : `${TYPED_TIME_FORMAT}:ss`);
}

/** A moment of this app's own (synced, exported, expires) in the same form as audited times: ISO-like, with the zone's offset. */
export function formatInstant(ms: number | null, zone: string): string {
  if (ms === null) return '—';
  const shown = DateTime.fromMillis(ms, { zone });
  return (shown.isValid ? shown : DateTime.fromMillis(ms)).toFormat('yyyy-LL-dd HH:mm:ss ZZ');
}
