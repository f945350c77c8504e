import { useEffect, useState } from 'react';
import { Alert, Box, Button, Chip, CircularProgress, Dialog, DialogActions, DialogContent, DialogTitle, Stack, Table, TableBody, TableCell, TableHead, TableRow, TablePagination, Typography } from '@mui/material';
import { SYSTEM_ACTOR, type RecordKeyView, type TimelineEventView } from '../../preload/contract';
import { formatAuditedTime } from '../components/time';
import { call } from '../ipc/client';
import { useTimeZone } from '../settings/SettingsContext';

const PAGE_SIZE = 50;

function Value({ value }: { value: string | null }) {
  if (value === null || value === '')
    return (
      <Typography component="span" variant="body2" color="text.disabled">
        (blank)
      </Typography>
    );
  return (
    <Typography component="span" variant="body2" sx={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
      {value}
    </Typography>
  );
}

/** One record's cached timeline, newest first: works with no network at all. */
export function RecordTimelineDialog({ record, onClose }: { record: (RecordKeyView & { name: string | null }) | null; onClose: () => void }) {
  const [page, setPage] = useState(0);
  const [state, setState] = useState<{ total: number; events: TimelineEventView[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (record === null) return;
    let live = true;
    setError(null);
    call('timeline:record', { record: { module: record.module, recordId: record.recordId }, limit: PAGE_SIZE, offset: page * PAGE_SIZE }).then(
      (value) => live && setState(value),
      (reason: unknown) => live && setError(reason instanceof Error ? reason.message : String(reason)),
    );
    return () => {
      live = false;
    };
  }, [record, page]);
  useEffect(() => setPage(0), [record]);
  const zone = useTimeZone();
  return (
    <Dialog open={record !== null} onClose={onClose} maxWidth="lg" fullWidth aria-labelledby="record-timeline-title">
      <DialogTitle id="record-timeline-title">
        Timeline of {record?.name ?? `${record?.module}/${record?.recordId}`}
        <Typography variant="body2" color="text.secondary">
          {record?.module}/{record?.recordId} · from the local cache{state !== null ? ` · ${state.total} events` : ''}
        </Typography>
      </DialogTitle>
      <DialogContent dividers>
        {error !== null && <Alert severity="error">{error}</Alert>}
        {state === null && error === null && <CircularProgress size={24} />}
        {state !== null && state.total === 0 && <Typography color="text.secondary">Nothing cached for this record yet: sync it first.</Typography>}
        {state !== null && state.total > 0 && (
          <Table size="small" aria-label="Timeline events" stickyHeader>
            <TableHead>
              <TableRow>
                <TableCell sx={{ width: 230 }}>When</TableCell>
                <TableCell sx={{ width: 170 }}>Who</TableCell>
                <TableCell sx={{ width: 150 }}>How</TableCell>
                <TableCell>What changed</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {state.events.map((event) => (
                <TableRow key={event.eventId} hover data-testid="timeline-event" sx={{ verticalAlign: 'top' }}>
                  <TableCell>
                    <Typography variant="body2" sx={{ whiteSpace: 'nowrap' }}>
                      {formatAuditedTime(event.auditedTime, zone)}
                    </Typography>
                    <Typography variant="caption" color="text.secondary" sx={{ whiteSpace: 'nowrap' }}>
                      recorded {event.auditedTime}
                    </Typography>
                  </TableCell>
                  <TableCell>{event.doneBy === null ? SYSTEM_ACTOR : (event.doneBy.name ?? event.doneBy.id)}</TableCell>
                  <TableCell>
                    <Stack spacing={0.5} sx={{ alignItems: 'flex-start' }}>
                      <Chip size="small" label={event.action} />
                      <Typography variant="caption" color="text.secondary">
                        via {event.source ?? 'unknown'}
                        {event.automation !== null ? ` · ${event.automation}` : ''}
                      </Typography>
                    </Stack>
                  </TableCell>
                  <TableCell>
                    {event.record.id !== record?.recordId && (
                      <Typography variant="body2" sx={{ mb: 0.5 }}>
                        {event.record.module}: {event.record.name ?? event.record.id}
                      </Typography>
                    )}
                    {event.fieldChanges.length === 0 && event.record.id === record?.recordId && (
                      <Typography variant="body2" color="text.secondary">
                        (no field changes)
                      </Typography>
                    )}
                    {event.fieldChanges.map((change, index) => (
                      <Box key={`${change.apiName}-${index}`} sx={{ mb: 0.5 }}>
                        <Typography component="span" variant="body2" sx={{ fontWeight: 600 }}>
                          {change.label ?? change.apiName}:{' '}
                        </Typography>
                        <Value value={change.oldValue} />{' '}
                        <Typography component="span" color="text.secondary">
                          →
                        </Typography>{' '}
                        <Value value={change.newValue} />
                      </Box>
                    ))}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </DialogContent>
      <DialogActions>
        {state !== null && state.total > PAGE_SIZE && <TablePagination component="div" count={state.total} page={page} rowsPerPage={PAGE_SIZE} rowsPerPageOptions={[PAGE_SIZE]} onPageChange={(_event, next) => setPage(next)} />}
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
