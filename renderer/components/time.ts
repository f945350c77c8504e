import { DateTime } from 'luxon';
import type { Settings } from '../../preload/contract';

/**
 * Formats a Zoho audited_time in the zone the user chose. 'org' keeps the offset Zoho recorded
 * (Zoho writes times in the organisation's zone), so nothing is converted.
 */
export function formatAuditedTime(iso: string, zone: Settings['timeZone']): string {
  const original = DateTime.fromISO(iso, { setZone: true });
  if (!original.isValid) return iso;
  const shown =
    zone.kind === 'org' ? original : zone.kind === 'utc' ? original.toUTC() : zone.kind === 'local' ? original.toLocal() : original.setZone(zone.zone);
  return shown.toFormat('yyyy-LL-dd HH:mm:ss ZZ');
}

export function formatTimestamp(ms: number | null): string {
  return ms === null ? '—' : DateTime.fromMillis(ms).toFormat('yyyy-LL-dd HH:mm');
}
