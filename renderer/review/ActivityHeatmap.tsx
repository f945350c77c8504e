import type React from 'react';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { Box, Stack, Typography, useTheme } from '@mui/material';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, XAxis, YAxis, usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';

export interface HeatmapCell {
  x: string;
  y: string;
  count: number;
  /** Zoho's code behind the words (a source), shown in the tooltip. */
  code?: string;
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
  /** Label every nth column at most (hour-of-week: each day's start); fewer when the labels would touch. */
  xTickEvery?: number;
  height?: number;
}

/** Intensity levels: cells are drawn as one SVG path per level, so thousands of cells stay cheap. */
const LEVELS = 8;

/** Mixes `from` towards `to` by `t` (0..1); both #rgb or #rrggbb. */
function intensityColour(from: string, to: string, t: number): string {
  const parse = (hex: string): number[] => {
    const value = hex.replace('#', '');
    const full =
      value.length === 3
        ? value
            .split('')
            .map((c) => c + c)
            .join('')
        : value;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16));
  };
  const a = parse(from);
  const b = parse(to);
  const mixed = a.map((channel, i) => Math.round(channel + ((b[i] ?? channel) - channel) * t));
  return `rgb(${mixed.join(',')})`;
}

const EMPTY_SHAPE = (): React.ReactElement => <g />;

const LABEL_FONT_PX = 11;
/** Widest a y label may be (px); wider ones end in "…" and show whole on hover (<title>). */
const Y_LABEL_MAX = 210;
/** Longest a rotated x label runs (px). */
const X_LABEL_MAX = 150;

let measureContext: CanvasRenderingContext2D | null | undefined;
/** Widths already measured, per font: labels repeat from one filter to the next (days, sources, users). */
const measuredWidths = new Map<string, Map<string, number>>();
/** Width of `text` in the axis font (canvas metrics; a rough estimate where there is no canvas). */
function textWidth(text: string, fontFamily: string): number {
  const font = `${LABEL_FONT_PX}px ${fontFamily}`;
  let widths = measuredWidths.get(font);
  if (widths === undefined) measuredWidths.set(font, (widths = new Map<string, number>()));
  const known = widths.get(text);
  if (known !== undefined) return known;
  if (measureContext === undefined) measureContext = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  let width = text.length * LABEL_FONT_PX * 0.6;
  if (measureContext !== null) {
    // Setting the font parses it: only when it differs.
    if (measureContext.font !== font) measureContext.font = font;
    width = measureContext.measureText(text).width;
  }
  widths.set(text, width);
  return width;
}

