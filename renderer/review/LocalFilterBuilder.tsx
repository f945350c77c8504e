import { memo, useMemo } from 'react';
import { Stack, TextField } from '@mui/material';
import { QueryBuilder, type Field, type RuleGroupType, type ValueEditorProps } from 'react-querybuilder';
import { MaterialValueEditor, QueryBuilderMaterial } from '@react-querybuilder/material';
import 'react-querybuilder/dist/query-builder.css';
import { LOCAL_FILTER_FIELD_LABELS, LOCAL_FILTER_OPERATORS, type ReviewFacets } from '../../preload/contract';
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

const listEditor = (operator: string): 'multiselect' | 'select' => (operator === 'in' || operator === 'notIn' ? 'multiselect' : 'select');

export function buildFields(facets: ReviewFacets | null): Field[] {
  const options = (values: readonly string[]) => values.map((value) => ({ name: value, label: value }));
  const values: Record<string, Array<{ name: string; label: string }> | undefined> = {
    user: facets?.users.map((user) => ({ name: user.id, label: user.name ?? user.id })),
    source: facets === null ? undefined : options(facets.sources),
    action: facets === null ? undefined : options(facets.actions),
    module: facets === null ? undefined : options(facets.modules),
    record: facets?.records.map((record) => ({ name: `${record.module}/${record.recordId}`, label: `${record.name ?? record.recordId} (${record.module})` })),
    field: facets?.fields.map((field) => ({ name: field.apiName, label: field.label === null ? field.apiName : `${field.label} (${field.apiName})` })),
    timelineType: options(['timeline', 'signal']),
    flag: Object.entries(FLAG_LABELS).map(([name, label]) => ({ name, label })),
    hourOfWeek: Array.from({ length: 168 }, (_unused, hour) => ({ name: String(hour), label: hourOfWeekLabel(hour) })),
  };
  return Object.keys(OPERATORS).map((name): Field => {
    const operators = (OPERATORS[name] ?? []).map((operator) => ({ name: operator, label: FIELD_OPERATOR_LABELS[name]?.[operator] ?? OPERATOR_LABELS[operator] ?? operator }));
    const field: Field = { name, label: FIELD_LABELS[name] ?? name, operators, defaultOperator: operators[0]?.name };
    const list = values[name];
    if (list !== undefined && list.length > 0) {
      field.valueEditorType = name === 'record' ? 'select' : listEditor;
      field.values = list;
      field.defaultValue = name === 'record' || name === 'user' || name === 'field' || name === 'flag' ? list[0]?.name : undefined;
    }
    if (name === 'time') field.inputType = 'datetime-local';
    if (name === 'day') field.inputType = 'date';
    if (name === 'text') field.placeholder = 'words in names and values';
    return field;
  });
}

/** "changed from … to": two inputs; everything else is the Material editor. */
function ValueEditor(props: ValueEditorProps) {
  if (props.operator !== 'changedFromTo') return <MaterialValueEditor {...props} />;
  const pair = Array.isArray(props.value) ? (props.value as string[]) : typeof props.value === 'string' ? props.value.split(',') : [];
  const set = (index: number, text: string): void => {
    const next = [pair[0] ?? '', pair[1] ?? ''];
    next[index] = text;
    props.handleOnChange(next);
  };
  return (
    <Stack direction="row" spacing={1} className={props.className}>
      <TextField size="small" variant="standard" placeholder="from (empty = blank)" value={pair[0] ?? ''} onChange={(event) => set(0, event.target.value)} slotProps={{ htmlInput: { 'aria-label': 'Changed from' } }} />
      <TextField size="small" variant="standard" placeholder="to (empty = blank)" value={pair[1] ?? ''} onChange={(event) => set(1, event.target.value)} slotProps={{ htmlInput: { 'aria-label': 'Changed to' } }} />
    </Stack>
  );
}

/** Nested AND/OR groups over the cache, in react-querybuilder with its Material controls (memo: summary and heatmap updates skip it). */
export const LocalFilterBuilder = memo(function LocalFilterBuilder({ query, onChange, facets }: { query: RuleGroupType; onChange: (query: RuleGroupType) => void; facets: ReviewFacets | null }) {
  const fields = useMemo(() => buildFields(facets), [facets]);
  return (
    <QueryBuilderMaterial>
      <QueryBuilder
        fields={fields}
        query={query}
        onQueryChange={onChange}
        listsAsArrays
        showNotToggle
        resetOnFieldChange
        controlElements={{ valueEditor: ValueEditor }}
        controlClassnames={{ queryBuilder: 'queryBuilder-branches review-query-builder' }}
        translations={{
          addRule: { label: '+ Condition', title: 'Add a condition' },
          addGroup: { label: '+ Group', title: 'Add a nested group' },
          removeRule: { label: '✕', title: 'Remove this condition' },
          removeGroup: { label: '✕', title: 'Remove this group' },
          notToggle: { label: 'Not', title: 'Negate this group' },
        }}
      />
    </QueryBuilderMaterial>
  );
});
