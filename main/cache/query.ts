import type { RecordKey } from '../sync/sync-store.js';
import type { JsonObject, JsonValue, PickListValue } from '../zoho/models.js';
import { ftsMatchExpression } from './search-text.js';

/** Columns of the full-text index a text search may be limited to. */
export type TextColumn = 'recordNames' | 'doneByName' | 'oldValues' | 'newValues';

const FTS_COLUMN: Record<TextColumn, string> = {
  recordNames: 'record_names',
  doneByName: 'done_by_name',
  oldValues: 'old_values',
  newValues: 'new_values',
};

/**
 * Which events a review screen wants. Every dimension is optional; an absent dimension does not
 * restrict, a present one must match (dimensions are ANDed, values within one dimension ORed).
 * An EMPTY list matches no event — "none selected" is the caller's to translate into `undefined`.
 */
export interface EventFilter {
  /** Events shown in the timeline of any of these records (the records whose timelines were fetched). */
  records?: readonly RecordKey[];
  /** Events shown in the timeline of any record of these modules. */
  timelineModules?: readonly string[];
  /** The event's own record.module.api_name (Leads, Notes, Tasks …), like Zoho's record.module.api_name filter. */
  modules?: readonly string[];
  /** done_by.id */
  userIds?: readonly string[];
  sources?: readonly string[];
  actions?: readonly string[];
  /** Events that changed at least one of these fields (field_history[].api_name). */
  fieldApiNames?: readonly string[];
  /** audited_time >= from (epoch ms, inclusive). */
  from?: number;
  /** audited_time < to (epoch ms, exclusive), so a month is [first day, first day of next month). */
  to?: number;
  /**
   * Free text as a person typed it: every word must occur (the last one as a prefix) in the record
   * names, the user's name or a changed field's old/new value. Never a syntax error; text with no
   * letters, digits or symbols applies no restriction.
   */
  text?: string;
  /** Limit `text` to some columns; all four when absent. */
  textIn?: readonly TextColumn[];
}

export interface QueryOptions {
  limit?: number;
  offset?: number;
  orderBy?: 'audited_time';
  direction?: 'asc' | 'desc';
  /** Attach Zoho's object as stored (raw JSON text) to each row. */
  includeRaw?: boolean;
}

export interface CachedFieldChange {
  apiName: string;
  fieldId: string | null;
  fieldLabel: string | null;
  dataType: string | null;
  /** Zoho's _value.old / _value.new with their JSON types. */
  oldValue: JsonValue;
  newValue: JsonValue;
  /** The same as plain text (strings as is, other JSON as JSON text, null stays null). */
  oldText: string | null;
  newText: string | null;
  enableColourCode: boolean | null;
  pickListValues: PickListValue[] | null;
}

export interface CachedRecordRef {
  module: string;
  id: string;
  name: string | null;
}

export interface CachedEvent {
  eventId: string;
  /** As Zoho sent it, with its offset. */
  auditedTime: string;
  auditedAtMs: number;
  action: string;
  source: string | null;
  doneBy: { id: string; name: string | null };
  record: CachedRecordRef;
  relatedRecord: CachedRecordRef | null;
  automation: JsonObject | null;
  fieldChanges: CachedFieldChange[];
  /** Present when asked for (QueryOptions.includeRaw): the exact stored text of Zoho's object. */
  raw?: string;
}

export type HeatmapKind = 'user-hour-of-week' | 'source-day' | 'user-source';

export interface HeatmapOptions {
  /**
   * Minutes to add to UTC before bucketing hours and days (330 for India, -300 for New York in
   * winter). 0 = UTC. A fixed offset: daylight-saving changes are not followed.
   */
  timezoneOffsetMinutes?: number;
}

/** x: hour of the week 0–167 (0 = Monday 00:00–00:59), y: user id. */
export interface HourOfWeekCell { x: number; y: string; count: number }
/** x: day as YYYY-MM-DD, y: source ('' for an event without a source). */
export interface SourceDayCell { x: string; y: string; count: number }
/** x: source ('' for none), y: user id. */
export interface UserSourceCell { x: string; y: string; count: number }
export type HeatmapCell = HourOfWeekCell | SourceDayCell | UserSourceCell;

export interface SqlCondition {
  where: string;
  params: unknown[];
}

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/**
 * Builds the WHERE clause over `events e`. Short value lists become `IN (?, …)` so the planner can
 * use the composite indexes; record lists go through json_each (they can be thousands long).
 */
export function buildEventCondition(filter: EventFilter): SqlCondition {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: readonly string[] | undefined): void => {
    if (values === undefined) return;
    if (values.length === 0) {
      clauses.push('0');
      return;
    }
    if (values.length <= 500) {
      clauses.push(`${column} IN (${placeholders(values)})`);
      params.push(...values);
    } else {
      clauses.push(`${column} IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(values));
    }
  };
  inList('e.done_by_id', filter.userIds);
  inList('e.source', filter.sources);
  inList('e.action', filter.actions);
  inList('e.record_module', filter.modules);
  if (filter.from !== undefined) {
    clauses.push('e.audited_at_ms >= ?');
    params.push(Math.trunc(filter.from));
  }
  if (filter.to !== undefined) {
    clauses.push('e.audited_at_ms < ?');
    params.push(Math.trunc(filter.to));
  }
  if (filter.records !== undefined) {
    if (filter.records.length === 0) clauses.push('0');
    else {
      clauses.push(`e.id IN (SELECT te.event_rowid FROM timeline_events te WHERE te.record_rowid IN (
        SELECT r.id FROM json_each(?) j JOIN records r ON r.module = j.value ->> '$.module' AND r.record_id = j.value ->> '$.recordId'))`);
      params.push(JSON.stringify(filter.records.map((key) => ({ module: key.module, recordId: key.recordId }))));
    }
  }
  if (filter.timelineModules !== undefined) {
    if (filter.timelineModules.length === 0) clauses.push('0');
    else {
      clauses.push(`e.id IN (SELECT te.event_rowid FROM timeline_events te JOIN records r ON r.id = te.record_rowid WHERE r.module IN (${placeholders(filter.timelineModules)}))`);
      params.push(...filter.timelineModules);
    }
  }
  if (filter.fieldApiNames !== undefined) {
    if (filter.fieldApiNames.length === 0) clauses.push('0');
    else {
      clauses.push(`e.id IN (SELECT fc.event_rowid FROM field_changes fc WHERE fc.api_name IN (${placeholders(filter.fieldApiNames)}))`);
      params.push(...filter.fieldApiNames);
    }
  }
  if (filter.text !== undefined) {
    const expression = ftsMatchExpression(filter.text);
    if (expression !== null) {
      const columns = filter.textIn;
      if (columns !== undefined && columns.length === 0) clauses.push('0');
      else {
        const scoped = columns === undefined ? expression : `{${[...new Set(columns)].map((column) => FTS_COLUMN[column]).join(' ')}} : (${expression})`;
        clauses.push('e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)');
        params.push(scoped);
      }
    }
  }
  return { where: clauses.length === 0 ? '1' : clauses.join(' AND '), params };
}

/** Days since the epoch → YYYY-MM-DD. */
export function dayNumberToDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
