import type { Database } from 'better-sqlite3';
import { DateTime } from 'luxon';
import type { FlagRules, ReviewFlag } from '../../preload/contract.js';

export const DEFAULT_FLAG_RULES: FlagRules = {
  offHours: { enabled: true, startHour: 8, endHour: 18, workDays: [1, 2, 3, 4, 5], timeZone: 'UTC' },
  massChange: { enabled: true, events: 20, minutes: 10 },
  apiByPerson: { enabled: true, sources: ['crm_api', 'bulkapi', 'mass_delete_via_crm_api'] },
  ownerChange: { enabled: true },
  deletion: { enabled: true },
  sensitiveFields: { enabled: true, fields: ['Email', 'Phone', 'Annual_Revenue'] },
};

const HOUR_MS = 3_600_000;

/**
 * Recomputes every event's flags from the rules, in one transaction (the caller's). The simple
 * rules are one INSERT … SELECT each; working hours (time zone with daylight saving) and bursts
 * (a sliding window per user) are one ordered pass in JS. Returns how many events carry a flag.
 */
export function recomputeFlags(db: Database, rules: FlagRules): number {
  db.prepare('DELETE FROM event_flags').run();
  const insertSelect = (flag: ReviewFlag, sql: string, ...params: unknown[]): void => {
    db.prepare(`INSERT OR IGNORE INTO event_flags (event_rowid, flag) SELECT e.id, '${flag}' FROM events e WHERE ${sql}`).run(...params);
  };
  if (rules.deletion.enabled) insertSelect('deletion', `e.action = 'deleted' OR e.source LIKE 'mass\\_delete%' ESCAPE '\\'`);
  if (rules.ownerChange.enabled) {
    insertSelect('owner_change', `e.action = 'owner_assigned' OR EXISTS (SELECT 1 FROM field_changes fc WHERE fc.event_rowid = e.id AND fc.api_name = 'Owner')`);
  }
  if (rules.sensitiveFields.enabled && rules.sensitiveFields.fields.length > 0) {
    insertSelect('sensitive_field', `EXISTS (SELECT 1 FROM field_changes fc WHERE fc.event_rowid = e.id AND fc.api_name IN (SELECT value FROM json_each(?)))`, JSON.stringify(rules.sensitiveFields.fields));
  }
  if (rules.apiByPerson.enabled && rules.apiByPerson.sources.length > 0) {
    // A person's account: Zoho's done_by.type__s "regular user" on the event, else as the user list says.
    insertSelect(
      'api_by_person',
      `e.source IN (SELECT value FROM json_each(?)) AND lower(coalesce(
         (SELECT json_extract(r.raw_json, '$.done_by.type__s') FROM event_raw r WHERE r.event_rowid = e.id),
         (SELECT json_extract(u.raw_json, '$.type__s') FROM users u WHERE u.id = e.done_by_id), '')) = 'regular user'`,
      JSON.stringify(rules.apiByPerson.sources),
    );
  }
  const insert = db.prepare<[number, string], unknown>('INSERT OR IGNORE INTO event_flags (event_rowid, flag) VALUES (?, ?)');
  if (rules.offHours.enabled) {
    const { startHour, endHour, workDays, timeZone } = rules.offHours;
    const days = new Set(workDays);
    const offsets = new Map<number, number>();
    const zone = DateTime.now().setZone(timeZone).isValid ? timeZone : 'UTC';
    const rows = db.prepare<[], { id: number; ms: number }>('SELECT id, audited_at_ms AS ms FROM events').raw(false).all();
    for (const row of rows) {
      // The zone's offset changes at most on hour boundaries: look it up once per UTC hour.
      const hourKey = Math.floor(row.ms / HOUR_MS);
      let offset = offsets.get(hourKey);
      if (offset === undefined) {
        offset = DateTime.fromMillis(hourKey * HOUR_MS, { zone }).offset * 60_000;
        offsets.set(hourKey, offset);
      }
      const local = new Date(row.ms + offset);
      const weekday = ((local.getUTCDay() + 6) % 7) + 1;
      const hour = local.getUTCHours();
      if (!days.has(weekday) || hour < startHour || hour >= endHour) insert.run(row.id, 'off_hours');
    }
  }
  if (rules.massChange.enabled) {
    const windowMs = rules.massChange.minutes * 60_000;
    const threshold = rules.massChange.events;
    const rows = db.prepare<[], { id: number; user: string; ms: number }>('SELECT id, done_by_id AS user, audited_at_ms AS ms FROM events ORDER BY done_by_id, audited_at_ms, id').all();
    let start = 0;
    let markedUpTo = -1;
    for (let end = 0; end < rows.length; end += 1) {
      const current = rows[end]!;
      if (end > 0 && rows[end - 1]!.user !== current.user) {
        start = end;
        markedUpTo = end - 1;
      }
      while (current.ms - rows[start]!.ms > windowMs) start += 1;
      if (end - start + 1 >= threshold) {
        for (let index = Math.max(start, markedUpTo + 1); index <= end; index += 1) insert.run(rows[index]!.id, 'mass_change');
        markedUpTo = end;
      }
    }
  }
  return (db.prepare('SELECT count(DISTINCT event_rowid) AS n FROM event_flags').get() as { n: number }).n;
}
