import { DateTime } from 'luxon';
import { flagRulesSchema, type FlagRules, type ReviewFlag } from '../../preload/contract.js';
import type { CacheDatabase } from '../cache/index.js';

/**
 * Defaults that flag a minority (tests/integration/review/demo-flag-share.test.ts measures the share
 * on the demo workspace: a flag that marks most events means nothing):
 * - working hours are off until the reviewer sets the org's hours and zone (08–18 Mon–Fri in UTC
 *   marked ~70 % of a world-wide org's events);
 * - owner changes are off: assignment rules and schedulers reassign owners as routine;
 * - API by a person: the Bulk API and API mass deletes under a person's account (plain `crm_api`
 *   use by people is everyday integration work);
 * - sensitive fields: Email (where a changed address redirects a customer's mail).
 */
export const DEFAULT_FLAG_RULES: FlagRules = {
  offHours: { enabled: false, startHour: 8, endHour: 18, workDays: [1, 2, 3, 4, 5], timeZone: 'UTC' },
  massChange: { enabled: true, events: 20, minutes: 10 },
  apiByPerson: { enabled: true, sources: ['bulkapi', 'mass_delete_via_crm_api'] },
  ownerChange: { enabled: false },
  deletion: { enabled: true },
  sensitiveFields: { enabled: true, fields: ['Email'] },
};

/** review_state keys: the rules in force (JSON), and which rules and events the stored flags reflect. */
const RULES_KEY = 'rules';
const FLAGS_KEY = 'flags.state';
/** The bookkeeping of review's first release (rules + event digest, needing a scan to check); replaced by FLAGS_KEY. */
const LEGACY_FLAGS_KEY = 'flags';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/**
 * What the stored flags reflect: the rules (their JSON text, as stored under RULES_KEY) and every
 * event with rowid <= through. `stale` after events were removed (a burst may have lost members).
 */
interface FlagsState {
  rules: string;
  through: number;
  stale: boolean;
}

/** Which events a computation covers: all of them, or the rowids above a watermark plus some changed ones. */
type FlagScope = { kind: 'all' } | { kind: 'some'; fromRowid: number; changed: readonly number[] };

function readState(db: CacheDatabase, key: string): string | undefined {
  return db.prepare<[string], { value: string }>('SELECT value FROM review_state WHERE key = ?').get(key)?.value;
}

