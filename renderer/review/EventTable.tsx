import { memo, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MutableRefObject } from 'react';
import { Box, Table, type Theme, TableBody, TableCell, TableHead, TableRow, TableSortLabel, Typography } from '@mui/material';
import StickyNote2Outlined from '@mui/icons-material/StickyNote2Outlined';
import { useVirtualizer } from '@tanstack/react-virtual';
import { SYSTEM_ACTOR, type LocalFilterGroupInput, type ReviewColumn, type ReviewMark, type ReviewRow } from '../../preload/contract';
import { actionLabel, sourceLabel } from '../../preload/labels';
import { moduleName } from '../components/module-names';
import { FLAG_LABELS, pageInput, requestOnce, shown } from './review-model';
import { ReviewStateCell, REVIEW_CELL_WIDTH, REVIEW_STATE_SX } from './ReviewStateCell';

export type SortColumn = 'time' | 'user' | 'source' | 'action' | 'module' | 'record';
export interface SortState {
  column: SortColumn;
  direction: 'asc' | 'desc';
}

// 32 px: 13 px text with room to read, and ≥ 18 rows at 1440×900 with the work bar above the table.
const ROW_HEIGHT = 32;
/** Rows per window fetched from main. */
export const BLOCK = 100;
const EMPTY_BLOCKS = new Map<number, ReviewRow[]>();

export const COLUMN_SPEC: Record<ReviewColumn, { label: string; width: number | string; sort?: SortColumn }> = {
  time: { label: 'Time', width: 212, sort: 'time' },
  user: { label: 'User', width: 112, sort: 'user' },
  source: { label: 'Source', width: 168, sort: 'source' },
  action: { label: 'Action', width: 96, sort: 'action' },
  record: { label: 'Record', width: 132, sort: 'record' },
  field: { label: 'Field', width: 110 },
  change: { label: 'Old → new', width: 'auto' },
  flags: { label: 'Flags', width: 132 },
  notes: { label: 'Notes', width: 52 },
};

interface Props {
  filter: LocalFilterGroupInput;
  /** The resolved zone (settings:time-zone): day/hour conditions and the rows' shown times. */
  timeZone: string;
  total: number;
  sort: SortState;
  onSortChange: (sort: SortState) => void;
  columns: readonly ReviewColumn[];
  zone: string;
  selectedId: string | null;
  onSelect: (row: ReviewRow) => void;
  onOpen: (row: ReviewRow) => void;
  /** Esc in the table (the Review screen closes the detail). */
  onEscape?: () => void;
  /** Bumped when rows change without a filter change (a note was added, flags recomputed). */
  refreshKey: number;
  onRowsPainted?: (queryKey: string) => void;
  // ---- review work (issue 14): the review-state column and keyboard marking (ReviewWorkBar, useReviewKeyboard)
  /** Marks made on screen, shown over the rows' own `review` until the rows are refetched. */
  reviewMarks?: ReadonlyMap<string, ReviewMark>;
  /** Lets the review keys move the selection and read the selected row. */
  controllerRef?: MutableRefObject<EventTableController | null>;
}

/** What the review keyboard needs of the table. */
export interface EventTableController {
  /** Moves the selection by `delta` rows (from nothing selected: to the first row) and keeps it in view. */
  move: (delta: number) => void;
  /** The selected row, when it is loaded. */
  selectedRow: () => ReviewRow | undefined;
}

const NO_MARKS: ReadonlyMap<string, ReviewMark> = new Map();

/**
 * The timeline table: virtualised (only the visible rows are in the DOM) and fed by main in blocks of
 * 200 rows fetched as the user scrolls, so 100k events never cross IPC at once.
 */
