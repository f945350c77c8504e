import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Alert,
  Badge,
  Box,
  Button,
  Checkbox,
  Chip,
  Collapse,
  Dialog,
  Drawer,
  DialogActions,
  DialogContent,
  DialogTitle,
  Divider,
  IconButton,
  ListItemIcon,
  ListItemText,
  Menu,
  MenuItem,
  Paper,
  Stack,
  Tab,
  Tabs,
  TextField,
  Tooltip,
  Typography,
} from '@mui/material';
import BookmarkBorderOutlined from '@mui/icons-material/BookmarkBorderOutlined';
import DeleteOutlined from '@mui/icons-material/DeleteOutlined';
import FilterAltOutlined from '@mui/icons-material/FilterAltOutlined';
import FileDownloadOutlined from '@mui/icons-material/FileDownloadOutlined';
import FlagOutlined from '@mui/icons-material/FlagOutlined';
import ViewColumnOutlined from '@mui/icons-material/ViewColumnOutlined';
import type { RuleGroupType } from 'react-querybuilder';
import { REVIEW_COLUMNS, type LocalFilterRuleInput, type ReviewState, type ReviewColumn, type ReviewFacets, type ReviewHeatmaps, type ReviewRow, type ReviewSummary, type SavedFilter } from '../../preload/contract';
import { ScreenHeader } from '../components/ScreenHeader';
import { formatAuditedTime } from '../components/time';
import { call, IpcCallError, subscribe } from '../ipc/client';
import { numberFormat } from '../records/format';
import { useTimeZone } from '../settings/SettingsContext';
import { ActivityPanel, type HeatmapClick } from './ActivityPanel';
import { EventDetail } from './EventDetail';
import { ExportViewDialog } from './ExportViewDialog';
import { BLOCK, COLUMN_SPEC, EventTable, type EventTableController, type SortState } from './EventTable';
import { FlagRulesDialog } from './FlagRulesDialog';
import { FIELD_LABELS, LocalFilterBuilder } from './LocalFilterBuilder';
import { RecordAsOf, type AsOfTarget } from './RecordAsOf';
import { activeFilter, describeGroup, describeRule, hourOfWeekLabel, pageInput, prefetch, requestOnce, toWireGroup, userLabel, type FilterChip } from './review-model';
import { ZohoFilterBuilder } from './ZohoFilterBuilder';
import { REVIEW_SHORTCUT_HINT } from './review-work';
import { ReviewWorkBar } from './ReviewWorkBar';
import { useReviewKeyboard } from './useReviewKeyboard';
import { useReviewWork } from './useReviewWork';

type TabId = 'events' | 'activity' | 'as-of' | 'zoho';
const EMPTY_QUERY: RuleGroupType = { combinator: 'and', rules: [] };

/** Quiet, MUI-consistent look for react-querybuilder's groups and its (contained, secondary) buttons. */
const BUILDER_SX = {
  '& .ruleGroup': { bgcolor: 'action.hover', border: 1, borderColor: 'divider', borderRadius: 1, p: 1, gap: 0.75 },
  '& .ruleGroup .ruleGroup': { bgcolor: 'background.paper' },
  '& .ruleGroup-header, & .rule': { gap: 1, alignItems: 'center' },
  '& .MuiButton-contained': {
    bgcolor: 'transparent',
    color: 'primary.main',
    boxShadow: 'none',
    border: 1,
    borderColor: 'divider',
    py: 0.1,
    px: 1,
    minWidth: 0,
    fontSize: 12,
    '&:hover': { bgcolor: 'action.selected', boxShadow: 'none' },
  },
  '& .rule-remove, & .ruleGroup-remove': { color: 'text.secondary', borderColor: 'transparent' },
  '& .MuiInput-root': { fontSize: 14 },
  '& .rule-value .MuiInputBase-root': { minWidth: 160 },
} as const;

