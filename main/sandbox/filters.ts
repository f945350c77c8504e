/**
 * The timeline `filters` parameter, parsed exactly by the grammar in timeline-api.md:
 *   condition := {"field":{"api_name":F},"comparator":C,"value":V}
 *     F = record.module.api_name  C = equal (V one of Notes, Attachments, Tasks, Calls, Events, Emails) | in (array of them)
 *     F = done_by.id              C = equal (V a user id) | in (array of user ids)
 *     F = audited_time            C = between (V = [ISO 8601 start, ISO 8601 end])
 *     F = source                  C = equal (V one of the 23 documented sources) | in (array of them)
 *   group := {"group_operator":"AND"|"OR","group":[condition, …]}
 *   filters := condition | group
 * Anything else — other keys, other fields, comparators or values, nested groups — is rejected (400 INVALID_DATA).
 * Nested groups and lower-case operators are not documented for this API, so they are refused rather than guessed.
 */
import { TIMELINE_SOURCES, type TimelineEvent } from './dataset.js';

export const FILTERABLE_RELATED_MODULES = ['Notes', 'Attachments', 'Tasks', 'Calls', 'Events', 'Emails'] as const;

export type TimelineFilter =
  { kind: 'module'; modules: string[] } | { kind: 'done_by'; userIds: string[] } | { kind: 'audited_time'; from: number; to: number } | { kind: 'source'; sources: string[] } | { kind: 'group'; operator: 'AND' | 'OR'; conditions: TimelineFilter[] };

export class FilterError extends Error {}

const ISO_8601_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasExactlyKeys(value: Record<string, unknown>, keys: string[]): boolean {
  const actual = Object.keys(value);
  return actual.length === keys.length && keys.every((key) => Object.hasOwn(value, key));
}

function stringList(comparator: unknown, value: unknown, allowed: (item: string) => boolean, what: string): string[] {
  if (comparator === 'equal') {
    if (typeof value !== 'string' || !allowed(value)) throw new FilterError(`invalid value for ${what}`);
    return [value];
  }
  if (comparator === 'in') {
    if (!Array.isArray(value) || value.length === 0) throw new FilterError(`"in" needs a non-empty array for ${what}`);
    return value.map((item) => {
      if (typeof item !== 'string' || !allowed(item)) throw new FilterError(`invalid value for ${what}`);
      return item;
    });
  }
  throw new FilterError(`comparator not allowed for ${what}`);
}

function parseCondition(node: Record<string, unknown>): TimelineFilter {
  if (!hasExactlyKeys(node, ['field', 'comparator', 'value'])) throw new FilterError('a condition has exactly field, comparator and value');
  const fieldNode = node.field;
  if (!isPlainObject(fieldNode) || !hasExactlyKeys(fieldNode, ['api_name']) || typeof fieldNode.api_name !== 'string') {
    throw new FilterError('field must be {"api_name": …}');
  }
  const { comparator, value } = node;
  switch (fieldNode.api_name) {
    case 'record.module.api_name':
      return { kind: 'module', modules: stringList(comparator, value, (item) => (FILTERABLE_RELATED_MODULES as readonly string[]).includes(item), 'record.module.api_name') };
    case 'done_by.id':
      return { kind: 'done_by', userIds: stringList(comparator, value, (item) => /^\d{1,19}$/.test(item), 'done_by.id') };
    case 'source':
      return { kind: 'source', sources: stringList(comparator, value, (item) => (TIMELINE_SOURCES as readonly string[]).includes(item), 'source') };
    case 'audited_time': {
      if (comparator !== 'between') throw new FilterError('audited_time allows only "between"');
      if (!Array.isArray(value) || value.length !== 2) throw new FilterError('between needs [start, end]');
      const [start, end] = value as unknown[];
      if (typeof start !== 'string' || typeof end !== 'string' || !ISO_8601_DATE_TIME.test(start) || !ISO_8601_DATE_TIME.test(end)) {
        throw new FilterError('between needs ISO 8601 date-times with an offset');
      }
      const from = Date.parse(start);
      const to = Date.parse(end);
      if (Number.isNaN(from) || Number.isNaN(to) || from > to) throw new FilterError('invalid audited_time range');
      return { kind: 'audited_time', from, to };
    }
    default:
      throw new FilterError(`field ${fieldNode.api_name} cannot be filtered`);
  }
}

/** Parses the decoded JSON text of `filters`. Throws FilterError for anything outside the grammar. */
export function parseTimelineFilter(text: string): TimelineFilter {
  let node: unknown;
  try {
    node = JSON.parse(text);
  } catch {
    throw new FilterError('filters is not valid JSON');
  }
  if (!isPlainObject(node)) throw new FilterError('filters must be a JSON object');
  if (Object.hasOwn(node, 'group_operator') || Object.hasOwn(node, 'group')) {
    if (!hasExactlyKeys(node, ['group_operator', 'group'])) throw new FilterError('a group has exactly group_operator and group');
    const operator = node.group_operator;
    if (operator !== 'AND' && operator !== 'OR') throw new FilterError('group_operator is AND or OR');
    const members = node.group;
    if (!Array.isArray(members) || members.length === 0) throw new FilterError('group must be a non-empty array');
    const conditions = members.map((member) => {
      if (!isPlainObject(member)) throw new FilterError('group members are conditions');
      return parseCondition(member);
    });
    return { kind: 'group', operator, conditions };
  }
  return parseCondition(node);
}

export function matchesFilter(filter: TimelineFilter, event: TimelineEvent, epochMs: number): boolean {
  switch (filter.kind) {
    case 'module':
      return filter.modules.includes(event.record.module.api_name);
    case 'done_by':
      return event.done_by !== null && filter.userIds.includes(event.done_by.id);
    case 'source':
      return filter.sources.includes(event.source);
    case 'audited_time':
      return epochMs >= filter.from && epochMs <= filter.to;
    case 'group':
      return filter.operator === 'AND' ? filter.conditions.every((condition) => matchesFilter(condition, event, epochMs)) : filter.conditions.some((condition) => matchesFilter(condition, event, epochMs));
  }
}

/**
 * True when the raw (still percent-encoded) query value shows JSON syntax characters. The doc says the
 * value "must" be encoded and lists "not encoded" as its own INVALID_DATA case; an encoded value never
 * contains raw { } [ ] " or spaces (encodeURIComponent and URLSearchParams encode all of them; a
 * WHATWG URL leaves { } [ ] raw, so a client that forgot to encode is caught by those).
 */
export function looksUnencoded(rawValue: string): boolean {
  return /[{}[\]" ]/.test(rawValue);
}