export function EventTable({ filter, timeZone, total, sort, onSortChange, columns, zone, selectedId, onSelect, onOpen, onEscape, refreshKey, onRowsPainted, reviewMarks = NO_MARKS, controllerRef }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const queryKey = JSON.stringify({ filter, sort, timeZone, refreshKey });
  // Blocks of rows belong to the query they were fetched for; rows of an older query are never shown.
  const [store, setStore] = useState<{ key: string; blocks: Map<number, ReviewRow[]> }>({ key: queryKey, blocks: new Map() });
  const blocks = store.key === queryKey ? store.blocks : EMPTY_BLOCKS;
  const pending = useRef<{ key: string; blocks: Set<number> }>({ key: queryKey, blocks: new Set() });
  const [selectedIndex, setSelectedIndex] = useState<number>(-1);
  // A window main could not answer: said in the table (never rows left loading forever).
  const [failure, setFailure] = useState<{ key: string; message: string } | null>(null);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    // Rendering scroll updates in React's normal batching (not flushSync) keeps scrolling smooth.
    useFlushSync: false,
  });

  const load = useCallback(
    (block: number) => {
      if (pending.current.key !== queryKey) pending.current = { key: queryKey, blocks: new Set() };
      if (pending.current.blocks.has(block)) return;
      pending.current.blocks.add(block);
      const input = JSON.parse(queryKey) as { filter: LocalFilterGroupInput; sort: SortState; timeZone: string };
      void requestOnce('review:page', pageInput(input.filter, input.timeZone, input.sort, block * BLOCK, BLOCK)).then(
        ({ rows }) =>
          setStore((previous) => {
            if (previous.key === queryKey) return { key: queryKey, blocks: new Map(previous.blocks).set(block, rows) };
            return { key: queryKey, blocks: new Map([[block, rows]]) };
          }),
        (error: unknown) => {
          if (pending.current.key === queryKey) pending.current.blocks.delete(block);
          setFailure({ key: queryKey, message: error instanceof Error ? error.message : String(error) });
        },
      );
    },
    [queryKey],
  );

  // A new filter or sort: back to the top, no selection.
  useEffect(() => {
    setSelectedIndex(-1);
    scrollRef.current?.scrollTo({ top: 0 });
  }, [queryKey]);

  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (lastIndex < 0) return;
    for (let block = Math.floor(firstIndex / BLOCK); block <= Math.floor(lastIndex / BLOCK); block += 1) {
      if (!blocks.has(block)) load(block);
    }
  }, [firstIndex, lastIndex, blocks, load]);

  const rowAt = useCallback((index: number): ReviewRow | undefined => blocks.get(Math.floor(index / BLOCK))?.[index % BLOCK], [blocks]);

  // Reported once per query, when its first rows (or "no events") are on screen.
  const firstBlockLoaded = blocks.has(0) || total === 0;
  useEffect(() => {
    if (firstBlockLoaded) onRowsPainted?.(queryKey);
  }, [firstBlockLoaded, onRowsPainted, queryKey]);

  // The selection as of the last key press, for keys pressed faster than React renders (mark-and-advance).
  const selectedRef = useRef(selectedIndex);
  selectedRef.current = selectedIndex;
  const move = (index: number): void => {
    const clamped = Math.max(0, Math.min(total - 1, index));
    selectedRef.current = clamped;
    setSelectedIndex(clamped);
    virtualizer.scrollToIndex(clamped, { align: 'auto' });
    const row = rowAt(clamped);
    if (row !== undefined) onSelect(row);
  };
  if (controllerRef !== undefined) {
    controllerRef.current = {
      move: (delta) => {
        if (total > 0) move(selectedRef.current < 0 ? 0 : selectedRef.current + delta);
      },
      selectedRow: () => (selectedRef.current < 0 ? undefined : rowAt(selectedRef.current)),
    };
  }
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'Escape' && onEscape !== undefined) {
      onEscape();
      return;
    }
    if (total === 0) return;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const current = selectedIndex < 0 ? -1 : selectedIndex;
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(current + 1),
      ArrowUp: () => move(Math.max(0, current - 1)),
      PageDown: () => move(current + page),
      PageUp: () => move(current - page),
      Home: () => move(0),
      End: () => move(total - 1),
      Enter: () => {
        const row = rowAt(current);
        if (row !== undefined) onOpen(row);
      },
    };
    const action = keys[event.key];
    if (action !== undefined) {
      event.preventDefault();
      action();
    }
  };
  // Rows that arrive after keyboard navigation reached them become the selection.
  useEffect(() => {
    if (selectedIndex < 0) return;
    const row = rowAt(selectedIndex);
    if (row !== undefined && row.eventId !== selectedId) onSelect(row);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [blocks]);

  // Stable across renders, so memoised rows re-render only when their own data changes (smooth scrolling).
  const latest = useRef({ onSelect, onOpen });
  latest.current = { onSelect, onOpen };
  const activate = useCallback((index: number, row: ReviewRow | undefined, open: boolean) => {
    setSelectedIndex(index);
    if (row === undefined) return;
    latest.current.onSelect(row);
    if (open) latest.current.onOpen(row);
  }, []);

  const visibleColumns = useMemo(() => columns.filter((column) => COLUMN_SPEC[column] !== undefined), [columns]);
  // Fixed columns at their width; "Old → new" takes the rest, at least 240 px (then the table scrolls sideways).
  const tableMinWidth = REVIEW_CELL_WIDTH + visibleColumns.reduce((sum, column) => sum + (typeof COLUMN_SPEC[column].width === 'number' ? COLUMN_SPEC[column].width : 170), 0);
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length === 0 ? 0 : virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0);

  return (
    <Box
      ref={scrollRef}
      tabIndex={0}
      role="region"
      aria-label="Timeline events: ↑/↓ move, Enter opens the detail"
      data-testid="event-table"
      data-total={total}
      onKeyDown={onKeyDown}
      sx={{ flex: 1, minHeight: 120, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1, bgcolor: 'background.paper', outline: 'none', '&:focus-visible': { boxShadow: (theme) => `0 0 0 2px ${theme.palette.primary.main}` } }}
    >
      {/* A grid of rows (ARIA): the rows and cells are the table's own; the header row is row 1. */}
      <Table size="small" stickyHeader role="grid" aria-label="Timeline events" aria-rowcount={total + 1} sx={{ tableLayout: 'fixed', minWidth: tableMinWidth, '& th': { fontSize: 13, px: 1 }, ...ROW_SX, ...REVIEW_STATE_SX }}>
        <colgroup>
          <col style={{ width: REVIEW_CELL_WIDTH }} />
          {visibleColumns.map((column) => (
            <col key={column} style={{ width: COLUMN_SPEC[column].width }} />
          ))}
        </colgroup>
        <TableHead>
          <TableRow aria-rowindex={1}>
            <TableCell sx={{ fontWeight: 600, bgcolor: 'background.paper' }}>Review</TableCell>
            {visibleColumns.map((column) => {
              const spec = COLUMN_SPEC[column];
              return (
                <TableCell key={column} sortDirection={spec.sort === sort.column ? sort.direction : false} sx={{ fontWeight: 600, bgcolor: 'background.paper' }}>
                  {spec.sort === undefined ? (
                    spec.label
                  ) : column === 'time' ? (
                    <TableSortLabel
                      active={sort.column === 'time'}
                      direction={sort.column === 'time' ? sort.direction : 'asc'}
                      onClick={() => onSortChange({ column: 'time', direction: sort.column === 'time' && sort.direction === 'desc' ? 'asc' : 'desc' })}
                    >
                      Time
                      <Box component="span" sx={{ fontWeight: 400, color: 'text.secondary', ml: 0.75, overflow: 'hidden', textOverflow: 'ellipsis' }}>
                        {zone}
                      </Box>
                    </TableSortLabel>
                  ) : (
                    <TableSortLabel
                      active={sort.column === spec.sort}
                      direction={sort.column === spec.sort ? sort.direction : 'asc'}
                      onClick={() => onSortChange({ column: spec.sort!, direction: sort.column === spec.sort && sort.direction === 'desc' ? 'asc' : 'desc' })}
                    >
                      {spec.label}
                    </TableSortLabel>
                  )}
                </TableCell>
              );
            })}
          </TableRow>
        </TableHead>
        <TableBody>
          {paddingTop > 0 && <tr style={{ height: paddingTop }} aria-hidden />}
          {items.map((item) => {
            const row = rowAt(item.index);
            return (
              <EventRowView
                key={item.key}
                index={item.index}
                row={row}
                mark={row === undefined ? undefined : (reviewMarks.get(row.eventId) ?? row.review)}
                columns={visibleColumns}
                zone={zone}
                selected={row !== undefined && row.eventId === selectedId}
                onActivate={activate}
              />
            );
          })}
          {paddingBottom > 0 && <tr style={{ height: paddingBottom }} aria-hidden />}
        </TableBody>
      </Table>
      {total === 0 && (
        <Typography color="text.secondary" sx={{ p: 3, textAlign: 'center' }} data-testid="event-table-empty">
          No events match the filter.
        </Typography>
      )}
      {failure !== null && failure.key === queryKey && (
        <Typography role="alert" color="error" sx={{ p: 2, textAlign: 'center', position: 'sticky', left: 0, bottom: 0, bgcolor: 'background.paper' }} data-testid="event-table-failure">
          The events could not be read: {failure.message}
        </Typography>
      )}
    </Box>
  );
}