/** `text` cut to `max` px with "…" (whole words kept whole where possible). */
function fitText(text: string, max: number, fontFamily: string): string {
  if (textWidth(text, fontFamily) <= max) return text;
  let cut = text;
  while (cut.length > 1 && textWidth(`${cut}…`, fontFamily) > max) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

interface TickProps {
  x?: number | string;
  y?: number | string;
  payload?: { value?: unknown };
}
const tickIndex = (payload: TickProps['payload']): number => (typeof payload?.value === 'number' ? payload.value : -1);

/** How the x labels are laid out: level (every `every` columns) or turned (every column). */
type XLayout = { kind: 'level'; every: number; height: number; rightMargin: number } | { kind: 'turned'; angle: number; height: number; leftOverhang: number };

const levelOf = (count: number, max: number): number => (max <= 0 ? 0 : Math.min(LEVELS - 1, Math.floor(((count - 1) / Math.max(1, max)) * LEVELS)));

interface LayerProps {
  plotted: readonly PlottedCell[];
  lookup: () => { byPosition: ReadonlyMap<string, PlottedCell> };
  max: number;
  colours: readonly string[];
  cursor: PlottedCell | null;
  onHover: (cell: PlottedCell | null) => void;
  onPick: (cell: PlottedCell) => void;
  outline: string;
}

/**
 * The cells, inside the recharts chart: positions from the chart's own axis scales (hooks), one
 * <path> per intensity level, and one transparent rectangle that turns the pointer into a cell.
 */
function CellsLayer({ plotted, lookup, max, colours, cursor, onHover, onPick, outline }: LayerProps) {
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const area = usePlotArea();
  // Keyed on the numbers, not the scale functions: recharts hands out new scales on every store update
  // (several per filter change), and rebuilding thousands of cell paths for the same numbers was most of a repaint.
  const x0 = xScale?.(0) ?? 0;
  const y0 = yScale?.(0) ?? 0;
  const x1 = xScale?.(1) ?? x0 + 1;
  const y1 = yScale?.(1) ?? y0 + 1;
  const scaled = xScale !== undefined && yScale !== undefined;
  const geometry = useMemo(() => {
    if (!scaled) return null;
    const bandX = Math.abs(x1 - x0);
    const bandY = Math.abs(y1 - y0);
    const width = Math.max(1.5, Math.min(72, bandX > 8 ? bandX * 0.88 : bandX - 0.5));
    const height = Math.max(4, Math.min(28, bandY - 3));
    return { x0, y0, bandX, bandY, width, height, yStep: y1 - y0 };
  }, [scaled, x0, y0, x1, y1]);
  const paths = useMemo(() => {
    if (geometry === null) return [];
    const parts: string[][] = Array.from({ length: LEVELS }, () => []);
    const tenth = (value: number): number => Math.round(value * 10) / 10;
    const size = `h${tenth(geometry.width)}v${tenth(geometry.height)}h${tenth(-geometry.width)}z`;
    const left = geometry.x0 - geometry.width / 2;
    const top = geometry.y0 - geometry.height / 2;
    for (const cell of plotted) parts[levelOf(cell.count, max)]!.push(`M${tenth(left + cell.xIndex * geometry.bandX)} ${tenth(top + cell.yIndex * geometry.yStep)}${size}`);
    return parts.map((list) => list.join(''));
  }, [plotted, geometry, max]);
  if (geometry === null || area === undefined) return null;
  const cellAt = (event: MouseEvent<SVGRectElement>): PlottedCell | null => {
    const svg = event.currentTarget.ownerSVGElement;
    if (svg === null) return null;
    const box = svg.getBoundingClientRect();
    const xIndex = Math.round((event.clientX - box.left - geometry.x0) / geometry.bandX);
    const yIndex = Math.round((event.clientY - box.top - geometry.y0) / geometry.yStep);
    return lookup().byPosition.get(`${xIndex}:${yIndex}`) ?? null;
  };
  return (
    <g>
      {paths.map((d, level) => (d === '' ? null : <path key={level} d={d} fill={colours[level]} shapeRendering="crispEdges" />))}
      {cursor !== null && (
        <rect
          data-testid="heatmap-cursor"
          x={geometry.x0 + cursor.xIndex * geometry.bandX - geometry.width / 2 - 1}
          y={geometry.y0 + cursor.yIndex * geometry.yStep - geometry.height / 2 - 1}
          width={geometry.width + 2}
          height={geometry.height + 2}
          fill="none"
          stroke={outline}
          strokeWidth={1.5}
          pointerEvents="none"
        />
      )}
      <rect
        data-testid="heatmap-plot"
        x={area.x}
        y={area.y}
        width={area.width}
        height={area.height}
        fill="transparent"
        style={{ cursor: 'crosshair' }}
        onMouseMove={(event) => onHover(cellAt(event))}
        onMouseLeave={() => onHover(null)}
        onClick={(event) => {
          const cell = cellAt(event);
          if (cell !== null) onPick(cell);
        }}
      />
    </g>
  );
}

/**
 * A count heatmap drawn with recharts (axes, grid, layout) and a cell layer that draws thousands
 * of cells as a handful of paths: intensity legend, hover (or arrow keys) shows the count, clicking
 * (or Enter) reports the cell — the Review screen filters by it.
 */
export const ActivityHeatmap = memo(function ActivityHeatmap({ title, cells, xLabels, yLabels, xTitle, yTitle, onCellClick, xTickEvery = 1, height }: Props) {
  const theme = useTheme();
  const { plotted, max, total } = useMemo(() => {
    const xIndex = new Map(xLabels.map((label, index) => [label, index]));
    const yIndex = new Map(yLabels.map((label, index) => [label, index]));
    const list: PlottedCell[] = [];
    let highest = 0;
    let sum = 0;
    for (const cell of cells) {
      const x = xIndex.get(cell.x);
      const y = yIndex.get(cell.y);
      if (x === undefined || y === undefined || cell.count <= 0) continue;
      list.push(cell.code === undefined ? { x: cell.x, y: cell.y, count: cell.count, xIndex: x, yIndex: y } : { x: cell.x, y: cell.y, count: cell.count, code: cell.code, xIndex: x, yIndex: y });
      if (cell.count > highest) highest = cell.count;
      sum += cell.count;
    }
    return { plotted: list, max: highest, total: sum };
  }, [cells, xLabels, yLabels]);
  // Look-ups for pointer and keys, built on first use (thousands of cells; most filter changes need neither).
  const lookups = useRef<{ for: readonly PlottedCell[]; byPosition: Map<string, PlottedCell>; ordered: PlottedCell[] } | null>(null);
  const lookup = useCallback(() => {
    if (lookups.current === null || lookups.current.for !== plotted) {
      const ordered = [...plotted].sort((a, b) => a.yIndex - b.yIndex || a.xIndex - b.xIndex);
      lookups.current = { for: plotted, ordered, byPosition: new Map(ordered.map((cell) => [`${cell.xIndex}:${cell.yIndex}`, cell])) };
    }
    return lookups.current;
  }, [plotted]);
  const low = theme.palette.mode === 'dark' ? '#1e2a36' : '#e3ecf7';
  const high = theme.palette.primary.main.startsWith('#') ? theme.palette.primary.main : '#1f5fa8';
  const colours = useMemo(() => Array.from({ length: LEVELS }, (_unused, level) => intensityColour(low, high, 0.18 + (0.82 * (level + 1)) / LEVELS)), [low, high]);

  const [hover, setHover] = useState<{ cell: PlottedCell; from: 'pointer' | 'keys' } | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const [pointer, setPointer] = useState<{ x: number; y: number } | null>(null);
  // New data: what was under the pointer may be gone.
  useEffect(() => setHover(null), [plotted]);

  const pick = (cell: PlottedCell): void => onCellClick?.({ x: cell.x, y: cell.y, count: cell.count });
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (plotted.length === 0) return;
    const ordered = lookup().ordered;
    const current = hover?.cell ?? null;
    const position = current === null ? -1 : ordered.indexOf(current);
    let next: PlottedCell | undefined;
    if (event.key === 'ArrowRight') next = ordered[Math.min(ordered.length - 1, position + 1)];
    else if (event.key === 'ArrowLeft') next = ordered[Math.max(0, position - 1)];
    else if (event.key === 'ArrowDown') next = ordered.find((cell) => current === null || cell.yIndex > current.yIndex) ?? current ?? undefined;
    else if (event.key === 'ArrowUp') next = [...ordered].reverse().find((cell) => current !== null && cell.yIndex < current.yIndex) ?? current ?? undefined;
    else if ((event.key === 'Enter' || event.key === ' ') && current !== null) {
      event.preventDefault();
      pick(current);
      return;
    } else return;
    event.preventDefault();
    if (next !== undefined) setHover({ cell: next, from: 'keys' });
  };

  const shown = hover?.cell ?? null;
  // The box's width decides how the labels fit: level when there is room, else turned; never overlapping.
  const [boxWidth, setBoxWidth] = useState(0);
  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const observer = new ResizeObserver(([entry]) => setBoxWidth(Math.round(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const fontFamily = String(theme.typography.fontFamily ?? 'sans-serif');
  const yAxisWidth = useMemo(() => Math.min(Y_LABEL_MAX, Math.max(40, ...yLabels.map((label) => textWidth(label, fontFamily)))) + 12, [yLabels, fontFamily]);
  const xLayout = useMemo((): XLayout => {
    const widest = Math.max(0, ...xLabels.map((label) => textWidth(label, fontFamily)));
    const plotWidth = Math.max(1, boxWidth - yAxisWidth - 24);
    const band = plotWidth / Math.max(1, xLabels.length);
    const every = Math.max(xTickEvery, Math.ceil((widest + 12) / band));
    // Categories (sources) are all labelled, so they turn when they do not fit level; series (hours, days) thin out instead.
    if (xTickEvery > 1 || every === 1 || xLabels.length > 40) return { kind: 'level', every, height: 30, rightMargin: Math.max(12, Math.ceil(widest / 2 - band / 2) + 4) };
    const angle = band >= 18 ? 45 : 90;
    const run = Math.min(X_LABEL_MAX, widest);
    const radians = (angle * Math.PI) / 180;
    return { kind: 'turned', angle, height: Math.ceil(run * Math.sin(radians) + LABEL_FONT_PX * Math.cos(radians) + 22), leftOverhang: Math.max(0, Math.ceil(run * Math.cos(radians) - yAxisWidth - band / 2 + 4)) };
  }, [xLabels, fontFamily, boxWidth, yAxisWidth, xTickEvery]);
  const xTicks = useMemo(() => {
    const every = xLayout.kind === 'level' ? xLayout.every : 1;
    return xLabels.map((_label, index) => index).filter((index) => index % every === 0);
  }, [xLabels, xLayout]);
  // Labels fitted once per label list, not on every tick render (recharts renders the ticks several times per change).
  const xShown = useMemo(() => (xLayout.kind === 'turned' ? xLabels.map((label) => fitText(label, X_LABEL_MAX, fontFamily)) : xLabels), [xLabels, xLayout.kind, fontFamily]);
  const yShown = useMemo(() => yLabels.map((label) => fitText(label, Y_LABEL_MAX, fontFamily)), [yLabels, fontFamily]);
  const labelColour = theme.palette.text.secondary;
  const renderXTick = useCallback(
    ({ x: xAt = 0, y: yAt = 0, payload }: TickProps) => {
      const [x, y] = [Number(xAt), Number(yAt)];
      const full = xLabels[tickIndex(payload)] ?? '';
      if (xLayout.kind === 'level')
        return (
          <text className="heatmap-axis-label" data-axis="x" data-angle={0} data-anchor-x={x} x={x} y={y + 12} textAnchor="middle" fontSize={LABEL_FONT_PX} fill={labelColour}>
            {full}
          </text>
        );
      const text = xShown[tickIndex(payload)] ?? full;
      return (
        <text
          className="heatmap-axis-label"
          data-axis="x"
          data-angle={xLayout.angle}
          data-anchor-x={x}
          x={x}
          y={y + 6}
          transform={`rotate(-${xLayout.angle} ${x} ${y + 6})`}
          textAnchor="end"
          dominantBaseline="central"
          fontSize={LABEL_FONT_PX}
          fill={labelColour}
        >
          {text !== full && <title>{full}</title>}
          {text}
        </text>
      );
    },
    [xLabels, xShown, xLayout, labelColour],
  );
  const renderYTick = useCallback(
    ({ x: xAt = 0, y: yAt = 0, payload }: TickProps) => {
      const [x, y] = [Number(xAt), Number(yAt)];
      const full = yLabels[tickIndex(payload)] ?? '';
      const text = yShown[tickIndex(payload)] ?? full;
      return (
        <text className="heatmap-axis-label" data-axis="y" data-angle={0} x={x - 4} y={y} textAnchor="end" dominantBaseline="central" fontSize={LABEL_FONT_PX} fill={labelColour}>
          {text !== full && <title>{full}</title>}
          {text}
        </text>
      );
    },
    [yLabels, yShown, labelColour],
  );
  const yTicks = useMemo(() => yLabels.map((_label, index) => index), [yLabels]);
  const corners = useMemo(
    () => [
      { xIndex: 0, yIndex: 0 },
      { xIndex: Math.max(0, xLabels.length - 1), yIndex: Math.max(0, yLabels.length - 1) },
    ],
    [xLabels.length, yLabels.length],
  );
  const onHover = useCallback((cell: PlottedCell | null) => setHover(cell === null ? null : { cell, from: 'pointer' }), []);
  const latestPick = useRef(onCellClick);
  latestPick.current = onCellClick;
  const onPick = useCallback((cell: PlottedCell) => latestPick.current?.({ x: cell.x, y: cell.y, count: cell.count }), []);
  return (
    <Box
      data-testid={`heatmap-${title}`}
      ref={box}
      tabIndex={0}
      role="group"
      aria-label={`${title} heatmap: arrow keys move between cells, Enter filters by the cell`}
      onKeyDown={onKeyDown}
      onMouseMove={(event) => {
        const rect = box.current?.getBoundingClientRect();
        if (rect !== undefined) setPointer({ x: event.clientX - rect.left, y: event.clientY - rect.top });
      }}
      sx={{ position: 'relative', outline: 'none', borderRadius: 1, '&:focus-visible': { boxShadow: `0 0 0 2px ${theme.palette.primary.main}` } }}
    >
      <Stack direction="row" sx={{ alignItems: 'baseline', mb: 0.5 }} spacing={2}>
        <Typography variant="subtitle2">{title}</Typography>
        <Typography variant="caption" color="text.secondary">
          {total.toLocaleString()} events
        </Typography>
        <Box sx={{ flexGrow: 1 }} />
        <Stack direction="row" spacing={0.5} sx={{ alignItems: 'center' }} aria-label="Intensity legend">
          <Typography variant="caption" color="text.secondary">
            {max === 0 ? 0 : 1}
          </Typography>
          <Stack direction="row" sx={{ borderRadius: 1, overflow: 'hidden' }}>
            {colours.map((colour) => (
              <Box key={colour} sx={{ width: 12, height: 10, bgcolor: colour }} />
            ))}
          </Stack>
          <Typography variant="caption" color="text.secondary">
            {max}
          </Typography>
        </Stack>
      </Stack>
      <ResponsiveContainer width="100%" height={height ?? Math.max(120, 30 + xLayout.height + yLabels.length * 22)}>
        <ScatterChart margin={{ top: 6, right: xLayout.kind === 'level' ? xLayout.rightMargin : 12, bottom: 18, left: 4 + (xLayout.kind === 'turned' ? xLayout.leftOverhang : 0) }}>
          <CartesianGrid stroke={theme.palette.divider} strokeDasharray="2 4" />
          <XAxis
            type="number"
            dataKey="xIndex"
            domain={[-0.5, xLabels.length - 0.5]}
            ticks={xTicks}
            tick={renderXTick}
            height={xLayout.height}
            label={{ value: xTitle, position: 'insideBottom', offset: -14, fontSize: LABEL_FONT_PX, fill: labelColour }}
            allowDecimals={false}
            interval={0}
          />
          <YAxis
            type="number"
            dataKey="yIndex"
            domain={[-0.5, yLabels.length - 0.5]}
            ticks={yTicks}
            tick={renderYTick}
            width={yAxisWidth}
            reversed
            interval={0}
            {...(yTitle === '' ? {} : { label: { value: yTitle, angle: -90, position: 'insideLeft', fontSize: LABEL_FONT_PX, fill: labelColour } })}
            allowDecimals={false}
          />
          {/* Two invisible corner points register the axes with recharts; the cells are drawn by CellsLayer. */}
          <Scatter data={corners} isAnimationActive={false} shape={EMPTY_SHAPE} legendType="none" />
          <CellsLayer plotted={plotted} lookup={lookup} max={max} colours={colours} cursor={shown} outline={theme.palette.text.primary} onHover={onHover} onPick={onPick} />
        </ScatterChart>
      </ResponsiveContainer>
      {shown !== null && <HeatmapTooltip cell={shown} anchor={hover?.from === 'pointer' && pointer !== null ? pointer : null} frame={box.current} />}
    </Box>
  );
});

/** The count under the pointer (or the keyboard's cell), kept inside the heatmap's box: it flips left/up near an edge. */
function HeatmapTooltip({ cell, anchor, frame }: { cell: HeatmapCell; anchor: { x: number; y: number } | null; frame: HTMLDivElement | null }) {
  const tip = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 200, height: 56 });
  useLayoutEffect(() => {
    const element = tip.current;
    if (element !== null && (element.offsetWidth !== size.width || element.offsetHeight !== size.height)) setSize({ width: element.offsetWidth, height: element.offsetHeight });
  }, [cell, size.width, size.height]);
  const frameWidth = frame?.clientWidth ?? 600;
  const frameHeight = frame?.clientHeight ?? 300;
  const at = anchor ?? { x: 140, y: 14 };
  const left = at.x + 14 + size.width <= frameWidth ? at.x + 14 : Math.max(0, at.x - 14 - size.width);
  const top = at.y + 14 + size.height <= frameHeight ? at.y + 14 : Math.max(0, at.y - 14 - size.height);
  return (
    <Box
      ref={tip}
      data-testid="heatmap-tooltip"
      data-x={cell.x}
      data-y={cell.y}
      data-code={cell.code}
      data-count={cell.count}
      role="status"
      sx={{ position: 'absolute', pointerEvents: 'none', left, top, maxWidth: 300, bgcolor: 'background.paper', border: 1, borderColor: 'divider', borderRadius: 1, boxShadow: 3, px: 1, py: 0.5, zIndex: 2 }}
    >
      <Typography variant="body2">
        <bdi>{cell.y}</bdi> · <bdi>{cell.x}</bdi>
      </Typography>
      {cell.code !== undefined && (
        <Typography variant="caption" color="text.secondary" component="div" sx={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' }}>
          {cell.code}
        </Typography>
      )}
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        {cell.count.toLocaleString()} event{cell.count === 1 ? '' : 's'}
      </Typography>
    </Box>
  );
}
