import { useCallback, useMemo, useRef } from 'react';
import { Box, Paper, Stack } from '@mui/material';
import type { ReviewFacets, ReviewHeatmaps } from '../../preload/contract';
import { ActivityHeatmap, type HeatmapCell } from './ActivityHeatmap';
import { hourOfWeekLabel, userLabel } from './review-model';

export type HeatmapClick = { kind: 'user-hour-of-week'; userId: string; hour: number; count: number } | { kind: 'source-day'; source: string; day: string; count: number } | { kind: 'user-source'; userId: string; source: string; count: number };

const DAY_MS = 86_400_000;
const HOUR_LABELS = Array.from({ length: 168 }, (_unused, hour) => hourOfWeekLabel(hour));

/** Every day from the first to the last cell, so gaps show as empty columns. */
function dayRange(days: readonly string[]): string[] {
  if (days.length === 0) return [];
  let firstDay = days[0]!;
  let lastDay = days[0]!;
  for (const day of days) {
    if (day < firstDay) firstDay = day;
    if (day > lastDay) lastDay = day;
  }
  const first = Date.parse(`${firstDay}T00:00:00Z`);
  const last = Date.parse(`${lastDay}T00:00:00Z`);
  const result: string[] = [];
  for (let ms = first; ms <= last && result.length < 4000; ms += DAY_MS) result.push(new Date(ms).toISOString().slice(0, 10));
  return result;
}

/** The three activity heatmaps for the active filter; a click reports the cell (it becomes a filter chip). */
/** The same array as last time when the content is the same (axes then skip re-measuring their labels). */
function useStableList(list: readonly string[] | undefined): readonly string[] {
  const previous = useRef<readonly string[]>([]);
  if (list === undefined) return previous.current;
  const same = list.length === previous.current.length && list.every((item, index) => item === previous.current[index]);
  if (!same) previous.current = list;
  return previous.current;
}

export function ActivityPanel({ heatmaps, stale, facets, onCellClick }: { heatmaps: ReviewHeatmaps | null; stale: boolean; facets: ReviewFacets | null; onCellClick: (click: HeatmapClick) => void }) {
  const data = useMemo(() => {
    if (heatmaps === null) return null;
    // Users shown by name; a name shared by two users gets the id added, so rows stay distinct.
    const ids = [...new Set([...heatmaps.userHourOfWeek.map((cell) => cell.y), ...heatmaps.userSource.map((cell) => cell.y)])];
    const names = new Map<string, string>();
    const seen = new Map<string, number>();
    for (const id of ids) seen.set(userLabel(facets, id), (seen.get(userLabel(facets, id)) ?? 0) + 1);
    for (const id of ids) names.set(id, (seen.get(userLabel(facets, id)) ?? 0) > 1 ? `${userLabel(facets, id)} (${id.slice(-4)})` : userLabel(facets, id));
    const idOf = new Map([...names].map(([id, name]) => [name, id]));
    const userLabels = [...names.values()].sort((a, b) => a.localeCompare(b));
    const sourceName = (source: string): string => (source === '' ? '(none)' : source);
    const sources = [...new Set([...heatmaps.sourceDay.map((cell) => cell.y), ...heatmaps.userSource.map((cell) => cell.x)])].sort().map(sourceName);
    return {
      idOf,
      userLabels,
      sources,
      hourCells: heatmaps.userHourOfWeek.map((cell) => ({ x: hourOfWeekLabel(cell.x), y: names.get(cell.y) ?? cell.y, count: cell.count })),
      hourLabels: HOUR_LABELS,
      dayCells: heatmaps.sourceDay.map((cell) => ({ x: cell.x, y: sourceName(cell.y), count: cell.count })),
      days: dayRange(heatmaps.sourceDay.map((cell) => cell.x)),
      userSourceCells: heatmaps.userSource.map((cell) => ({ x: sourceName(cell.x), y: names.get(cell.y) ?? cell.y, count: cell.count })),
    };
  }, [heatmaps, facets]);
  const userLabels = useStableList(data?.userLabels);
  const sources = useStableList(data?.sources);
  const days = useStableList(data?.days);
  // Stable click handlers, so the (memoised) heatmaps re-render only when their data changes.
  const latest = useRef({ data, onCellClick });
  latest.current = { data, onCellClick };
  const source = (label: string): string => (label === '(none)' ? '' : label);
  const user = (label: string): string => latest.current.data?.idOf.get(label) ?? label;
  const onHourCell = useCallback((cell: HeatmapCell) => latest.current.onCellClick({ kind: 'user-hour-of-week', userId: user(cell.y), hour: latest.current.data?.hourLabels.indexOf(cell.x) ?? 0, count: cell.count }), []);
  const onDayCell = useCallback((cell: HeatmapCell) => latest.current.onCellClick({ kind: 'source-day', source: source(cell.y), day: cell.x, count: cell.count }), []);
  const onSourceCell = useCallback((cell: HeatmapCell) => latest.current.onCellClick({ kind: 'user-source', userId: user(cell.y), source: source(cell.x), count: cell.count }), []);
  if (data === null) return <Box sx={{ height: 200 }} />;
  return (
    <Stack spacing={2} data-testid="activity-panel" aria-busy={stale} sx={{ opacity: stale ? 0.6 : 1, transition: 'opacity 120ms' }}>
      <Paper variant="outlined" sx={{ p: 2 }}>
        <ActivityHeatmap title="User × hour of week" cells={data.hourCells} xLabels={data.hourLabels} yLabels={userLabels} xTitle="Hour of the week (time-zone setting)" yTitle="" xTickEvery={24} onCellClick={onHourCell} />
      </Paper>
      <Stack direction={{ xs: 'column', lg: 'row' }} spacing={2}>
        <Paper variant="outlined" sx={{ p: 2, flex: 3, minWidth: 0 }}>
          <ActivityHeatmap title="Source × day" cells={data.dayCells} xLabels={days} yLabels={sources} xTitle="Day" yTitle="" xTickEvery={Math.max(1, Math.ceil(days.length / 5))} onCellClick={onDayCell} />
        </Paper>
        <Paper variant="outlined" sx={{ p: 2, flex: 2, minWidth: 0 }}>
          <ActivityHeatmap title="User × source" cells={data.userSourceCells} xLabels={sources} yLabels={userLabels} xTitle="Source" yTitle="" onCellClick={onSourceCell} />
        </Paper>
      </Stack>
    </Stack>
  );
}