/** Runs after the browser has painted the current frame. */
function afterPaint(callback: () => void): void {
  requestAnimationFrame(() => setTimeout(callback, 0));
}

/**
 * Performance measures the benchmark reads (bench/review-bench.ts): from a filter change (a person's
 * input) to the table's first rows painted and to the heatmaps painted.
 */
const filterTiming = { lastInputAt: null as number | null, startedAt: null as number | null, tablePending: false, heatmapsPending: false };
/** A person changed the builder or the chips (possibly without changing the effective filter yet). */
function markFilterChange(): void {
  filterTiming.lastInputAt = performance.now();
}
/** The effective filter changed: time the repaints from the input that caused it. */
function startRepaintTiming(heatmapsShown: boolean): void {
  if (filterTiming.lastInputAt === null) return;
  filterTiming.startedAt = filterTiming.lastInputAt;
  filterTiming.lastInputAt = null;
  filterTiming.tablePending = !heatmapsShown;
  filterTiming.heatmapsPending = heatmapsShown;
}
function measureRepaint(name: 'review:table-repaint' | 'review:heatmaps-repaint'): void {
  const key = name === 'review:table-repaint' ? 'tablePending' : 'heatmapsPending';
  if (filterTiming.startedAt === null || !filterTiming[key]) return;
  filterTiming[key] = false;
  performance.measure(name, { start: filterTiming.startedAt, end: performance.now() });
}

