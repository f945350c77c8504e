import { useEffect, useState } from 'react';
import { Alert, Box, Button, Collapse, IconButton, Link, MenuItem, Paper, Stack, TextField, ToggleButton, ToggleButtonGroup, Tooltip, Typography } from '@mui/material';
import AddOutlined from '@mui/icons-material/AddOutlined';
import ContentCopyOutlined from '@mui/icons-material/ContentCopyOutlined';
import DeleteOutlined from '@mui/icons-material/DeleteOutlined';
import { DateTime } from 'luxon';
import type { ReviewFacets, ZohoFilterModel } from '../../preload/contract';
import { sourceLabel } from '../../preload/labels';
import { moduleName } from '../components/module-names';
import { call, IpcCallError } from '../ipc/client';

type FieldName = 'record.module.api_name' | 'done_by.id' | 'audited_time' | 'source';
const FIELDS: Array<{ name: FieldName; label: string; comparators: string[] }> = [
  { name: 'record.module.api_name', label: 'Module of related records', comparators: ['equal', 'in'] },
  { name: 'done_by.id', label: 'User', comparators: ['equal', 'in'] },
  { name: 'audited_time', label: 'Time range', comparators: ['between'] },
  { name: 'source', label: 'Source', comparators: ['equal', 'in'] },
];

interface Condition {
  field: FieldName;
  comparator: string;
  values: string[];
  /** datetime-local inputs for audited_time */
  from: string;
  to: string;
}

const fresh = (field: FieldName): Condition => ({ field, comparator: FIELDS.find((entry) => entry.name === field)!.comparators[0]!, values: [], from: '', to: '' });

/**
 * Builds Zoho's `filters` parameter for "fetch with filters" within the documented grammar: the four
 * filterable fields, only their comparators and values, one AND/OR group. Main validates and encodes
 * it (review:zoho-filter); the model is handed up only once main accepted it (null until then).
 */