function writeState(db: CacheDatabase, key: string, value: string): void {
  db.prepare('INSERT INTO review_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** The rules stored in the cache file, or undefined when none were ever saved there. */
export function storedFlagRules(db: CacheDatabase): FlagRules | undefined {
  const text = readState(db, RULES_KEY);
  if (text === undefined) return undefined;
  try {
    const parsed = flagRulesSchema.safeParse(upgradeStoredFlagRules(JSON.parse(text)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Rules stored before hours were 0–23: "to hour 24" meant "to midnight", which is now end hour 0
 * (an overnight shift that ends at 00:00 covers the same hours).
 */
export function upgradeStoredFlagRules(value: unknown): unknown {
  const offHours = (value as { offHours?: { endHour?: unknown } } | null)?.offHours;
  if (offHours?.endHour !== 24) return value;
  return { ...(value as object), offHours: { ...offHours, endHour: 0 } };
}

function rulesText(db: CacheDatabase): { rules: FlagRules; text: string } {
  const rules = storedFlagRules(db) ?? DEFAULT_FLAG_RULES;
  return { rules, text: JSON.stringify(rules) };
}

function maxEventRowid(db: CacheDatabase): number {
  // max() of the rowid is one b-tree descent, whatever the table's size.
  return db.prepare<[], { top: number | null }>('SELECT max(id) AS top FROM events').get()?.top ?? 0;
}

function flaggedEvents(db: CacheDatabase): number {
  return db.prepare<[], { n: number }>('SELECT count(DISTINCT event_rowid) AS n FROM event_flags').get()?.n ?? 0;
}

/** Saves the rules in the cache file and recomputes every flag, in one transaction. Returns how many events are flagged. */
export function saveFlagRules(db: CacheDatabase, rules: FlagRules): number {
  const valid = flagRulesSchema.parse(rules);
  return db.transaction(() => {
    writeState(db, RULES_KEY, JSON.stringify(valid));
    return recomputeAllFlags(db);
  });
}

/** Recomputes every event's flags from the stored rules (set-based SQL, one statement per rule). */
export function recomputeAllFlags(db: CacheDatabase): number {
  return db.transaction(() => {
    const { rules, text } = rulesText(db);
    const through = maxEventRowid(db);
    db.prepare('DELETE FROM event_flags').run();
    computeFlags(db, rules, { kind: 'all' });
    db.prepare('DELETE FROM review_state WHERE key = ?').run(LEGACY_FLAGS_KEY);
    writeState(db, FLAGS_KEY, JSON.stringify({ rules: text, through, stale: false } satisfies FlagsState));
    return flaggedEvents(db);
  });
}

/**
 * Brings the flags up to date: nothing to do (two primary-key look-ups) when they reflect the
 * current rules and every event; the new events (rowid above the watermark) and `changed` ones when
 * some were written since; everything when the rules changed or events were removed.
 * Runs inside the caller's transaction when there is one (the cache's page-write hook).
 */
export function bringFlagsUpToDate(db: CacheDatabase, changed: readonly number[] = []): 'current' | 'incremental' | 'full' {
  const { rules, text } = rulesText(db);
  const state = parseState(readState(db, FLAGS_KEY));
  if (state === undefined || state.stale || state.rules !== text) {
    recomputeAllFlags(db);
    return 'full';
  }
  const top = maxEventRowid(db);
  const older = changed.filter((rowid) => rowid <= state.through);
  if (top <= state.through && older.length === 0) return 'current';
  db.transaction(() => {
    computeFlags(db, rules, { kind: 'some', fromRowid: state.through + 1, changed: older });
    writeState(db, FLAGS_KEY, JSON.stringify({ rules: text, through: Math.max(top, state.through), stale: false } satisfies FlagsState));
  });
  return 'incremental';
}

/** After events were removed: a burst may have lost members, so the next check recomputes everything. */
export function markFlagsStale(db: CacheDatabase): void {
  const state = parseState(readState(db, FLAGS_KEY));
  if (state !== undefined) writeState(db, FLAGS_KEY, JSON.stringify({ ...state, stale: true } satisfies FlagsState));
}

function parseState(text: string | undefined): FlagsState | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<FlagsState>;
    return typeof value.rules === 'string' && typeof value.through === 'number' && typeof value.stale === 'boolean' ? { rules: value.rules, through: value.through, stale: value.stale } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Inserts the flags of the events in `scope` (their old flags are deleted first). Every rule is one
 * INSERT … SELECT: working hours through a table of the zone's offset changes (daylight saving
 * followed), bursts through two window functions per user.
 */
function computeFlags(db: CacheDatabase, rules: FlagRules, scope: FlagScope): void {
  let target: { sql: string; params: unknown[] } = { sql: '1', params: [] };
  if (scope.kind === 'some') {
    // The events to flag, as a keyed temp table: each rule then seeks them by rowid (an `id >= ? OR
    // id IN (…)` condition would make SQLite scan every event, once per rule, on every page).
    db.exec('CREATE TEMP TABLE IF NOT EXISTS review_flag_target (id INTEGER PRIMARY KEY)');
    db.prepare('DELETE FROM temp.review_flag_target').run();
    db.prepare('INSERT INTO temp.review_flag_target (id) SELECT id FROM events WHERE id >= ?').run(scope.fromRowid);
    db.prepare('INSERT OR IGNORE INTO temp.review_flag_target (id) SELECT value FROM json_each(?)').run(JSON.stringify(scope.changed));
    target = { sql: 'e.id IN (SELECT id FROM temp.review_flag_target)', params: [] };
    db.prepare(`DELETE FROM event_flags WHERE event_rowid IN (SELECT id FROM temp.review_flag_target)`).run();
  }
  const insertSelect = (flag: ReviewFlag, sql: string, ...params: unknown[]): void => {
    db.prepare(`INSERT OR IGNORE INTO event_flags (event_rowid, flag) SELECT e.id, '${flag}' FROM events e WHERE ${target.sql} AND (${sql})`).run(...target.params, ...params);
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
  if (rules.offHours.enabled) computeOffHours(db, rules.offHours, target);
  if (rules.massChange.enabled) computeMassChange(db, rules.massChange, scope, target);
}

function computeOffHours(db: CacheDatabase, rule: FlagRules['offHours'], target: { sql: string; params: unknown[] }): void {
  const range = db.prepare<unknown[], { first: number | null; last: number | null }>(`SELECT min(e.audited_at_ms) AS first, max(e.audited_at_ms) AS last FROM events e WHERE ${target.sql}`).get(...target.params);
  if (range?.first == null || range.last == null) return;
  // The rules' schema admits only zones Intl knows; a zone an older runtime wrote and this one lacks counts as UTC.
  const zone = DateTime.now().setZone(rule.timeZone).isValid ? rule.timeZone : 'UTC';
  db.exec('CREATE TEMP TABLE IF NOT EXISTS review_zone_spans (from_ms INTEGER PRIMARY KEY, offset_ms INTEGER NOT NULL)');
  db.prepare('DELETE FROM temp.review_zone_spans').run();
  const insertSpan = db.prepare<[number, number], unknown>('INSERT INTO temp.review_zone_spans (from_ms, offset_ms) VALUES (?, ?)');
  for (const span of zoneSpans(zone, range.first, range.last)) insertSpan.run(span.fromMs, span.offsetMs);
  // Local time = UTC ms + the zone's offset then; integer arithmetic that floors before 1970 too.
  // Day 0 (1970-01-01) was a Thursday: weekday 1 = Monday … 7 = Sunday.
  const local = `(e.audited_at_ms + (SELECT s.offset_ms FROM temp.review_zone_spans s WHERE s.from_ms <= e.audited_at_ms ORDER BY s.from_ms DESC LIMIT 1))`;
  const msOfDay = `((local % ${DAY_MS}) + ${DAY_MS}) % ${DAY_MS}`;
  const weekday = `((((local - ${msOfDay}) / ${DAY_MS} + 3) % 7) + 7) % 7 + 1`;
  const hour = `${msOfDay} / 3600000`;
  // The day before (Monday → Sunday): an overnight shift's hours after midnight belong to the day it started.
  const dayBefore = `(((${weekday}) + 5) % 7) + 1`;
  const workDays = `(SELECT value FROM json_each(@workDays))`;
  const working = offHoursShift(rule) === 'same-day' ? `${weekday} IN ${workDays} AND ${hour} >= @startHour AND ${hour} < @endHour` : `(${weekday} IN ${workDays} AND ${hour} >= @startHour) OR (${dayBefore} IN ${workDays} AND ${hour} < @endHour)`;
  db.prepare(
    `INSERT OR IGNORE INTO event_flags (event_rowid, flag)
     SELECT id, 'off_hours' FROM (SELECT e.id, ${local} AS local FROM events e WHERE ${target.sql})
     WHERE NOT (${working})`,
  ).run(...target.params, { workDays: JSON.stringify(rule.workDays), startHour: rule.startHour, endHour: rule.endHour });
}

/**
 * Same-day hours (8 → 18) or an overnight shift (22 → 6, or 8 → 0: to midnight): a shift that ends
 * at or before the hour it starts runs past midnight.
 */
export function offHoursShift(rule: Pick<FlagRules['offHours'], 'startHour' | 'endHour'>): 'same-day' | 'overnight' {
  return rule.startHour < rule.endHour ? 'same-day' : 'overnight';
}

/**
 * Whether a local wall-clock moment is within working hours: the one JS statement of the rule, for
 * callers that hold a single event (the SQL above is its set-based twin; tests compare the two).
 */
export function isWithinWorkingHours(rule: Pick<FlagRules['offHours'], 'startHour' | 'endHour' | 'workDays'>, local: { weekday: number; hour: number }): boolean {
  if (offHoursShift(rule) === 'same-day') return rule.workDays.includes(local.weekday) && local.hour >= rule.startHour && local.hour < rule.endHour;
  const dayBefore = ((local.weekday + 5) % 7) + 1;
  return (rule.workDays.includes(local.weekday) && local.hour >= rule.startHour) || (rule.workDays.includes(dayBefore) && local.hour < rule.endHour);
}

/**
 * The zone's offset over [first, last]: one span per offset change (daylight saving), found week by
 * week and pinned to the minute. The first span starts at the beginning of time.
 */
function zoneSpans(zone: string, first: number, last: number): Array<{ fromMs: number; offsetMs: number }> {
  const offsetAt = (ms: number): number => DateTime.fromMillis(ms, { zone }).offset * MINUTE_MS;
  const spans = [{ fromMs: -8_640_000_000_000_000, offsetMs: offsetAt(first) }];
  let previousMs = first;
  let previous = spans[0]!.offsetMs;
  // A week at a time: zones change offset at most a few times a year, never twice within a week.
  for (let ms = first + WEEK_MS; ; ms += WEEK_MS) {
    const at = Math.min(ms, last);
    const offset = offsetAt(at);
    if (offset !== previous) {
      // The change lies in (previousMs, at] on a minute boundary: bisect over whole minutes.
      let low = Math.floor(previousMs / MINUTE_MS) * MINUTE_MS;
      let high = Math.ceil(at / MINUTE_MS) * MINUTE_MS;
      while (high - low > MINUTE_MS) {
        const middle = low + Math.max(1, Math.floor((high - low) / 2 / MINUTE_MS)) * MINUTE_MS;
        if (offsetAt(middle) === previous) low = middle;
        else high = middle;
      }
      spans.push({ fromMs: high, offsetMs: offset });
      previous = offset;
    }
    previousMs = at;
    if (at >= last) break;
  }
  return spans;
}

/**
 * An event is in a burst when some window of `minutes` containing it holds at least `events` events
 * of the same user. n(f) counts the user's events in [f, f + W]; an event e is flagged when some f
 * in [e - W, e] has n(f) >= threshold: two window functions (count, then a sum of "f qualifies" —
 * both have inverses, so each frame slides in O(1)), no per-row code.
 * For some events only: the bursts they can change lie within W of them, so each user's affected
 * stretches are recomputed, reading W further on each side.
 */
function computeMassChange(db: CacheDatabase, rule: FlagRules['massChange'], scope: FlagScope, target: { sql: string; params: unknown[] }): void {
  // Whole numbers checked by the rules' schema, written into the SQL (window frames take constants).
  const windowMs = Math.trunc(rule.minutes) * MINUTE_MS;
  const threshold = Math.trunc(rule.events);
  if (scope.kind === 'all') {
    db.prepare(
      `INSERT OR IGNORE INTO event_flags (event_rowid, flag)
       SELECT id, 'mass_change' FROM (
         SELECT id, sum(n >= ${threshold}) OVER (PARTITION BY u ORDER BY ms RANGE BETWEEN ${windowMs} PRECEDING AND CURRENT ROW) AS hits FROM (
           SELECT e.id, e.done_by_id AS u, e.audited_at_ms AS ms,
             count(*) OVER (PARTITION BY e.done_by_id ORDER BY e.audited_at_ms RANGE BETWEEN CURRENT ROW AND ${windowMs} FOLLOWING) AS n
           FROM events e WHERE e.done_by_id IS NOT NULL))
       WHERE hits > 0`,
    ).run();
    return;
  }
  const touched = db.prepare<unknown[], { u: string; ms: number }>(`SELECT e.done_by_id AS u, e.audited_at_ms AS ms FROM events e WHERE (${target.sql}) AND e.done_by_id IS NOT NULL ORDER BY u, ms`).all(...target.params);
  // Each user's stretches within W of the touched events, merged: their bursts are recomputed, all
  // stretches in one statement (a partition each), reading W further on each side.
  db.exec('CREATE TEMP TABLE IF NOT EXISTS review_burst_spans (id INTEGER PRIMARY KEY, user TEXT NOT NULL, from_ms INTEGER NOT NULL, to_ms INTEGER NOT NULL)');
  db.prepare('DELETE FROM temp.review_burst_spans').run();
  const addSpan = db.prepare<[string, number, number], unknown>('INSERT INTO temp.review_burst_spans (user, from_ms, to_ms) VALUES (?, ?, ?)');
  let current: { user: string; from: number; to: number } | undefined;
  for (const row of touched) {
    if (current !== undefined && current.user === row.u && row.ms - windowMs <= current.to) current.to = row.ms + windowMs;
    else {
      if (current !== undefined) addSpan.run(current.user, current.from, current.to);
      current = { user: row.u, from: row.ms - windowMs, to: row.ms + windowMs };
    }
  }
  if (current === undefined) return;
  addSpan.run(current.user, current.from, current.to);
  // `+done_by_id`: the stretch is found by time (events_time: a few minutes of events), not through
  // the user's index, which would walk all of that user's events for every stretch.
  db.prepare(
    `DELETE FROM event_flags WHERE flag = 'mass_change' AND event_rowid IN (
       SELECT e.id FROM temp.review_burst_spans s CROSS JOIN events e ON e.audited_at_ms BETWEEN s.from_ms AND s.to_ms AND +e.done_by_id = s.user)`,
  ).run();
  db.prepare(
    `INSERT OR IGNORE INTO event_flags (event_rowid, flag)
     SELECT id, 'mass_change' FROM (
       SELECT id, ms, lo, hi, sum(n >= ${threshold}) OVER (PARTITION BY span ORDER BY ms RANGE BETWEEN ${windowMs} PRECEDING AND CURRENT ROW) AS hits FROM (
         SELECT e.id, s.id AS span, s.from_ms AS lo, s.to_ms AS hi, e.audited_at_ms AS ms,
           count(*) OVER (PARTITION BY s.id ORDER BY e.audited_at_ms RANGE BETWEEN CURRENT ROW AND ${windowMs} FOLLOWING) AS n
         FROM temp.review_burst_spans s CROSS JOIN events e ON e.audited_at_ms BETWEEN s.from_ms - ${windowMs} AND s.to_ms + ${windowMs} AND +e.done_by_id = s.user))
     WHERE hits > 0 AND ms BETWEEN lo AND hi`,
  ).run();
}
