import { ZohoFilterError } from './errors.js';

/**
 * The `filters` grammar of the timeline API, exactly as timeline-api.md documents it and no wider:
 * four fields, each with its own comparators and values, optionally combined ONE level deep with
 * group_operator + group. The doc shows no nested group, so a group inside a group is rejected
 * (conservative: Zoho might accept it, but we cannot tell what it would mean).
 */

export const FILTERABLE_MODULES = ['Notes', 'Attachments', 'Tasks', 'Calls', 'Events', 'Emails'] as const;
export type FilterableModule = (typeof FILTERABLE_MODULES)[number];

export const TIMELINE_SOURCES = [
  'crm_api',
  'mass_delete_via_crm_api',
  'bulkapi',
  'approval_process',
  'assignment_rules',
  'blueprint',
  'mass_update_via_blueprint',
  'orchestration',
  'convert',
  'massconvert',
  'custom_function',
  'macro',
  'crm_ui',
  'mass_update',
  'mass_update_via_scheduler',
  'mass_delete_via_clean_up',
  'bulk_action',
  'change_owner',
  'mass_change_owner_via_scheduler',
  'review_process',
  'scoringrule',
  'wizard',
  'workflow',
] as const;
export type TimelineSource = (typeof TIMELINE_SOURCES)[number];

export type FilterField = 'record.module.api_name' | 'done_by.id' | 'audited_time' | 'source';
export const FILTER_FIELDS: readonly FilterField[] = ['record.module.api_name', 'done_by.id', 'audited_time', 'source'];

export type ModuleCondition = { field: { api_name: 'record.module.api_name' }; comparator: 'equal'; value: FilterableModule } | { field: { api_name: 'record.module.api_name' }; comparator: 'in'; value: FilterableModule[] };
export type DoneByCondition = { field: { api_name: 'done_by.id' }; comparator: 'equal'; value: string } | { field: { api_name: 'done_by.id' }; comparator: 'in'; value: string[] };
export type AuditedTimeCondition = { field: { api_name: 'audited_time' }; comparator: 'between'; value: [string, string] };
export type SourceCondition = { field: { api_name: 'source' }; comparator: 'equal'; value: TimelineSource } | { field: { api_name: 'source' }; comparator: 'in'; value: TimelineSource[] };

export type TimelineFilterCondition = ModuleCondition | DoneByCondition | AuditedTimeCondition | SourceCondition;
export interface TimelineFilterGroup {
  group_operator: 'AND' | 'OR';
  /** Two or more conditions; never another group. */
  group: TimelineFilterCondition[];
}
export type TimelineFilter = TimelineFilterCondition | TimelineFilterGroup;

const COMPARATORS: Record<FilterField, readonly string[]> = {
  'record.module.api_name': ['equal', 'in'],
  'done_by.id': ['equal', 'in'],
  audited_time: ['between'],
  source: ['equal', 'in'],
};

const USER_ID = /^[0-9]{1,25}$/;
/** ISO 8601 date-time with an explicit ±hh:mm offset, as in the doc's examples (2023-10-25T00:00:00+12:00). */
const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?([+-])(\d{2}):(\d{2})$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function rejectUnknownKeys(object: Record<string, unknown>, allowedKeys: readonly string[], path: string): void {
  for (const key of Object.keys(object)) {
    if (!allowedKeys.includes(key)) {
      throw new ZohoFilterError(path === '' ? key : `${path}.${key}`, `unknown key "${key}"`, `only the keys ${allowedKeys.map((k) => `"${k}"`).join(', ')}`);
    }
  }
}

/** Milliseconds since the epoch for a valid ISO-with-offset string, or undefined if it is not one. */
export function parseIsoWithOffset(text: string): number | undefined {
  const match = ISO_WITH_OFFSET.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, , , oh, om] = match;
  const year = Number(y),
    month = Number(mo),
    day = Number(d),
    hour = Number(h),
    minute = Number(mi),
    second = Number(s);
  const offsetHours = Number(oh),
    offsetMinutes = Number(om);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || offsetHours > 14 || offsetMinutes > 59) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return undefined;
  const millis = Date.parse(text);
  return Number.isNaN(millis) ? undefined : millis;
}

function validateScalar(field: FilterField, value: unknown, path: string): void {
  switch (field) {
    case 'record.module.api_name':
      if (typeof value !== 'string' || !(FILTERABLE_MODULES as readonly string[]).includes(value)) {
        throw new ZohoFilterError(path, `${describe(value)} is not a module the timeline can be filtered by`, `one of ${FILTERABLE_MODULES.join(', ')} (exact spelling)`);
      }
      return;
    case 'done_by.id':
      if (typeof value !== 'string' || !USER_ID.test(value)) {
        throw new ZohoFilterError(path, `${describe(value)} is not a Zoho user id`, 'a user id as a string of digits, e.g. "5843104000000424001" (see the Users list)');
      }
      return;
    case 'source':
      if (typeof value !== 'string' || !(TIMELINE_SOURCES as readonly string[]).includes(value)) {
        throw new ZohoFilterError(path, `${describe(value)} is not a documented change source`, `one of ${TIMELINE_SOURCES.join(', ')}`);
      }
      return;
    case 'audited_time':
      if (typeof value !== 'string' || parseIsoWithOffset(value) === undefined) {
        throw new ZohoFilterError(path, `${describe(value)} is not an ISO 8601 date-time with a time-zone offset`, 'a date-time like "2023-10-25T00:00:00+12:00" (the offset must be written as +hh:mm or -hh:mm; use +00:00 for UTC)');
      }
      return;
  }
}

