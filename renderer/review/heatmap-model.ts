import type { LocalFilterGroupInput, LocalFilterRuleInput } from '../../preload/contract';

/**
 * Top-N for the activity heatmaps: the busiest rows and columns by their own name, the rest summed
 * into one "others" bucket — 23 sources or 40 users stay readable, and no event is left out.
 */

/** The key of the "others" bucket (never a Zoho id or source code: those have no NUL). */
export const OTHERS_KEY = '\u0000others';

export interface KeyedCell<X extends string | number = string> {
  x: X;
  y: string;
  count: number;
}

export interface TopKeys {
  /** Busiest first (ties by key, so the order is stable). */
  top: string[];
  /** Everything else; empty when all keys fit. */
  others: string[];
}

/** The `limit` keys with the most events; when only one key would be left over it is shown itself (an "others" of one says less). */
export function topKeys(totals: ReadonlyMap<string, number>, limit: number): TopKeys {
  const ordered = [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([key]) => key);
  if (ordered.length <= limit + 1) return { top: ordered, others: [] };
  return { top: ordered.slice(0, limit), others: ordered.slice(limit) };
}

/** Events per key along one side of a heatmap's cells. */
export function totalsBy<C>(cells: readonly C[], key: (cell: C) => string, count: (cell: C) => number): Map<string, number> {
  const totals = new Map<string, number>();
  for (const cell of cells) totals.set(key(cell), (totals.get(key(cell)) ?? 0) + count(cell));
  return totals;
}

/** The cells with keys outside `keepX`/`keepY` moved into the others bucket, counts summed. */
export function bucketCells<X extends string | number>(cells: readonly KeyedCell<X>[], keepX: ReadonlySet<X> | null, keepY: ReadonlySet<string> | null): KeyedCell<X | typeof OTHERS_KEY>[] {
  // Looked up by column, then row (no joined string key per cell: the source × day map has thousands); first-seen order kept.
  const byColumn = new Map<X | typeof OTHERS_KEY, Map<string, KeyedCell<X | typeof OTHERS_KEY>>>();
  const result: KeyedCell<X | typeof OTHERS_KEY>[] = [];
  for (const cell of cells) {
    const x: X | typeof OTHERS_KEY = keepX === null || keepX.has(cell.x) ? cell.x : OTHERS_KEY;
    const y = keepY === null || keepY.has(cell.y) ? cell.y : OTHERS_KEY;
    let column = byColumn.get(x);
    if (column === undefined) byColumn.set(x, (column = new Map<string, KeyedCell<X | typeof OTHERS_KEY>>()));
    const known = column.get(y);
    if (known !== undefined) known.count += cell.count;
    else {
      const fresh: KeyedCell<X | typeof OTHERS_KEY> = { x, y, count: cell.count };
      column.set(y, fresh);
      result.push(fresh);
    }
  }
  return result;
}

/**
 * A heatmap cell as a filter: the users ('' = System) and sources ('' = none) it stands for — one
 * each, or the many behind an "others" bucket — with the words for its chip.
 */
export type HeatmapClick =
  | { kind: 'user-hour-of-week'; users: string[]; usersLabel: string; hour: number; count: number }
  | { kind: 'source-day'; sources: string[]; sourcesLabel: string; day: string; count: number }
  | { kind: 'user-source'; users: string[]; usersLabel: string; sources: string[]; sourcesLabel: string; count: number };

/** "User is one of these" as conditions: '' (System, Zoho's done_by null) is "user is System". */
function usersCondition(ids: readonly string[]): LocalFilterRuleInput | LocalFilterGroupInput {
  const named = ids.filter((id) => id !== '');
  const parts: LocalFilterRuleInput[] = [];
  if (named.length === 1) parts.push({ field: 'user', operator: '=', value: named[0]! });
  if (named.length > 1) parts.push({ field: 'user', operator: 'in', value: named });
  if (ids.includes('')) parts.push({ field: 'user', operator: 'null' });
  return parts.length === 1 ? parts[0]! : { combinator: 'or', rules: parts };
}

/** The same for sources ('' = an event without a source). */
function sourcesCondition(codes: readonly string[]): LocalFilterRuleInput | LocalFilterGroupInput {
  const named = codes.filter((code) => code !== '');
  const parts: LocalFilterRuleInput[] = [];
  if (named.length === 1) parts.push({ field: 'source', operator: '=', value: named[0]! });
  if (named.length > 1) parts.push({ field: 'source', operator: 'in', value: named });
  if (codes.includes('')) parts.push({ field: 'source', operator: 'null' });
  return parts.length === 1 ? parts[0]! : { combinator: 'or', rules: parts };
}

/** A clicked cell as the chip that narrows the table to exactly its events. */
export function heatmapChip(click: HeatmapClick, hourLabel: (hour: number) => string): { id: string; label: string; group: LocalFilterGroupInput } {
  switch (click.kind) {
    case 'user-hour-of-week':
      return {
        id: `${click.kind}:${click.users.join(',')}:${click.hour}`,
        label: `${click.usersLabel} · ${hourLabel(click.hour)}`,
        group: { combinator: 'and', rules: [usersCondition(click.users), { field: 'hourOfWeek', operator: '=', value: String(click.hour) }] },
      };
    case 'source-day':
      return { id: `${click.kind}:${click.sources.join(',')}:${click.day}`, label: `${click.sourcesLabel} · ${click.day}`, group: { combinator: 'and', rules: [sourcesCondition(click.sources), { field: 'day', operator: '=', value: click.day }] } };
    case 'user-source':
      return {
        id: `${click.kind}:${click.users.join(',')}:${click.sources.join(',')}`,
        label: `${click.usersLabel} · ${click.sourcesLabel}`,
        group: { combinator: 'and', rules: [usersCondition(click.users), sourcesCondition(click.sources)] },
      };
    default: {
      const never: never = click;
      return never;
    }
  }
}
