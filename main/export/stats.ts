import { SYSTEM_ACTOR } from '../../preload/contract.js';
/**
 * What the report's summary and heatmaps show, computed in one pass over the events: counts by user,
 * source and action, user × hour-of-week and source × day (days, weeks or months, whichever keeps the
 * chart readable) in the export's time zone.
 */
import type { ZohoUser } from '../zoho/models.js';
import { userNames } from './csv-export.js';
import type { ExportEvent } from './types.js';
import { instantOf, zoneClock, type ZoneClock } from '../core/zoned-time.js';

export interface CountRow {
  key: string;
  label: string;
  count: number;
}

export interface HeatmapData {
  title: string;
  rowLabels: string[];
  columnLabels: string[];
  /** Column groups for a second axis line (e.g. weekdays over 24 hours each). */
  columnGroups: Array<{ label: string; span: number }>;
  /** cells[row][column] */
  cells: number[][];
  max: number;
}

export interface ExportStats {
  events: number;
  fieldChanges: number;
  flagged: number;
  withNotes: number;
  firstTime: number | null;
  lastTime: number | null;
  byUser: CountRow[];
  bySource: CountRow[];
  byAction: CountRow[];
  userHourOfWeek: HeatmapData;
  sourceByDay: HeatmapData;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MAX_HEATMAP_ROWS = 20;
const MAX_TIME_COLUMNS = 62;
const DAY_MS = 86_400_000;

export class StatsCollector {
  private events = 0;
  private fieldChanges = 0;
  private flagged = 0;
  private withNotes = 0;
  private firstTime: number | null = null;
  private lastTime: number | null = null;
  private readonly users = new Map<string, { name: string; count: number; hours: number[] }>();
  private readonly sources = new Map<string, { count: number; days: Map<string, number> }>();
  private readonly actions = new Map<string, number>();
  private readonly clock: ZoneClock;
  private readonly names: Map<string, string>;

  constructor(timeZone: string, users: readonly ZohoUser[]) {
    this.clock = zoneClock(timeZone);
    this.names = userNames(users);
  }

  add(event: ExportEvent): void {
    const timeline = event.entry.event;
    this.events += 1;
    this.fieldChanges += timeline.field_history?.length ?? 0;
    if (event.flags.length > 0) this.flagged += 1;
    if (event.notes.length > 0) this.withNotes += 1;
    const ms = instantOf(timeline.audited_time);
    // System actions (done_by null) count under one "System" row keyed by the empty id.
    const userId = timeline.done_by?.id ?? '';
    let user = this.users.get(userId);
    if (user === undefined) {
      user = { name: timeline.done_by === null ? SYSTEM_ACTOR : (timeline.done_by.name ?? this.names.get(userId) ?? '(unknown user)'), count: 0, hours: new Array<number>(168).fill(0) };
      this.users.set(userId, user);
    }
    user.count += 1;
    const sourceKey = timeline.source ?? '(none)';
    let source = this.sources.get(sourceKey);
    if (source === undefined) {
      source = { count: 0, days: new Map() };
      this.sources.set(sourceKey, source);
    }
    source.count += 1;
    this.actions.set(timeline.action, (this.actions.get(timeline.action) ?? 0) + 1);
    if (ms !== null) {
      const local = this.clock.at(ms);
      user.hours[local.hourOfWeek] = (user.hours[local.hourOfWeek] ?? 0) + 1;
      source.days.set(local.date, (source.days.get(local.date) ?? 0) + 1);
      if (this.firstTime === null || ms < this.firstTime) this.firstTime = ms;
      if (this.lastTime === null || ms > this.lastTime) this.lastTime = ms;
    }
  }