/** Row and cell styles as CSS on the table: rows are plain <tr>/<td> (cheap to mount while scrolling). */
const ROW_SX = {
  // No text selection on a double-click that opens the detail (values are copied from the detail).
  '& tr.event-row': { height: ROW_HEIGHT, cursor: 'pointer', userSelect: 'none' },
  '& tr.event-row:hover': { bgcolor: 'action.hover' },
  '& tr.event-row[aria-selected="true"]': { bgcolor: 'rgba(25, 118, 210, 0.12)' },
  '& tr.event-row > td': {
    px: 1,
    py: 0,
    fontSize: 13,
    borderBottom: 1,
    borderColor: 'divider',
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
  '& .muted': { color: 'text.secondary', fontSize: 12 },
  '& .dim': { color: 'text.disabled' },
  '& .old': { color: 'text.secondary', textDecoration: 'line-through', textDecorationColor: 'rgba(127,127,127,0.5)' },
  '& .time': { fontVariantNumeric: 'tabular-nums' },
  // A pill longer than its column ends in '…' (the cell's title has every flag in full).
  '& .pill': { display: 'inline-block', px: 0.75, borderRadius: 5, border: 1, fontSize: 11, lineHeight: '18px', mr: 0.5, verticalAlign: 'middle', maxWidth: 'calc(100% - 22px)', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  // Darker than the palette's warning.dark: 11 px text needs 4.5:1 on the row (axe color-contrast).
  '& .pill.warn': { color: (theme: Theme) => (theme.palette.mode === 'dark' ? theme.palette.warning.light : '#8a4a00'), borderColor: 'warning.light' },
  '& .pill.error': { color: 'error.dark', borderColor: 'error.light' },
  '& .pill.auto': { color: 'text.secondary', borderColor: 'divider', ml: 0.5 },
  '& .pill.auto.pathfinder': { color: 'info.dark', borderColor: 'info.light', ml: 0 },
  '& .skeleton': { display: 'block', height: 10, width: '70%', bgcolor: 'action.hover', borderRadius: 1 },
} as const;

interface RowProps {
  index: number;
  row: ReviewRow | undefined;
  /** The row's review state as shown (an optimistic mark over the row's own). */
  mark: ReviewMark | undefined;
  columns: readonly ReviewColumn[];
  zone: string;
  selected: boolean;
  onActivate: (index: number, row: ReviewRow | undefined, open: boolean) => void;
}

const EventRowView = memo(function EventRowView({ index, row, mark, columns, zone, selected, onActivate }: RowProps) {
  return (
    <tr
      className="event-row"
      aria-selected={selected}
      aria-rowindex={index + 2}
      data-testid={row === undefined ? 'event-row-loading' : 'event-row'}
      data-event-id={row?.eventId}
      tabIndex={-1}
      data-review-state={mark?.state}
      onClick={() => onActivate(index, row, false)}
      onDoubleClick={() => onActivate(index, row, true)}
    >
      <td>{mark === undefined ? <span className="skeleton" /> : <ReviewStateCell mark={mark} zone={zone} />}</td>
      {columns.map((column) => (
        <td key={column} title={row === undefined ? undefined : cellTitle(column, row)}>
          {row === undefined ? <span className="skeleton" /> : <Cell column={column} row={row} zone={zone} />}
        </td>
      ))}
    </tr>
  );
});

/** The user column: a system action (Zoho's `done_by: null`) is "System". */
function userText(row: ReviewRow): string {
  return row.doneBy === null ? SYSTEM_ACTOR : (row.doneBy.name ?? row.doneBy.id);
}

/** Full text of a cell that may be cut off with an ellipsis. */
function cellTitle(column: ReviewColumn, row: ReviewRow): string | undefined {
  switch (column) {
    case 'user':
      return userText(row);
    case 'source':
      // The plain words on screen; Zoho's code in the tooltip.
      return `${sourceLabel(row.source)} (${row.source ?? 'no source'})${row.automation === null ? '' : ` · ${row.automation}`}`;
    case 'action':
      return `${actionLabel(row.action)} (${row.action})`;
    case 'record':
      return `${moduleName(row.record.module)} (${row.record.module}/${row.record.id}) ${row.record.name ?? ''}${row.relatedRecord === null ? '' : ` · on ${moduleName(row.relatedRecord.module)} ${row.relatedRecord.name ?? row.relatedRecord.id}`}`;
    case 'field':
      return row.firstChange === null ? undefined : `${row.firstChange.label ?? row.firstChange.apiName} (${row.firstChange.apiName})`;
    case 'change':
      return row.firstChange === null ? undefined : `${shown(row.firstChange.oldValue)} → ${shown(row.firstChange.newValue)}`;
    case 'flags':
      return row.flags.map((flag) => FLAG_LABELS[flag]).join(' · ') || undefined;
    default:
      return undefined;
  }
}

function Cell({ column, row, zone }: { column: ReviewColumn; row: ReviewRow; zone: string }) {
  switch (column) {
    case 'time':
      return (
        <span className="time" title={`Zoho recorded ${row.auditedTime} (${zone})`}>
          {row.shownTime}
        </span>
      );
    case 'user':
      return <>{userText(row)}</>;
    case 'source':
      return (
        // A CommandCenter step leads with its state (what a reviewer looks for); other automation is a pill after the source.
        row.automation?.startsWith('Pathfinder: ') === true ? (
          <>
            <span className="pill auto pathfinder">{row.automation.replace(/ \(.*\)$/, '')}</span>
            {sourceLabel(row.source)}
          </>
        ) : (
          <>
            {sourceLabel(row.source)}
            {row.automation !== null && <span className="pill auto">auto</span>}
          </>
        )
      );
    case 'action':
      return <>{actionLabel(row.action)}</>;
    case 'record':
      return (
        <>
          <span className="muted">{moduleName(row.record.module)} </span>
          {row.record.name ?? row.record.id}
        </>
      );
    case 'field':
      return row.firstChange === null ? (
        <span className="dim">—</span>
      ) : (
        <>
          {row.firstChange.label ?? row.firstChange.apiName}
          {row.fieldCount > 1 && <span className="muted"> +{row.fieldCount - 1}</span>}
        </>
      );
    case 'change':
      return row.firstChange === null ? (
        <span className="dim">—</span>
      ) : (
        <>
          <span className="old">{shown(row.firstChange.oldValue).replace(/\s+/g, ' ')}</span>
          {' → '}
          <span>{shown(row.firstChange.newValue).replace(/\s+/g, ' ')}</span>
        </>
      );
    case 'flags':
      return row.flags.length === 0 ? null : (
        <span data-testid="row-flags" data-flags={row.flags.join(' ')}>
          <span className={`pill ${row.flags[0] === 'deletion' || row.flags[0] === 'api_by_person' ? 'error' : 'warn'}`}>{FLAG_LABELS[row.flags[0]!]}</span>
          {row.flags.length > 1 && <span className="muted">+{row.flags.length - 1}</span>}
        </span>
      );
    case 'notes':
      return row.noteCount === 0 ? null : (
        <span data-testid="row-notes" style={{ display: 'inline-flex', alignItems: 'center', gap: 2 }}>
          <StickyNote2Outlined fontSize="small" color="primary" />
          <span>{row.noteCount}</span>
        </span>
      );
  }
}
