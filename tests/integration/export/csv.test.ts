import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvRowsForEvent, exportCsvFile, userNames } from '../../../main/export/csv-export.js';
import { neutraliseCell, restoreCell, ZoneClock } from '../../../main/export/values.js';
import type { ExportEvent } from '../../../main/export/types.js';
import type { JsonObject } from '../../../main/zoho/models.js';
import { buildEvents, sourceOf, testScope, TEST_USERS } from '../../unit/export/fixtures.js';

let dir: string;
let events: ExportEvent[];
let text: string;
let rows: string[][];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'export-csv-'));
  events = buildEvents(600);
  await exportCsvFile({ scope: testScope({ timeZone: 'UTC' }), events: sourceOf(events), users: TEST_USERS }, join(dir, 'events.csv'));
  text = await readFile(join(dir, 'events.csv'), 'utf8');
  rows = parse(text, { bom: true, relax_column_count: false });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('events.csv', () => {
  it('is byte for byte what csv-stringify writes for the same cells (RFC 4180 quoting, CRLF, BOM)', async () => {
    const clock = new ZoneClock('UTC');
    const names = userNames(TEST_USERS);
    const cells = events.flatMap((event) => csvRowsForEvent(event, clock, names).map((row) => row.map(neutraliseCell)));
    // The options the export used when csv-stringify wrote the file.
    const expected = stringify(cells, { bom: true, header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows', quote_record_delimiter: true });
    expect((await readFile(join(dir, 'events.csv'))).equals(Buffer.from(expected, 'utf8'))).toBe(true);
    // Cells of every kind the rules care about were there to compare.
    const all = cells.flat();
    for (const pattern of [/"/, /,/, /\n/, /\r/, /^'[=+\-@]/]) expect(all.some((cell) => pattern.test(cell))).toBe(true);
  });

  it('starts with a UTF-8 BOM and the exact header', () => {
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(text.slice(1, text.indexOf('\r\n'))).toBe(CSV_COLUMNS.join(','));
  });

  it('has one row per field change, and one row for an event without changes', () => {
    const expected = events.reduce((sum, event) => sum + Math.max(1, event.entry.event.field_history?.length ?? 0), 0);
    expect(rows.length - 1).toBe(expected);
    const noChanges = events.filter((event) => (event.entry.event.field_history ?? []).length === 0);
    expect(noChanges.length).toBeGreaterThan(10);
    for (const event of noChanges.slice(0, 20)) {
      const matching = rows.filter((row) => row[0] === event.entry.event.id);
      expect(matching).toHaveLength(1);
      expect(matching[0]?.slice(12, 17)).toEqual(['', '', '', '', '']);
    }
  });

  it('round-trips every value of every row (after undoing the injection quote)', () => {
    let rowIndex = 1;
    let checkedStrings = 0;
    for (const event of events) {
      const raw = event.entry.raw as JsonObject & {
        id: string;
        action: string;
        source: string | null;
        done_by: { id: string };
        record: { id: string; name: string | null; module: { api_name: string } };
        field_history: Array<{ api_name: string; field_label?: string; data_type?: string; _value: { old: unknown; new: unknown } }> | null;
      };
      const changes = raw.field_history ?? [];
      for (let index = 0; index < Math.max(1, changes.length); index += 1) {
        const row = (rows[rowIndex] ?? []).map(restoreCell);
        rowIndex += 1;
        expect(row).toHaveLength(CSV_COLUMNS.length);
        expect(row[0]).toBe(raw.id);
        expect(Date.parse(row[1] ?? '')).toBe(Date.parse(String(raw['audited_time'])));
        expect(row[1]).toMatch(/\+00:00$/);
        expect(row[2]).toBe(raw.action);
        expect(row[3]).toBe(raw.source ?? '');
        expect(row[4]).toBe(raw.done_by.id);
        expect(row[6]).toBe(raw.record.module.api_name);
        expect(row[7]).toBe(raw.record.id);
        expect(row[8]).toBe(raw.record.name ?? '');
        expect(row[18]).toBe(event.flags.join('; '));
        const change = changes[index];
        if (change !== undefined) {
          expect(row[12]).toBe(change.api_name);
          for (const [cell, value] of [
            [row[15], change._value.old],
            [row[16], change._value.new],
          ] as const) {
            if (typeof value === 'string') {
              expect(cell).toBe(value);
              checkedStrings += 1;
            } else if (value === null) expect(cell).toBe('');
          }
        }
      }
    }
    expect(rowIndex).toBe(rows.length);
    expect(checkedStrings).toBeGreaterThan(300);
  });

  it('quotes every field that holds a line break, so the only unquoted line breaks are CRLF row ends (RFC 4180)', () => {
    let quoted = false;
    let rowEnds = 0;
    let quotedBreaks = 0;
    for (let index = 1; index < text.length; index += 1) {
      const char = text[index];
      if (char === '"') quoted = !quoted;
      else if (!quoted && (char === '\r' || char === '\n')) {
        expect(text.slice(index, index + 2)).toBe('\r\n');
        rowEnds += 1;
        index += 1;
      } else if (quoted && (char === '\r' || char === '\n')) quotedBreaks += 1;
    }
    expect(rowEnds).toBe(rows.length);
    expect(quotedBreaks).toBeGreaterThan(10);
  });

  it('keeps Unicode, quotes and newlines intact', () => {
    const all = rows.flat().join('\n');
    for (const sample of ['株式会社ゾーホー', '北京测试有限公司', 'شركة الاختبار', 'חברת בדיקה בע"מ', '🚀 Launch Co 🎉', 'Line one\nLine two', '"Quoted", deal\nwith newline']) {
      if (events.some((event) => JSON.stringify(event.entry.raw).includes(JSON.stringify(sample).slice(1, -1)))) expect(all).toContain(sample);
    }
    expect(all).toContain('"Quoted", deal\nwith newline');
  });

  it('neutralises cells that start with = + - @ tab or CR, and nothing else', () => {
    const cells = rows.slice(1).flat();
    const dangerous = cells.filter((cell) => /^[=+\-@\t\r]/.test(cell));
    expect(dangerous).toEqual([]);
    const quoted = cells.filter((cell) => /^'[=+\-@\t\r]/.test(cell));
    expect(quoted.length).toBeGreaterThan(5);
    expect(cells).toContain('\'=HYPERLINK("http://x","y")');
    expect(cells).toContain("'=cmd flag");
  });

  it('renders non-string values readably', () => {
    const odd = rows.filter((row) => row[0] === '554023000009100001');
    const byField = new Map(odd.map((row) => [row[12], row]));
    expect(byField.get('Amount')?.slice(15, 17)).toEqual(['1500.5', "'-20"]);
    expect(byField.get('Closed')?.slice(15, 17)).toEqual(['false', 'true']);
    expect(byField.get('Regions')?.slice(15, 17)).toEqual(['EMEA; APAC', 'EMEA; 北美; الشرق']);
    expect(byField.get('Account')?.slice(15, 17)).toEqual(['', 'Acme 🚀 (554023000000777001)']);
    expect(byField.get('Config')?.slice(15, 17)).toEqual(['{"a":[1,2],"b":1}', '{"a":{"y":"+x","z":null}}']);
    expect(byField.get('Amount')?.[17]).toBe('workflow_rule: Escalate =urgent (554023000000999001)');
    expect(byField.get('Amount')?.[5]).toBe('Ravi Kumar');
  });

  it('writes notes with their time in the export zone', () => {
    const withNote = events.find((event) => event.notes.length > 0);
    const row = rows.find((candidate) => candidate[0] === withNote?.entry.event.id);
    expect(row?.[19]).toBe(`[2024-01-02T10:00:00+00:00] Reviewer Ana: ${withNote?.notes[0]?.text ?? ''}`);
  });

  it('stops on abort and leaves no file behind', async () => {
    const controller = new AbortController();
    const target = join(dir, 'cancelled.csv');
    async function* slow(): AsyncGenerator<ExportEvent> {
      for (const [index, event] of events.entries()) {
        if (index === 50) controller.abort();
        yield event;
      }
    }
    await expect(exportCsvFile({ scope: testScope(), events: slow(), users: TEST_USERS }, target, { signal: controller.signal })).rejects.toMatchObject({ code: 'EXPORT_CANCELLED' });
    expect((await readdir(dir)).filter((name) => name.startsWith('cancelled'))).toEqual([]);
  });

  it('reports progress', async () => {
    const seen: number[] = [];
    await exportCsvFile({ scope: testScope(), events: sourceOf(events), users: TEST_USERS }, join(dir, 'progress.csv'), { onProgress: (progress) => seen.push(progress.eventsDone) });
    expect(seen.at(-1)).toBe(events.length);
  });
});

describe('events.csv: system actions (Zoho sends done_by null)', () => {
  it('keeps the header and writes an empty done_by id with the name "System"', () => {
    const raw = JSON.parse(JSON.stringify(events[0]!.entry.raw)) as JsonObject;
    raw['done_by'] = null;
    const system: ExportEvent = { ...events[0]!, entry: { event: { ...events[0]!.entry.event, done_by: null }, raw } };
    const cells = csvRowsForEvent(system, new ZoneClock('UTC'), userNames(TEST_USERS));
    const idColumn = CSV_COLUMNS.indexOf('done_by_id');
    const nameColumn = CSV_COLUMNS.indexOf('done_by_name');
    expect(idColumn).toBe(4);
    expect(nameColumn).toBe(5);
    for (const row of cells) {
      expect(row[idColumn]).toBe('');
      expect(row[nameColumn]).toBe('System');
    }
    // The same event with its user: the user's id and name, as before.
    const withUser = csvRowsForEvent(events[0]!, new ZoneClock('UTC'), userNames(TEST_USERS));
    expect(withUser[0]![idColumn]).toBe(events[0]!.entry.event.done_by!.id);
  });
});
