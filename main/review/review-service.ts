import {
  flagRulesSchema,
  localFilterSchema,
  REVIEW_COLUMNS,
  REVIEW_FLAGS,
  reviewPreferencesSchema,
  type FlagRules,
  type LocalFilterGroupInput,
  type RecordKeyView,
  type RecordStateView,
  type ReviewEventDetail,
  type ReviewFacets,
  type ReviewFlag,
  type ReviewHeatmaps,
  type ReviewNote,
  type ReviewPreferences,
  type ReviewRow,
  type ReviewSummary,
  type SavedFilter,
  type ZohoFilterModel,
} from '../../preload/contract.js';
import { compileLocalFilter, type EventFilter, type LocalFilterGroup, type TimelineCache } from '../cache/index.js';
import type { Clock } from '../core/clock.js';
import { AuditorError } from '../core/errors.js';
import type { EventHub } from '../core/event-hub.js';
import type { KeyValueStore } from '../core/kv-store.js';
import { assertTimeZone, zoneClock, type ZoneClock } from '../core/zoned-time.js';
import { DEFAULT_FLAG_RULES, recomputeFlags } from './flags.js';
import { indexAtTime, replayRecord } from './record-state.js';
import { FILTERABLE_MODULES, TIMELINE_SOURCES } from '../zoho/filters.js';
import { buildZohoFilter } from './zoho-filter-model.js';

const RULES_KEY = 'review.flagRules';
const PREFERENCES_KEY = 'review.preferences';
const SAVED_FILTERS_KEY = 'review.savedFilters';
const FLAGS_STATE_KEY = 'flags';
const RECORD_STATE_EVENT_LIMIT = 5000;
const MAX_SAVED_FILTERS = 200;

export const DEFAULT_REVIEW_PREFERENCES: ReviewPreferences = { columns: [...REVIEW_COLUMNS] };

/** What the export integration attaches to each event of a packet. */
export interface ReviewAnnotation {
  flags: ReviewFlag[];
  notes: Array<{ author: string; text: string; tag: string | null; at: number }>;
}

export interface ReviewServiceDependencies {
  cache: () => TimelineCache;
  /** Main-side settings (the same store as SettingsService): rules, saved filters, columns. */
  store: KeyValueStore;
  events: EventHub;
  clock: Clock;
  /** Who writes a note: the connected Zoho user's name, else a generic label. */
  author: () => string;
}

interface QueryInput {
  filter: LocalFilterGroup;
  /** IANA zone or 'UTC' (the setting resolved): day/hour conditions, heatmaps, shown times. */
  timeZone: string;
}

/** The request's zone, refused in plain words when unknown. */
function clockOf(input: QueryInput): ZoneClock {
  assertTimeZone(input.timeZone);
  return zoneClock(input.timeZone);
}

interface RowRecord {
  id: number;
  event_id: string;
  audited_time: string;
  audited_at_ms: number;
  action: string;
  source: string | null;
  done_by_id: string;
  done_by_name: string | null;
  record_module: string;
  record_id: string;
  record_name: string | null;
  related_module: string | null;
  related_id: string | null;
  related_name: string | null;
  automated: number;
  field_count: number;
  api_name: string | null;
  field_label: string | null;
  old_text: string | null;
  new_text: string | null;
  flags: string | null;
  notes: number;
}

const SORT_SQL: Record<'time' | 'user' | 'source' | 'action' | 'module' | 'record', string> = {
  time: 'e.audited_at_ms',
  user: 'coalesce(e.done_by_name, e.done_by_id) COLLATE NOCASE',
  source: "coalesce(e.source, '')",
  action: 'e.action',
  module: 'e.record_module',
  record: 'coalesce(e.record_name, e.record_id) COLLATE NOCASE',
};

/**
 * The Review screen's side in main: windows of the timeline table for a local filter, summary and
 * heatmaps for the same filter, event detail, records replayed to a moment, review flags (stored
 * in the cache, recomputed after each sync and when the rules change) and reviewer notes.
 */
export class ReviewService {
  readonly #unsubscribe: () => void;

