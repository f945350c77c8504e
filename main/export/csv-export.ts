import { SYSTEM_ACTOR } from '../../preload/contract.js';
/**
 * events.csv: one row per field change (an event without field changes → one row with empty field
 * columns), RFC 4180 quoting, CRLF, UTF-8 with BOM, written as a stream in ~256 KiB writes.
 *
 * The encoding is written here rather than by csv-stringify: RFC 4180 needs three rules (a field
 * holding a comma, a quote, CR or LF is quoted; a quote inside is doubled; CRLF ends every row), and
 * csv-stringify's general machinery (options, casting, one stream chunk per row) cost about as much
 * again as all the rest of the export (1.95× a plain loop for the same rows; docs/benchmarks.md) —
 * the difference between meeting the 1M-event target and not. tests/integration/export/csv.test.ts
 * checks the bytes against csv-stringify's with the options this file used.
 */
import { createWriteStream } from 'node:fs';
import { writeAtomically } from '../core/atomic-file.js';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import type { JsonValue, ZohoUser } from '../zoho/models.js';
import type { ExportEvent, ExportEventSource, ExportPassOptions, ExportRunOptions, ExportScope } from './types.js';
import { instantOf, zoneClock, type ZoneClock } from '../core/zoned-time.js';
import { discardStream, neutraliseCell, renderAutomation, renderValue, throwIfAborted } from './values.js';
import { drained } from '../core/drained.js';
import { Utf8Chunks } from '../core/utf8-chunks.js';

export const CSV_COLUMNS = [
  'event_id',
  'audited_time',
  'action',
  'source',
  'done_by_id',
  'done_by_name',
  'module',
  'record_id',
  'record_name',
  'related_module',
  'related_id',
  'related_name',
  'field_api_name',
  'field_label',
  'data_type',
  'old_value',
  'new_value',
  'automation',
  'flags',
  'notes',
] as const;

/** One CSV row: a cell per column, in CSV_COLUMNS' order — a column added there fails to compile until every row fills it. */
export type CsvRow = CellsOf<typeof CSV_COLUMNS>;
type CellsOf<Columns extends readonly string[]> = { -readonly [K in keyof Columns]: string };

export function userNames(users: readonly ZohoUser[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const user of users) {
    const name = user.full_name ?? ([user.first_name, user.last_name].filter((part) => typeof part === 'string' && part !== '').join(' ') || null);
    if (name !== null) names.set(user.id, name);
  }
  return names;
}

export function formatNotes(event: ExportEvent, clock: ZoneClock): string {
  return event.notes.map((note) => `[${clock.iso(note.at)}] ${note.author}: ${note.text}`).join('\n');
}

/** The CSV cells of one event, before neutralisation (each row a fresh array the caller may modify). */
export function csvRowsForEvent(event: ExportEvent, clock: ZoneClock, names: ReadonlyMap<string, string>): string[][] {
  const timeline = event.entry.event;
  const ms = instantOf(timeline.audited_time);
  const related = timeline.related_record;
  const time = ms === null ? timeline.audited_time : clock.iso(ms);
  // A system action (done_by null): empty id cell, the name column says System.
  const doneByName = timeline.done_by === null ? SYSTEM_ACTOR : (timeline.done_by.name ?? names.get(timeline.done_by.id) ?? '');
  const automation = timeline.automation_details === null ? '' : renderAutomation(timeline.automation_details as JsonValue);
  const flags = event.flags.length === 0 ? '' : event.flags.join('; ');
  const notes = event.notes.length === 0 ? '' : formatNotes(event, clock);
  // Built as literals, not spreads: at a million rows the intermediate arrays are measurable GC work.
  const row = (field: string, label: string, dataType: string, before: string, after: string): CsvRow => [
    timeline.id,
    time,
    timeline.action,
    timeline.source ?? '',
    timeline.done_by?.id ?? '',
    doneByName,
    timeline.record.module.api_name,
    timeline.record.id,
    timeline.record.name ?? '',
    related?.module.api_name ?? '',
    related?.id ?? '',
    related?.name ?? '',
    field,
    label,
    dataType,
    before,
    after,
    automation,
    flags,
    notes,
  ];
  const changes = timeline.field_history;
  if (changes === null || changes.length === 0) return [row('', '', '', '', '')];
  const rows: CsvRow[] = [];
  for (const change of changes) {
    rows.push(row(change.api_name, change.field_label ?? '', change.data_type ?? '', renderValue(change._value.old), renderValue(change._value.new)));
  }
  return rows;
}

/** One event's CSV records (neutralised, quoted, CRLF-ended) and how many there are. */
export function csvTextOfEvent(event: ExportEvent, clock: ZoneClock, names: ReadonlyMap<string, string>): { text: string; rows: number } {
  let text = '';
  let rows = 0;
  for (const cells of csvRowsForEvent(event, clock, names)) {
    rows += 1;
    for (let index = 0; index < cells.length; index += 1) cells[index] = neutraliseCell(cells[index] as string);
    text += csvRecord(cells);
  }
  return { text, rows };
}

