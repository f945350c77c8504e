import { describe, expect, it } from 'vitest';
import { bucketCells, OTHERS_KEY, topKeys, totalsBy } from '../../../renderer/review/heatmap-model';

describe('heatmap top-N with an others bucket', () => {
  const cells = Array.from({ length: 23 }, (_unused, index) => ({ x: `source_${String(index).padStart(2, '0')}`, y: index % 2 === 0 ? 'u1' : 'u2', count: 100 - index }));

  it('keeps the busiest columns and sums the rest into one bucket, losing no event', () => {
    const totals = totalsBy(
      cells,
      (cell) => cell.x,
      (cell) => cell.count,
    );
    const { top, others } = topKeys(totals, 12);
    expect(top).toEqual(cells.slice(0, 12).map((cell) => cell.x));
    expect(others).toHaveLength(11);
    const bucketed = bucketCells(cells, new Set(top), null);
    const columns = new Set(bucketed.map((cell) => cell.x));
    expect(columns.size).toBe(13);
    expect(columns.has(OTHERS_KEY)).toBe(true);
    const sum = (list: ReadonlyArray<{ count: number }>) => list.reduce((total, cell) => total + cell.count, 0);
    expect(sum(bucketed)).toBe(sum(cells));
    expect(sum(bucketed.filter((cell) => cell.x === OTHERS_KEY))).toBe(sum(cells.slice(12)));
  });

  it('merges cells that land on the same row and column (the bucket, or a repeated pair), in first-seen order, and does not change its input', () => {
    const input = [
      { x: 'a', y: 'u1', count: 1 },
      { x: 'b', y: 'u2', count: 2 },
      { x: 'c', y: 'u1', count: 4 },
      { x: 'a', y: 'u1', count: 8 },
      { x: 'd', y: 'u1', count: 16 },
    ];
    expect(bucketCells(input, new Set(['a', 'b']), new Set(['u1']))).toEqual([
      { x: 'a', y: 'u1', count: 9 },
      { x: 'b', y: OTHERS_KEY, count: 2 },
      { x: OTHERS_KEY, y: 'u1', count: 20 },
    ]);
    expect(input[0]).toEqual({ x: 'a', y: 'u1', count: 1 });
    expect(bucketCells(input, null, null)).toHaveLength(4);
  });

  it('shows everything when all fit, or when only one would be left over', () => {
    expect(
      topKeys(
        new Map([
          ['a', 3],
          ['b', 2],
          ['c', 1],
        ]),
        2,
      ),
    ).toEqual({ top: ['a', 'b', 'c'], others: [] });
    expect(
      topKeys(
        new Map([
          ['a', 3],
          ['b', 2],
          ['c', 1],
          ['d', 1],
        ]),
        2,
      ),
    ).toEqual({ top: ['a', 'b'], others: ['c', 'd'] });
  });
});

describe('a clicked heatmap cell as a filter chip', () => {
  it('an "others" cell filters exactly the users and sources behind it, System and no-source included', async () => {
    const { heatmapChip } = await import('../../../renderer/review/heatmap-model');
    const chip = heatmapChip({ kind: 'user-source', users: ['7', '', '9'], usersLabel: 'Other users (3)', sources: ['macro', ''], sourcesLabel: 'Other sources (2)', count: 5 }, String);
    expect(chip.label).toBe('Other users (3) · Other sources (2)');
    expect(chip.group).toEqual({
      combinator: 'and',
      rules: [
        {
          combinator: 'or',
          rules: [
            { field: 'user', operator: 'in', value: ['7', '9'] },
            { field: 'user', operator: 'null' },
          ],
        },
        {
          combinator: 'or',
          rules: [
            { field: 'source', operator: '=', value: 'macro' },
            { field: 'source', operator: 'null' },
          ],
        },
      ],
    });
    const single = heatmapChip({ kind: 'source-day', sources: ['crm_ui'], sourcesLabel: 'CRM web/app', day: '2026-03-01', count: 2 }, String);
    expect(single.group.rules[0]).toEqual({ field: 'source', operator: '=', value: 'crm_ui' });
  });
});
