import { AuditorError } from '../core/errors.js';
import { zoneClock, type ZoneClock } from '../core/zoned-time.js';
import { REVIEW_FLAGS, type FlagRules, type LocalFilterGroupInput, type RecordKeyView, type ReviewFlag, type ReviewProgress, type ReviewRow, type ReviewState } from '../../preload/contract.js';
import { FLAG_SEPARATOR, type CacheDatabase, type CacheStatement, type EventRow, type TimelineCache } from '../cache/index.js';
import { bringFlagsUpToDate, markFlagsStale, recomputeAllFlags, saveFlagRules, storedFlagRules } from './flags.js';
import { compileReviewFilter } from './local-filter-sql.js';
import { describeAutomation } from '../zoho/automation.js';
import { exportNote, type ExportAnnotation, type ReviewAnnotationRecord, type ReviewEventRecord, type ReviewPageQuery, type ReviewQuery, type ReviewStore } from './review-store.js';
import {
  appendLogEntry,
  filterCondition,
  listSignOffs,
  logExport,
  markEvents,
  markFiltered,
  markOf,
  packetReview,
  progressOf,
  progressOverview,
  readLog,
  restoreReviewWork,
  signOff,
  type ExportLogInput,
  type PacketReview,
  type ReviewActor,
  type SalvagedReviewWork,
  type SignOffRecordInput,
} from './review-work.js';
import type { SqlCondition } from '../cache/index.js';

/** A table row: the cache's event columns plus the first field change, flags and note count. */
interface RowRecord extends Pick<
  EventRow,
  'id' | 'event_id' | 'audited_time' | 'audited_at_ms' | 'action' | 'source' | 'done_by_id' | 'done_by_name' | 'record_module' | 'record_id' | 'record_name' | 'related_module' | 'related_id' | 'related_name'
> {
  automation_json: string | null;
  field_count: number;
  api_name: string | null;
  field_label: string | null;
  old_text: string | null;
  new_text: string | null;
  flags: string | null;
  notes: number;
  review_state: string | null;
  review_by: string | null;
  review_at: number | null;
}

const SORT_SQL: Record<ReviewPageQuery['sort']['column'], string> = {
  time: 'e.audited_at_ms',
  user: "coalesce(e.done_by_name, e.done_by_id, '') COLLATE NOCASE",
  source: "coalesce(e.source, '')",
  action: 'e.action',
  module: 'e.record_module',
  record: 'coalesce(e.record_name, e.record_id) COLLATE NOCASE',
};

const hooked = new WeakSet<TimelineCache>();

/**
 * Keeps review's flags current as the cache writes pages: the new events get their flags in the
 * page's own transaction; removing events marks the flags for a full recompute. Idempotent per cache.
 */
export function keepFlagsCurrent(cache: TimelineCache): void {
  if (hooked.has(cache)) return;
  hooked.add(cache);
  cache.onEventsWritten((db, written) => {
    bringFlagsUpToDate(db, written.eventRowids);
  });
  cache.onEventsRemoved((db) => markFlagsStale(db));
}

/**
 * Keeps flags current for a writer that takes pages faster than flags need to follow them (the data
 * worker during a bulk sync): a page only notes which events it wrote; their flags are computed in
 * one set-based pass per batch, when `schedule` runs the pass it is given, or at once by `flush()`
 * (call it before anything reads flags). Same result as the per-page hook: the incremental pass
 * covers every event after the last one flagged, plus re-sent older ones.
 */
export function keepFlagsCurrentInBatches(cache: TimelineCache, schedule: (pass: () => void) => void): { flush(): void } {
  hooked.add(cache);
  const resent = new Set<number>();
  let pending = false;
  const flush = (): void => {
    if (!pending) return;
    pending = false;
    const changed = [...resent];
    resent.clear();
    bringFlagsUpToDate(cache.database(), changed);
  };
  cache.onEventsWritten((_db, written) => {
    for (const rowid of written.eventRowids) resent.add(rowid);
    if (!pending) {
      pending = true;
      schedule(flush);
    }
  });
  cache.onEventsRemoved((db) => markFlagsStale(db));
  return { flush };
}

