import { describe, expect, it } from 'vitest';
import { ZohoFilterError, encodeTimelineFilter, parseTimelineFilterJson, validateTimelineFilter, TIMELINE_SOURCES, FILTERABLE_MODULES, type TimelineFilterCondition } from '../../../main/zoho/index.js';

const moduleEq = { field: { api_name: 'record.module.api_name' }, comparator: 'equal', value: 'Notes' };
const sourceIn = { field: { api_name: 'source' }, comparator: 'in', value: ['crm_ui', 'crm_api'] };
const between = { field: { api_name: 'audited_time' }, comparator: 'between', value: ['2023-10-25T00:00:00+12:00', '2023-10-30T23:59:59+12:00'] };
const doneBy = { field: { api_name: 'done_by.id' }, comparator: 'in', value: ['5843104000000424001'] };

function rejection(input: unknown): ZohoFilterError {
  try {
    validateTimelineFilter(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ZohoFilterError);
    return error as ZohoFilterError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('validateTimelineFilter: accepts every documented example', () => {
  it.each([
    ['module equal', moduleEq],
    ['module in', { field: { api_name: 'record.module.api_name' }, comparator: 'in', value: ['Notes', 'Tasks'] }],
    ['done_by in', doneBy],
    ['done_by equal', { field: { api_name: 'done_by.id' }, comparator: 'equal', value: '5843104000000424001' }],
    ['audited_time between', between],
    ['source equal', { field: { api_name: 'source' }, comparator: 'equal', value: 'crm_ui' }],
    ['source in', sourceIn],
    ['AND group', { group_operator: 'AND', group: [{ ...moduleEq, comparator: 'in', value: ['Notes'] }, sourceIn] }],
    ['OR group of three', { group_operator: 'OR', group: [moduleEq, sourceIn, between] }],
    ['fractional seconds and negative offset', { ...between, value: ['2023-06-07T00:00:00.000-11:00', '2023-06-07T12:59:59.999-11:00'] }],
  ])('%s', (_name, filter) => {
    expect(validateTimelineFilter(filter)).toEqual(filter);
  });

  it('accepts all 23 documented sources and all 6 filterable modules', () => {
    expect(TIMELINE_SOURCES).toHaveLength(23);
    expect(validateTimelineFilter({ field: { api_name: 'source' }, comparator: 'in', value: [...TIMELINE_SOURCES] })).toBeTruthy();
    expect(validateTimelineFilter({ field: { api_name: 'record.module.api_name' }, comparator: 'in', value: [...FILTERABLE_MODULES] })).toBeTruthy();
  });
});

describe('validateTimelineFilter: rejects what the doc does not allow, naming the part', () => {
  it.each([
    // wrong comparator per field
    ['between on module', { ...moduleEq, comparator: 'between', value: ['Notes', 'Tasks'] }, 'comparator', 'equal or in'],
    ['equal on audited_time', { ...between, comparator: 'equal', value: '2023-10-25T00:00:00+12:00' }, 'comparator', 'between'],
    ['in on audited_time', { ...between, comparator: 'in' }, 'comparator', 'between'],
    ['between on source', { ...sourceIn, comparator: 'between' }, 'comparator', 'equal or in'],
    ['not_equal on done_by', { ...doneBy, comparator: 'not_equal' }, 'comparator', 'equal or in'],
    ['upper-case comparator', { ...moduleEq, comparator: 'EQUAL' }, 'comparator', 'equal or in'],
    // field
    ['unknown field', { ...moduleEq, field: { api_name: 'action' } }, 'field.api_name', 'record.module.api_name'],
    ['field as string', { ...moduleEq, field: 'source' }, 'field', 'api_name'],
    ['extra key in field', { ...moduleEq, field: { api_name: 'source', id: '1' } }, 'field.id', 'api_name'],
    // values
    ['disallowed module', { ...moduleEq, value: 'Leads' }, 'value', 'Notes, Attachments, Tasks, Calls, Events, Emails'],
    ['module wrong case', { ...moduleEq, value: 'notes' }, 'value', 'exact spelling'],
    ['disallowed module inside in', { ...moduleEq, comparator: 'in', value: ['Notes', 'Deals'] }, 'value[1]', 'Notes'],
    ['unknown source', { ...sourceIn, value: ['crm_ui', 'zapier'] }, 'value[1]', 'crm_api'],
    ['user id not digits', { ...doneBy, value: ['Patricia'] }, 'value[0]', 'user id'],
    // A user id as a JSON number has already lost digits: that is exactly what the check rejects.
    // eslint-disable-next-line no-loss-of-precision
    ['user id as number', { ...doneBy, comparator: 'equal', value: 5843104000000424001 }, 'value', 'string of digits'],
    ['equal with a list', { ...moduleEq, value: ['Notes'] }, 'value', 'use "in"'],
    ['in with a scalar', { ...sourceIn, value: 'crm_ui' }, 'value', 'non-empty list'],
    ['empty in', { ...sourceIn, value: [] }, 'value', 'at least one'],
    ['duplicate in', { ...sourceIn, value: ['crm_ui', 'crm_ui'] }, 'value[1]', 'once'],
    ['missing value', { field: { api_name: 'source' }, comparator: 'equal' }, 'value', 'single value'],
    // time
    ['between with one value', { ...between, value: ['2023-10-25T00:00:00+12:00'] }, 'value', 'exactly two'],
    ['between with three values', { ...between, value: ['2023-10-25T00:00:00+12:00', '2023-10-26T00:00:00+12:00', '2023-10-27T00:00:00+12:00'] }, 'value', 'exactly two'],
    ['between with a string', { ...between, value: '2023-10-25T00:00:00+12:00' }, 'value', 'exactly two'],
    ['time without offset', { ...between, value: ['2023-10-25T00:00:00', '2023-10-30T23:59:59+12:00'] }, 'value[0]', '+hh:mm'],
    ['time with Z', { ...between, value: ['2023-10-25T00:00:00+12:00', '2023-10-30T23:59:59Z'] }, 'value[1]', '+00:00'],
    ['date only', { ...between, value: ['2023-10-25', '2023-10-30'] }, 'value[0]', 'ISO 8601'],
    ['impossible date', { ...between, value: ['2023-02-30T00:00:00+00:00', '2023-10-30T23:59:59+12:00'] }, 'value[0]', 'ISO 8601'],
    ['hour 24', { ...between, value: ['2023-10-25T24:00:00+00:00', '2023-10-30T23:59:59+12:00'] }, 'value[0]', 'ISO 8601'],
    ['epoch number', { ...between, value: [1698148800000, '2023-10-30T23:59:59+12:00'] }, 'value[0]', 'ISO 8601'],
    ['start after end', { ...between, value: ['2023-10-30T23:59:59+12:00', '2023-10-25T00:00:00+12:00'] }, 'value', 'earlier'],
    // structure
    ['extra key in condition', { ...moduleEq, operator: 'and' }, 'operator', 'field'],
    ['not an object', 'source=crm_ui', '(top level)', 'condition'],
    ['array at top level', [moduleEq], '(top level)', 'condition'],
    ['bad group operator', { group_operator: 'XOR', group: [moduleEq, sourceIn] }, 'group_operator', '"AND" or "OR"'],
    ['lower-case group operator', { group_operator: 'and', group: [moduleEq, sourceIn] }, 'group_operator', '"AND" or "OR"'],
    ['missing group operator', { group: [moduleEq, sourceIn] }, 'group_operator', '"AND" or "OR"'],
    ['empty group', { group_operator: 'AND', group: [] }, 'group', 'two or more'],
    ['group of one', { group_operator: 'AND', group: [moduleEq] }, 'group', 'on its own'],
    ['group not a list', { group_operator: 'AND', group: moduleEq }, 'group', 'list'],
    ['nested group', { group_operator: 'AND', group: [moduleEq, { group_operator: 'OR', group: [sourceIn, between] }] }, 'group[1]', 'one level'],
    ['bad condition inside group', { group_operator: 'OR', group: [moduleEq, { ...sourceIn, value: [] }] }, 'group[1].value', 'at least one'],
    ['extra key beside group', { group_operator: 'AND', group: [moduleEq, sourceIn], field: { api_name: 'source' } }, 'field', 'group_operator'],
  ])('%s', (_name, input, path, allowedFragment) => {
    const error = rejection(input);
    expect(error.code).toBe('ZOHO_INVALID_FILTER');
    expect(error.path).toBe(path);
    expect(`${error.message} ${error.hint ?? ''}`).toContain(allowedFragment);
  });
});

describe('encodeTimelineFilter', () => {
  it('encodes JSON as in the doc sample request', () => {
    const filter = { comparator: 'between', field: { api_name: 'audited_time' }, value: ['2023-06-07T00:00:00+05:30', '2023-06-07T12:59:59+05:30'] } as const;
    // The doc's sample request, key order as in the doc.
    expect(encodeTimelineFilter({ ...filter, value: [...filter.value] })).toBe(
      '%7B%22comparator%22%3A%22between%22%2C%22field%22%3A%7B%22api_name%22%3A%22audited_time%22%7D%2C%22value%22%3A%5B%222023-06-07T00%3A00%3A00%2B05%3A30%22%2C%222023-06-07T12%3A59%3A59%2B05%3A30%22%5D%7D',
    );
  });

  it('round-trips through decodeURIComponent', () => {
    const filter = { group_operator: 'AND' as const, group: [validateTimelineFilter(moduleEq), validateTimelineFilter(sourceIn)] as TimelineFilterCondition[] };
    expect(JSON.parse(decodeURIComponent(encodeTimelineFilter(filter)))).toEqual(filter);
  });

  it('refuses to encode an invalid filter', () => {
    expect(() => encodeTimelineFilter({ ...sourceIn, value: [] } as never)).toThrow(ZohoFilterError);
  });
});

describe('parseTimelineFilterJson', () => {
  it('parses valid JSON', () => {
    expect(parseTimelineFilterJson(JSON.stringify(doneBy))).toEqual(doneBy);
  });
  it('reports invalid JSON as a filter error', () => {
    expect(() => parseTimelineFilterJson('{"field":')).toThrow(/not valid JSON/);
  });
});
