import { memo, useCallback, useMemo, useRef } from 'react';
import { Box, Paper, Stack } from '@mui/material';
import type { ReviewFacets, ReviewHeatmaps } from '../../preload/contract';
import { sourceLabel } from '../../preload/labels';
import { ActivityHeatmap, type HeatmapCell } from './ActivityHeatmap';
import { bucketCells, OTHERS_KEY, topKeys, totalsBy, type HeatmapClick } from './heatmap-model';
import { hourOfWeekLabel, userLabel } from './review-model';

export type { HeatmapClick } from './heatmap-model';

const DAY_MS = 86_400_000;
const HOUR_LABELS = Array.from({ length: 168 }, (_unused, hour) => hourOfWeekLabel(hour));
/** Rows and columns shown by name; the rest is one "others" row or column. */
const TOP_USERS = 15;
const TOP_SOURCES = 12;

let lastDays: { first: string; last: string; days: string[] } | null = null;
/** Every day from the first to the last cell, so gaps show as empty columns. */
function dayRange(cells: ReadonlyArray<{ x: string }>): string[] {
  if (cells.length === 0) return [];
  let firstDay = cells[0]!.x;
  let lastDay = firstDay;
  for (const { x: day } of cells) {
    if (day < firstDay) firstDay = day;
    if (day > lastDay) lastDay = day;
  }
  // Filter changes mostly keep the span: the same list again (no date formatting, and the axes see an unchanged list).
  if (lastDays !== null && lastDays.first === firstDay && lastDays.last === lastDay) return lastDays.days;
  const first = Date.parse(`${firstDay}T00:00:00Z`);
  const last = Date.parse(`${lastDay}T00:00:00Z`);
  const result: string[] = [];
  for (let ms = first; ms <= last && result.length < 4000; ms += DAY_MS) result.push(new Date(ms).toISOString().slice(0, 10));
  lastDays = { first: firstDay, last: lastDay, days: result };
  return result;
}

/** The same array as last time when the content is the same (axes then skip re-measuring their labels). */
function useStableList(list: readonly string[] | undefined): readonly string[] {
  const previous = useRef<readonly string[]>([]);
  if (list === undefined) return previous.current;
  const same = list.length === previous.current.length && list.every((item, index) => item === previous.current[index]);
  if (!same) previous.current = list;
  return previous.current;
}

/** Distinct words for keys: a label two keys share gets the key added ("Ravi Kumar (7a3f)"). */
function distinctLabels(keys: readonly string[], label: (key: string) => string, suffix: (key: string) => string): Map<string, string> {
  const seen = new Map<string, number>();
  for (const key of keys) seen.set(label(key), (seen.get(label(key)) ?? 0) + 1);
  return new Map(keys.map((key) => [key, (seen.get(label(key)) ?? 0) > 1 ? `${label(key)} (${suffix(key)})` : label(key)]));
}