export function ReviewScreen() {
  const zone = useTimeZone();
  const [facets, setFacets] = useState<ReviewFacets | null>(null);
  const [columns, setColumns] = useState<ReviewColumn[]>([...REVIEW_COLUMNS]);
  const [query, setQuery] = useState<RuleGroupType>(EMPTY_QUERY);
  const [chips, setChips] = useState<FilterChip[]>([]);
  const [saved, setSaved] = useState<SavedFilter[]>([]);
  const [sort, setSort] = useState<SortState>({ column: 'time', direction: 'desc' });
  const [tab, setTab] = useState<TabId>('events');
  const [selected, setSelected] = useState<ReviewRow | null>(null);
  const [openedId, setOpenedId] = useState<string | null>(null);
  const [summary, setSummary] = useState<ReviewSummary | null>(null);
  const [heatmaps, setHeatmaps] = useState<{ key: string; value: ReviewHeatmaps } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [asOf, setAsOf] = useState<AsOfTarget | null>(null);
  const [builderOpen, setBuilderOpen] = useState(true);
  const [rulesOpen, setRulesOpen] = useState(false);
  const [columnsMenu, setColumnsMenu] = useState<HTMLElement | null>(null);
  const [savedMenu, setSavedMenu] = useState<HTMLElement | null>(null);
  const [exportOpen, setExportOpen] = useState(false);
  const [saveName, setSaveName] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Every way a person changes the filter goes through these, so the change is timed from the input.
  // What the prefetch needs to build the same requests the effects will make.
  const current = useRef({ query, chips, tab, sort, timeZone: 'UTC' });
  /** Sends the new filter's queries at once (see prefetch), in the order main should answer them. */
  const prefetchFor = useCallback((nextQuery: RuleGroupType, nextChips: readonly FilterChip[]) => {
    const { tab: shownTab, sort: shownSort, timeZone: zoneName } = current.current;
    const nextFilter = activeFilter(toWireGroup(nextQuery, zoneName), nextChips);
    if (JSON.stringify(nextFilter) === JSON.stringify(activeFilter(toWireGroup(current.current.query, zoneName), current.current.chips))) return;
    if (shownTab === 'activity') prefetch('review:heatmaps', { filter: nextFilter, timeZone: zoneName });
    if (shownTab === 'events') prefetch('review:page', pageInput(nextFilter, zoneName, shownSort, 0, BLOCK));
    prefetch('review:summary', { filter: nextFilter, timeZone: zoneName });
  }, []);
  const changeQuery = useCallback(
    (next: RuleGroupType | ((current: RuleGroupType) => RuleGroupType)) => {
      markFilterChange();
      const value = typeof next === 'function' ? next(current.current.query) : next;
      prefetchFor(value, current.current.chips);
      setQuery(value);
    },
    [prefetchFor],
  );
  const changeChips = useCallback(
    (next: FilterChip[] | ((current: FilterChip[]) => FilterChip[])) => {
      markFilterChange();
      const value = typeof next === 'function' ? next(current.current.chips) : next;
      prefetchFor(current.current.query, value);
      setChips(value);
    },
    [prefetchFor],
  );

  const loadFacets = useCallback(() => void call('review:facets', {}).then(setFacets), []);
  useEffect(() => {
    loadFacets();
    void call('review:preferences', {}).then((preferences) => setColumns(preferences.columns));
    void call('review:saved-filters', {}).then(setSaved);
    return subscribe('records:changed', () => {
      loadFacets();
      setRefreshKey((value) => value + 1);
    });
  }, [loadFacets]);

  // One zone for everything: typed dates, day/hour conditions, heatmaps, shown times (DST followed).
  current.current = { query, chips, tab, sort, timeZone: zone };
  const builderFilter = useMemo(() => toWireGroup(query, zone), [query, zone]);
  const filter = useMemo(() => activeFilter(builderFilter, chips), [builderFilter, chips]);
  const filterKey = JSON.stringify({ filter, zone, refreshKey });

  // Heatmaps only while they are shown (the same filter; fetched again when the Activity tab opens). Asked
  // before the summary, so main (one query at a time) answers them first.
  const heatmapsShown = tab === 'activity';
  const heatmapGeneration = useRef(0);
  useEffect(() => {
    if (!heatmapsShown) return;
    const mine = ++heatmapGeneration.current;
    void requestOnce('review:heatmaps', { filter, timeZone: zone }).then(
      (value) => {
        if (mine !== heatmapGeneration.current) return;
        setHeatmaps({ key: filterKey, value });
        afterPaint(() => mine === heatmapGeneration.current && measureRepaint('review:heatmaps-repaint'));
      },
      () => undefined,
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filterKey, heatmapsShown]);

  // Summary and heatmaps follow the active filter; a stale answer never overwrites a newer one.
  const generation = useRef(0);
  useEffect(() => {
    const mine = ++generation.current;
    startRepaintTiming(tab === 'activity');
    const input = { filter, timeZone: zone };
    void requestOnce('review:summary', input).then(
      (value) => {
        if (mine !== generation.current) return;
        setSummary(value);
        setProblem(null);
      },
      (error: unknown) => mine === generation.current && setProblem(error instanceof IpcCallError && error.hint !== undefined ? `${error.message} ${error.hint}` : String(error instanceof Error ? error.message : error)),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filterKey]);
  const onRowsPainted = useCallback(() => afterPaint(() => measureRepaint('review:table-repaint')), []);

  // ---- review work (issue 14): progress of the filter, optimistic marks, the review keys
  const work = useReviewWork(filter, zone);
  const tableControl = useRef<EventTableController | null>(null);
  const markAndAdvance = (state: ReviewState): void => {
    const row = tableControl.current?.selectedRow();
    // Nothing selected yet: the first press selects the first row, so the person sees what the next one marks.
    if (row === undefined) return tableControl.current?.move(0);
    work.mark([row], state);
    tableControl.current?.move(1);
  };
  useReviewKeyboard({ enabled: tab === 'events', onMove: (delta) => tableControl.current?.move(delta), onMark: markAndAdvance });

  const chooseColumns = (column: ReviewColumn, shown: boolean): void => {
    const next = REVIEW_COLUMNS.filter((candidate) => (candidate === column ? shown : columns.includes(candidate)));
    if (next.length === 0) return;
    setColumns(next);
    void call('review:set-preferences', { columns: next });
  };

  const addChip = (click: HeatmapClick): void => {
    // '' is the heatmaps' row of system actions (no user): "User is System".
    const user = (id: string): LocalFilterRuleInput => (id === '' ? { field: 'user', operator: 'null' } : { field: 'user', operator: '=', value: id });
    const source = (value: string): LocalFilterRuleInput => (value === '' ? { field: 'source', operator: 'null' } : { field: 'source', operator: '=', value });
    let chip: FilterChip;
    if (click.kind === 'user-hour-of-week') {
      chip = {
        id: `${click.kind}:${click.userId}:${click.hour}`,
        label: `${userLabel(facets, click.userId)} · ${hourOfWeekLabel(click.hour)}`,
        group: { combinator: 'and', rules: [user(click.userId), { field: 'hourOfWeek', operator: '=', value: String(click.hour) }] },
      };
    } else if (click.kind === 'source-day') {
      chip = { id: `${click.kind}:${click.source}:${click.day}`, label: `${click.source || '(no source)'} · ${click.day}`, group: { combinator: 'and', rules: [source(click.source), { field: 'day', operator: '=', value: click.day }] } };
    } else {
      chip = { id: `${click.kind}:${click.userId}:${click.source}`, label: `${userLabel(facets, click.userId)} · ${click.source || '(no source)'}`, group: { combinator: 'and', rules: [user(click.userId), source(click.source)] } };
    }
    changeChips((list) => (list.some((existing) => existing.id === chip.id) ? list : [...list, chip]));
  };

  const removeBuilderRule = (index: number): void => changeQuery((current) => ({ ...current, rules: current.rules.filter((_rule, position) => position !== index) }));
  const builderChips = builderFilter.rules.map((node, index) => ({
    index,
    label: 'rules' in node ? `(${describeGroup(node, facets, FIELD_LABELS)})` : describeRule(node, facets, FIELD_LABELS),
  }));
  const hasFilter = builderChips.length > 0 || chips.length > 0;
  const flagged = facets?.flaggedEvents ?? 0;

  const saveFilter = async (name: string): Promise<void> => {
    try {
      setSaved(await call('review:save-filter', { name, filter }));
      setSaveName(null);
      setNotice(`Saved “${name}”.`);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  const applySaved = (entry: SavedFilter): void => {
    changeChips([]);
    changeQuery(entry.filter as RuleGroupType);
    setSavedMenu(null);
    setNotice(`Applied “${entry.name}”.`);
  };

  // The saved view the filter on screen is (exactly), so an export names it.
  const currentView = chips.length === 0 ? (saved.find((entry) => JSON.stringify(entry.filter) === JSON.stringify(filter)) ?? null) : null;

  const openEvent = (row: { eventId: string }): void => setOpenedId(row.eventId);
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === 'Escape') setOpenedId(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <Box sx={{ p: 3, pb: 2, height: 'calc(100vh - 48px)', display: 'flex', flexDirection: 'column', boxSizing: 'border-box', minWidth: 0 }}>
      <ScreenHeader
        title="Review"
        subtitle="Read, filter and flag the changes made to your records — from the local cache, offline."
        actions={
          <Stack direction="row" spacing={1}>
            <Button variant="outlined" startIcon={<FlagOutlined />} onClick={() => setRulesOpen(true)} sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
              Flag rules
            </Button>
            <Button variant="contained" startIcon={<FileDownloadOutlined />} onClick={() => setExportOpen(true)} disabled={summary?.events === 0} sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
              Export…
            </Button>
          </Stack>
        }
      />
      {/* The summary and the local filter belong to the events and their heatmaps; the other tabs get the room. */}
      {(tab === 'events' || tab === 'activity') && (
        <>
          <SummaryStrip summary={summary} zone={zone} flagged={flagged} />

          <Paper variant="outlined" sx={{ mt: 2, px: 1.5, py: 1 }}>
            <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 1 }} data-testid="filter-chips">
              <Button size="small" startIcon={<FilterAltOutlined />} onClick={() => setBuilderOpen((open) => !open)} aria-expanded={builderOpen}>
                {builderOpen ? 'Hide filter' : 'Edit filter'}
              </Button>
              <Divider orientation="vertical" flexItem />
              {!hasFilter && (
                <Typography variant="body2" color="text.secondary">
                  All events — no filter.
                </Typography>
              )}
              {builderChips.map((chip) => (
                <Chip key={`b${chip.index}`} size="small" label={chip.label} onDelete={() => removeBuilderRule(chip.index)} data-testid="filter-chip" sx={{ maxWidth: 420 }} />
              ))}
              {chips.map((chip) => (
                <Chip key={chip.id} size="small" color="primary" variant="outlined" label={chip.label} onDelete={() => changeChips((list) => list.filter((entry) => entry.id !== chip.id))} data-testid="filter-chip" />
              ))}
              <Box sx={{ flexGrow: 1 }} />
              {hasFilter && (
                <Button size="small" onClick={() => (changeQuery(EMPTY_QUERY), changeChips([]))}>
                  Clear all
                </Button>
              )}
              <Button size="small" startIcon={<BookmarkBorderOutlined />} onClick={(event) => setSavedMenu(event.currentTarget)}>
                Saved{saved.length > 0 ? ` (${saved.length})` : ''}
              </Button>
              <Button size="small" variant="outlined" disabled={!hasFilter} onClick={() => setSaveName('')}>
                Save…
              </Button>
            </Stack>
            <Collapse in={builderOpen} unmountOnExit>
              <Box sx={{ pt: 1, maxHeight: 220, overflow: 'auto', ...BUILDER_SX }} data-testid="local-filter">
                <LocalFilterBuilder query={query} onChange={changeQuery} facets={facets} />
              </Box>
            </Collapse>
          </Paper>
          {problem !== null && (
            <Alert severity="warning" sx={{ mt: 1 }} onClose={() => setProblem(null)}>
              {problem}
            </Alert>
          )}
          {notice !== null && (
            <Alert severity="info" sx={{ mt: 1, py: 0 }} onClose={() => setNotice(null)} data-testid="review-notice">
              {notice}
            </Alert>
          )}
        </>
      )}

      <Stack direction="row" sx={{ alignItems: 'center', borderBottom: 1, borderColor: 'divider', mt: 1 }}>
        <Tabs
          value={tab}
          onChange={(_event, value: TabId) => {
            setTab(value);
            setOpenedId(null);
          }}
          sx={{ flexGrow: 1, minHeight: 40, '& .MuiTab-root': { minHeight: 40 } }}
        >
          <Tab value="events" label="Events" />
          <Tab value="activity" label="Activity" />
          <Tab value="as-of" label="Record as of…" />
          <Tab value="zoho" label="Zoho filter" />
        </Tabs>
        {tab === 'events' && (
          <Tooltip title="Choose columns">
            <IconButton aria-label="Choose columns" onClick={(event) => setColumnsMenu(event.currentTarget)}>
              <ViewColumnOutlined />
            </IconButton>
          </Tooltip>
        )}
      </Stack>

      <Box sx={{ flex: 1, minHeight: 0, display: 'flex', pt: 1.5 }}>
        {tab === 'events' && (
          <Stack direction="row" spacing={1.5} sx={{ flex: 1, minWidth: 0, minHeight: 0 }}>
            <Box sx={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column' }}>
              <ReviewWorkBar
                filter={filter}
                timeZone={zone}
                filterWords={describeGroup(filter, facets, FIELD_LABELS)}
                progress={work.progress}
                saved={saved}
                currentViewName={currentView?.name ?? null}
                selectedShown={selected !== null}
                onMarkSelected={markAndAdvance}
                onBulkMarked={(progress, marked, state) => {
                  work.settleBulk(progress);
                  setRefreshKey((value) => value + 1);
                  setNotice(`Marked ${numberFormat.format(marked)} events ${state === 'follow_up' ? 'for follow-up' : state}.`);
                }}
              />
              {work.problem !== null && (
                <Alert severity="warning" sx={{ mb: 1 }} onClose={work.clearProblem} data-testid="review-mark-problem">
                  {work.problem}
                </Alert>
              )}
              <EventTable
                filter={filter}
                timeZone={zone}
                total={summary?.events ?? 0}
                sort={sort}
                onSortChange={setSort}
                columns={columns}
                zone={zone}
                selectedId={selected?.eventId ?? null}
                onSelect={(row) => {
                  setSelected(row);
                  if (openedId !== null) setOpenedId(row.eventId);
                }}
                onOpen={openEvent}
                refreshKey={refreshKey}
                onRowsPainted={onRowsPainted}
                reviewMarks={work.overlay}
                controllerRef={tableControl}
              />
              <Typography variant="caption" color="text.secondary" sx={{ mt: 0.5 }} data-testid="review-shortcuts">
                {REVIEW_SHORTCUT_HINT} · double-click a row
              </Typography>
            </Box>
          </Stack>
        )}
        {tab === 'activity' && (
          <Box sx={{ flex: 1, overflow: 'auto', minWidth: 0, minHeight: 520 }}>
            <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
              Counts for the active filter. Hover a cell for its count; click it to narrow the table to its events.
            </Typography>
            <ActivityPanel heatmaps={heatmaps?.value ?? null} stale={heatmaps !== null && heatmaps.key !== filterKey} facets={facets} onCellClick={addChip} />
          </Box>
        )}
        {tab === 'as-of' && <RecordAsOf facets={facets} target={asOf} onTargetChange={setAsOf} zone={zone} inputZone={zone} />}
        {tab === 'zoho' && (
          <Box sx={{ flex: 1, overflow: 'auto' }}>
            <ZohoFilterBuilder facets={facets} inputZone={zone} />
          </Box>
        )}
      </Box>

      {/* The detail: a panel over the right of the screen, full height; the table stays usable (no backdrop). */}
      <Drawer anchor="right" variant="persistent" open={openedId !== null} sx={{ '& .MuiDrawer-paper': { top: 48, height: 'calc(100% - 48px)', boxShadow: 6, borderLeft: 1, borderColor: 'divider' } }}>
        {openedId !== null && (
          <EventDetail
            eventId={openedId}
            zone={zone}
            onClose={() => setOpenedId(null)}
            onNotesChanged={() => {
              setRefreshKey((value) => value + 1);
              loadFacets();
            }}
            onViewRecordAsOf={(record, eventId) => {
              setAsOf({ record, eventId });
              setTab('as-of');
              setOpenedId(null);
            }}
          />
        )}
      </Drawer>
      <Menu anchorEl={columnsMenu} open={columnsMenu !== null} onClose={() => setColumnsMenu(null)}>
        {REVIEW_COLUMNS.map((column) => (
          <MenuItem key={column} dense onClick={() => chooseColumns(column, !columns.includes(column))}>
            <ListItemIcon>
              <Checkbox size="small" edge="start" checked={columns.includes(column)} tabIndex={-1} />
            </ListItemIcon>
            <ListItemText primary={COLUMN_SPEC[column].label} />
          </MenuItem>
        ))}
      </Menu>
      <ExportViewDialog
        open={exportOpen}
        onClose={() => setExportOpen(false)}
        filter={filter}
        words={describeGroup(filter, facets, FIELD_LABELS).replace(/^everything$/, '')}
        viewName={currentView?.name ?? null}
        events={summary?.events ?? null}
        onStarted={() => {
          setExportOpen(false);
          window.location.hash = '/exports';
        }}
      />
      <Menu anchorEl={savedMenu} open={savedMenu !== null} onClose={() => setSavedMenu(null)}>
        {saved.length === 0 && <MenuItem disabled>No saved filters yet</MenuItem>}
        {saved.map((entry) => (
          <MenuItem key={entry.name} onClick={() => applySaved(entry)} sx={{ minWidth: 260 }}>
            <ListItemText primary={entry.name} secondary={describeGroup(entry.filter, facets, FIELD_LABELS).slice(0, 80)} />
            <IconButton
              size="small"
              aria-label={`Delete saved filter ${entry.name}`}
              onClick={(event) => {
                event.stopPropagation();
                void call('review:delete-filter', { name: entry.name }).then(setSaved);
              }}
            >
              <DeleteOutlined fontSize="small" />
            </IconButton>
          </MenuItem>
        ))}
      </Menu>
      <Dialog open={saveName !== null} onClose={() => setSaveName(null)}>
        <DialogTitle>Save the active filter</DialogTitle>
        <DialogContent>
          <TextField autoFocus fullWidth label="Name" value={saveName ?? ''} onChange={(event) => setSaveName(event.target.value)} sx={{ mt: 1, minWidth: 360 }} />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setSaveName(null)}>Cancel</Button>
          <Button variant="contained" disabled={(saveName ?? '').trim() === ''} onClick={() => void saveFilter((saveName ?? '').trim())}>
            Save
          </Button>
        </DialogActions>
      </Dialog>
      <FlagRulesDialog
        open={rulesOpen}
        facets={facets}
        onClose={() => setRulesOpen(false)}
        onSaved={(count) => {
          setNotice(`Flags recomputed: ${numberFormat.format(count)} events flagged.`);
          loadFacets();
          setRefreshKey((value) => value + 1);
        }}
      />
    </Box>
  );
}

function SummaryStrip({ summary, zone, flagged }: { summary: ReviewSummary | null; zone: Parameters<typeof formatAuditedTime>[1]; flagged: number }) {
  const items: Array<[string, string, string]> = [
    ['Events', summary === null ? '…' : numberFormat.format(summary.events), summary === null ? '' : `of ${numberFormat.format(summary.totalEvents)} cached`],
    ['Users', summary === null ? '…' : numberFormat.format(summary.users), 'who made changes'],
    ['Sources', summary === null ? '…' : numberFormat.format(summary.sources), 'UI, API, automation …'],
    [
      'Time span',
      summary?.firstAuditedTime == null || summary.lastAuditedTime == null ? '—' : `${formatAuditedTime(summary.firstAuditedTime, zone).slice(0, 10)} → ${formatAuditedTime(summary.lastAuditedTime, zone).slice(0, 10)}`,
      'first to last event',
    ],
    ['Flagged', numberFormat.format(flagged), 'events in the cache'],
  ];
  return (
    <Paper variant="outlined" sx={{ display: 'flex', px: 1 }} data-testid="summary-strip" data-events={summary?.events ?? ''}>
      {items.map(([label, value, caption], index) => (
        <Box key={label} sx={{ flex: label === 'Time span' ? 2 : 1, px: 2, py: 1.25, borderLeft: index === 0 ? 0 : 1, borderColor: 'divider' }}>
          <Typography variant="caption" color="text.secondary" sx={{ textTransform: 'uppercase', letterSpacing: 0.6 }}>
            {label}
          </Typography>
          <Typography variant="h6" sx={{ lineHeight: 1.3, fontVariantNumeric: 'tabular-nums' }} data-testid={`summary-${label.toLowerCase().replace(' ', '-')}`}>
            {label === 'Flagged' && flagged > 0 ? (
              <Badge color="warning" variant="dot">
                {value}
              </Badge>
            ) : (
              value
            )}
          </Typography>
          <Typography variant="caption" color="text.secondary">
            {caption}
          </Typography>
        </Box>
      ))}
    </Paper>
  );
}
