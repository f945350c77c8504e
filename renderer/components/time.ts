import { DateTime } from 'luxon';

/**
 * Zoho's audited_time re-expressed in `zone` (the setting as main resolves it: `settings:time-zone`),
 * with the offset in force at that instant — the same text main's core/zoned-time gives as `human`
 * (the Review table's rows carry it ready-made as `shownTime`).
 */
export function formatAuditedTime(iso: string, zone: string): string {
  const original = DateTime.fromISO(iso, { setZone: true });
  if (!original.isValid) return iso;
  const shown = original.setZone(zone);
  return shown.isValid ? shown.toFormat('yyyy-LL-dd HH:mm:ss ZZ') : iso;
}

export function formatTimestamp(ms: number | null): string {
  return ms === null ? '—' : DateTime.fromMillis(ms).toFormat('yyyy-LL-dd HH:mm');
}

/** A moment of this app's own (synced, exported, expires) in the same form as audited times: ISO-like, with the zone's offset. */
export function formatInstant(ms: number | null, zone: string): string {
  if (ms === null) return '—';
  const shown = DateTime.fromMillis(ms, { zone });
  return (shown.isValid ? shown : DateTime.fromMillis(ms)).toFormat('yyyy-LL-dd HH:mm:ss ZZ');
}
