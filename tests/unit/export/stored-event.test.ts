/**
 * isTimelineEvent must accept exactly what timelineEventSchema accepts: every event the fixtures
 * build, then each field of them broken in each way that matters, judged by both side by side.
 * storedTimelineEntry refuses damaged stored text in words, never passes it on.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isTimelineEvent, storedTimelineEntry } from '../../../main/export/stored-event.js';
import { timelineEventSchema, type JsonObject } from '../../../main/zoho/models.js';
import { buildEvents, oddValueEvents } from './fixtures.js';

type Mutable = Record<string, unknown>;
const clone = (value: unknown): Mutable => JSON.parse(JSON.stringify(value)) as Mutable;

/** Paths (as key lists) of every property in the object, arrays' first items included. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.slice(0, 2).map((item, index) => [index, item]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function setAt(target: Mutable, path: Array<string | number>, value: unknown, remove = false): void {
  let node = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (remove) delete node[last];
  else node[last] = value;
}

/** Replacements that break (or keep) a field: wrong types, empty text, non-digit ids, bad times, nulls. */
const REPLACEMENTS: unknown[] = [null, undefined, '', 'abc', '12x', '123', 0, 1.5, true, [], {}, '2024-13-45T99:00:00+00:00', '2024-03-01 10:00:00', '2024-03-01T10:00:00Z', [{}]];

describe('isTimelineEvent agrees with timelineEventSchema', () => {
  const samples = [...buildEvents(300).map((event) => event.entry.raw), ...oddValueEvents()];
  // Richer shapes: inner details Zoho sends only when asked for.
  const detailed = clone(samples[0]);
  (detailed['done_by'] as Mutable)['profile'] = { name: 'Administrator', id: '554023000000015972' };
  (detailed['done_by'] as Mutable)['type__s'] = 'regular user';
  (detailed['field_history'] as Mutable[] | null)?.forEach((change) => {
    change['id'] = '554023000000000777';
    change['enable_colour_code'] = false;
    change['pick_list_values'] = [{ display_value: 'Hot', sequence_number: 1, colour_code: null, actual_value: 'Hot', id: '554023000000000778', type: 'used' }];
  });
  samples.push(detailed as JsonObject);

  it('on every fixture event (all valid)', () => {
    for (const raw of samples) {
      expect(timelineEventSchema.safeParse(raw).success).toBe(true);
      expect(isTimelineEvent(raw)).toBe(true);
    }
  });

  it('on every field of a few events, each replaced or removed', () => {
    let compared = 0;
    let refused = 0;
    for (const raw of [samples[0], samples[5], samples.at(-2), detailed]) {
      for (const path of pathsOf(raw)) {
        for (const [index, replacement] of [...REPLACEMENTS, 'removed'].entries()) {
          const copy = clone(raw);
          setAt(copy, path, replacement, index === REPLACEMENTS.length);
          // The fast check accepts what the schema accepts as it is (a number where an id goes is read by the exact path).
          const parsed = timelineEventSchema.safeParse(copy);
          const zod = parsed.success && isDeepStrictEqual(parsed.data, copy);
          expect({ path: path.join('.'), replacement, fast: isTimelineEvent(copy) }).toEqual({ path: path.join('.'), replacement, fast: zod });
          compared += 1;
          if (!zod) refused += 1;
        }
      }
    }
    // The comparison covered both answers many times over.
    expect(refused).toBeGreaterThan(200);
    expect(compared - refused).toBeGreaterThan(200);
  });

  it('on values that are not objects at all', () => {
    for (const value of [null, 1, 'x', [], [samples[0]]]) expect(isTimelineEvent(value)).toBe(timelineEventSchema.safeParse(value).success);
  });
});

describe('storedTimelineEntry', () => {
  const raw = samples();
  function samples(): JsonObject {
    return buildEvents(1)[0]!.entry.raw;
  }
  const text = JSON.stringify(raw);
  const row = { eventId: raw['id'] as string, auditedAtMs: Date.parse(raw['audited_time'] as string) };

  it('returns Zoho’s object as the event and as the raw, values untouched', () => {
    const entry = storedTimelineEntry(text, row);
    expect(entry.raw).toEqual(raw);
    expect(JSON.stringify(entry.raw)).toBe(text);
    expect(entry.event).toBe(entry.raw);
  });

  it('refuses text that does not parse, breaks the schema, or disagrees with the row', () => {
    const damaged = expect.objectContaining({ code: 'CACHE_DAMAGED' });
    expect(() => storedTimelineEntry(text.slice(0, -3), row)).toThrow(damaged);
    expect(() => storedTimelineEntry(JSON.stringify({ ...raw, action: '' }), row)).toThrow(/action/);
    expect(() => storedTimelineEntry(JSON.stringify({ ...raw, id: '1' }), row)).toThrow(damaged);
    expect(() => storedTimelineEntry(text, { ...row, auditedAtMs: row.auditedAtMs + 1_000 })).toThrow(/indexed time/);
  });
});

describe('storedTimelineEntry reads every number exactly as stored', () => {
  const base = buildEvents(40)
    .map((event) => event.entry.raw)
    .find((raw) => Array.isArray(raw['field_history']) && (raw['field_history'] as unknown[]).length > 0)!;
  const withValues = (old: string, next: string): string => {
    const text = JSON.stringify({ ...base, field_history: [{ api_name: 'Amount', field_label: 'Amount', data_type: 'currency', _value: { old: '__OLD__', new: '__NEW__' } }] });
    return text.replace('"__OLD__"', old).replace('"__NEW__"', next);
  };
  const row = { eventId: base['id'] as string, auditedAtMs: Date.parse(base['audited_time'] as string) };
  const values = (text: string): unknown[] => {
    const change = (storedTimelineEntry(text, row).event.field_history ?? [])[0]!;
    return [change._value.old, change._value.new];
  };

  it('keeps digits a double cannot hold, wherever the number is (as the exact parser does)', () => {
    expect(values(withValues('12345678901234567', '0.10000000000000001'))).toEqual(['12345678901234567', '0.10000000000000001']);
    expect(values(withValues('[1, 98765432109876543]', '{"n": 1e400}'))).toEqual([[1, '98765432109876543'], { n: '1e400' }]);
  });

  it('reads ordinary numbers and texts that only look like numbers as JSON.parse does', () => {
    expect(values(withValues('1500', '-2.5'))).toEqual([1500, -2.5]);
    expect(values(withValues('"12345678901234567"', '"a:12345678901234567890"'))).toEqual(['12345678901234567', 'a:12345678901234567890']);
  });
});
