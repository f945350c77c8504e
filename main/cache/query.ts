import type { RecordKey } from '../sync/sync-store.js';
import type { JsonObject, JsonValue, PickListValue } from '../zoho/models.js';
import { AuditorError } from '../core/errors.js';
import { parseDayKey, zoneClock } from '../core/zoned-time.js';
import { ftsMatchExpression } from './search-text.js';
import { LOCAL_FILTER_LIMITS, LOCAL_FILTER_OPERATORS, localFilterSizeIssue, type LocalFilterField, type LocalFilterGroupInput, type LocalFilterRuleInput, type LocalFilterRuleOf } from '../../preload/contract.js';

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
  /** A further condition over `events e`, ANDed (a compiled local filter: compileLocalFilter). */
  condition?: SqlCondition;
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
  /** null: a system action (Zoho sent `"done_by": null`). */
  doneBy: { id: string; name: string | null } | null;
  /** Zoho's `type` ("timeline" / "signal") and `extension`, when the timeline was fetched with include=type,extension. */
  timelineType: string | null;
  extension: string | null;
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
   * The zone hours and days are bucketed in (IANA name or 'UTC', default 'UTC'), the offset in force
   * at each event's instant (core/zoned-time.ts): daylight saving is followed.
   */
  timeZone?: string;
}

/** x: hour of the week 0–167 (0 = Monday 00:00–00:59), y: user id. */
export interface HourOfWeekCell {
  x: number;
  y: string;
  count: number;
}
/** x: day as YYYY-MM-DD, y: source ('' for an event without a source). */
export interface SourceDayCell {
  x: string;
  y: string;
  count: number;
}
/** x: source ('' for none), y: user id. */
export interface UserSourceCell {
  x: string;
  y: string;
  count: number;
}
export type HeatmapCell = HourOfWeekCell | SourceDayCell | UserSourceCell;

export interface SqlCondition {
  where: string;
  params: unknown[];
}

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/** The rows (records.id) of the record keys in a JSON parameter made by recordKeysJson: a subquery. */
export const RECORD_ROWIDS_OF_KEYS = `SELECT r.id FROM json_each(?) j JOIN records r ON r.module = j.value ->> '$.module' AND r.record_id = j.value ->> '$.recordId'`;

export function recordKeysJson(records: readonly RecordKey[]): string {
  return JSON.stringify(records.map((key) => ({ module: key.module, recordId: key.recordId })));
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
      clauses.push(`e.id IN (SELECT te.event_rowid FROM timeline_events te WHERE te.record_rowid IN (${RECORD_ROWIDS_OF_KEYS}))`);
      params.push(recordKeysJson(filter.records));
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
  if (filter.condition !== undefined) {
    clauses.push(`(${filter.condition.where})`);
    params.push(...filter.condition.params);
  }
  return { where: clauses.length === 0 ? '1' : clauses.join(' AND '), params };
}

/** Days since the epoch → YYYY-MM-DD. */
export function dayNumberToDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

// ---- local filters: nested AND/OR groups (react-querybuilder's RuleGroupType) → parametrised SQL ----

/** One condition: the contract's union, discriminated by field, each with only its own operators. */
export type LocalFilterRule = LocalFilterRuleInput;
export type LocalFilterGroup = LocalFilterGroupInput;

export { LOCAL_FILTER_LIMITS, LOCAL_FILTER_OPERATORS, type LocalFilterField } from '../../preload/contract.js';

/** The fields whose SQL the cache writes itself: they read only the cache's own tables. */
export const CACHE_FILTER_FIELDS = [
  'user',
  'source',
  'action',
  'module',
  'record',
  'field',
  'oldValue',
  'newValue',
  'valueChange',
  'time',
  'day',
  'hourOfWeek',
  'automation',
  'text',
  'timelineType',
  'extension',
] as const satisfies readonly LocalFilterField[];
type CacheFilterField = (typeof CACHE_FILTER_FIELDS)[number];
/** Contract fields over tables another capability owns (review's flags and notes): that capability compiles them. */
export type ExtensionFilterField = Exclude<LocalFilterField, CacheFilterField>;

