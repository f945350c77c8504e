import { describe, expect, it } from 'vitest';
import { buildZohoFilter } from '../../../main/review/zoho-filter-model.js';
import { FILTERABLE_MODULES, TIMELINE_SOURCES } from '../../../main/zoho/filters.js';
import type { ZohoFilterModel } from '../../../preload/contract.js';

const USER = '5843104000000424001';
const FROM = '2023-10-25T00:00:00+12:00';
const TO = '2023-10-30T23:59:59+12:00';
type Condition = ZohoFilterModel['conditions'][number];
const one = (condition: Condition): ZohoFilterModel => ({ operator: 'AND', conditions: [condition] });

describe('Zoho filter builder model', () => {
  it('builds every documented example, encoded as the doc shows', () => {
    expect(buildZohoFilter(one({ field: 'record.module.api_name', comparator: 'equal', value: 'Notes' })).json).toBe('{"field":{"api_name":"record.module.api_name"},"comparator":"equal","value":"Notes"}');
    expect(buildZohoFilter(one({ field: 'record.module.api_name', comparator: 'in', value: ['Notes', 'Tasks'] })).json).toBe('{"field":{"api_name":"record.module.api_name"},"comparator":"in","value":["Notes","Tasks"]}');
    expect(buildZohoFilter(one({ field: 'done_by.id', comparator: 'in', value: [USER] })).json).toBe(`{"field":{"api_name":"done_by.id"},"comparator":"in","value":["${USER}"]}`);
    const between = buildZohoFilter(one({ field: 'audited_time', comparator: 'between', value: [FROM, TO] }));
    expect(between.encoded).toBe(encodeURIComponent(between.json));
    expect(between.encoded).toContain('%2B12%3A00');
    expect(buildZohoFilter(one({ field: 'source', comparator: 'in', value: ['crm_api', 'crm_ui'] })).json).toBe('{"field":{"api_name":"source"},"comparator":"in","value":["crm_api","crm_ui"]}');
    const group = buildZohoFilter({
      operator: 'AND',
      conditions: [
        { field: 'record.module.api_name', comparator: 'in', value: ['Notes'] },
        { field: 'source', comparator: 'in', value: ['crm_ui', 'crm_api'] },
      ],
    });
    expect(group.json).toBe('{"group_operator":"AND","group":[{"field":{"api_name":"record.module.api_name"},"comparator":"in","value":["Notes"]},{"field":{"api_name":"source"},"comparator":"in","value":["crm_ui","crm_api"]}]}');
    expect(
      buildZohoFilter({
        operator: 'OR',
        conditions: [
          { field: 'source', comparator: 'equal', value: 'workflow' },
          { field: 'done_by.id', comparator: 'equal', value: USER },
        ],
      }).json,
    ).toContain('"group_operator":"OR"');
  });

  it('accepts every documented module and source', () => {
    for (const module of FILTERABLE_MODULES) expect(() => buildZohoFilter(one({ field: 'record.module.api_name', comparator: 'equal', value: module }))).not.toThrow();
    for (const source of TIMELINE_SOURCES) expect(() => buildZohoFilter(one({ field: 'source', comparator: 'equal', value: source }))).not.toThrow();
  });

  it('rejects every combination the API documents as invalid', () => {
    const invalid: Array<[string, ZohoFilterModel]> = [];
    const fields = ['record.module.api_name', 'done_by.id', 'audited_time', 'source'];
    const allowed: Record<string, string[]> = { 'record.module.api_name': ['equal', 'in'], 'done_by.id': ['equal', 'in'], audited_time: ['between'], source: ['equal', 'in'] };
    const goodValue: Record<string, string> = { 'record.module.api_name': 'Notes', 'done_by.id': USER, audited_time: FROM, source: 'crm_ui' };
    // Every comparator a field does not allow (including ones of other fields and made-up ones).
    for (const field of fields) {
      for (const comparator of ['equal', 'in', 'between', 'not_equal', 'contains', 'greater_than', 'starts_with', 'EQUAL', '']) {
        if (allowed[field]!.includes(comparator)) continue;
        const value = comparator === 'in' ? [goodValue[field]!] : comparator === 'between' ? [FROM, TO] : goodValue[field]!;
        invalid.push([`${field} ${comparator}`, one({ field, comparator, value })]);
      }
    }
    // Fields the timeline cannot be filtered by.
    for (const field of ['action', 'record.id', 'related_record.module.api_name', 'done_by.name', 'field_history.api_name', 'Owner']) {
      invalid.push([`field ${field}`, one({ field, comparator: 'equal', value: 'x' })]);
    }
    // Values outside the documented sets.
    for (const module of ['Leads', 'Deals', 'notes', 'Contacts', '']) invalid.push([`module ${module}`, one({ field: 'record.module.api_name', comparator: 'equal', value: module })]);
    for (const source of ['CRM_UI', 'api', 'import', '']) invalid.push([`source ${source}`, one({ field: 'source', comparator: 'equal', value: source })]);
    for (const user of ['abc', '58431040000004240011234567', '-1', '']) invalid.push([`user ${user}`, one({ field: 'done_by.id', comparator: 'equal', value: user })]);
    // Shapes: equal with a list, in with one string or an empty list, duplicates, between with one / three / unordered / offset-less times.
    invalid.push(['equal with a list', one({ field: 'source', comparator: 'equal', value: ['crm_ui'] })]);
    invalid.push(['in with a string', one({ field: 'source', comparator: 'in', value: 'crm_ui' })]);
    invalid.push(['in empty', one({ field: 'done_by.id', comparator: 'in', value: [] })]);
    invalid.push(['in duplicate', one({ field: 'record.module.api_name', comparator: 'in', value: ['Notes', 'Notes'] })]);
    invalid.push(['between one', one({ field: 'audited_time', comparator: 'between', value: [FROM] })]);
    invalid.push(['between three', one({ field: 'audited_time', comparator: 'between', value: [FROM, TO, TO] })]);
    invalid.push(['between a string', one({ field: 'audited_time', comparator: 'between', value: FROM })]);
    invalid.push(['between reversed', one({ field: 'audited_time', comparator: 'between', value: [TO, FROM] })]);
    invalid.push(['between without offset', one({ field: 'audited_time', comparator: 'between', value: ['2023-10-25T00:00:00', TO] })]);
    invalid.push(['between with Z', one({ field: 'audited_time', comparator: 'between', value: ['2023-10-25T00:00:00Z', TO] })]);
    invalid.push(['between date only', one({ field: 'audited_time', comparator: 'between', value: ['2023-10-25', TO] })]);
    invalid.push(['between impossible date', one({ field: 'audited_time', comparator: 'between', value: ['2023-02-30T00:00:00+00:00', TO] })]);
    // A group must hold valid conditions only.
    invalid.push([
      'group with a bad member',
      {
        operator: 'AND',
        conditions: [
          { field: 'source', comparator: 'equal', value: 'crm_ui' },
          { field: 'source', comparator: 'between', value: [FROM, TO] },
        ],
      },
    ]);
    for (const [label, model] of invalid) {
      expect(() => buildZohoFilter(model), label).toThrow(expect.objectContaining({ code: 'ZOHO_INVALID_FILTER' }));
    }
    expect(invalid.length).toBeGreaterThan(40);
  });
});