/**
 * CSV records already made (csvTextOfEvent) and encoded, for the next `events` events, in export
 * order: the export writer's reader formats some pages itself when the writer is behind (export-writer.ts).
 */
export interface CsvText {
  csvBytes: Uint8Array[];
  events: number;
  rows: number;
}

function isCsvText(item: ExportEvent | CsvText): item is CsvText {
  return 'csvBytes' in item;
}

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** One field as RFC 4180 wants it: quoted when it holds a comma, a quote, CR or LF, inner quotes doubled. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(QUOTE, '""')}"` : value;
}

/** One record: fields joined by commas, ended by CRLF. */
export function csvRecord(cells: readonly string[]): string {
  let line = '';
  for (let index = 0; index < cells.length; index += 1) line += index === 0 ? csvField(cells[index] as string) : `,${csvField(cells[index] as string)}`;
  return `${line}\r\n`;
}

/** Gathers records into ~256 KiB writes of UTF-8 (a million tiny writes cost more than the encoding) and waits whenever the destination asks. */
class BatchedWriter {
  private readonly chunks: Utf8Chunks;

  constructor(
    private readonly out: Writable,
    limit: number,
  ) {
    this.chunks = new Utf8Chunks(limit);
  }

  /** Adds text; true when a batch is full and the caller should `await flush()` (no promise per row otherwise). */
  add(text: string): boolean {
    this.chunks.add(text);
    return this.chunks.hasReady;
  }

  /** Adds CSV already encoded (a page the reading thread formatted), after what came before. */
  addBytes(bytes: Uint8Array): boolean {
    this.chunks.addBytes(bytes);
    return this.chunks.hasReady;
  }

  /** Writes the full batches, or with `all` everything gathered; each buffer is filled again once written. */
  async flush(all = false): Promise<void> {
    for (const bytes of all ? this.chunks.takeAll() : this.chunks.takeReady()) {
      const written = (error?: Error | null): void => {
        if (error === undefined || error === null) this.chunks.recycle(bytes);
      };
      if (!this.out.write(bytes, written)) await drained(this.out);
    }
  }
}

/** The events to read (no wrapping generator: one fewer async hop per event matters at a million). */
export function iterateEvents<Item = ExportEvent>(events: ExportEventSource | AsyncIterable<Item>, pass?: ExportPassOptions): AsyncIterable<ExportEvent | Item> {
  return typeof events === 'function' ? events(pass) : events;
}

export interface CsvResult {
  rows: number;
  events: number;
}

/**
 * Streams the CSV into `destination` (ended when done). Memory stays flat: rows are written one by
 * one and the writer waits whenever the destination asks it to.
 */
export async function writeEventsCsv(
  /** Of the scope, only its time zone is used (the writer thread is sent no more). */
  input: { scope: Pick<ExportScope, 'timeZone'>; events: ExportEventSource | AsyncIterable<ExportEvent | CsvText>; users: readonly ZohoUser[] },
  destination: Writable,
  options: ExportRunOptions & { progressEvery?: number } = {},
): Promise<CsvResult> {
  const clock = zoneClock(input.scope.timeZone);
  const names = userNames(input.users);
  const done = finished(destination);
  // A write error rejects `done` at once; nothing else may leave it unhandled while the rows are written.
  done.catch(() => undefined);
  const writer = new BatchedWriter(destination, 256 * 1024);
  const progressEvery = options.progressEvery ?? 500;
  let rows = 0;
  let events = 0;
  try {
    writer.add(`\ufeff${csvRecord(CSV_COLUMNS)}`);
    for await (const item of iterateEvents(input.events)) {
      throwIfAborted(options.signal);
      const before = events;
      if (isCsvText(item)) {
        rows += item.rows;
        events += item.events;
        let full = false;
        for (const bytes of item.csvBytes) full = writer.addBytes(bytes);
        if (full) await writer.flush();
      } else {
        const made = csvTextOfEvent(item, clock, names);
        rows += made.rows;
        events += 1;
        if (writer.add(made.text)) await writer.flush();
      }
      if (Math.floor(events / progressEvery) > Math.floor(before / progressEvery)) options.onProgress?.({ eventsDone: events, phase: 'csv' });
    }
    await writer.flush(true);
  } catch (error) {
    discardStream(destination);
    await done.catch(() => undefined);
    throw error;
  }
  destination.end();
  await done;
  options.onProgress?.({ eventsDone: events, phase: 'csv' });
  return { rows, events };
}

export async function exportCsvFile(input: { scope: ExportScope; events: ExportEventSource | AsyncIterable<ExportEvent>; users: readonly ZohoUser[] }, path: string, options: ExportRunOptions = {}): Promise<CsvResult> {
  return writeAtomically(path, (partial) => writeEventsCsv(input, createWriteStream(partial), options));
}
