import { describe, expect, it } from 'vitest';
import type { RuleGroupType } from 'react-querybuilder';
import type { ReviewFacets } from '../../../preload/contract';
import { formatTimestamp, parseTypedTime, typedTimeText } from '../../../renderer/components/time';
import { buildFields, newRuleValue } from '../../../renderer/review/filter-fields';
import { describeRule, ruleProblem, toWireGroup } from '../../../renderer/review/review-model';

const facets: ReviewFacets = {
  users: [
    { id: '1', name: 'Aaron Abbott' },
    { id: '2', name: 'Zoe Zimmer' },
  ],
  sources: ['crm_ui', 'workflow', 'mass_delete_via_clean_up'],
  actions: ['updated', 'owner_assigned'],
  modules: ['Leads', 'Services__s'],
  fields: [{ apiName: 'Stage', label: 'Stage' }],
  records: [{ module: 'Leads', recordId: '9', name: 'Lead nine' }],
  flags: [],
  flaggedEvents: 0,
  tags: [],
  zohoFilter: { modules: [], sources: [] },
  moduleLabels: {},
};
const group = (rules: RuleGroupType['rules']): RuleGroupType => ({ combinator: 'and', rules });

describe('a new builder condition', () => {
  it('filters nothing until a value is chosen, whatever field it is given', () => {
    for (const field of buildFields(facets)) {
      expect(field.defaultValue, field.name).toBeUndefined();
      const operator = field.defaultOperator as string;
      const wire = toWireGroup(group([{ field: field.name, operator, value: newRuleValue({ operator }) }]), 'UTC');
      expect(wire.rules, `a new "${field.name}" condition`).toEqual([]);
    }
  });

  it('lists sources, actions and modules in plain words, keeping the codes as values', () => {
    const fields = buildFields(facets);
    const options = (name: string) => fields.find((field) => field.name === name)?.values as Array<{ name: string; label: string }>;
    expect(options('source')).toContainEqual({ name: 'crm_ui', label: 'CRM web/app' });
    expect(options('source')).toContainEqual({ name: 'mass_delete_via_clean_up', label: 'Mass delete (data clean-up)' });
    expect(options('action')).toContainEqual({ name: 'owner_assigned', label: 'Owner assigned' });
    expect(options('module')).toContainEqual({ name: 'Services__s', label: 'Services' });
    expect(describeRule({ field: 'source', operator: '=', value: 'crm_ui' }, facets, { source: 'Source' })).toBe('Source is CRM web/app');
  });
});

describe('typed times', () => {
  it('are read in the chosen zone, ISO-like and 24-hour; impossible times are refused', () => {
    expect(parseTypedTime('2026-03-01 14:05', 'Europe/Berlin')?.toISO()).toBe('2026-03-01T14:05:00.000+01:00');
    expect(parseTypedTime('2026-03-01T14:05:09', 'UTC')?.toISO()).toBe('2026-03-01T14:05:09.000Z');
    expect(parseTypedTime('2026-03-01 25:00', 'UTC')).toBeNull();
    expect(parseTypedTime('03/01/2026 02:05 PM', 'UTC')).toBeNull();
  });

  it('a reversed range is refused with a message and never reaches main', () => {
    const rule = { field: 'time', operator: 'between', value: ['2026-03-02 00:00', '2026-03-01 00:00'] };
    expect(ruleProblem(rule, 'UTC')).toMatch(/ends before it starts/);
    expect(toWireGroup(group([rule]), 'UTC').rules).toEqual([]);
    const days = { field: 'day', operator: 'between', value: ['2026-03-02', '2026-03-01'] };
    expect(ruleProblem(days, 'UTC')).toMatch(/ends before it starts/);
    expect(toWireGroup(group([days]), 'UTC').rules).toEqual([]);
    // In order, the same range is used as typed.
    expect(toWireGroup(group([{ ...rule, value: ['2026-03-01 00:00', '2026-03-02 00:00'] }]), 'Europe/Berlin').rules).toEqual([{ field: 'time', operator: 'between', value: ['2026-03-01T00:00:00.000+01:00', '2026-03-02T00:00:00.000+01:00'] }]);
  });

  it('a saved view (absolute ISO times) shows its dates again in the inputs, in the chosen zone', () => {
    const saved = toWireGroup(group([{ field: 'time', operator: 'between', value: ['2026-03-01 09:30', '2026-03-05 18:00'] }]), 'Europe/Berlin');
    const values = (saved.rules[0] as { value: string[] }).value;
    expect(values.map((value) => typedTimeText(value, 'Europe/Berlin'))).toEqual(['2026-03-01 09:30', '2026-03-05 18:00']);
    expect(typedTimeText(values[0], 'UTC')).toBe('2026-03-01 08:30');
    // Re-applied as the builder's query, the filter is the same.
    expect(toWireGroup(saved as RuleGroupType, 'Europe/Berlin')).toEqual(saved);
  });

  it('shown times carry the zone offset in one format', () => {
    expect(formatTimestamp(Date.UTC(2026, 2, 1, 13, 5, 9), 'Europe/Berlin')).toBe('2026-03-01 14:05:09 +01:00');
    expect(describeRule({ field: 'time', operator: '>=', value: '2026-03-01T14:05:00.000+01:00' }, facets, { time: 'Time' })).toBe('Time on or after 2026-03-01 14:05 +01:00');
  });
});
