import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Box, Button, Checkbox, Chip, CircularProgress, Collapse, Paper, Stack, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import FilterAltOutlined from '@mui/icons-material/FilterAltOutlined';
import PlaylistAddOutlined from '@mui/icons-material/PlaylistAddOutlined';
import type { RecordRowView, RecordsOverview, ReviewFacets, SyncProgressView, ZohoFilterModel } from '../../preload/contract';
import { NextStep } from '../components/NextStep';
import { ScreenHeader } from '../components/ScreenHeader';
import { formatAuditedTime, formatInstant } from '../components/time';
import { rememberModuleLabels } from '../components/module-names';
import { call, IpcCallError, subscribe } from '../ipc/client';
import { useTimeZone } from '../settings/SettingsContext';
import { AddRecordsCard } from './AddRecordsCard';
import { formatBytes, numberFormat } from './format';
import { RecordTimelineDialog } from './RecordTimelineDialog';
import { SyncProgressPanel } from './SyncProgressPanel';
import { ZohoFilterBuilder } from './ZohoFilterBuilder';

const FRESHNESS: Record<RecordRowView['freshness'], { label: string; color: 'default' | 'success' | 'warning' | 'error' | 'info' }> = {
  never: { label: 'Never synced', color: 'default' },
  syncing: { label: 'Syncing', color: 'info' },
  fresh: { label: 'Fresh', color: 'success' },
  stale: { label: 'Stale', color: 'warning' },
  failed: { label: 'Failed', color: 'error' },
};

const keyOf = (row: { module: string; recordId: string }): string => `${row.module}/${row.recordId}`;

