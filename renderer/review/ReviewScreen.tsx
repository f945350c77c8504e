import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Box, Button, Checkbox, Chip, Dialog, Drawer, DialogActions, DialogContent, DialogTitle, IconButton, ListItemIcon, ListItemText, Menu, MenuItem, Stack, Tab, Tabs, TextField, Tooltip, Typography } from '@mui/material';
import BookmarkBorderOutlined from '@mui/icons-material/BookmarkBorderOutlined';
import DeleteOutlined from '@mui/icons-material/DeleteOutlined';
import FilterAltOutlined from '@mui/icons-material/FilterAltOutlined';
import FileDownloadOutlined from '@mui/icons-material/FileDownloadOutlined';
import FlagOutlined from '@mui/icons-material/FlagOutlined';
import ViewColumnOutlined from '@mui/icons-material/ViewColumnOutlined';
import type { RuleGroupType } from 'react-querybuilder';
import { REVIEW_COLUMNS, type ReviewState, type ReviewColumn, type ReviewFacets, type ReviewHeatmaps, type ReviewRow, type ReviewSummary, type SavedFilter } from '../../preload/contract';
import { SplitHandle, useStoredNumber } from '../components/SplitHandle';
import { formatAuditedTime, zoneCaption } from '../components/time';
import { rememberModuleLabels } from '../components/module-names';
import { call, IpcCallError, subscribe } from '../ipc/client';
import { numberFormat } from '../records/format';
import { useTimeZone } from '../settings/SettingsContext';
import { ActivityPanel } from './ActivityPanel';
import { heatmapChip, type HeatmapClick } from './heatmap-model';
import { EventDetail } from './EventDetail';
import { ExportViewDialog } from './ExportViewDialog';
import { BLOCK, COLUMN_SPEC, EventTable, type EventTableController, type SortState } from './EventTable';
import { FlagRulesDialog } from './FlagRulesDialog';
import { FIELD_LABELS, LocalFilterBuilder } from './LocalFilterBuilder';
import { RecordAsOf, type AsOfTarget } from './RecordAsOf';
import { activeFilter, describeGroup, describeRule, hourOfWeekLabel, pageInput, prefetch, requestOnce, toWireGroup, type FilterChip } from './review-model';
import { REVIEW_SHORTCUT_HINT } from './review-work';
import { ReviewWorkBar } from './ReviewWorkBar';
import { useReviewKeyboard } from './useReviewKeyboard';
import { useReviewWork } from './useReviewWork';

type TabId = 'events' | 'activity' | 'as-of';
/** The detail pane's width: at least this, and the table keeps at least TABLE_MIN beside it. */
const DETAIL_MIN = 320;
const TABLE_MIN = 360;
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

/**
 * What the reviewer was looking at: screens unmount when another is opened, and coming back from
 * Exports or Records must not lose the filter, its chips or the sort (a reload starts afresh).
 */
const lastLook: { query: RuleGroupType; chips: FilterChip[]; sort: SortState } = { query: EMPTY_QUERY, chips: [], sort: { column: 'time', direction: 'desc' } };

/**
 * The tab strip, re-rendered only when the tab changes: MUI Tabs measure their tabs (a forced layout
 * of the whole page) after every render, and the screen renders several times per filter change.
 */
const ReviewTabs = memo(function ReviewTabs({ tab, onChoose }: { tab: TabId; onChoose: (tab: TabId) => void }) {
  return (
    <Tabs value={tab} onChange={(_event, value: TabId) => onChoose(value)} sx={{ flexGrow: 1, minHeight: 36, '& .MuiTab-root': { minHeight: 36, py: 0.5 } }}>
      <Tab value="events" label="Events" />
      <Tab value="activity" label="Activity" />
      <Tab value="as-of" label="Record as of…" />
    </Tabs>
  );
});

