import { useEffect, useState } from 'react';
import { Alert, Autocomplete, Box, Button, Chip, IconButton, List, ListItemButton, ListItemText, Paper, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Tooltip, Typography } from '@mui/material';
import NavigateBeforeOutlined from '@mui/icons-material/NavigateBeforeOutlined';
import NavigateNextOutlined from '@mui/icons-material/NavigateNextOutlined';
import type { RecordStateView, ReviewFacets } from '../../preload/contract';
import { formatAuditedTime, parseTypedTime, TYPED_TIME_PLACEHOLDER, zoneCaption } from '../components/time';
import { call } from '../ipc/client';
import { shown } from './review-model';

export interface AsOfTarget {
  record: { module: string; recordId: string };
  eventId?: string;
}

interface Props {
  facets: ReviewFacets | null;
  target: AsOfTarget | null;
  onTargetChange: (target: AsOfTarget) => void;
  /** The resolved zone name (settings:time-zone). */
  zone: string;
  /** luxon zone for the date-time input (the same resolved zone). */
  inputZone: string;
}

/** A record replayed from its field history to a chosen moment, stepping event by event. */
export function RecordAsOf({ facets, target, onTargetChange, zone, inputZone }: Props) {
  const [state, setState] = useState<RecordStateView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [time, setTime] = useState('');

  const load = (input: { record: { module: string; recordId: string }; atEventId?: string; atTime?: string }): void => {
    void call('review:record-state', input).then(
      (value) => {
        setState(value);
        setProblem(null);
      },
      (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)),
    );
  };
  useEffect(() => {
    if (target !== null) load({ record: target.record, ...(target.eventId === undefined ? {} : { atEventId: target.eventId }) });
  }, [target]);

  const step = (index: number): void => {
    const event = state?.events[index];
    if (state !== null && event !== undefined) load({ record: { module: state.record.module, recordId: state.record.recordId }, atEventId: event.eventId });
  };
  const records = facets?.records ?? [];
  const chosen = target === null ? null : (records.find((record) => record.module === target.record.module && record.recordId === target.record.recordId) ?? null);
  const current = state === null || state.index < 0 ? null : state.events[state.index];

  return (
    <Stack spacing={2} sx={{ flex: 1, minHeight: 0 }} data-testid="record-as-of">
      <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }}>
        <Autocomplete
          sx={{ width: 360 }}
          size="small"
          options={records}
          value={chosen}
          getOptionLabel={(record) => `${record.name ?? record.recordId} · ${record.module}/${record.recordId}`}
          isOptionEqualToValue={(a, b) => a.module === b.module && a.recordId === b.recordId}
          onChange={(_event, record) => record !== null && onTargetChange({ record: { module: record.module, recordId: record.recordId } })}
          renderInput={(params) => <TextField {...params} label="Record" />}
        />
        {/* ISO-like 24-hour text in the named zone (a browser's datetime-local shows mm/dd/yyyy AM/PM and no zone). */}
        <TextField
          size="small"
          label="As of"
          placeholder={TYPED_TIME_PLACEHOLDER}
          value={time}
          onChange={(event) => setTime(event.target.value)}
          error={time.trim() !== '' && parseTypedTime(time, inputZone) === null}
          helperText={time.trim() !== '' && parseTypedTime(time, inputZone) === null ? 'Type yyyy-mm-dd hh:mm (24-hour).' : zoneCaption(inputZone)}
          slotProps={{ inputLabel: { shrink: true } }}
          sx={{ width: 230 }}
        />
        <Button
          variant="outlined"
          disabled={state === null || parseTypedTime(time, inputZone) === null}
          onClick={() => {
            const at = parseTypedTime(time, inputZone);
            if (state !== null && at !== null) load({ record: { module: state.record.module, recordId: state.record.recordId }, atTime: at.toISO() ?? time });
          }}
        >
          Show
        </Button>
        <Box sx={{ flexGrow: 1 }} />
        {state !== null && (
          <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center' }}>
            <Tooltip title="Previous event">
              <span>
                <IconButton
                  aria-label="Previous event"
                  disabled={state.index < 0}
                  onClick={() => (state.index === 0 ? load({ record: { module: state.record.module, recordId: state.record.recordId }, atTime: '1900-01-01T00:00:00Z' }) : step(state.index - 1))}
                >
                  <NavigateBeforeOutlined />
                </IconButton>
              </span>
            </Tooltip>
            <Typography variant="body2" data-testid="as-of-position" sx={{ minWidth: 110, textAlign: 'center' }}>
              {state.index < 0 ? 'Before the first event' : `Event ${state.index + 1} of ${state.events.length}`}
            </Typography>
            <Tooltip title="Next event">
              <span>
                <IconButton aria-label="Next event" disabled={state.index >= state.events.length - 1} onClick={() => step(state.index + 1)}>
                  <NavigateNextOutlined />
                </IconButton>
              </span>
            </Tooltip>
          </Stack>
        )}
      </Stack>
      {problem !== null && <Alert severity="error">{problem}</Alert>}
      {state === null && problem === null && <Typography color="text.secondary">Choose a record to see every tracked field as it was at a moment, then step through its events.</Typography>}
      {state !== null && (
        <Stack direction="row" spacing={2} sx={{ flex: 1, minHeight: 0 }}>
          <Paper variant="outlined" sx={{ width: 330, flexShrink: 0, overflow: 'auto' }}>
            <List dense disablePadding aria-label="Events of the record">
              {state.events.map((event, index) => (
                <ListItemButton key={event.eventId} selected={index === state.index} onClick={() => step(index)} data-testid="as-of-event" sx={{ opacity: index > state.index ? 0.55 : 1 }}>
                  <ListItemText
                    primary={`${event.action.replace(/_/g, ' ')}${event.changedFields > 0 ? ` · ${event.changedFields} field${event.changedFields === 1 ? '' : 's'}` : ''}`}
                    secondary={`${formatAuditedTime(event.auditedTime, zone)} · ${event.doneBy ?? ''}`}
                  />
                </ListItemButton>
              ))}
            </List>
          </Paper>
          <Paper variant="outlined" sx={{ flex: 1, overflow: 'auto' }}>
            <Box sx={{ px: 2, pt: 1.5, pb: 1 }}>
              <Typography variant="subtitle1">
                {state.record.name ?? state.record.recordId}{' '}
                <Typography component="span" variant="body2" color="text.secondary">
                  {state.record.module}/{state.record.recordId}
                </Typography>
              </Typography>
              <Typography variant="body2" color="text.secondary" data-testid="as-of-moment">
                {current === null || current === undefined ? 'Before its first recorded event' : `As of ${formatAuditedTime(current.auditedTime, zone)}, after “${current.action.replace(/_/g, ' ')}” by ${current.doneBy ?? 'unknown'}`}
              </Typography>
            </Box>
            <Table size="small" stickyHeader aria-label="Field values at this moment">
              <TableHead>
                <TableRow>
                  <TableCell sx={{ fontWeight: 600 }}>Field</TableCell>
                  <TableCell sx={{ fontWeight: 600 }}>Value</TableCell>
                  <TableCell sx={{ fontWeight: 600 }}>Since</TableCell>
                  <TableCell sx={{ fontWeight: 600 }}>By</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {state.fields.map((field) => (
                  <TableRow key={field.apiName} data-testid="as-of-field" data-field={field.apiName} sx={field.changedHere ? { bgcolor: 'rgba(255, 193, 7, 0.16)' } : undefined}>
                    <TableCell>
                      {field.label ?? field.apiName}
                      {field.changedHere && <Chip size="small" label="changed here" color="warning" sx={{ ml: 1, height: 18, fontSize: 10 }} />}
                    </TableCell>
                    <TableCell sx={{ whiteSpace: 'pre-wrap', maxWidth: 360, overflowWrap: 'anywhere' }} data-testid="as-of-value">
                      {shown(field.value)}
                    </TableCell>
                    <TableCell sx={{ color: 'text.secondary' }}>{field.basis === 'earlier' ? 'before first recorded change' : field.changedAt === null ? '—' : formatAuditedTime(field.changedAt, zone)}</TableCell>
                    <TableCell sx={{ color: 'text.secondary' }}>{field.changedBy ?? '—'}</TableCell>
                  </TableRow>
                ))}
                {state.fields.length === 0 && (
                  <TableRow>
                    <TableCell colSpan={4} sx={{ color: 'text.secondary' }}>
                      No field changes are recorded for this record.
                    </TableCell>
                  </TableRow>
                )}
              </TableBody>
            </Table>
          </Paper>
        </Stack>
      )}
    </Stack>
  );
}