/**
 * SQL for one condition on an extension field: a boolean expression over `events e` with every value
 * pushed to `params` (use localFilterValues / localFilterText / sqlMemberOf to read the rule's value).
 */
export type ExtensionFieldCompiler<F extends ExtensionFilterField> = (rule: LocalFilterRuleOf<F>, params: unknown[]) => string;
/** One compiler per extension field: a field added to the contract must get one, or the caller fails to type-check. */
export type ExtensionFieldCompilers = { readonly [F in ExtensionFilterField]: ExtensionFieldCompiler<F> };

export interface LocalFilterOptions {
  /** The zone of `day` and `hourOfWeek` (IANA name or 'UTC', default 'UTC'; daylight saving followed). */
  timeZone?: string;
  /** The capability owning the extension fields' tables supplies their SQL. */
  extensions: ExtensionFieldCompilers;
}

/** A local filter that cannot be compiled: names the rule and what is allowed. */
export class LocalFilterError extends AuditorError {
  constructor(message: string, hint: string) {
    super('REVIEW_FILTER_INVALID', message, { hint });
    this.name = 'LocalFilterError';
  }
}

function isGroup(node: LocalFilterRule | LocalFilterGroup): node is LocalFilterGroup {
  return Array.isArray((node as LocalFilterGroup).rules);
}

/** A rule whose operator the type system already ruled out (stale input that skipped the schema). */
function impossible(rule: never): never {
  const { field, operator } = rule as { field: LocalFilterField; operator: never };
  return impossibleOperator(field, operator);
}

function impossibleOperator(field: LocalFilterField, operator: never): never {
  throw new LocalFilterError(`"${String(operator)}" cannot be used with ${field}.`, `For ${field}: ${LOCAL_FILTER_OPERATORS[field].join(', ')}.`);
}

/** The rule's values as a list (an array, or comma-separated text); at least one. */
export function localFilterValues(rule: LocalFilterRule): string[] {
  const value = rule.value;
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : typeof value === 'number' ? [value] : [];
  const list = items.map((item) => (typeof item === 'number' ? String(item) : typeof item === 'string' ? item.trim() : '')).filter((item) => item !== '');
  if (list.length === 0) throw new LocalFilterError(`"${rule.field}" ${rule.operator} needs at least one value.`, 'Pick or type a value, or remove the condition.');
  if (list.length > LOCAL_FILTER_LIMITS.listValues) throw new LocalFilterError(`"${rule.field}" lists more than ${LOCAL_FILTER_LIMITS.listValues} values.`, 'Use fewer values.');
  return list;
}

/** The rule's one value as text. */
export function localFilterText(rule: LocalFilterRule, allowEmpty = false): string {
  const value = rule.value;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : Array.isArray(value) && value.length === 1 && typeof value[0] === 'string' ? value[0] : undefined;
  if (text === undefined || (!allowEmpty && text.trim() === '')) {
    throw new LocalFilterError(`"${rule.field}" ${rule.operator} needs a value.`, 'Type a value, or remove the condition.');
  }
  if (text.length > LOCAL_FILTER_LIMITS.textLength) throw new LocalFilterError(`The value for "${rule.field}" is too long.`, `At most ${LOCAL_FILTER_LIMITS.textLength} characters.`);
  return text;
}

function pairOf(rule: LocalFilterRule): [string, string] {
  const value = rule.value;
  const pair = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
  if (pair.length !== 2 || pair.some((item) => typeof item !== 'string' && typeof item !== 'number')) {
    throw new LocalFilterError(`"${rule.field}" ${rule.operator} needs two values.`, 'Give both the first and the second value.');
  }
  return [String(pair[0]).trim(), String(pair[1]).trim()];
}

function timeOf(text: string): number {
  const ms = /^-?\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) throw new LocalFilterError(`"${text}" is not a date and time.`, 'Use a date-time such as 2024-03-01T09:00:00+01:00.');
  return Math.trunc(ms);
}

/** A real calendar day as YYYY-MM-DD (compares as text in calendar order). */
function dayOf(text: string): string {
  try {
    parseDayKey(text);
  } catch {
    throw new LocalFilterError(`"${text}" is not a day.`, 'Use a day as YYYY-MM-DD.');
  }
  return text;
}