function validateCondition(input: unknown, path: string): TimelineFilterCondition {
  if (!isPlainObject(input)) {
    throw new ZohoFilterError(path || '(top level)', `expected a condition object, got ${describe(input)}`, '{"field":{"api_name":…},"comparator":…,"value":…}');
  }
  if ('group' in input || 'group_operator' in input) {
    throw new ZohoFilterError(path, 'groups cannot be nested inside a group', 'only conditions inside "group" (the documented grammar has one level of grouping)');
  }
  rejectUnknownKeys(input, ['field', 'comparator', 'value'], path);
  const at = (key: string): string => (path === '' ? key : `${path}.${key}`);
  const field = input['field'];
  if (!isPlainObject(field)) {
    throw new ZohoFilterError(at('field'), `expected {"api_name": …}, got ${describe(field)}`, `{"api_name": one of ${FILTER_FIELDS.join(', ')}}`);
  }
  rejectUnknownKeys(field, ['api_name'], at('field'));
  const apiName = field['api_name'];
  if (typeof apiName !== 'string' || !(FILTER_FIELDS as readonly string[]).includes(apiName)) {
    throw new ZohoFilterError(at('field.api_name'), `${describe(apiName)} is not a field the timeline can be filtered by`, `one of ${FILTER_FIELDS.join(', ')}`);
  }
  const fieldName = apiName as FilterField;
  const comparator = input['comparator'];
  const allowedComparators = COMPARATORS[fieldName];
  if (typeof comparator !== 'string' || !allowedComparators.includes(comparator)) {
    throw new ZohoFilterError(at('comparator'), `${describe(comparator)} cannot be used with ${fieldName}`, `for ${fieldName}: ${allowedComparators.join(' or ')}`);
  }
  if (!('value' in input)) {
    throw new ZohoFilterError(at('value'), 'the value is missing', comparator === 'equal' ? 'a single value' : comparator === 'in' ? 'a non-empty list of values' : 'a list of exactly two date-times [from, to]');
  }
  const value = input['value'];
  if (comparator === 'equal') {
    if (Array.isArray(value)) {
      throw new ZohoFilterError(at('value'), '"equal" takes a single value, not a list', 'a single value (use "in" for a list)');
    }
    validateScalar(fieldName, value, at('value'));
  } else if (comparator === 'in') {
    if (!Array.isArray(value)) {
      throw new ZohoFilterError(at('value'), `"in" takes a list, got ${describe(value)}`, 'a non-empty list of values (use "equal" for one value)');
    }
    if (value.length === 0) {
      throw new ZohoFilterError(at('value'), '"in" with an empty list matches nothing', 'a list with at least one value');
    }
    const seen = new Set<unknown>();
    value.forEach((item, index) => {
      validateScalar(fieldName, item, `${at('value')}[${index}]`);
      if (seen.has(item)) throw new ZohoFilterError(`${at('value')}[${index}]`, `${describe(item)} is listed twice`, 'each value once');
      seen.add(item);
    });
  } else {
    // between (audited_time only)
    if (!Array.isArray(value) || value.length !== 2) {
      throw new ZohoFilterError(at('value'), `"between" needs exactly two date-times, got ${describe(value)}`, 'a list of exactly two date-times [from, to], e.g. ["2023-10-25T00:00:00+12:00","2023-10-30T23:59:59+12:00"]');
    }
    value.forEach((item, index) => validateScalar(fieldName, item, `${at('value')}[${index}]`));
    const from = parseIsoWithOffset(value[0] as string) ?? 0;
    const to = parseIsoWithOffset(value[1] as string) ?? 0;
    if (from > to) {
      throw new ZohoFilterError(at('value'), `the start ${describe(value[0])} is after the end ${describe(value[1])}`, 'the earlier date-time first, then the later one');
    }
  }
  return input as unknown as TimelineFilterCondition;
}

/**
 * Checks a filter (typed or straight from user JSON) against the documented grammar before anything is
 * sent, and returns it typed. Throws ZohoFilterError naming the failing part and what is allowed there.
 */
export function validateTimelineFilter(input: unknown): TimelineFilter {
  if (isPlainObject(input) && ('group' in input || 'group_operator' in input)) {
    rejectUnknownKeys(input, ['group_operator', 'group'], '');
    const operator = input['group_operator'];
    if (operator !== 'AND' && operator !== 'OR') {
      throw new ZohoFilterError('group_operator', `${describe(operator)} is not a group operator`, '"AND" or "OR" (upper case)');
    }
    const group = input['group'];
    if (!Array.isArray(group)) {
      throw new ZohoFilterError('group', `expected a list of conditions, got ${describe(group)}`, 'a list of two or more conditions');
    }
    if (group.length < 2) {
      throw new ZohoFilterError('group', group.length === 0 ? 'the group is empty' : 'a group needs at least two conditions', 'two or more conditions (send a single condition on its own, without a group)');
    }
    group.forEach((condition, index) => validateCondition(condition, `group[${index}]`));
    return input as unknown as TimelineFilterGroup;
  }
  return validateCondition(input, '');
}

/** Parses filter JSON typed by a person (CLI, UI) and validates it. */
export function parseTimelineFilterJson(text: string): TimelineFilter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ZohoFilterError('(top level)', `the filter is not valid JSON (${error instanceof Error ? error.message : String(error)})`, 'JSON such as {"field":{"api_name":"source"},"comparator":"equal","value":"crm_ui"}');
  }
  return validateTimelineFilter(parsed);
}

/**
 * The value of the `filters` query parameter: JSON, then percent-encoded as the doc's sample request
 * shows ({ → %7B, " → %22, + → %2B …). Unencoded filters are answered with INVALID_DATA.
 */
export function encodeTimelineFilter(filter: TimelineFilter): string {
  return encodeURIComponent(JSON.stringify(validateTimelineFilter(filter)));
}
