/**
 * events.csv: one row per field change (an event without field changes → one row with empty field
 * columns), RFC 4180 quoting, CRLF, UTF-8 with BOM, written by csv-stringify as a stream.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeAtomically } from '../core/atomic-file.js';
import { pipeline } from 'node:stream/promises';
import { Transform, type TransformCallback, type Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { JsonValue, ZohoUser } from '../zoho/models.js';
import type { ExportEvent, ExportEventSource, ExportRunOptions, ExportScope } from './types.js';
import { instantOf, zoneClock, type ZoneClock } from '../core/zoned-time.js';
import { neutraliseCell, renderAutomation, renderValue, throwIfAborted } from './values.js';

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
  const doneByName = timeline.done_by.name ?? names.get(timeline.done_by.id) ?? '';
  const automation = timeline.automation_details === null ? '' : renderAutomation(timeline.automation_details as JsonValue);
  const flags = event.flags.length === 0 ? '' : event.flags.join('; ');
  const notes = event.notes.length === 0 ? '' : formatNotes(event, clock);
  // Built as literals, not spreads: at a million rows the intermediate arrays are measurable GC work.
  const row = (field: string, label: string, dataType: string, before: string, after: string): CsvRow => [
    timeline.id,
    time,
    timeline.action,
    timeline.source ?? '',
    timeline.done_by.id,
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

/** Joins csv-stringify's one-chunk-per-row output into ~256 KiB writes. */
class ChunkBatcher extends Transform {
  private pending: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.pending.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.limit) this.release();
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.release();
    callback();
  }

  private release(): void {
    if (this.size === 0) return;
    this.push(Buffer.concat(this.pending, this.size));
    this.pending = [];
    this.size = 0;
  }
}

/** The events to read (no wrapping generator: one fewer async hop per event matters at a million). */
export function iterateEvents(events: ExportEventSource | AsyncIterable<ExportEvent>): AsyncIterable<ExportEvent> {
  return typeof events === 'function' ? events() : events;
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
  input: { scope: ExportScope; events: ExportEventSource | AsyncIterable<ExportEvent>; users: readonly ZohoUser[] },
  destination: Writable,
  options: ExportRunOptions & { progressEvery?: number } = {},
): Promise<CsvResult> {
  const clock = zoneClock(input.scope.timeZone);
  const names = userNames(input.users);
  // quote_record_delimiter: with an explicit record_delimiter csv-stringify otherwise quotes only fields
  // holding the whole CRLF, leaving a bare LF or CR unquoted — RFC 4180 wants every line break quoted.
  const stringifier = stringify({ bom: true, header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows', quote_record_delimiter: true });
  // csv-stringify pushes one small chunk per row; gathering them into ~256 KiB writes saves a million
  // tiny file writes (and their thread-pool round trips) for a million rows, with memory still bounded.
  // pipeline (not pipe) so that an abort destroys all three streams and their late errors stay handled.
  const done = pipeline(stringifier, new ChunkBatcher(256 * 1024), destination);
  const progressEvery = options.progressEvery ?? 500;
  let rows = 0;
  let events = 0;
  try {
    for await (const event of iterateEvents(input.events)) {
      throwIfAborted(options.signal);
      for (const cells of csvRowsForEvent(event, clock, names)) {
        rows += 1;
        for (let index = 0; index < cells.length; index += 1) cells[index] = neutraliseCell(cells[index] as string);
        if (!stringifier.write(cells)) await once(stringifier, 'drain');
      }
      events += 1;
      if (events % progressEvery === 0) options.onProgress?.({ eventsDone: events, phase: 'csv' });
    }
  } catch (error) {
    stringifier.destroy(error instanceof Error ? error : new Error(String(error)));
    await done.catch(() => undefined);
    throw error;
  }
  stringifier.end();
  await done;
  options.onProgress?.({ eventsDone: events, phase: 'csv' });
  return { rows, events };
}

export async function exportCsvFile(input: { scope: ExportScope; events: ExportEventSource | AsyncIterable<ExportEvent>; users: readonly ZohoUser[] }, path: string, options: ExportRunOptions = {}): Promise<CsvResult> {
  return writeAtomically(path, (partial) => writeEventsCsv(input, createWriteStream(partial), options));
}