/** `value` (or a list) as `= ?` / `IN (…)`; long lists as one JSON parameter. */
export function sqlMemberOf(column: string, values: readonly string[], params: unknown[]): string {
  if (values.length === 1) {
    params.push(values[0]);
    return `${column} = ?`;
  }
  params.push(JSON.stringify(values));
  return `${column} IN (SELECT value FROM json_each(?))`;
}

/** Empty text and SQL NULL are both "empty" for old/new values. */
const EMPTY = (column: string): string => `(${column} IS NULL OR ${column} = '')`;

/** =, !=, in, notIn over one column: every such field shares this. */
function membership(rule: LocalFilterRule, operator: '=' | '!=' | 'in' | 'notIn', column: (test: string) => string, memberColumn: string, params: unknown[]): string {
  switch (operator) {
    case '=':
      return column(sqlMemberOf(memberColumn, [localFilterText(rule)], params));
    case '!=':
      return `NOT (${column(sqlMemberOf(memberColumn, [localFilterText(rule)], params))})`;
    case 'in':
      return column(sqlMemberOf(memberColumn, localFilterValues(rule), params));
    case 'notIn':
      return `NOT (${column(sqlMemberOf(memberColumn, localFilterValues(rule), params))})`;
    default:
      return impossibleOperator(rule.field, operator);
  }
}

const itself = (test: string): string => test;

/**
 * =, !=, in, notIn, null, notNull over a column that may hold SQL NULL (a system action's user, an
 * event without Zoho's `type`): a missing value never equals a value, and "is not X" includes it.
 */
function nullableMembership(rule: LocalFilterRule, operator: '=' | '!=' | 'in' | 'notIn' | 'null' | 'notNull', column: string, params: unknown[]): string {
  switch (operator) {
    case 'null':
      return `${column} IS NULL`;
    case 'notNull':
      return `${column} IS NOT NULL`;
    case '=':
    case 'in':
      return sqlMemberOf(column, operator === 'in' ? localFilterValues(rule) : [localFilterText(rule)], params);
    case '!=':
    case 'notIn':
      params.push(JSON.stringify(operator === 'notIn' ? localFilterValues(rule) : [localFilterText(rule)]));
      return `(${column} IS NULL OR ${column} NOT IN (SELECT value FROM json_each(?)))`;
    default:
      return impossibleOperator(rule.field, operator);
  }
}