export function RecordsScreen() {
  const [overview, setOverview] = useState<RecordsOverview | null>(null);
  const [progress, setProgress] = useState<SyncProgressView | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [opened, setOpened] = useState<RecordRowView | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [filterModel, setFilterModel] = useState<ZohoFilterModel | null>(null);
  const [facets, setFacets] = useState<ReviewFacets | null>(null);
  // Open when the screen opens on an empty list; with records it waits behind "Add records…" so the table has the room.
  const [addOpen, setAddOpen] = useState<boolean | null>(null);
  // Only the person's toggle animates: opened by the app (an empty list), the card is there at once, so a
  // click aimed at its Add button never lands while the card is still sliding open.
  const [animateAdd, setAnimateAdd] = useState(false);

  const reload = useCallback(() => {
    void call('records:overview', {}).then(setOverview, (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
  }, []);
  useEffect(() => {
    reload();
    void call('sync:status', {}).then(setProgress);
    const offProgress = subscribe('sync:progress', setProgress);
    const offChanged = subscribe('records:changed', reload);
    return () => {
      offProgress();
      offChanged();
    };
  }, [reload]);

  const running = progress?.state === 'running';
  const records = useMemo(() => overview?.records ?? [], [overview]);
  useEffect(() => {
    if (overview !== null && addOpen === null) setAddOpen(overview.records.length === 0);
  }, [overview, addOpen]);
  const resumable = !running && records.some((row) => row.resumable);
  const selectedKeys = useMemo(() => records.filter((row) => selected.has(keyOf(row))).map(({ module, recordId }) => ({ module, recordId })), [records, selected]);

  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setProblem(null);
    try {
      await action();
    } catch (error) {
      setProblem(error instanceof IpcCallError && error.hint !== undefined ? `${error.message} What to do: ${error.hint}` : error instanceof Error ? error.message : String(error));
    }
  };
  const startSync = (mode: 'full' | 'incremental', filters?: ZohoFilterModel): Promise<void> => act(() => call('sync:start', { mode, ...(selectedKeys.length > 0 ? { records: selectedKeys } : {}), ...(filters === undefined ? {} : { filters }) }));
  const toggleFilters = (): void => {
    setFiltersOpen((open) => !open);
    // The builder offers the users and the documented modules and sources.
    if (facets === null)
      void call('review:facets', {})
        .then(rememberModuleLabels)
        .then(setFacets, () => undefined);
  };

  const toggle = (row: RecordRowView): void =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(keyOf(row))) next.delete(keyOf(row));
      else next.add(keyOf(row));
      return next;
    });

  const zone = useTimeZone();
  const scope = selectedKeys.length > 0 ? `${selectedKeys.length} selected` : 'all';
  return (
    <Box sx={{ p: 3 }}>
      <ScreenHeader
        title="Records"
        subtitle="Choose records, sync their timelines into the local cache, and open them — with or without a network."
        actions={
          overview !== null && (
            <Paper variant="outlined" sx={{ px: 2, py: 1, flexShrink: 0, whiteSpace: 'nowrap' }} data-testid="cache-stats">
              <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
                Local cache
              </Typography>
              <Typography variant="body2">
                {numberFormat.format(overview.cache.events)} {overview.cache.events === 1 ? 'event' : 'events'} · {numberFormat.format(overview.cache.records)} {overview.cache.records === 1 ? 'record' : 'records'} ·{' '}
                {formatBytes(overview.cache.fileBytes)}
              </Typography>
            </Paper>
          )
        }
      />
      {overview !== null && (
        <Collapse in={addOpen === true} timeout={animateAdd ? 'auto' : 0} id="add-records">
          <AddRecordsCard modules={overview.modules} onAdded={reload} />
        </Collapse>
      )}
      <Stack direction="row" spacing={1} sx={{ mb: 2, alignItems: 'center' }}>
        <Button variant="contained" disabled={running || records.length === 0} onClick={() => void startSync('full')}>
          Sync {scope}
        </Button>
        <Tooltip title="Fetch only events newer than what is cached">
          <span>
            <Button variant="outlined" disabled={running || records.length === 0} onClick={() => void startSync('incremental')}>
              Fetch new events ({scope})
            </Button>
          </span>
        </Tooltip>
        <Button
          variant={addOpen === true ? 'contained' : 'text'}
          color={addOpen === true ? 'secondary' : 'primary'}
          startIcon={<PlaylistAddOutlined />}
          onClick={() => {
            setAnimateAdd(true);
            setAddOpen((open) => open !== true);
          }}
          aria-expanded={addOpen === true}
          aria-controls="add-records"
        >
          Add records…
        </Button>
        <Button
          variant={filtersOpen ? 'contained' : 'text'}
          color={filtersOpen ? 'secondary' : 'primary'}
          startIcon={<FilterAltOutlined />}
          disabled={records.length === 0}
          onClick={toggleFilters}
          aria-expanded={filtersOpen}
          aria-controls="fetch-filters"
        >
          Fetch with filters…
        </Button>
        {resumable && (
          <Button variant="outlined" color="secondary" onClick={() => void act(() => call('sync:resume', {}))}>
            Resume interrupted sync
          </Button>
        )}
        {running && (
          <Button variant="outlined" color="error" onClick={() => void act(() => call('sync:cancel', {}))}>
            Cancel sync
          </Button>
        )}
        <Box sx={{ flexGrow: 1 }} />
        {selectedKeys.length > 0 && !running && (
          <Button
            color="error"
            onClick={() =>
              void act(async () => {
                await call('records:remove', { records: selectedKeys });
                setSelected(new Set());
                reload();
              })
            }
          >
            Remove {selectedKeys.length} from list
          </Button>
        )}
      </Stack>
      <Collapse in={filtersOpen} unmountOnExit>
        <Paper variant="outlined" sx={{ p: 2, mb: 2 }} id="fetch-filters" component="section" aria-label="Fetch with filters">
          <Typography variant="subtitle1" component="h3" sx={{ mb: 1 }}>
            Fetch with filters
          </Typography>
          <ZohoFilterBuilder facets={facets} inputZone={zone} onModelChange={setFilterModel} />
          <Alert severity="warning" variant="outlined" sx={{ my: 1.5 }}>
            A filtered fetch is not a complete fetch: only the matching events are cached, and exports mark these records <strong>not fetched completely</strong> until you sync them again without a filter.
          </Alert>
          <Stack direction="row" spacing={1}>
            <Button variant="contained" disabled={running || filterModel === null} onClick={() => void startSync('full', filterModel ?? undefined)} data-testid="fetch-filtered">
              Fetch matching events ({scope})
            </Button>
            <Button onClick={() => setFiltersOpen(false)}>Close</Button>
          </Stack>
        </Paper>
      </Collapse>
      {problem !== null && (
        <Alert severity="error" sx={{ mb: 2 }} onClose={() => setProblem(null)}>
          {problem}
        </Alert>
      )}
      {progress !== null && <SyncProgressPanel progress={progress} />}
      {overview !== null && records.length > 0 && !running && overview.cache.events === 0 && (
        <Alert severity="info" variant="outlined" sx={{ mb: 2 }} data-testid="next-step-sync">
          <strong>Next: fetch their timelines.</strong> Press <em>Sync {scope}</em> to download each record&apos;s change history into the local cache; then review it in Review.
        </Alert>
      )}
      {overview !== null && !running && overview.cache.events > 0 && progress?.state === 'done' && <NextStep title="Timelines cached — next: review the changes" screen="review" testId="next-step-review" />}
      {overview === null ? (
        <CircularProgress size={24} />
      ) : records.length === 0 ? (
        <Alert severity="info" variant="outlined" data-testid="no-records">
          <strong>No records yet.</strong> Next: add the records to audit above — paste ids, import a CSV, or take a whole module — then fetch their timelines.
        </Alert>
      ) : (
        <TableContainer component={Paper} variant="outlined" sx={{ maxHeight: 560 }}>
          <Table size="small" stickyHeader aria-label="Tracked records">
            <TableHead>
              <TableRow>
                <TableCell padding="checkbox">
                  <Checkbox
                    size="small"
                    slotProps={{ input: { 'aria-label': 'Select all records' } }}
                    checked={selected.size > 0 && selected.size === records.length}
                    indeterminate={selected.size > 0 && selected.size < records.length}
                    onChange={(event) => setSelected(event.target.checked ? new Set(records.map(keyOf)) : new Set())}
                  />
                </TableCell>
                <TableCell>Record</TableCell>
                <TableCell>Status</TableCell>
                <TableCell align="right">Events</TableCell>
                <TableCell>Newest event</TableCell>
                <TableCell>Last synced</TableCell>
                <TableCell />
              </TableRow>
            </TableHead>
            <TableBody>
              {records.map((row) => {
                const freshness = FRESHNESS[row.freshness];
                return (
                  <TableRow key={keyOf(row)} hover data-testid="record-row" data-record={keyOf(row)}>
                    <TableCell padding="checkbox">
                      <Checkbox size="small" checked={selected.has(keyOf(row))} onChange={() => toggle(row)} slotProps={{ input: { 'aria-label': `Select ${keyOf(row)}` } }} />
                    </TableCell>
                    <TableCell>
                      <Typography variant="body2">{row.name ?? '(name not known yet)'}</Typography>
                      <Typography variant="caption" color="text.secondary">
                        {keyOf(row)}
                      </Typography>
                    </TableCell>
                    <TableCell>
                      <Tooltip title={row.lastError?.message ?? ''}>
                        <Chip size="small" label={freshness.label} color={freshness.color} variant={row.freshness === 'never' ? 'outlined' : 'filled'} data-testid="record-freshness" />
                      </Tooltip>
                      {row.lastFetchFilter !== null && row.freshness !== 'syncing' && (
                        <Tooltip title={`The last fetch asked Zoho only for events matching ${row.lastFetchFilter}: not complete until synced without a filter.`}>
                          <Chip size="small" color="warning" variant="outlined" icon={<FilterAltOutlined />} label="Filtered — incomplete" sx={{ ml: 0.5 }} data-testid="record-filtered" />
                        </Tooltip>
                      )}
                      {row.freshness === 'failed' && row.lastError !== null && (
                        <Typography variant="caption" color="error" sx={{ display: 'block', maxWidth: 320 }}>
                          {row.lastError.message}
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell align="right">{numberFormat.format(row.eventCount)}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{row.newestAuditedTime === null ? '—' : formatAuditedTime(row.newestAuditedTime, zone)}</TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatInstant(row.lastSyncedAt, zone)}</TableCell>
                    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                      <Button size="small" disabled={row.eventCount === 0} onClick={() => setOpened(row)}>
                        Open timeline
                      </Button>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      <RecordTimelineDialog record={opened} onClose={() => setOpened(null)} />
    </Box>
  );
}