/** The three activity heatmaps for the active filter; a click reports the cell (it becomes a filter chip and the table shows its events). */
/** Memoised: the Review screen renders several times per filter change, the heatmaps only when their data does. */
export const ActivityPanel = memo(function ActivityPanel({ heatmaps, stale, facets, onCellClick }: { heatmaps: ReviewHeatmaps | null; stale: boolean; facets: ReviewFacets | null; onCellClick: (click: HeatmapClick) => void }) {
  const data = useMemo(() => {
    if (heatmaps === null) return null;
    // Busiest users and sources by name (events of the filter: the user × source cells count each event once).
    const users = topKeys(
      totalsBy(
        heatmaps.userSource,
        (cell) => cell.y,
        (cell) => cell.count,
      ),
      TOP_USERS,
    );
    const sources = topKeys(
      totalsBy(
        heatmaps.userSource,
        (cell) => cell.x,
        (cell) => cell.count,
      ),
      TOP_SOURCES,
    );
    // Sources seen only on the day map (none, when both maps come from one filter) still get a row.
    const knownSources = new Set([...sources.top, ...sources.others]);
    for (const cell of heatmaps.sourceDay)
      if (!knownSources.has(cell.y)) {
        knownSources.add(cell.y);
        sources.others.push(cell.y);
      }
    const userNames = distinctLabels(
      users.top,
      (id) => userLabel(facets, id),
      (id) => id.slice(-4),
    );
    const sourceNames = distinctLabels(sources.top, sourceLabel, (code) => code);
    const othersUsers = `Other users (${users.others.length})`;
    const othersSources = `Other sources (${sources.others.length})`;
    const userName = (key: string): string => (key === OTHERS_KEY ? othersUsers : (userNames.get(key) ?? key));
    const sourceName = (key: string): string => (key === OTHERS_KEY ? othersSources : (sourceNames.get(key) ?? key));
    const keepUsers = new Set(users.top);
    const keepSources = new Set(sources.top);
    const userRows = [...users.top.map(userName).sort((a, b) => a.localeCompare(b)), ...(users.others.length > 0 ? [othersUsers] : [])];
    const sourceRows = [...sources.top.map(sourceName).sort((a, b) => a.localeCompare(b)), ...(sources.others.length > 0 ? [othersSources] : [])];
    const userKey = new Map([...users.top.map((id) => [userName(id), id] as const), [othersUsers, OTHERS_KEY] as const]);
    const sourceKey = new Map([...sources.top.map((code) => [sourceName(code), code] as const), [othersSources, OTHERS_KEY] as const]);
    // The source's code rides along for the tooltip (plain words on the axis, Zoho's code on hover).
    const cell = (x: string, y: string, count: number, source?: string): HeatmapCell => (source === undefined || source === OTHERS_KEY ? { x, y, count } : { x, y, count, code: source === '' ? '(no source)' : source });
    // Thousands of source × day cells (a source per day of a year and more): names looked up once per source, not per cell.
    const sourceNameOf = new Map<string, string>();
    const sourceNameCached = (key: string): string => {
      let name = sourceNameOf.get(key);
      if (name === undefined) sourceNameOf.set(key, (name = sourceName(key)));
      return name;
    };
    return {
      users,
      sources,
      userKey,
      sourceKey,
      userRows,
      sourceRows,
      hourCells: bucketCells(heatmaps.userHourOfWeek, null, keepUsers).map((entry) => cell(hourOfWeekLabel(entry.x as number), userName(entry.y), entry.count)),
      dayCells: bucketCells(heatmaps.sourceDay, null, keepSources).map((entry) => cell(entry.x, sourceNameCached(entry.y), entry.count, entry.y)),
      days: dayRange(heatmaps.sourceDay),
      userSourceCells: bucketCells(heatmaps.userSource, keepSources, keepUsers).map((entry) => cell(sourceName(entry.x), userName(entry.y), entry.count, entry.x)),
    };
  }, [heatmaps, facets]);
  const userRows = useStableList(data?.userRows);
  const sourceRows = useStableList(data?.sourceRows);
  const days = useStableList(data?.days);
  // Stable click handlers, so the (memoised) heatmaps re-render only when their data changes.
  const latest = useRef({ data, onCellClick });
  latest.current = { data, onCellClick };
  const usersOf = (label: string): string[] => {
    const current = latest.current.data;
    const key = current?.userKey.get(label);
    if (current === null || current === undefined || key === undefined) return [];
    return key === OTHERS_KEY ? current.users.others : [key];
  };
  const sourcesOf = (label: string): string[] => {
    const current = latest.current.data;
    const key = current?.sourceKey.get(label);
    if (current === null || current === undefined || key === undefined) return [];
    return key === OTHERS_KEY ? current.sources.others : [key];
  };
  const onHourCell = useCallback((cell: HeatmapCell) => latest.current.onCellClick({ kind: 'user-hour-of-week', users: usersOf(cell.y), usersLabel: cell.y, hour: HOUR_LABELS.indexOf(cell.x), count: cell.count }), []);
  const onDayCell = useCallback((cell: HeatmapCell) => latest.current.onCellClick({ kind: 'source-day', sources: sourcesOf(cell.y), sourcesLabel: cell.y, day: cell.x, count: cell.count }), []);
  const onSourceCell = useCallback((cell: HeatmapCell) => latest.current.onCellClick({ kind: 'user-source', users: usersOf(cell.y), usersLabel: cell.y, sources: sourcesOf(cell.x), sourcesLabel: cell.x, count: cell.count }), []);
  if (data === null) return <Box sx={{ height: 200 }} />;
  return (
    <Stack spacing={2} data-testid="activity-panel" aria-busy={stale} sx={{ opacity: stale ? 0.6 : 1, transition: 'opacity 120ms' }}>
      <Paper variant="outlined" sx={{ p: 2 }}>
        <ActivityHeatmap title="User × hour of week" cells={data.hourCells} xLabels={HOUR_LABELS} yLabels={userRows} xTitle="Hour of the week (time-zone setting)" yTitle="" xTickEvery={24} onCellClick={onHourCell} />
      </Paper>
      <Stack direction={{ xs: 'column', lg: 'row' }} spacing={2}>
        <Paper variant="outlined" sx={{ p: 2, flex: 1, minWidth: 0 }}>
          <ActivityHeatmap title="Source × day" cells={data.dayCells} xLabels={days} yLabels={sourceRows} xTitle="Day" yTitle="" onCellClick={onDayCell} />
        </Paper>
        <Paper variant="outlined" sx={{ p: 2, flex: 1, minWidth: 0 }}>
          <ActivityHeatmap title="User × source" cells={data.userSourceCells} xLabels={sourceRows} yLabels={userRows} xTitle="Source" yTitle="" onCellClick={onSourceCell} />
        </Paper>
      </Stack>
    </Stack>
  );
});