function compileRule(rule: LocalFilterRule, options: LocalFilterOptions, params: unknown[]): string {
  const timeZone = options.timeZone ?? 'UTC';
  switch (rule.field) {
    case 'user':
      return nullableMembership(rule, rule.operator, 'e.done_by_id', params);
    case 'timelineType':
      return nullableMembership(rule, rule.operator, 'e.event_type', params);
    case 'extension':
      switch (rule.operator) {
        case 'null':
          return 'e.extension IS NULL';
        case 'notNull':
          return 'e.extension IS NOT NULL';
        case '=':
          params.push(localFilterText(rule));
          return 'e.extension = ?';
        case '!=':
          params.push(localFilterText(rule));
          return '(e.extension IS NULL OR e.extension <> ?)';
        case 'contains':
        case 'doesNotContain': {
          params.push(localFilterText(rule));
          const test = 'instr(lower(e.extension), lower(?)) > 0';
          return rule.operator === 'contains' ? test : `NOT coalesce(${test}, 0)`;
        }
        default:
          return impossible(rule);
      }
    case 'action':
      return membership(rule, rule.operator, itself, 'e.action', params);
    case 'module':
      return membership(rule, rule.operator, itself, 'e.record_module', params);
    case 'source':
      switch (rule.operator) {
        case 'null':
          return `(e.source IS NULL OR e.source = '')`;
        case 'notNull':
          return `(e.source IS NOT NULL AND e.source <> '')`;
        case '=':
        case 'in':
          return sqlMemberOf('e.source', rule.operator === 'in' ? localFilterValues(rule) : [localFilterText(rule)], params);
        case '!=':
        case 'notIn':
          // A missing source never equals a value; "is not X" includes events without a source.
          params.push(JSON.stringify(rule.operator === 'notIn' ? localFilterValues(rule) : [localFilterText(rule)]));
          return `coalesce(e.source, '') NOT IN (SELECT value FROM json_each(?))`;
        default:
          return impossible(rule);
      }
    case 'record': {
      const text = localFilterText(rule);
      const match = /^([A-Za-z][A-Za-z0-9_]*)\/([0-9]+)$/.exec(text.trim());
      if (match === null) throw new LocalFilterError(`"${text}" is not a record.`, 'Write a record as Module/id, e.g. Leads/554023000001122039.');
      params.push(match[1], match[2]);
      const test = `e.id IN (SELECT te.event_rowid FROM timeline_events te JOIN records r ON r.id = te.record_rowid WHERE r.module = ? AND r.record_id = ?)`;
      switch (rule.operator) {
        case '=':
          return test;
        case '!=':
          return `NOT (${test})`;
        default:
          return impossible(rule);
      }
    }
    case 'field':
      return membership(rule, rule.operator, (test) => `EXISTS (SELECT 1 FROM field_changes fc WHERE fc.event_rowid = e.id AND ${test})`, 'fc.api_name', params);
    case 'oldValue':
    case 'newValue': {
      const column = rule.field === 'oldValue' ? 'fc.old_text' : 'fc.new_text';
      const exists = (test: string): string => `EXISTS (SELECT 1 FROM field_changes fc WHERE fc.event_rowid = e.id AND ${test})`;
      switch (rule.operator) {
        case 'null':
          return exists(EMPTY(column));
        case 'notNull':
          return exists(`NOT ${EMPTY(column)}`);
        case 'contains':
        case 'doesNotContain': {
          params.push(localFilterText(rule));
          const test = exists(`instr(lower(${column}), lower(?)) > 0`);
          return rule.operator === 'contains' ? test : `NOT (${test})`;
        }
        case '=':
        case '!=': {
          params.push(localFilterText(rule, true));
          const test = exists(`${column} = ?`);
          return rule.operator === '=' ? test : `NOT (${test})`;
        }
        default:
          return impossible(rule);
      }
    }
    case 'valueChange': {
      switch (rule.operator) {
        case 'changedFromTo': {
          const [from, to] = pairOf(rule);
          const side = (column: string, text: string): string => {
            if (text === '') return EMPTY(column);
            params.push(text);
            return `${column} = ?`;
          };
          return `EXISTS (SELECT 1 FROM field_changes fc WHERE fc.event_rowid = e.id AND ${side('fc.old_text', from)} AND ${side('fc.new_text', to)})`;
        }
        default:
          return impossible(rule);
      }
    }
    case 'time': {
      switch (rule.operator) {
        case 'between':
        case 'notBetween': {
          const [from, to] = pairOf(rule).map(timeOf) as [number, number];
          if (from > to) throw new LocalFilterError('The time range ends before it starts.', 'Put the earlier time first.');
          params.push(from, to);
          // Inclusive of both ends, like the builder's "between".
          return rule.operator === 'between' ? 'e.audited_at_ms BETWEEN ? AND ?' : 'NOT (e.audited_at_ms BETWEEN ? AND ?)';
        }
        case '>=':
          params.push(timeOf(localFilterText(rule)));
          return 'e.audited_at_ms >= ?';
        case '<':
          // "before" excludes the instant itself: [from, to) ranges compose without overlap.
          params.push(timeOf(localFilterText(rule)));
          return 'e.audited_at_ms < ?';
        default:
          return impossible(rule);
      }
    }
    case 'day': {
      // Days in the chosen zone are one range of instants (23 or 25 hours on a change day): index-friendly.
      let first: string;
      let last: string;
      switch (rule.operator) {
        case 'between':
          [first, last] = pairOf(rule).map(dayOf) as [string, string];
          break;
        case '=':
          first = last = dayOf(localFilterText(rule));
          break;
        default:
          return impossible(rule);
      }
      if (first > last) throw new LocalFilterError('The day range ends before it starts.', 'Put the earlier day first.');
      const range = zoneClock(timeZone).dayRange(first, last);
      params.push(range.startMs, range.endMs);
      return '(e.audited_at_ms >= ? AND e.audited_at_ms < ?)';
    }
    case 'hourOfWeek': {
      let texts: string[];
      switch (rule.operator) {
        case 'in':
          texts = localFilterValues(rule);
          break;
        case '=':
          texts = [localFilterText(rule)];
          break;
        default:
          return impossible(rule);
      }
      const hours = texts.map((text) => {
        const hour = Number(text);
        if (!Number.isInteger(hour) || hour < 0 || hour > 167) throw new LocalFilterError(`"${text}" is not an hour of the week.`, '0 (Monday 00:00) to 167 (Sunday 23:00).');
        return hour;
      });
      // ta_hour_of_week: the cache's SQL function over core/zoned-time (the offset at each instant).
      params.push(timeZone, JSON.stringify(hours));
      return `ta_hour_of_week(e.audited_at_ms, ?) IN (SELECT value FROM json_each(?))`;
    }
    case 'automation':
      switch (rule.operator) {
        case 'null':
          return 'e.automation_json IS NULL';
        case 'notNull':
          return 'e.automation_json IS NOT NULL';
        case 'contains':
          params.push(localFilterText(rule));
          return 'instr(lower(e.automation_json), lower(?)) > 0';
        default:
          return impossible(rule);
      }
    case 'text': {
      const negated = rule.operator === 'doesNotContain';
      if (rule.operator !== 'contains' && rule.operator !== 'doesNotContain') return impossibleOperator(rule.field, rule.operator);
      const expression = ftsMatchExpression(localFilterText(rule));
      // Nothing searchable (only punctuation): no restriction, as in EventFilter.text.
      if (expression === null) return negated ? '0' : '1';
      params.push(expression);
      const test = 'e.id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)';
      return negated ? `NOT (${test})` : test;
    }
    case 'flag':
      return options.extensions.flag(rule, params);
    case 'note':
      return options.extensions.note(rule, params);
    default:
      return unknownField(rule);
  }
}

