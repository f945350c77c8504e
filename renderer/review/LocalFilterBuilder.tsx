import { memo, useMemo } from 'react';
import { Stack, TextField, Typography } from '@mui/material';
import { QueryBuilder, type RuleGroupType, type ValueEditorProps, type ValueSelectorProps } from 'react-querybuilder';
import { MaterialValueEditor, MaterialValueSelector, QueryBuilderMaterial } from '@react-querybuilder/material';
import 'react-querybuilder/dist/query-builder.css';
import type { ReviewFacets } from '../../preload/contract';
import { TYPED_DAY_PLACEHOLDER, TYPED_TIME_PLACEHOLDER, typedTimeText, zoneCaption } from '../components/time';
import { buildFields, newRuleValue } from './filter-fields';
import { ruleProblem } from './review-model';

export { FIELD_LABELS } from './filter-fields';

interface EditorContext {
  zone: string;
}

function pairOf(value: unknown): [string, string] {
  const list = Array.isArray(value) ? (value as unknown[]).map((item) => (typeof item === 'string' || typeof item === 'number' ? String(item) : '')) : typeof value === 'string' && value !== '' ? value.split(',') : [];
  return [list[0] ?? '', list[1] ?? ''];
}

/**
 * Time and day conditions: ISO-like 24-hour text inputs that name the zone they are read in (a
 * browser's datetime-local shows mm/dd/yyyy AM/PM and no zone), refusing a reversed range at the input.
 */
function TimeValueEditor(props: ValueEditorProps) {
  const zone = (props.context as EditorContext | undefined)?.zone ?? 'UTC';
  const isDay = props.field === 'day';
  const ranged = props.operator === 'between' || props.operator === 'notBetween';
  const problem = ruleProblem({ field: props.field, operator: props.operator, value: props.value as unknown }, zone);
  const shown = (value: string): string => (isDay ? value : typedTimeText(value, zone));
  const placeholder = isDay ? TYPED_DAY_PLACEHOLDER : TYPED_TIME_PLACEHOLDER;
  const caption = isDay ? `days in ${zoneCaption(zone)}` : `24-hour, ${zoneCaption(zone)}`;
  const captionId = `rule-${props.path.join('-')}-time-caption`;
  const input = (label: string, value: string, onChange: (text: string) => void) => (
    <TextField
      size="small"
      variant="standard"
      placeholder={placeholder}
      value={shown(value)}
      onChange={(event) => onChange(event.target.value)}
      error={problem !== null}
      sx={{ width: isDay ? 130 : 170 }}
      slotProps={{ htmlInput: { 'aria-label': label, 'aria-describedby': captionId, 'data-testid': `typed-${props.field}` } }}
    />
  );
  const pair = pairOf(props.value);
  const set = (index: number, text: string): void => {
    const next: [string, string] = [pair[0], pair[1]];
    next[index] = text;
    props.handleOnChange(next);
  };
  return (
    <Stack className={props.className} spacing={0.25}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        {ranged ? (
          <>
            {input(isDay ? 'From day' : 'From', pair[0], (text) => set(0, text))}
            <Typography variant="body2" color="text.secondary">
              and
            </Typography>
            {input(isDay ? 'To day' : 'To', pair[1], (text) => set(1, text))}
          </>
        ) : (
          input(isDay ? 'Day' : 'Time', typeof props.value === 'string' ? props.value : '', (text) => props.handleOnChange(text))
        )}
      </Stack>
      <Typography id={captionId} variant="caption" color={problem === null ? 'text.secondary' : 'error'} role={problem === null ? undefined : 'alert'}>
        {problem ?? caption}
      </Typography>
    </Stack>
  );
}

/** "changed from … to": two inputs; time and day: typed ISO-like inputs; everything else is the Material editor. */
function ValueEditor(props: ValueEditorProps) {
  if (props.field === 'time' || props.field === 'day') return <TimeValueEditor {...props} />;
  if (props.operator !== 'changedFromTo') return <MaterialValueEditor {...props} />;
  const pair = pairOf(props.value);
  const set = (index: number, text: string): void => {
    const next = [pair[0], pair[1]];
    next[index] = text;
    props.handleOnChange(next);
  };
  return (
    <Stack direction="row" spacing={1} className={props.className}>
      <TextField size="small" variant="standard" placeholder="from (empty = blank)" value={pair[0]} onChange={(event) => set(0, event.target.value)} slotProps={{ htmlInput: { 'aria-label': 'Changed from' } }} />
      <TextField size="small" variant="standard" placeholder="to (empty = blank)" value={pair[1]} onChange={(event) => set(1, event.target.value)} slotProps={{ htmlInput: { 'aria-label': 'Changed to' } }} />
    </Stack>
  );
}

/** Material's select with its title as the combobox's accessible name (axe: every input has a name). */
function ValueSelector(props: ValueSelectorProps) {
  return <MaterialValueSelector {...props} SelectDisplayProps={{ 'aria-label': props.title ?? 'Choose' }} />;
}

/** Nested AND/OR groups over the cache, in react-querybuilder with its Material controls (memo: summary and heatmap updates skip it). */
export const LocalFilterBuilder = memo(function LocalFilterBuilder({ query, onChange, facets, zone }: { query: RuleGroupType; onChange: (query: RuleGroupType) => void; facets: ReviewFacets | null; zone: string }) {
  const fields = useMemo(() => buildFields(facets), [facets]);
  const context = useMemo((): EditorContext => ({ zone }), [zone]);
  return (
    <QueryBuilderMaterial>
      <QueryBuilder
        fields={fields}
        query={query}
        onQueryChange={onChange}
        getDefaultValue={newRuleValue}
        context={context}
        listsAsArrays
        showNotToggle
        resetOnFieldChange
        resetOnOperatorChange
        controlElements={{ valueEditor: ValueEditor, valueSelector: ValueSelector }}
        controlClassnames={{ queryBuilder: 'queryBuilder-branches review-query-builder' }}
        translations={{
          addRule: { label: '+ Condition', title: 'Add a condition' },
          addGroup: { label: '+ Group', title: 'Add a nested group' },
          removeRule: { label: '✕', title: 'Remove this condition' },
          removeGroup: { label: '✕', title: 'Remove this group' },
          notToggle: { label: 'Not', title: 'Negate this group' },
          fields: { title: 'Field' },
          operators: { title: 'Operator' },
          combinators: { title: 'Combine conditions with' },
          value: { title: 'Value' },
        }}
      />
    </QueryBuilderMaterial>
  );
});
