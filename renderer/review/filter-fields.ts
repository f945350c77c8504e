import type { Field, RuleType } from 'react-querybuilder';
import { LOCAL_FILTER_FIELD_LABELS, LOCAL_FILTER_OPERATORS, type ReviewFacets } from '../../preload/contract';
import { actionLabel, sourceLabel } from '../../preload/labels';
import { moduleName } from '../components/module-names';
import { TYPED_DAY_PLACEHOLDER, TYPED_TIME_PLACEHOLDER } from '../components/time';
import { FLAG_LABELS, hourOfWeekLabel, OPERATOR_LABELS } from './review-model';

/** Fields and operators from the contract; main (compileLocalFilter) accepts exactly these and checks them again. */
const OPERATORS: Readonly<Record<string, readonly string[]>> = LOCAL_FILTER_OPERATORS;

export const FIELD_LABELS: Record<string, string> = LOCAL_FILTER_FIELD_LABELS;

/** Operator words that read better for some fields. */
const FIELD_OPERATOR_LABELS: Record<string, Record<string, string>> = {
  automation: { null: 'none (by a person)', notNull: 'any workflow / blueprint', contains: 'name contains' },
  flag: { null: 'has no flag', notNull: 'has any flag' },
  note: { null: 'has no note', notNull: 'has a note', contains: 'contains' },
  source: { null: 'is missing', notNull: 'is present' },
  user: { null: 'is System (no user)', notNull: 'is a user' },
  timelineType: { null: 'is missing', notNull: 'is present' },
  extension: { null: 'is missing', notNull: 'is present' },
};

/** Operators that need no value: choosing one is a whole condition at once. */
const VALUE_FREE = new Set(['null', 'notNull']);
const MULTI_VALUE = new Set(['in', 'notIn']);

const listEditor = (operator: string): 'multiselect' | 'select' => (MULTI_VALUE.has(operator) ? 'multiselect' : 'select');

/**
 * The value a new or re-fielded condition starts with: none. react-querybuilder would otherwise pick
 * a select's first option ("+ Condition" then filtered to the first user alphabetically at once).
 */
export function newRuleValue(rule: Pick<RuleType, 'operator'>): string | string[] {
  return MULTI_VALUE.has(rule.operator) || rule.operator === 'between' || rule.operator === 'notBetween' ? [] : '';
}

/**
 * The builder's fields: plain-language words for sources, actions, modules and flags in the value
 * lists (the code stays the value and shows in the option's title); every field starts with an
 * operator that needs a value, so a new condition is incomplete until a value is chosen.
 */
export function buildFields(facets: ReviewFacets | null): Field[] {
  const coded = (values: readonly string[], label: (code: string) => string) => values.map((value) => ({ name: value, label: label(value) })).sort((a, b) => a.label.localeCompare(b.label));
  const values: Record<string, Array<{ name: string; label: string }> | undefined> = {
    user: facets?.users.map((user) => ({ name: user.id, label: user.name ?? user.id })),
    source: facets === null ? undefined : coded(facets.sources, sourceLabel),
    action: facets === null ? undefined : coded(facets.actions, actionLabel),
    module: facets === null ? undefined : coded(facets.modules, (code) => moduleName(code)),
    record: facets?.records.map((record) => ({ name: `${record.module}/${record.recordId}`, label: `${record.name ?? record.recordId} (${moduleName(record.module)})` })),
    field: facets?.fields.map((field) => ({ name: field.apiName, label: field.label === null ? field.apiName : `${field.label} (${field.apiName})` })),
    timelineType: ['timeline', 'signal'].map((value) => ({ name: value, label: value })),
    flag: Object.entries(FLAG_LABELS).map(([name, label]) => ({ name, label })),
    hourOfWeek: Array.from({ length: 168 }, (_unused, hour) => ({ name: String(hour), label: hourOfWeekLabel(hour) })),
  };
  return Object.keys(OPERATORS).map((name): Field => {
    const operators = (OPERATORS[name] ?? []).map((operator) => ({ name: operator, label: FIELD_OPERATOR_LABELS[name]?.[operator] ?? OPERATOR_LABELS[operator] ?? operator }));
    const field: Field = { name, label: FIELD_LABELS[name] ?? name, operators, defaultOperator: (operators.find((operator) => !VALUE_FREE.has(operator.name)) ?? operators[0])?.name };
    const list = values[name];
    if (list !== undefined && list.length > 0) {
      field.valueEditorType = name === 'record' ? 'select' : listEditor;
      field.values = list;
    }
    if (name === 'time') field.placeholder = TYPED_TIME_PLACEHOLDER;
    if (name === 'day') field.placeholder = TYPED_DAY_PLACEHOLDER;
    if (name === 'text') field.placeholder = 'words in names and values';
    return field;
  });
}