/** Every field of the contract has a case above (this stops compiling otherwise); stale input still gets words. */
function unknownField(rule: never): never {
  const field = String((rule as { field: unknown }).field);
  throw new LocalFilterError(`"${field}" is not a field the local filter knows.`, `One of ${Object.keys(LOCAL_FILTER_OPERATORS).join(', ')}.`);
}

/** Refuses a field or operator the contract does not list, before the typed switch sees it (saved filters, callers without the schema). */
function checkKnown(rule: LocalFilterRule): void {
  const operators = (LOCAL_FILTER_OPERATORS as Record<string, readonly string[] | undefined>)[rule.field];
  if (operators === undefined || !Object.prototype.hasOwnProperty.call(LOCAL_FILTER_OPERATORS, rule.field)) unknownField(rule as never);
  if (!operators.includes(rule.operator)) {
    throw new LocalFilterError(`"${rule.operator}" cannot be used with ${rule.field}.`, `For ${rule.field}: ${operators.join(', ')}.`);
  }
}

function compileGroup(group: LocalFilterGroup, options: LocalFilterOptions, params: unknown[]): string {
  if (group.combinator !== 'and' && group.combinator !== 'or') {
    throw new LocalFilterError(`"${String(group.combinator)}" is not a combinator.`, 'Use AND or OR.');
  }
  const parts = group.rules.map((child) => {
    if (isGroup(child)) return compileGroup(child, options, params);
    checkKnown(child);
    return compileRule(child, options, params);
  });
  // An empty group restricts nothing (as the builder shows it); NOT of it then matches nothing.
  const body = parts.length === 0 ? '1' : parts.map((part) => `(${part})`).join(group.combinator === 'and' ? ' AND ' : ' OR ');
  return group.not === true ? `NOT (${body})` : body;
}

/**
 * Compiles a nested local filter into a WHERE condition over `events e`. Every value is a bound
 * parameter; field names and operators only select fixed SQL fragments, never reach the text.
 */
export function compileLocalFilter(group: LocalFilterGroup, options: LocalFilterOptions): SqlCondition {
  const issue = localFilterSizeIssue(group);
  if (issue !== null) throw new LocalFilterError(issue.message, issue.hint);
  const params: unknown[] = [];
  const where = compileGroup(group, options, params);
  return { where, params };
}