  finish(): ExportStats {
    const sortRows = (rows: CountRow[]): CountRow[] => rows.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label) || a.key.localeCompare(b.key));
    const byUser = sortRows([...this.users].map(([key, user]) => ({ key, label: user.name, count: user.count })));
    const bySource = sortRows([...this.sources].map(([key, source]) => ({ key, label: key, count: source.count })));
    const byAction = sortRows([...this.actions].map(([key, count]) => ({ key, label: key, count })));
    return {
      events: this.events,
      fieldChanges: this.fieldChanges,
      flagged: this.flagged,
      withNotes: this.withNotes,
      firstTime: this.firstTime,
      lastTime: this.lastTime,
      byUser,
      bySource,
      byAction,
      userHourOfWeek: this.userHeatmap(byUser),
      sourceByDay: this.sourceHeatmap(bySource),
    };
  }

  private userHeatmap(byUser: CountRow[]): HeatmapData {
    const shown = byUser.slice(0, MAX_HEATMAP_ROWS);
    const rest = byUser.slice(MAX_HEATMAP_ROWS);
    const cells = shown.map((row) => [...(this.users.get(row.key)?.hours ?? [])]);
    const rowLabels = shown.map((row) => row.label);
    if (rest.length > 0) {
      const other = new Array<number>(168).fill(0);
      for (const row of rest)
        this.users.get(row.key)?.hours.forEach((count, slot) => {
          other[slot] = (other[slot] ?? 0) + count;
        });
      cells.push(other);
      rowLabels.push(`${rest.length} other users`);
    }
    const columnLabels: string[] = [];
    for (let slot = 0; slot < 168; slot += 1) columnLabels.push(String(slot % 24));
    return {
      title: 'Events by user and hour of the week',
      rowLabels,
      columnLabels,
      columnGroups: WEEKDAYS.map((label) => ({ label, span: 24 })),
      cells,
      max: maxOf(cells),
    };
  }

  private sourceHeatmap(bySource: CountRow[]): HeatmapData {
    const empty: HeatmapData = { title: 'Events by source and day', rowLabels: [], columnLabels: [], columnGroups: [], cells: [], max: 0 };
    if (this.firstTime === null || this.lastTime === null) return empty;
    const firstDay = this.clock.at(this.firstTime).date;
    const lastDay = this.clock.at(this.lastTime).date;
    const dayNumber = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
    const spanDays = dayNumber(lastDay) - dayNumber(firstDay) + 1;
    // Bucket: days when they fit, else ISO weeks (from Monday), else months, else years.
    type Unit = 'day' | 'week' | 'month' | 'year';
    const firstDate = new Date(`${firstDay}T00:00:00Z`);
    const lastDate = new Date(`${lastDay}T00:00:00Z`);
    const monthsSpan = (lastDate.getUTCFullYear() - firstDate.getUTCFullYear()) * 12 + lastDate.getUTCMonth() - firstDate.getUTCMonth() + 1;
    const unit: Unit = spanDays <= MAX_TIME_COLUMNS ? 'day' : spanDays / 7 <= MAX_TIME_COLUMNS - 1 ? 'week' : monthsSpan <= MAX_TIME_COLUMNS ? 'month' : 'year';
    const bucketOf = (date: string): string => {
      if (unit === 'day') return date;
      if (unit === 'month') return date.slice(0, 7);
      if (unit === 'year') return date.slice(0, 4);
      const day = dayNumber(date);
      const weekday = (new Date(day * DAY_MS).getUTCDay() + 6) % 7;
      return new Date((day - weekday) * DAY_MS).toISOString().slice(0, 10);
    };
    const buckets: string[] = [];
    if (unit === 'day' || unit === 'week') {
      const step = unit === 'day' ? 1 : 7;
      for (let day = dayNumber(bucketOf(firstDay)); day <= dayNumber(lastDay); day += step) buckets.push(new Date(day * DAY_MS).toISOString().slice(0, 10));
    } else if (unit === 'month') {
      for (let index = 0; index < monthsSpan; index += 1) {
        const date = new Date(Date.UTC(firstDate.getUTCFullYear(), firstDate.getUTCMonth() + index, 1));
        buckets.push(date.toISOString().slice(0, 7));
      }
    } else {
      for (let year = firstDate.getUTCFullYear(); year <= lastDate.getUTCFullYear(); year += 1) buckets.push(String(year));
    }
    const index = new Map(buckets.map((bucket, position) => [bucket, position]));
    const shown = bySource.slice(0, MAX_HEATMAP_ROWS);
    const rest = bySource.slice(MAX_HEATMAP_ROWS);
    const rowFor = (key: string): number[] => {
      const row = new Array<number>(buckets.length).fill(0);
      for (const [date, count] of this.sources.get(key)?.days ?? []) {
        const column = index.get(bucketOf(date));
        if (column !== undefined) row[column] = (row[column] ?? 0) + count;
      }
      return row;
    };
    const cells = shown.map((row) => rowFor(row.key));
    const rowLabels = shown.map((row) => row.label);
    if (rest.length > 0) {
      const other = new Array<number>(buckets.length).fill(0);
      for (const row of rest)
        rowFor(row.key).forEach((count, column) => {
          other[column] = (other[column] ?? 0) + count;
        });
      cells.push(other);
      rowLabels.push(`${rest.length} other sources`);
    }
    const columnLabels = buckets.map((bucket) => (unit === 'day' || unit === 'week' ? bucket.slice(8) : unit === 'month' ? bucket.slice(5) : bucket));
    const groups: Array<{ label: string; span: number }> = [];
    for (const bucket of buckets) {
      const group = unit === 'year' ? '' : bucket.slice(0, unit === 'month' ? 4 : 7);
      const last = groups[groups.length - 1];
      if (last !== undefined && last.label === group) last.span += 1;
      else groups.push({ label: group, span: 1 });
    }
    const titles: Record<Unit, string> = {
      day: 'Events by source and day',
      week: 'Events by source and week (weeks start on Monday)',
      month: 'Events by source and month',
      year: 'Events by source and year',
    };
    return { title: titles[unit], rowLabels, columnLabels, columnGroups: groups, cells, max: maxOf(cells) };
  }
}

function maxOf(cells: number[][]): number {
  let max = 0;
  for (const row of cells) for (const value of row) if (value > max) max = value;
  return max;
}