export function ZohoFilterBuilder({ facets, inputZone, onModelChange }: { facets: ReviewFacets | null; inputZone: string; onModelChange: (model: ZohoFilterModel | null) => void }) {
  const [operator, setOperator] = useState<'AND' | 'OR'>('AND');
  const [conditions, setConditions] = useState<Condition[]>([fresh('record.module.api_name')]);
  const [output, setOutput] = useState<{ json: string; encoded: string } | null>(null);
  const [problem, setProblem] = useState<{ message: string; hint?: string | undefined } | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [showParameter, setShowParameter] = useState(false);

  const choices = (field: FieldName): Array<{ value: string; label: string }> => {
    if (field === 'record.module.api_name') return (facets?.zohoFilter.modules ?? []).map((value) => ({ value, label: moduleName(value) }));
    if (field === 'source') return (facets?.zohoFilter.sources ?? []).map((value) => ({ value, label: sourceLabel(value) }));
    if (field === 'done_by.id') return (facets?.users ?? []).map((user) => ({ value: user.id, label: `${user.name ?? user.id} (${user.id})` }));
    return [];
  };

  const model = (): ZohoFilterModel | null => {
    const built: ZohoFilterModel['conditions'] = [];
    for (const condition of conditions) {
      if (condition.field === 'audited_time') {
        const iso = (text: string): string | null => {
          const time = DateTime.fromISO(text, { zone: inputZone });
          return time.isValid ? time.toFormat("yyyy-LL-dd'T'HH:mm:ssZZ") : null;
        };
        const from = iso(condition.from);
        const to = iso(condition.to);
        if (from === null || to === null) return null;
        built.push({ field: condition.field, comparator: 'between', value: [from, to] });
      } else {
        if (condition.values.length === 0) return null;
        built.push({ field: condition.field, comparator: condition.comparator, value: condition.comparator === 'in' ? condition.values : condition.values[0]! });
      }
    }
    return { operator, conditions: built };
  };

  const key = JSON.stringify({ operator, conditions, inputZone });
  useEffect(() => {
    const built = model();
    if (built === null) {
      setOutput(null);
      onModelChange(null);
      setProblem({ message: 'Complete every condition to fetch with this filter.' });
      return;
    }
    let live = true;
    void call('review:zoho-filter', built).then(
      (value) => {
        if (!live) return;
        setOutput(value);
        onModelChange(built);
        setProblem(null);
      },
      (error: unknown) => {
        if (!live) return;
        setOutput(null);
        onModelChange(null);
        setProblem({ message: error instanceof Error ? error.message : String(error), hint: error instanceof IpcCallError ? error.hint : undefined });
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const update = (index: number, next: Partial<Condition>): void => setConditions((list) => list.map((condition, position) => (position === index ? { ...condition, ...next } : condition)));
  const copy = (label: string, text: string): void => {
    void navigator.clipboard?.writeText(text).then(
      () => setCopied(label),
      () => setCopied(null),
    );
  };

  return (
    <Stack spacing={1.5} data-testid="zoho-filter-builder" sx={{ maxWidth: 980 }}>
      <Typography variant="body2" color="text.secondary">
        Asks Zoho only for the matching events. What the timeline API documents can be built: the module of related records, the user, a time range ({inputZone}) and the source; equal, in or between; one group joined by AND or OR.
      </Typography>
      <Box>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 2 }}>
          <Typography variant="body2" id="zoho-filter-match">
            Match
          </Typography>
          <ToggleButtonGroup size="small" exclusive aria-labelledby="zoho-filter-match" value={operator} onChange={(_event, value: 'AND' | 'OR' | null) => value !== null && setOperator(value)} disabled={conditions.length < 2}>
            <ToggleButton value="AND">all (AND)</ToggleButton>
            <ToggleButton value="OR">any (OR)</ToggleButton>
          </ToggleButtonGroup>
          <Typography variant="caption" color="text.secondary">
            {conditions.length < 2 ? 'one condition is sent on its own' : 'sent as one group'}
          </Typography>
        </Stack>
        <Stack spacing={1.5}>
          {conditions.map((condition, index) => {
            const spec = FIELDS.find((entry) => entry.name === condition.field)!;
            return (
              <Stack key={index} direction="row" spacing={1.5} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }} data-testid="zoho-condition">
                <TextField select size="small" label="Field" value={condition.field} sx={{ width: 240 }} onChange={(event) => update(index, fresh(event.target.value as FieldName))}>
                  {FIELDS.map((field) => (
                    <MenuItem key={field.name} value={field.name}>
                      {field.label}
                    </MenuItem>
                  ))}
                </TextField>
                <TextField
                  select
                  size="small"
                  label="Comparator"
                  value={condition.comparator}
                  sx={{ width: 130 }}
                  onChange={(event) => update(index, { comparator: event.target.value, values: event.target.value === 'equal' ? condition.values.slice(0, 1) : condition.values })}
                >
                  {spec.comparators.map((comparator) => (
                    <MenuItem key={comparator} value={comparator}>
                      {comparator}
                    </MenuItem>
                  ))}
                </TextField>
                {condition.field === 'audited_time' ? (
                  <>
                    <TextField
                      size="small"
                      type="datetime-local"
                      label={`From (${inputZone})`}
                      value={condition.from}
                      onChange={(event) => update(index, { from: event.target.value })}
                      slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 1 } }}
                    />
                    <TextField size="small" type="datetime-local" label={`To (${inputZone})`} value={condition.to} onChange={(event) => update(index, { to: event.target.value })} slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 1 } }} />
                  </>
                ) : (
                  <TextField
                    select
                    size="small"
                    label={condition.comparator === 'in' ? 'Values' : 'Value'}
                    sx={{ flex: 1, minWidth: 240 }}
                    value={condition.comparator === 'in' ? condition.values : (condition.values[0] ?? '')}
                    slotProps={{ select: { multiple: condition.comparator === 'in' } }}
                    onChange={(event) => {
                      const value = event.target.value as string | string[];
                      update(index, { values: Array.isArray(value) ? value : [value] });
                    }}
                  >
                    {choices(condition.field).map((choice) => (
                      <MenuItem key={choice.value} value={choice.value}>
                        {choice.label}
                      </MenuItem>
                    ))}
                  </TextField>
                )}
                <Tooltip title="Remove condition">
                  <span>
                    <IconButton aria-label="Remove condition" disabled={conditions.length === 1} onClick={() => setConditions((list) => list.filter((_condition, position) => position !== index))}>
                      <DeleteOutlined />
                    </IconButton>
                  </span>
                </Tooltip>
              </Stack>
            );
          })}
        </Stack>
        <Button sx={{ mt: 1.5 }} startIcon={<AddOutlined />} disabled={conditions.length >= 10} onClick={() => setConditions((list) => [...list, fresh('source')])}>
          Add condition
        </Button>
      </Box>
      {problem !== null && (
        <Alert severity={output === null && problem.message.startsWith('Complete') ? 'info' : 'error'} data-testid="zoho-filter-problem">
          {problem.message}
          {problem.hint !== undefined && <Box sx={{ mt: 0.5, opacity: 0.85 }}>{problem.hint}</Box>}
        </Alert>
      )}
      {output !== null && (
        <Link component="button" type="button" variant="body2" sx={{ alignSelf: 'flex-start' }} onClick={() => setShowParameter((shown) => !shown)} aria-expanded={showParameter}>
          {showParameter ? 'Hide the parameter sent to Zoho' : 'Show the parameter sent to Zoho (for the command line)'}
        </Link>
      )}
      {output !== null && (
        <Collapse in={showParameter}>
          <Paper variant="outlined" sx={{ p: 2 }}>
            {(
              [
                ['JSON', output.json],
                ['filters= (encoded, as sent)', output.encoded],
              ] as const
            ).map(([label, text]) => (
              <Box key={label} sx={{ mb: 1.5 }}>
                <Stack direction="row" sx={{ alignItems: 'center' }}>
                  <Typography variant="overline" color="text.secondary" sx={{ flexGrow: 1 }}>
                    {label}
                  </Typography>
                  <Button size="small" startIcon={<ContentCopyOutlined />} onClick={() => copy(label, text)}>
                    {copied === label ? 'Copied' : 'Copy'}
                  </Button>
                </Stack>
                <Box
                  component="code"
                  data-testid={label === 'JSON' ? 'zoho-filter-json' : 'zoho-filter-encoded'}
                  sx={{ display: 'block', p: 1, bgcolor: 'action.hover', borderRadius: 1, fontSize: 12, fontFamily: 'ui-monospace, monospace', wordBreak: 'break-all' }}
                >
                  {text}
                </Box>
              </Box>
            ))}
          </Paper>
        </Collapse>
      )}
    </Stack>
  );
}
