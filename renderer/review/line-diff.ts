export interface DiffLine {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

/**
 * Line-by-line diff of two texts (longest common subsequence). Multi-line Zoho fields (descriptions,
 * notes) are short enough for the quadratic table; very long texts fall back to "all removed, all added".
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split(/\r\n|\n|\r/);
  const b = after.split(/\r\n|\n|\r/);
  if (a.length * b.length > 250_000) return [...a.map((text) => ({ kind: 'removed' as const, text })), ...b.map((text) => ({ kind: 'added' as const, text }))];
  const lengths: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lengths[i]![j] = a[i] === b[j] ? (lengths[i + 1]![j + 1] ?? 0) + 1 : Math.max(lengths[i + 1]![j] ?? 0, lengths[i]![j + 1] ?? 0);
    }
  }
  const result: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      result.push({ kind: 'same', text: a[i]! });
      i += 1;
      j += 1;
    } else if ((lengths[i + 1]![j] ?? 0) >= (lengths[i]![j + 1] ?? 0)) {
      result.push({ kind: 'removed', text: a[i]! });
      i += 1;
    } else {
      result.push({ kind: 'added', text: b[j]! });
      j += 1;
    }
  }
  while (i < a.length) result.push({ kind: 'removed', text: a[i++]! });
  while (j < b.length) result.push({ kind: 'added', text: b[j++]! });
  return result;
}