/**
 * ReviewStore over the cache file: review's own tables (event_flags, event_notes, review_state)
 * through the cache's narrow database handle, the cache's events through its query API.
 */
export class SqliteReviewStore implements ReviewStore {
  constructor(private readonly openCache: () => TimelineCache) {}

  #cache(): TimelineCache {
    const cache = this.openCache();
    keepFlagsCurrent(cache);
    return cache;
  }

  #db(): CacheDatabase {
    return this.#cache().database();
  }

  page(query: ReviewPageQuery): ReviewRow[] {
    const { where, params } = compileReviewFilter(query.filter, query.timeZone);
    const direction = query.sort.direction === 'asc' ? 'ASC' : 'DESC';
    const order = query.sort.column === 'time' ? `e.audited_at_ms ${direction}, e.id ${direction}` : `${SORT_SQL[query.sort.column]} ${direction}, e.audited_at_ms DESC, e.id DESC`;
    // The row shows the change a field condition matched ("Stage"), not whichever change Zoho listed first.
    const focus = focusFieldNames(query.filter);
    const changeJoin = focus.length === 0 ? 'fc.ordinal = 0' : 'fc.ordinal = coalesce((SELECT min(m.ordinal) FROM field_changes m WHERE m.event_rowid = e.id AND m.api_name IN (SELECT value FROM json_each(?))), 0)';
    // The window's rows are chosen first (filter, sort, limit over the events alone); only those ~100
    // rows are then joined to their field change, flags, notes and review state — not every match.
    const rows = this.#db()
      .prepare<unknown[], RowRecord>(
        `WITH page_rows AS (SELECT e.id FROM events e WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?)
         SELECT e.id, e.event_id, e.audited_time, e.audited_at_ms, e.action, e.source, e.done_by_id, e.done_by_name,
           e.record_module, e.record_id, e.record_name, e.related_module, e.related_id, e.related_name,
           e.automation_json, e.field_count,
           fc.api_name, fc.field_label, fc.old_text, fc.new_text,
           (SELECT group_concat(f.flag) FROM event_flags f WHERE f.event_rowid = e.id) AS flags,
           (SELECT count(*) FROM event_notes n WHERE n.event_id = e.event_id) AS notes,
           rv.state AS review_state, rv.by AS review_by, rv.at AS review_at
         FROM page_rows w JOIN events e ON e.id = w.id LEFT JOIN field_changes fc ON fc.event_rowid = e.id AND ${changeJoin} LEFT JOIN event_review rv ON rv.event_id = e.event_id
         ORDER BY ${order}`,
      )
      .all(...params, query.limit, query.offset, ...(focus.length === 0 ? [] : [JSON.stringify(focus)]));
    const clock = zoneClock(query.timeZone);
    return rows.map((row) => toRow(row, clock));
  }

  summary(query: ReviewQuery) {
    const cache = this.#cache();
    const db = cache.database();
    const { where, params } = compileReviewFilter(query.filter, query.timeZone);
    const row = db
      .prepare<unknown[], { events: number; users: number; sources: number; first: number | null; last: number | null }>(
        `SELECT count(*) AS events, count(DISTINCT e.done_by_id) AS users, count(DISTINCT coalesce(e.source, '')) AS sources,
           min(e.audited_at_ms) AS first, max(e.audited_at_ms) AS last FROM events e WHERE ${where}`,
      )
      .get(...params);
    const timeAt = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : (db.prepare<[number], { t: string }>('SELECT audited_time AS t FROM events WHERE audited_at_ms = ? LIMIT 1').get(ms)?.t ?? null));
    return {
      events: row?.events ?? 0,
      users: row?.users ?? 0,
      sources: row?.sources ?? 0,
      firstAuditedTime: timeAt(row?.first),
      lastAuditedTime: timeAt(row?.last),
      totalEvents: cache.stats().events,
    };
  }

  heatmaps(query: ReviewQuery) {
    const cache = this.#cache();
    const filter = { condition: compileReviewFilter(query.filter, query.timeZone) };
    const options = { timeZone: query.timeZone };
    return {
      userHourOfWeek: cache.heatmap(filter, 'user-hour-of-week', options),
      sourceDay: cache.heatmap(filter, 'source-day', options),
      userSource: cache.heatmap(filter, 'user-source', options),
    };
  }

  count(query: ReviewQuery): number {
    return this.#cache().countEvents({ condition: compileReviewFilter(query.filter, query.timeZone) });
  }

  facets() {
    const cache = this.#cache();
    const db = cache.database();
    const distinct = (sql: string): string[] =>
      db
        .prepare<[], { v: string }>(sql)
        .all()
        .map((row) => row.v);
    return {
      users: cache.users().map((user) => ({ id: user.id, name: user.name })),
      sources: distinct('SELECT DISTINCT source AS v FROM events WHERE source IS NOT NULL ORDER BY source'),
      actions: distinct('SELECT DISTINCT action AS v FROM events ORDER BY action'),
      modules: distinct('SELECT DISTINCT record_module AS v FROM events ORDER BY record_module'),
      fields: db
        .prepare<[], { api_name: string; label: string | null }>('SELECT api_name, max(field_label) AS label FROM field_changes GROUP BY api_name ORDER BY coalesce(max(field_label), api_name) COLLATE NOCASE')
        .all()
        .map((row) => ({ apiName: row.api_name, label: row.label })),
      records: cache.listRecordStates().map((state) => ({ module: state.module, recordId: state.recordId, name: state.name })),
      // Most frequent first (the top reasons); ties in the contract's order. Array sort is stable.
      flags: REVIEW_FLAGS.map((flag) => ({ flag, count: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM event_flags WHERE flag = ?').get(flag)?.n ?? 0 })).sort((a, b) => b.count - a.count),
      flaggedEvents: db.prepare<[], { n: number }>('SELECT count(DISTINCT event_rowid) AS n FROM event_flags').get()?.n ?? 0,
      tags: distinct('SELECT DISTINCT tag AS v FROM event_notes WHERE tag IS NOT NULL ORDER BY tag'),
      moduleLabels: cache.moduleLabels(),
    };
  }

  event(eventId: string): ReviewEventRecord | null {
    const cache = this.#cache();
    const event = cache.getEvent(eventId);
    const raw = cache.getRawEvent(eventId);
    if (event === undefined || raw === undefined) return null;
    const directory = cache
      .database()
      .prepare<[string], { email: string | null; profile_name: string | null; profile_id: string | null; type: string | null }>(`SELECT email, profile_name, profile_id, json_extract(raw_json, '$.type__s') AS type FROM users WHERE id = ?`)
      .get(event.doneBy?.id ?? '');
    const annotation = this.annotations([eventId])[0];
    return {
      event,
      raw,
      directory: directory === undefined ? null : { email: directory.email, profileName: directory.profile_name, profileId: directory.profile_id, type: directory.type },
      timelines: cache.timelinesOf(eventId),
      flags: annotation?.flags ?? [],
      notes: this.#db()
        .prepare<[string], { id: number; event_id: string; author: string; text: string; tag: string | null; created_at: number }>('SELECT id, event_id, author, text, tag, created_at FROM event_notes WHERE event_id = ? ORDER BY created_at, id')
        .all(eventId)
        .map((row) => ({ id: row.id, eventId: row.event_id, author: row.author, text: row.text, tag: row.tag, at: row.created_at })),
    };
  }

  raw(eventId: string): string | null {
    return this.#cache().getRawEvent(eventId) ?? null;
  }

  recordTimeline(record: RecordKeyView, limit: number) {
    const cache = this.#cache();
    const state = cache.recordState(record);
    if (state === undefined) return null;
    return { name: state.name, events: cache.queryEvents({ records: [record] }, { direction: 'asc', limit }) };
  }

  addNote(note: { eventId: string; author: string; text: string; tag: string | null; at: number }): number | null {
    const cache = this.#cache();
    if (cache.getRawEvent(note.eventId) === undefined) return null;
    const db = cache.database();
    return db.transaction(() => {
      const id = Number(db.prepare('INSERT INTO event_notes (event_id, author, text, tag, created_at) VALUES (?, ?, ?, ?, ?)').run(note.eventId, note.author, note.text, note.tag, note.at).lastInsertRowid);
      appendLogEntry(db, { at: note.at, actor: note.author, action: 'note_added', payload: { eventId: note.eventId, noteId: id, text: note.text, tag: note.tag } }, [note.eventId]);
      return id;
    });
  }

  deleteNote(id: number, by: ReviewActor): boolean {
    const db = this.#db();
    return db.transaction(() => {
      const note = db.prepare<[number], { event_id: string; text: string; tag: string | null }>('SELECT event_id, text, tag FROM event_notes WHERE id = ?').get(id);
      if (note === undefined) return false;
      db.prepare('DELETE FROM event_notes WHERE id = ?').run(id);
      appendLogEntry(db, { at: by.at, actor: by.actor, action: 'note_deleted', payload: { eventId: note.event_id, noteId: id, text: note.text, tag: note.tag } }, [note.event_id]);
      return true;
    });
  }

  annotations(eventIds: readonly string[]): ReviewAnnotationRecord[] {
    const db = this.#db();
    const result = new Map<string, ReviewAnnotationRecord>();
    const entry = (eventId: string): ReviewAnnotationRecord => {
      let annotation = result.get(eventId);
      if (annotation === undefined) {
        annotation = { eventId, flags: [], notes: [] };
        result.set(eventId, annotation);
      }
      return annotation;
    };
    const ids = JSON.stringify([...new Set(eventIds)]);
    const flags = db.prepare<[string], { event_id: string; flag: ReviewFlag }>(`SELECT e.event_id, f.flag FROM json_each(?) j JOIN events e ON e.event_id = j.value JOIN event_flags f ON f.event_rowid = e.id ORDER BY e.event_id, f.flag`).all(ids);
    for (const row of flags) entry(row.event_id).flags.push(row.flag);
    const notes = db
      .prepare<[string], { event_id: string; author: string; text: string; tag: string | null; created_at: number }>(
        `SELECT n.event_id, n.author, n.text, n.tag, n.created_at FROM json_each(?) j JOIN event_notes n ON n.event_id = j.value ORDER BY n.event_id, n.created_at, n.id`,
      )
      .all(ids);
    for (const row of notes) entry(row.event_id).notes.push({ author: row.author, text: row.text, tag: row.tag, at: row.created_at });
    return [...result.values()];
  }

  /**
   * Flags and notes of one page of an export, shaped as the export writes them (exportNote):
   * the page's events as Zoho ids and, at the same positions, their rows in the cache. Flags are
   * keyed by row (event_flags' own index; the Zoho-id index of events is not touched) and notes by
   * Zoho id; both statements are prepared once per connection. Most events carry a flag (83% of the
   * sandbox's million), so this runs for every page: at a million events, looking each page up by
   * Zoho id with freshly prepared statements cost ~8 s of a CSV export.
   */
  exportAnnotations(eventIds: readonly string[], eventRowids: readonly number[]): Map<string, ExportAnnotation> {
    if (eventIds.length !== eventRowids.length) throw new AuditorError('EXPORT_ANNOTATIONS_MISMATCH', 'The export asked for flags of events without their cache rows.', { hint: 'This is a bug in Timeline Auditor; please report it.' });
    // The same SQL an export read carries its flags with (exportFlagsSql), and the same notes.
    const result = this.exportNotes(eventIds);
    const rows = exportStatementsOf(this.#db()).flags.all(JSON.stringify(eventRowids));
    for (const row of rows) {
      if (row.flags === null) continue;
      const eventId = eventIds[row.position] as string;
      const annotation = result.get(eventId) ?? { flags: [], notes: [] };
      annotation.flags = row.flags.split(FLAG_SEPARATOR);
      result.set(eventId, annotation);
    }
    return result;
  }

  /**
   * The SQL giving an event's flags for an export read (ExportReadRequest.flagsSql): over its row `e`,
   * its flags in name order joined by U+001F (FLAG_SEPARATOR), NULL when it has none — plain NULL
   * while no event has any flag (asked for as the read's scope is built): the look-up per event cost
   * ~0.4 s of building a million-event scope, for nothing.
   */
  exportFlagsSql(): string {
    return exportStatementsOf(this.#db()).anyFlag.get() === undefined ? 'NULL' : EXPORT_FLAGS_SQL;
  }

  /** The notes of one page of an export (its events' Zoho ids), oldest first — exportAnnotations without the flags, for a read that carries them (exportFlagsSql). */
  exportNotes(eventIds: readonly string[]): Map<string, ExportAnnotation> {
    const statements = exportStatementsOf(this.#db());
    const result = new Map<string, ExportAnnotation>();
    if (statements.anyNote.get() === undefined) return result;
    for (const row of statements.notes.all(JSON.stringify(eventIds))) {
      let annotation = result.get(row.event_id);
      if (annotation === undefined) {
        annotation = { flags: [], notes: [] };
        result.set(row.event_id, annotation);
      }
      annotation.notes.push(exportNote({ author: row.author, text: row.text, tag: row.tag, at: row.created_at }));
    }
    return result;
  }

  rules(): FlagRules | null {
    return storedFlagRules(this.#db()) ?? null;
  }

  setRules(rules: FlagRules, by?: ReviewActor): { flagged: number } {
    const db = this.#db();
    return db.transaction(() => {
      const flagged = saveFlagRules(db, rules);
      if (by !== undefined) appendLogEntry(db, { at: by.at, actor: by.actor, action: 'flag_rules_changed', payload: { rules, flagged } });
      return { flagged };
    });
  }

  recomputeFlags(): { flagged: number } {
    return { flagged: recomputeAllFlags(this.#db()) };
  }

  ensureFlags(): { work: 'current' | 'incremental' | 'full' } {
    // The check reads two rows outside any transaction; only work takes the write lock.
    return { work: bringFlagsUpToDate(this.#db()) };
  }

  // ---- review work: state, progress, sign-off, the review log (review-work.ts) ----

  mark(input: ReviewActor & { eventIds: string[]; state: ReviewState; query: ReviewQuery }): { marked: number; progress: ReviewProgress } {
    const db = this.#db();
    const { marked } = markEvents(db, input);
    return { marked, progress: this.progress(input.query) };
  }

  markFiltered(input: ReviewActor & ReviewQuery & { words: string; state: ReviewState; expectedEvents: number }): { marked: number; progress: ReviewProgress } {
    const db = this.#db();
    const { marked } = markFiltered(db, input);
    return { marked, progress: this.progress(input) };
  }

  progress(query: ReviewQuery): ReviewProgress {
    return progressOf(this.#db(), filterCondition(query.filter, query.timeZone));
  }

  progressOverview(input: { timeZone: string; views: Array<{ name: string; filter: LocalFilterGroupInput }> }) {
    return progressOverview(this.#db(), input);
  }

  signOff(input: SignOffRecordInput) {
    return signOff(this.#db(), input);
  }

  signOffs() {
    return listSignOffs(this.#db());
  }

  log(input: { beforeSeq: number | null; limit: number }) {
    return readLog(this.#db(), input);
  }

  /** The manifest's review section for the events `condition` selects (exports, in the data worker). */
  packetReview(condition: SqlCondition): PacketReview {
    return packetReview(this.#db(), condition);
  }

  /** A rebuild's carry-over of the old file's review work (rows as they were). */
  restoreWork(work: SalvagedReviewWork) {
    return restoreReviewWork(this.#db(), work);
  }

  /** Logs a finished export file (in the data worker, where exports are written). */
  logExport(input: ExportLogInput): void {
    logExport(this.#db(), input);
  }
}

interface ExportAnnotationStatements {
  /** The flags of each event asked for (EXPORT_FLAGS_SQL; null when none), with its position in the list. */
  flags: CacheStatement<[string], { position: number; flags: string | null }>;
  /** Each event's notes oldest first. */
  notes: CacheStatement<[string], { event_id: string; author: string; text: string; tag: string | null; created_at: number }>;
  /** A row when the cache holds any note at all. */
  anyNote: CacheStatement<[], { one: number }>;
  anyFlag: CacheStatement<[], { one: number }>;
}
const exportStatements = new WeakMap<CacheDatabase, ExportAnnotationStatements>();

/** An event's flags over its row `e`, in name order joined by FLAG_SEPARATOR (char 31); NULL when it has none. */
const EXPORT_FLAGS_SQL = `(SELECT group_concat(f.flag, char(31) ORDER BY f.flag) FROM event_flags f WHERE f.event_rowid = e.id)`;

function exportStatementsOf(db: CacheDatabase): ExportAnnotationStatements {
  let statements = exportStatements.get(db);
  if (statements === undefined) {
    statements = {
      flags: db.prepare<[string], { position: number; flags: string | null }>(`SELECT j.key AS position, ${EXPORT_FLAGS_SQL} AS flags FROM json_each(?) j JOIN events e ON e.id = j.value`),
      notes: db.prepare<[string], { event_id: string; author: string; text: string; tag: string | null; created_at: number }>(
        `SELECT n.event_id, n.author, n.text, n.tag, n.created_at FROM json_each(?) j JOIN event_notes n ON n.event_id = j.value ORDER BY n.event_id, n.created_at, n.id`,
      ),
      anyNote: db.prepare<[], { one: number }>(`SELECT 1 AS one FROM event_notes LIMIT 1`),
      anyFlag: db.prepare<[], { one: number }>(`SELECT 1 AS one FROM event_flags LIMIT 1`),
    };
    exportStatements.set(db, statements);
  }
  return statements;
}

/**
 * Fields a filter asks to have changed ("Field changed is Stage", "… is one of"), outside any negated
 * group: the table's row then shows that change rather than the event's first one.
 */
export function focusFieldNames(group: LocalFilterGroupInput): string[] {
  if (group.not === true) return [];
  const names = new Set<string>();
  for (const node of group.rules) {
    if ('rules' in node) {
      for (const name of focusFieldNames(node)) names.add(name);
      continue;
    }
    if (node.field !== 'field' || (node.operator !== '=' && node.operator !== 'in')) continue;
    const values = Array.isArray(node.value) ? node.value : [node.value];
    for (const value of values) if (typeof value === 'string' && value !== '') names.add(value);
  }
  return [...names];
}

function toRow(row: RowRecord, clock: ZoneClock): ReviewRow {
  return {
    eventId: row.event_id,
    auditedTime: row.audited_time,
    auditedAtMs: row.audited_at_ms,
    shownTime: clock.at(row.audited_at_ms).human,
    action: row.action,
    source: row.source,
    doneBy: row.done_by_id === null ? null : { id: row.done_by_id, name: row.done_by_name },
    record: { module: row.record_module, id: row.record_id, name: row.record_name },
    relatedRecord: row.related_module === null || row.related_id === null ? null : { module: row.related_module, id: row.related_id, name: row.related_name },
    automation: row.automation_json === null ? null : automationWords(row.automation_json),
    fieldCount: row.field_count,
    firstChange: row.api_name === null ? null : { apiName: row.api_name, label: row.field_label, oldValue: row.old_text, newValue: row.new_text },
    flags: row.flags === null ? [] : (row.flags.split(',').sort() as ReviewFlag[]),
    noteCount: row.notes,
    review: markOf(row.review_state, row.review_by, row.review_at),
  };
}

/** Stored automation_json in words; the JSON itself when it names neither a Pathfinder state nor a rule. */
function automationWords(json: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return json;
  }
  return describeAutomation(parsed) ?? json;
}