  constructor(private readonly deps: ReviewServiceDependencies) {
    // A finished sync changes the events: bring the flags up to date before anyone filters by them.
    this.#unsubscribe = deps.events.subscribe((envelope) => {
      if (envelope.channel === 'sync:progress' && (envelope.payload as { state: string }).state !== 'running') this.ensureFlags();
    });
  }

  dispose(): void {
    this.#unsubscribe();
  }

  // ---- table, summary, heatmaps --------------------------------------------------------------

  page(input: QueryInput & { sort: { column: keyof typeof SORT_SQL; direction: 'asc' | 'desc' }; offset: number; limit: number }): { rows: ReviewRow[] } {
    const db = this.deps.cache().connection;
    const clock = clockOf(input);
    const { where, params } = compileLocalFilter(input.filter, { timeZone: clock.zone });
    const direction = input.sort.direction === 'asc' ? 'ASC' : 'DESC';
    const order = input.sort.column === 'time' ? `e.audited_at_ms ${direction}, e.id ${direction}` : `${SORT_SQL[input.sort.column]} ${direction}, e.audited_at_ms DESC, e.id DESC`;
    const rows = db
      .prepare<unknown[], RowRecord>(
        `SELECT e.id, e.event_id, e.audited_time, e.audited_at_ms, e.action, e.source, e.done_by_id, e.done_by_name,
           e.record_module, e.record_id, e.record_name, e.related_module, e.related_id, e.related_name,
           e.automation_json IS NOT NULL AS automated, e.field_count,
           fc.api_name, fc.field_label, fc.old_text, fc.new_text,
           (SELECT group_concat(f.flag) FROM event_flags f WHERE f.event_rowid = e.id) AS flags,
           (SELECT count(*) FROM event_notes n WHERE n.event_id = e.event_id) AS notes
         FROM events e LEFT JOIN field_changes fc ON fc.event_rowid = e.id AND fc.ordinal = 0
         WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`,
      )
      .all(...params, input.limit, input.offset);
    return { rows: rows.map((row) => toRow(row, clock)) };
  }

  summary(input: QueryInput): ReviewSummary {
    this.ensureFlags();
    const db = this.deps.cache().connection;
    const { where, params } = compileLocalFilter(input.filter, { timeZone: clockOf(input).zone });
    const row = db
      .prepare<unknown[], { events: number; users: number; sources: number; first: number | null; last: number | null }>(
        `SELECT count(*) AS events, count(DISTINCT e.done_by_id) AS users, count(DISTINCT coalesce(e.source, '')) AS sources,
           min(e.audited_at_ms) AS first, max(e.audited_at_ms) AS last FROM events e WHERE ${where}`,
      )
      .get(...params);
    const timeAt = (ms: number | null | undefined): string | null =>
      ms === null || ms === undefined ? null : (db.prepare<[number], { t: string }>('SELECT audited_time AS t FROM events WHERE audited_at_ms = ? LIMIT 1').get(ms)?.t ?? null);
    return {
      events: row?.events ?? 0,
      users: row?.users ?? 0,
      sources: row?.sources ?? 0,
      firstAuditedTime: timeAt(row?.first),
      lastAuditedTime: timeAt(row?.last),
      totalEvents: this.deps.cache().stats().events,
    };
  }

  heatmaps(input: QueryInput): ReviewHeatmaps {
    const cache = this.deps.cache();
    const options = { timeZone: clockOf(input).zone };
    const filter: EventFilter = { condition: compileLocalFilter(input.filter, options) };
    return {
      userHourOfWeek: cache.heatmap(filter, 'user-hour-of-week', options),
      sourceDay: cache.heatmap(filter, 'source-day', options),
      userSource: cache.heatmap(filter, 'user-source', options),
    };
  }

  /** Event count for a filter (tests, the e2e check against the table). */
  count(input: QueryInput): number {
    return this.deps.cache().countEvents({ condition: compileLocalFilter(input.filter, { timeZone: clockOf(input).zone }) });
  }

  facets(): ReviewFacets {
    this.ensureFlags();
    const cache = this.deps.cache();
    const db = cache.connection;
    const distinct = (sql: string): string[] => db.prepare(sql).pluck().all() as string[];
    return {
      users: cache.users().map((user) => ({ id: user.id, name: user.name })),
      sources: distinct(`SELECT DISTINCT source FROM events WHERE source IS NOT NULL ORDER BY source`),
      actions: distinct('SELECT DISTINCT action FROM events ORDER BY action'),
      modules: distinct('SELECT DISTINCT record_module FROM events ORDER BY record_module'),
      fields: db
        .prepare<[], { api_name: string; label: string | null }>(
          'SELECT api_name, max(field_label) AS label FROM field_changes GROUP BY api_name ORDER BY coalesce(max(field_label), api_name) COLLATE NOCASE',
        )
        .all()
        .map((row) => ({ apiName: row.api_name, label: row.label })),
      records: cache.listRecordStates().map((state) => ({ module: state.module, recordId: state.recordId, name: state.name })),
      flags: REVIEW_FLAGS.map((flag) => ({
        flag,
        count: (db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM event_flags WHERE flag = ?').get(flag)?.n ?? 0),
      })),
      flaggedEvents: (db.prepare<[], { n: number }>('SELECT count(DISTINCT event_rowid) AS n FROM event_flags').get()?.n ?? 0),
      tags: distinct('SELECT DISTINCT tag FROM event_notes WHERE tag IS NOT NULL ORDER BY tag'),
      zohoFilter: { modules: [...FILTERABLE_MODULES], sources: [...TIMELINE_SOURCES] },
    };
  }

  // ---- one event -----------------------------------------------------------------------------

  /** `timeZone`: the resolved zone, for `shownTime` (the rest is as Zoho sent it). */
  event(eventId: string, timeZone: string): ReviewEventDetail {
    const clock = clockOf({ filter: { combinator: 'and', rules: [] }, timeZone });
    const cache = this.deps.cache();
    const event = cache.getEvent(eventId);
    if (event === undefined) throw notCached(eventId);
    const raw = parseObject(cache.getRawEvent(eventId));
    const doneByRaw = asObject(raw?.['done_by']);
    const profile = asObject(doneByRaw?.['profile']);
    const directory = cache.connection
      .prepare<[string], { email: string | null; profile_name: string | null; profile_id: string | null; type: string | null }>(
        `SELECT email, profile_name, profile_id, json_extract(raw_json, '$.type__s') AS type FROM users WHERE id = ?`,
      )
      .get(event.doneBy.id);
    const automation = event.automation;
    const rule = asObject(automation?.['rule']);
    const annotation = this.reviewAnnotations([eventId]).get(eventId);
    return {
      eventId: event.eventId,
      auditedTime: event.auditedTime,
      auditedAtMs: event.auditedAtMs,
      shownTime: clock.at(event.auditedAtMs).human,
      action: event.action,
      source: event.source,
      doneBy: {
        id: event.doneBy.id,
        name: event.doneBy.name,
        email: directory?.email ?? null,
        profile:
          profile !== undefined
            ? { id: stringOrNull(profile['id']), name: stringOrNull(profile['name']) }
            : directory?.profile_name != null
              ? { id: directory.profile_id, name: directory.profile_name }
              : null,
        type: stringOrNull(doneByRaw?.['type__s']) ?? directory?.type ?? null,
      },
      record: event.record,
      relatedRecord: event.relatedRecord,
      automation:
        automation === null
          ? null
          : {
              type: stringOrNull(automation['type']),
              name: stringOrNull(rule?.['name']) ?? stringOrNull(automation['name']),
              id: stringOrNull(rule?.['id']) ?? stringOrNull(automation['id']),
              json: JSON.stringify(automation, null, 2),
            },
      fieldChanges: event.fieldChanges.map((change) => ({
        apiName: change.apiName,
        label: change.fieldLabel,
        dataType: change.dataType,
        oldValue: change.oldText,
        newValue: change.newText,
        colourCoded: change.enableColourCode,
        pickList:
          change.pickListValues === null
            ? null
            : change.pickListValues.map((value) => ({ displayValue: value.display_value, actualValue: value.actual_value, colour: value.colour_code })),
      })),
      timelines: cache.timelinesOf(eventId),
      flags: annotation?.flags ?? [],
      notes: this.#notesOf(eventId),
    };
  }

  raw(eventId: string): { raw: string } {
    const raw = this.deps.cache().getRawEvent(eventId);
    if (raw === undefined) throw notCached(eventId);
    return { raw };
  }

  recordState(input: { record: RecordKeyView; atEventId?: string | undefined; atTime?: string | undefined }): RecordStateView {
    const cache = this.deps.cache();
    const state = cache.recordState(input.record);
    if (state === undefined) {
      throw new AuditorError('REVIEW_RECORD_NOT_TRACKED', `${input.record.module}/${input.record.recordId} is not in the cache.`, { hint: 'Add the record on the Records screen and sync it.' });
    }
    const events = cache.queryEvents({ records: [input.record] }, { direction: 'asc', limit: RECORD_STATE_EVENT_LIMIT });
    let index = events.length - 1;
    if (input.atEventId !== undefined) {
      index = events.findIndex((event) => event.eventId === input.atEventId);
      if (index < 0) throw new AuditorError('REVIEW_EVENT_NOT_IN_RECORD', 'That event is not in this record’s timeline.', { hint: 'Pick an event from the list.' });
    } else if (input.atTime !== undefined) {
      const ms = Date.parse(input.atTime);
      if (Number.isNaN(ms)) throw new AuditorError('REVIEW_BAD_TIME', `"${input.atTime}" is not a date and time.`, { hint: 'Use a date-time such as 2024-03-01T09:00.' });
      index = indexAtTime(events, ms);
    }
    return {
      record: { module: input.record.module, recordId: input.record.recordId, name: state.name },
      events: events.map((event) => ({
        eventId: event.eventId,
        auditedTime: event.auditedTime,
        action: event.action,
        doneBy: event.doneBy.name ?? event.doneBy.id,
        changedFields: event.fieldChanges.length,
      })),
      index,
      fields: replayRecord(events, index),
    };
  }

  // ---- notes and annotations -----------------------------------------------------------------

  addNote(input: { eventId: string; text: string; tag: string | null }): ReviewNote {
    const db = this.deps.cache().connection;
    if (this.deps.cache().getRawEvent(input.eventId) === undefined) throw notCached(input.eventId);
    const at = this.deps.clock.now();
    const author = this.deps.author();
    const id = Number(
      db.prepare('INSERT INTO event_notes (event_id, author, text, tag, created_at) VALUES (?, ?, ?, ?, ?)').run(input.eventId, author, input.text, input.tag, at).lastInsertRowid,
    );
    return { id, eventId: input.eventId, author, text: input.text, tag: input.tag, at };
  }

  deleteNote(id: number): { deleted: boolean } {
    return { deleted: this.deps.cache().connection.prepare('DELETE FROM event_notes WHERE id = ?').run(id).changes === 1 };
  }

  /**
   * Flags and notes of the given events, for exports: every requested id that has either appears
   * in the map (events without any are left out). Notes oldest first.
   */
  reviewAnnotations(eventIds: readonly string[]): Map<string, ReviewAnnotation> {
    this.ensureFlags();
    const db = this.deps.cache().connection;
    const result = new Map<string, ReviewAnnotation>();
    const entry = (eventId: string): ReviewAnnotation => {
      let annotation = result.get(eventId);
      if (annotation === undefined) {
        annotation = { flags: [], notes: [] };
        result.set(eventId, annotation);
      }
      return annotation;
    };
    const ids = JSON.stringify([...new Set(eventIds)]);
    const flags = db
      .prepare<[string], { event_id: string; flag: ReviewFlag }>(
        `SELECT e.event_id, f.flag FROM json_each(?) j JOIN events e ON e.event_id = j.value JOIN event_flags f ON f.event_rowid = e.id ORDER BY e.event_id, f.flag`,
      )
      .all(ids);
    for (const row of flags) entry(row.event_id).flags.push(row.flag);
    const notes = db
      .prepare<[string], { event_id: string; author: string; text: string; tag: string | null; created_at: number }>(
        `SELECT n.event_id, n.author, n.text, n.tag, n.created_at FROM json_each(?) j JOIN event_notes n ON n.event_id = j.value ORDER BY n.event_id, n.created_at, n.id`,
      )
      .all(ids);
    for (const row of notes) entry(row.event_id).notes.push({ author: row.author, text: row.text, tag: row.tag, at: row.created_at });
    return result;
  }

  #notesOf(eventId: string): ReviewNote[] {
    return this.deps
      .cache()
      .connection.prepare<[string], { id: number; event_id: string; author: string; text: string; tag: string | null; created_at: number }>(
        'SELECT id, event_id, author, text, tag, created_at FROM event_notes WHERE event_id = ? ORDER BY created_at, id',
      )
      .all(eventId)
      .map((row) => ({ id: row.id, eventId: row.event_id, author: row.author, text: row.text, tag: row.tag, at: row.created_at }));
  }

  // ---- flags -------------------------------------------------------------------------------

  rules(): FlagRules {
    const parsed = flagRulesSchema.safeParse(this.deps.store.get(RULES_KEY));
    return parsed.success ? parsed.data : DEFAULT_FLAG_RULES;
  }

  setRules(rules: FlagRules): { rules: FlagRules; flagged: number } {
    const valid = flagRulesSchema.parse(rules);
    this.deps.store.set(RULES_KEY, valid);
    return { rules: valid, flagged: this.recomputeFlags() };
  }

  /** Recomputes every event's flags now; returns how many events are flagged. */
  recomputeFlags(): number {
    const db = this.deps.cache().connection;
    const rules = this.rules();
    return db.transaction(() => {
      const flagged = recomputeFlags(db, rules);
      db.prepare('INSERT INTO review_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(FLAGS_STATE_KEY, this.#fingerprint(rules));
      return flagged;
    }).immediate();
  }

  /** Recomputes the flags when the events or the rules changed since they were computed. */
  ensureFlags(): void {
    const db = this.deps.cache().connection;
    const stored = db.prepare<[string], { value: string }>('SELECT value FROM review_state WHERE key = ?').get(FLAGS_STATE_KEY)?.value;
    if (stored !== this.#fingerprint(this.rules())) this.recomputeFlags();
  }

  /** Rules plus a cheap digest of the events (count, newest row, sum of times: a re-sent event that moved changes it). */
  #fingerprint(rules: FlagRules): string {
    const row = this.deps
      .cache()
      .connection.prepare<[], { n: number; top: number | null; total: number | null }>('SELECT count(*) AS n, max(id) AS top, total(audited_at_ms) AS total FROM events')
      .get();
    return JSON.stringify({ rules, n: row?.n ?? 0, top: row?.top ?? 0, total: row?.total ?? 0 });
  }

  // ---- settings kept in main -----------------------------------------------------------------

  preferences(): ReviewPreferences {
    const parsed = reviewPreferencesSchema.safeParse(this.deps.store.get(PREFERENCES_KEY));
    return parsed.success ? parsed.data : DEFAULT_REVIEW_PREFERENCES;
  }

  setPreferences(preferences: ReviewPreferences): ReviewPreferences {
    const valid = reviewPreferencesSchema.parse(preferences);
    this.deps.store.set(PREFERENCES_KEY, valid);
    return valid;
  }

  savedFilters(): SavedFilter[] {
    const stored = this.deps.store.get(SAVED_FILTERS_KEY);
    return Array.isArray(stored) ? (stored as SavedFilter[]) : [];
  }

  saveFilter(name: string, group: LocalFilterGroup): SavedFilter[] {
    // The contract's shape and limits, and compiling, refuse a filter that could not run later.
    const filter: LocalFilterGroupInput = localFilterSchema.parse(group);
    compileLocalFilter(filter);
    const others = this.savedFilters().filter((saved) => saved.name !== name);
    if (others.length >= MAX_SAVED_FILTERS) throw new AuditorError('REVIEW_TOO_MANY_FILTERS', `At most ${MAX_SAVED_FILTERS} filters can be saved.`, { hint: 'Delete filters you no longer use.' });
    const next = [...others, { name, filter, savedAt: this.deps.clock.now() }].sort((a, b) => a.name.localeCompare(b.name));
    this.deps.store.set(SAVED_FILTERS_KEY, next);
    return next;
  }

  deleteFilter(name: string): SavedFilter[] {
    const next = this.savedFilters().filter((saved) => saved.name !== name);
    this.deps.store.set(SAVED_FILTERS_KEY, next);
    return next;
  }

  zohoFilter(model: ZohoFilterModel): { json: string; encoded: string } {
    const { json, encoded } = buildZohoFilter(model);
    return { json, encoded };
  }
}

function toRow(row: RowRecord, clock: ZoneClock): ReviewRow {
  return {
    eventId: row.event_id,
    auditedTime: row.audited_time,
    auditedAtMs: row.audited_at_ms,
    shownTime: clock.at(row.audited_at_ms).human,
    action: row.action,
    source: row.source,
    doneBy: { id: row.done_by_id, name: row.done_by_name },
    record: { module: row.record_module, id: row.record_id, name: row.record_name },
    relatedRecord: row.related_module === null || row.related_id === null ? null : { module: row.related_module, id: row.related_id, name: row.related_name },
    automated: row.automated === 1,
    fieldCount: row.field_count,
    firstChange: row.api_name === null ? null : { apiName: row.api_name, label: row.field_label, oldValue: row.old_text, newValue: row.new_text },
    flags: row.flags === null ? [] : (row.flags.split(',').sort() as ReviewFlag[]),
    noteCount: row.notes,
  };
}

function notCached(eventId: string): AuditorError {
  return new AuditorError('REVIEW_EVENT_NOT_CACHED', `Event ${eventId} is not in the cache.`, { hint: 'Sync the record whose timeline shows it.' });
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return asObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