export function ReviewScreen() {
  const zone = useTimeZone();
  const [facets, setFacets] = useState<ReviewFacets | null>(null);
  const [columns, setColumns] = useState<ReviewColumn[]>([...REVIEW_COLUMNS]);
  const [query, setQuery] = useState<RuleGroupType>(lastLook.query);
  const [chips, setChips] = useState<FilterChip[]>(lastLook.chips);
  const [saved, setSaved] = useState<SavedFilter[]>([]);
  const [sort, setSort] = useState<SortState>(lastLook.sort);
  useEffect(() => {
    lastLook.query = query;
    lastLook.chips = chips;
    lastLook.sort = sort;
  }, [query, chips, sort]);
  const [tab, setTab] = useState<TabId>('events');
  const [selected, setSelected] = useState<ReviewRow | null>(null);
  const [openedId, setOpenedId] = useState<string | null>(null);
  const chooseTab = useCallback((value: TabId) => {
    setTab(value);
    setOpenedId(null);
  }, []);
  const [summary, setSummary] = useState<ReviewSummary | null>(null);
  const [heatmaps, setHeatmaps] = useState<{ key: string; value: ReviewHeatmaps } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [asOf, setAsOf] = useState<AsOfTarget | null>(null);
  const [builderOpen, setBuilderOpen] = useState(false);
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

  const loadFacets = useCallback(() => void call('review:facets', {}).then(rememberModuleLabels).then(setFacets), []);
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

  // Stable, so the memoised heatmaps do not re-render when only the counts or the progress change.
  const addChip = useCallback(
    (click: HeatmapClick): void => {
      const chip = heatmapChip(click, hourOfWeekLabel);
      changeChips((list) => (list.some((existing) => existing.id === chip.id) ? list : [...list, chip]));
      // The cell's events, shown: the table, narrowed.
      setTab('events');
    },
    [changeChips],
  );

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
  /** Closing the detail (Esc, ✕) puts the keyboard back on the row it shows, so ↑/↓ go on from there. */
  const closeDetail = (): void => {
    const eventId = openedId;
    setOpenedId(null);
    afterPaint(() => {
      const table = document.querySelector<HTMLElement>('[data-testid="event-table"]');
      const row = eventId === null ? null : (table?.querySelector<HTMLElement>(`tr[data-event-id="${CSS.escape(eventId)}"]`) ?? null);
      (row ?? table)?.focus({ preventScroll: false });
    });
  };

  // The detail pane's width, remembered; never so wide that the table gets less than TABLE_MIN.
  const splitRef = useRef<HTMLDivElement>(null);
  const [detailWidth, setDetailWidth] = useStoredNumber('timeline-auditor.review.detail-width', 440);
  const [splitWidth, setSplitWidth] = useState(0);
  useEffect(() => {
    const element = splitRef.current;
    if (element === null) return;
    const observer = new ResizeObserver(([entry]) => setSplitWidth(entry?.contentRect.width ?? 0));
    observer.observe(element);
    return () => observer.disconnect();
  }, [tab]);
  const detailMax = Math.max(DETAIL_MIN, splitWidth - TABLE_MIN);
  const detailWidthShown = Math.max(DETAIL_MIN, Math.min(detailMax, detailWidth));

  return (
    <Box sx={{ px: 2, pt: 1.5, pb: 1, height: 'calc(100vh - 48px)', display: 'flex', flexDirection: 'column', boxSizing: 'border-box', minWidth: 0 }}>
      {/* One line: the title, the counts for the filter, the actions — the rest of the height is the table's. */}
      <Stack direction="row" spacing={1.5} sx={{ alignItems: 'center', mb: 1, minWidth: 0 }}>
        <Typography variant="h5" component="h2" title="Read, filter and flag the changes made to your records — from the local cache, offline." sx={{ flexShrink: 0 }}>
          Review
        </Typography>
        <SummaryStrip summary={summary} zone={zone} flagged={flagged} />
        <Button variant="outlined" size="small" startIcon={<FlagOutlined />} onClick={() => setRulesOpen(true)} sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
          Flag rules
        </Button>
        <Button variant="contained" size="small" startIcon={<FileDownloadOutlined />} onClick={() => setExportOpen(true)} disabled={summary?.events === 0} sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
          Export…
        </Button>
      </Stack>
      {/* The local filter belongs to the events and their heatmaps; the builder opens in a side panel. */}
      {(tab === 'events' || tab === 'activity') && (
        <>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap', rowGap: 0.5, minHeight: 32 }} data-testid="filter-chips">
            <Button size="small" variant={builderOpen ? 'contained' : 'outlined'} startIcon={<FilterAltOutlined />} onClick={() => setBuilderOpen(true)} aria-haspopup="dialog" aria-expanded={builderOpen}>
              Edit filter
            </Button>
            {!hasFilter && (
              <Typography variant="body2" color="text.secondary">
                All events — no filter.
              </Typography>
            )}
            {builderChips.map((chip) => (
              <Chip key={`b${chip.index}`} size="small" label={chip.label} title={chip.label} onDelete={() => removeBuilderRule(chip.index)} data-testid="filter-chip" sx={{ maxWidth: 420 }} />
            ))}
            {chips.map((chip) => (
              <Chip
                key={chip.id}
                size="small"
                color="primary"
                variant="outlined"
                label={chip.label}
                title={chip.label}
                onDelete={() => changeChips((list) => list.filter((entry) => entry.id !== chip.id))}
                data-testid="filter-chip"
                sx={{ maxWidth: 420 }}
              />
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
          {problem !== null && (
            <Alert severity="warning" sx={{ mt: 0.5, py: 0 }} onClose={() => setProblem(null)}>
              {problem}
            </Alert>
          )}
          {notice !== null && (
            <Alert severity="info" sx={{ mt: 0.5, py: 0 }} onClose={() => setNotice(null)} data-testid="review-notice">
              {notice}
            </Alert>
          )}
        </>
      )}

      <Stack direction="row" sx={{ alignItems: 'center', borderBottom: 1, borderColor: 'divider', mt: 0.5 }}>
        <ReviewTabs tab={tab} onChoose={chooseTab} />
        {tab === 'events' && (
          <>
            <Typography variant="caption" color="text.secondary" sx={{ mr: 1, display: { xs: 'none', md: 'block' } }} data-testid="review-shortcuts">
              {REVIEW_SHORTCUT_HINT}
            </Typography>
            <Tooltip title="Choose columns">
              <IconButton size="small" aria-label="Choose columns" onClick={(event) => setColumnsMenu(event.currentTarget)}>
                <ViewColumnOutlined />
              </IconButton>
            </Tooltip>
          </>
        )}
      </Stack>

      <Box sx={{ flex: 1, minHeight: 0, display: 'flex', pt: 1 }}>
        {tab === 'events' && (
          <Box ref={splitRef} sx={{ flex: 1, minWidth: 0, minHeight: 0, display: 'flex' }}>
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
                onEscape={() => openedId !== null && closeDetail()}
                refreshKey={refreshKey}
                onRowsPainted={onRowsPainted}
                reviewMarks={work.overlay}
                controllerRef={tableControl}
              />
            </Box>
            {/* The detail: a pane beside the table, as wide as the person left it (drag or ←/→ on the handle). */}
            {openedId !== null && (
              <>
                <SplitHandle width={detailWidthShown} min={DETAIL_MIN} max={detailMax} onChange={setDetailWidth} label="Resize the event detail" />
                <Box sx={{ width: detailWidthShown, flexShrink: 0, minHeight: 0, border: 1, borderColor: 'divider', borderRadius: 1, bgcolor: 'background.paper', overflow: 'hidden' }}>
                  <EventDetail
                    eventId={openedId}
                    zone={zone}
                    onClose={closeDetail}
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
                </Box>
              </>
            )}
          </Box>
        )}
        {tab === 'activity' && (
          <Box sx={{ flex: 1, overflow: 'auto', minWidth: 0 }}>
            <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
              Counts for the active filter. Hover a cell for its count; click it to narrow the table to its events and show them.
            </Typography>
            <ActivityPanel heatmaps={heatmaps?.value ?? null} stale={heatmaps !== null && heatmaps.key !== filterKey} facets={facets} onCellClick={addChip} />
          </Box>
        )}
        {tab === 'as-of' && <RecordAsOf facets={facets} target={asOf} onTargetChange={setAsOf} zone={zone} inputZone={zone} />}
      </Box>

      {/* The filter builder in a side panel: the table keeps the screen, the chips show what is active. */}
      <Drawer
        anchor="right"
        open={builderOpen}
        onClose={() => setBuilderOpen(false)}
        // Above the app bar (drawer + 1), so the panel's own header and Done button are never under it.
        sx={{ zIndex: (theme) => theme.zIndex.modal }}
        slotProps={{ paper: { sx: { width: 'min(760px, 92vw)', p: 2, boxSizing: 'border-box' }, role: 'dialog', 'aria-label': 'Filter events' } as object }}
      >
        <Stack direction="row" sx={{ alignItems: 'center', mb: 1 }}>
          <Typography variant="h6" component="h3" sx={{ flexGrow: 1 }}>
            Filter events
          </Typography>
          <Typography variant="body2" color="text.secondary" sx={{ mr: 2 }} data-testid="filter-panel-count">
            {summary === null ? '…' : `${numberFormat.format(summary.events)} events match`}
          </Typography>
          <Button variant="contained" size="small" onClick={() => setBuilderOpen(false)}>
            Done
          </Button>
        </Stack>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
          Conditions apply as you choose their values. Times are typed as yyyy-mm-dd hh:mm (24-hour) in {zoneCaption(zone)}.
        </Typography>
        <Box sx={BUILDER_SX} data-testid="local-filter">
          <LocalFilterBuilder query={query} onChange={changeQuery} facets={facets} zone={zone} />
        </Box>
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

function SummaryStrip({ summary, zone, flagged }: { summary: ReviewSummary | null; zone: string; flagged: number }) {
  const first = summary?.firstAuditedTime ?? null;
  const last = summary?.lastAuditedTime ?? null;
  const span = first === null || last === null ? null : { from: formatAuditedTime(first, zone), to: formatAuditedTime(last, zone) };
  const items: Array<{ key: string; text: string; title?: string }> = [
    {
      key: 'events',
      text: summary === null ? '… events' : `${numberFormat.format(summary.events)} of ${numberFormat.format(summary.totalEvents)} events`,
      title: span === null ? undefined : `First and last event: ${span.from} → ${span.to} (${zone})`,
    },
    { key: 'users', text: summary === null ? '… users' : `${numberFormat.format(summary.users)} user${summary.users === 1 ? '' : 's'}` },
    { key: 'sources', text: summary === null ? '… sources' : `${numberFormat.format(summary.sources)} source${summary.sources === 1 ? '' : 's'}` },
    { key: 'time-span', text: span === null ? 'no time span' : `${span.from.slice(0, 10)} → ${span.to.slice(0, 10)}`, title: span === null ? undefined : `First and last event: ${span.from} → ${span.to} (${zone})` },
    { key: 'flagged', text: `${numberFormat.format(flagged)} flagged`, title: `${numberFormat.format(flagged)} events in the whole cache carry a flag (see Flag rules)` },
  ];
  return (
    <Stack
      direction="row"
      component="ul"
      aria-label="Summary of the filtered events"
      data-testid="summary-strip"
      data-events={summary?.events ?? ''}
      sx={{ flex: 1, minWidth: 0, m: 0, p: 0, listStyle: 'none', alignItems: 'center', overflow: 'hidden', whiteSpace: 'nowrap', color: 'text.secondary', fontSize: 14, fontVariantNumeric: 'tabular-nums' }}
    >
      {items.map((item, index) => (
        <Box
          component="li"
          key={item.key}
          title={item.title}
          data-testid={`summary-${item.key}`}
          sx={{ display: index === 3 ? { xs: 'none', lg: 'list-item' } : 'list-item', flexShrink: index === 3 ? 1 : 0, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', '&:not(:first-of-type)::before': { content: '"·"', px: 1 } }}
        >
          {item.key === 'events' ? (
            <Box component="strong" sx={{ color: 'text.primary' }}>
              {item.text}
            </Box>
          ) : item.key === 'flagged' && flagged > 0 ? (
            <Box component="span" sx={{ color: (theme) => (theme.palette.mode === 'dark' ? theme.palette.warning.light : '#8a4a00') }}>
              {item.text}
            </Box>
          ) : (
            item.text
          )}
        </Box>
      ))}
    </Stack>
  );
}
