import { useMemo } from 'react';
import { Box, Stack, Typography, useTheme } from '@mui/material';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import type { NameType, ValueType } from 'recharts/types/component/DefaultTooltipContent';

export interface HeatmapCell {
  x: string;
  y: string;
  count: number;
}

interface PlottedCell extends HeatmapCell {
  xIndex: number;
  yIndex: number;
}

interface Props {
  title: string;
  cells: readonly HeatmapCell[];
  /** Column and row labels in display order (cells outside them are ignored). */
  xLabels: readonly string[];
  yLabels: readonly string[];
  xTitle: string;
  yTitle: string;
  onCellClick?: (cell: HeatmapCell) => void;
  /** Label every nth column only (hour-of-week has 168 columns). */
  xTickEvery?: number;
  height?: number;
}

/** Mixes the theme's paper colour towards the primary colour by `t` (0..1). */
function intensityColour(from: string, to: string, t: number): string {
  const parse = (hex: string): number[] => {
    const value = hex.replace('#', '');
    const full = value.length === 3 ? value.split('').map((c) => c + c).join('') : value;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16));
  };
  const a = parse(from);
  const b = parse(to);
  const mixed = a.map((channel, i) => Math.round(channel + ((b[i] ?? channel) - channel) * t));
  return `rgb(${mixed.join(',')})`;
}

function HeatmapTooltip({ active, payload }: TooltipContentProps<ValueType, NameType>) {
  const cell = active ? (payload?.[0]?.payload as PlottedCell | undefined) : undefined;
  if (cell === undefined) return null;
  return (
    <Box sx={{ bgcolor: 'background.paper', border: 1, borderColor: 'divider', borderRadius: 1, px: 1, py: 0.5 }}>
      <Typography variant="body2">
        {cell.y} · {cell.x}
      </Typography>
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        {cell.count} event{cell.count === 1 ? '' : 's'}
      </Typography>
    </Box>
  );
}

/**
 * A count heatmap drawn with recharts (a scatter of squares on two category axes): intensity
 * legend, hover shows the count, clicking a cell reports it (the Review screen filters by it).
 */
export function ActivityHeatmap({ title, cells, xLabels, yLabels, xTitle, yTitle, onCellClick, xTickEvery = 1, height }: Props) {
  const theme = useTheme();
  const plotted = useMemo(() => {
    const xIndex = new Map(xLabels.map((label, index) => [label, index]));
    const yIndex = new Map(yLabels.map((label, index) => [label, index]));
    return cells.flatMap((cell) => {
      const x = xIndex.get(cell.x);
      const y = yIndex.get(cell.y);
      return x === undefined || y === undefined || cell.count === 0 ? [] : [{ ...cell, xIndex: x, yIndex: y }];
    });
  }, [cells, xLabels, yLabels]);
  const max = plotted.reduce((highest, cell) => Math.max(highest, cell.count), 0);
  const low = theme.palette.mode === 'dark' ? '#1e2a36' : '#e8f0fa';
  const high = theme.palette.primary.main;
  const chartHeight = height ?? Math.max(160, 36 + yLabels.length * 22);

  return (
    <Box data-testid={`heatmap-${title}`}>
      <Stack direction="row" sx={{ alignItems: 'baseline', mb: 0.5 }} spacing={2}>
        <Typography variant="subtitle2">{title}</Typography>
        <Box sx={{ flexGrow: 1 }} />
        <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center' }} aria-label="Intensity legend">
          <Typography variant="caption" color="text.secondary">
            0
          </Typography>
          <Box sx={{ width: 96, height: 10, borderRadius: 1, background: `linear-gradient(90deg, ${low}, ${high})` }} />
          <Typography variant="caption" color="text.secondary">
            {max}
          </Typography>
        </Stack>
      </Stack>
      <ResponsiveContainer width="100%" height={chartHeight}>
        <ScatterChart margin={{ top: 4, right: 8, bottom: 18, left: 8 }}>
          <CartesianGrid stroke={theme.palette.divider} strokeDasharray="2 4" />
          <XAxis
            type="number"
            dataKey="xIndex"
            domain={[-0.5, xLabels.length - 0.5]}
            ticks={xLabels.map((_label, index) => index).filter((index) => index % xTickEvery === 0)}
            tickFormatter={(index: number) => xLabels[index] ?? ''}
            tick={{ fontSize: 11, fill: theme.palette.text.secondary }}
            label={{ value: xTitle, position: 'insideBottom', offset: -12, fontSize: 11, fill: theme.palette.text.secondary }}
            allowDecimals={false}
          />
          <YAxis
            type="number"
            dataKey="yIndex"
            domain={[-0.5, yLabels.length - 0.5]}
            ticks={yLabels.map((_label, index) => index)}
            tickFormatter={(index: number) => yLabels[index] ?? ''}
            tick={{ fontSize: 11, fill: theme.palette.text.secondary }}
            width={120}
            reversed
            interval={0}
            label={{ value: yTitle, angle: -90, position: 'insideLeft', fontSize: 11, fill: theme.palette.text.secondary }}
            allowDecimals={false}
          />
          <Tooltip content={HeatmapTooltip} cursor={false} isAnimationActive={false} />
          <Scatter
            data={plotted}
            isAnimationActive={false}
            shape={(props: { cx?: number; cy?: number; payload?: PlottedCell }) => {
              const { cx = 0, cy = 0, payload } = props;
              if (payload === undefined) return <g />;
              // Cell size from the axis scale: the plot area divided by the number of categories.
              const size = Math.max(4, Math.min(18, 900 / Math.max(1, xLabels.length)));
              return (
                <rect
                  x={cx - size / 2}
                  y={cy - 9}
                  width={size}
                  height={18}
                  rx={2}
                  fill={intensityColour(low, high.startsWith('#') ? high : '#1f5fa8', max === 0 ? 0 : 0.15 + (0.85 * payload.count) / max)}
                  style={{ cursor: onCellClick === undefined ? 'default' : 'pointer' }}
                  data-testid="heatmap-cell"
                  data-x={payload.x}
                  data-y={payload.y}
                  data-count={payload.count}
                  onClick={() => onCellClick?.(payload)}
                />
              );
            }}
          />
        </ScatterChart>
      </ResponsiveContainer>
    </Box>
  );
}
