/**
 * events.csv written on a thread of its own (the export writer), fed by the thread that reads the cache.
 *
 * Why: at a million events one thread spent ~9 s in SQLite and the review's annotations and ~13 s
 * parsing Zoho's stored objects and writing CSV; the machine has two cores. The reader (the data
 * worker, which alone owns the cache's connection and so reads one consistent snapshot) sends pages of
 * stored events — plain text and ids, cheap to copy — and the writer parses, checks and writes them
 * with the same code as the single-thread path (storedTimelineEntry, writeEventsCsv).
 *
 * Flow control: at most MAX_PAGES_IN_FLIGHT pages are sent and not yet taken, so a slow disk or a
 * slow writer holds the reader back instead of queueing the export in memory.
 *
 * All-or-nothing as every export: the reader owns the temporary file's name (writeAtomically), so a
 * writer that fails, is cancelled or dies (out of memory, a crash) leaves no file behind.
 */
import { writeAtomically } from '../core/atomic-file.js';
import { AuditorError, type SerializedError } from '../core/errors.js';
import type { ZohoUser } from '../zoho/models.js';
import { csvTextOfEvent, userNames, type CsvResult, type CsvText } from './csv-export.js';
import { zoneClock } from '../core/zoned-time.js';
import { exportEventOf } from './stored-event.js';
import { throwIfAborted } from './values.js';
import type { ExportRunOptions, ExportScope, StoredExportEvent, StoredExportPageSource } from './types.js';

/**
 * Pages sent to the writer and not yet taken by it. Up to FORMAT_HERE_AT the reader sends stored
 * events (the writer parses and formats them); from there it formats pages itself and sends their
 * CSV text, so neither thread idles whichever is slower on this machine at this moment; at
 * MAX_PAGES_IN_FLIGHT it waits (the disk is behind). Each page is ~100 KB: memory stays flat.
 */
export const FORMAT_HERE_AT = 4;
export const MAX_PAGES_IN_FLIGHT = 12;

const PROGRESS_EVERY = 500;

/** The shared counters the writer advances as it takes pages: [pages taken, events taken]. */
export const PAGES_TAKEN = 0;
export const EVENTS_TAKEN = 1;
const TAKEN_COUNTERS = 2;

export type ToExportWriter =
  | { type: 'start'; format: 'csv'; temporaryPath: string; /** The file the person asked for, named in a write error. */ destinationPath: string; scope: ExportScope; users: readonly ZohoUser[]; taken: SharedArrayBuffer }
  | { type: 'page'; page: PackedStoredPage }
  /** A page the reader formatted itself (csvTextOfEvent): written as it is. */
  | { type: 'text'; text: CsvText }
  /** No more pages: finish the file. */
  | { type: 'end' }
  /** Stop and remove nothing (the reader removes the temporary file): the export was cancelled or its read failed. */
  | { type: 'abort' };

/** The writer's progress is in the shared counters of `start` (PAGES_TAKEN, EVENTS_TAKEN), not in messages. */
export type FromExportWriter = { type: 'done'; result: CsvResult } | { type: 'failed'; error: SerializedError };

/**
 * A page of stored events as columns: the structured clone copies an array of strings far faster than
 * as many objects (each object's keys are written again for every event; ~2 s of the reader's time at
 * a million events). Owners repeat (every event of a record has the same), so they are listed once.
 */
export interface PackedStoredPage {
  eventIds: string[];
  auditedAtMs: number[];
  rawJson: string[];
  owners: Array<{ module: string; recordId: string }>;
  ownerIndex: number[];
  flags: string[][];
  notes: Array<StoredExportEvent['notes']>;
}

export function packStoredPage(events: readonly StoredExportEvent[]): PackedStoredPage {
  const page: PackedStoredPage = { eventIds: [], auditedAtMs: [], rawJson: [], owners: [], ownerIndex: [], flags: [], notes: [] };
  const ownerIndexes = new Map<StoredExportEvent['owner'], number>();
  for (const event of events) {
    let owner = ownerIndexes.get(event.owner);
    if (owner === undefined) {
      owner = page.owners.length;
      page.owners.push(event.owner);
      ownerIndexes.set(event.owner, owner);
    }
    page.eventIds.push(event.eventId);
    page.auditedAtMs.push(event.auditedAtMs);
    page.rawJson.push(event.rawJson);
    page.ownerIndex.push(owner);
    page.flags.push(event.flags);
    page.notes.push(event.notes);
  }
  return page;
}

export function unpackStoredPage(page: PackedStoredPage): StoredExportEvent[] {
  const events = new Array<StoredExportEvent>(page.eventIds.length);
  for (let index = 0; index < events.length; index += 1) {
    const owner = page.owners[page.ownerIndex[index] as number];
    if (owner === undefined) throw new AuditorError('EXPORT_PAGE_DAMAGED', 'A page of the export arrived without the record it belongs to.', { hint: 'This is a bug in Timeline Auditor; please report it.' });
    events[index] = {
      eventId: page.eventIds[index] as string,
      auditedAtMs: page.auditedAtMs[index] as number,
      rawJson: page.rawJson[index] as string,
      owner,
      flags: page.flags[index] as string[],
      notes: page.notes[index] as StoredExportEvent['notes'],
    };
  }
  return events;
}

/** One writer thread, as the reader sees it (export-writer-spawner.ts starts real ones). */
export interface ExportWriterPort {
  postMessage(message: ToExportWriter): void;
  onMessage(listener: (message: FromExportWriter) => void): void;
  /** The thread ended without a `done` or `failed` (out of memory, a crash): the reason in words. */
  onExit(listener: (reason: string) => void): void;
  terminate(): Promise<void>;
}

export type ExportWriterSpawner = () => ExportWriterPort;

/**
 * Writes events.csv at `path` on a writer thread from `pages` (one pass). Resolves with the rows and
 * events written; rejects with the reader's own error when reading fails, with the writer's when
 * writing fails, or with EXPORT_WRITER_STOPPED when the thread dies.
 */
export async function exportCsvFileOnWriter(
  spawn: ExportWriterSpawner,
  input: { scope: ExportScope; storedPages: StoredExportPageSource; users: readonly ZohoUser[] },
  path: string,
  options: ExportRunOptions & { flow?: WriterFlow } = {},
): Promise<CsvResult> {
  return writeAtomically(path, async (temporaryPath) => {
    const writer = spawn();
    try {
      return await feedWriter(writer, input, { temporaryPath, destinationPath: path }, options, options.flow ?? { formatHereAt: FORMAT_HERE_AT, maxPagesInFlight: MAX_PAGES_IN_FLIGHT });
    } finally {
      // Ended by `done`/`failed` already, or still running after a read failure: either way, gone.
      await writer.terminate();
    }
  });
}

/** When the reader formats pages itself and when it waits (tests move both to drive each path). */
export interface WriterFlow {
  formatHereAt: number;
  maxPagesInFlight: number;
}

async function feedWriter(
  writer: ExportWriterPort,
  input: { scope: ExportScope; storedPages: StoredExportPageSource; users: readonly ZohoUser[] },
  paths: { temporaryPath: string; destinationPath: string },
  options: ExportRunOptions,
  flow: WriterFlow,
): Promise<CsvResult> {
  // Read synchronously between pages: the reader's loop rarely yields to its event loop (the cache
  // answers synchronously), so messages from the writer would arrive only once it stops to wait.
  const taken = new Int32Array(new SharedArrayBuffer(TAKEN_COUNTERS * Int32Array.BYTES_PER_ELEMENT));
  let outcome: { ok: true; result: CsvResult } | { ok: false; error: Error } | undefined;
  let announceOutcome: (() => void) | undefined;
  const outcomeArrived = new Promise<void>((resolve) => (announceOutcome = resolve));
  const finish = (value: NonNullable<typeof outcome>): void => {
    if (outcome !== undefined) return;
    outcome = value;
    announceOutcome?.();
  };
  writer.onMessage((message) => {
    switch (message.type) {
      case 'done':
        finish({ ok: true, result: message.result });
        return;
      case 'failed':
        finish({ ok: false, error: errorOf(message.error) });
        return;
    }
  });
  writer.onExit((reason) =>
    finish({
      ok: false,
      error: new AuditorError('EXPORT_WRITER_STOPPED', `The export stopped: the thread writing the file ended (${reason}). No file was written.`, {
        hint: 'Try the export again; if it stops again, export fewer records at a time and report the problem.',
      }),
    }),
  );
  writer.postMessage({ type: 'start', format: 'csv', ...paths, scope: input.scope, users: input.users, taken: taken.buffer });
  const clock = zoneClock(input.scope.timeZone);
  const names = userNames(input.users);
  let sent = 0;
  let reported = 0;
  // A function, not a narrowed expression: the signal changes across the awaits below.
  const cancelled = (): boolean => options.signal?.aborted === true;
  try {
    for await (const page of input.storedPages()) {
      if (cancelled() || outcome !== undefined) break; // an outcome before the end: the writer failed or died
      for (;;) {
        const pagesTaken = Atomics.load(taken, PAGES_TAKEN);
        if (sent - pagesTaken < flow.maxPagesInFlight || outcome !== undefined) break;
        const wait = Atomics.waitAsync(taken, PAGES_TAKEN, pagesTaken);
        if (wait.async) await Promise.race([wait.value, outcomeArrived]);
      }
      if (outcome !== undefined) break;
      // Let the thread's other messages in between pages — a cancel, and the app's own requests to
      // the data worker while an export runs: the cache answers synchronously, so without this turn
      // nothing else would be read until the export ends.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (cancelled() || outcome !== undefined) break;
      if (sent - Atomics.load(taken, PAGES_TAKEN) < flow.formatHereAt) {
        writer.postMessage({ type: 'page', page: packStoredPage(page) });
      } else {
        let csvText = '';
        let rows = 0;
        for (const stored of page) {
          const made = csvTextOfEvent(exportEventOf(stored), clock, names);
          csvText += made.text;
          rows += made.rows;
        }
        writer.postMessage({ type: 'text', text: { csvText, events: page.length, rows } });
      }
      sent += 1;
      const eventsTaken = Atomics.load(taken, EVENTS_TAKEN);
      // As often as the one-thread path (every 500 events).
      if (eventsTaken - reported >= PROGRESS_EVERY) {
        reported = eventsTaken;
        options.onProgress?.({ eventsDone: eventsTaken, phase: 'csv' });
      }
    }
  } catch (readError) {
    writer.postMessage({ type: 'abort' });
    throw readError;
  }
  if (cancelled() && outcome === undefined) {
    writer.postMessage({ type: 'abort' });
    throwIfAborted(options.signal);
  }
  if (outcome === undefined) writer.postMessage({ type: 'end' });
  await outcomeArrived;
  const ended = outcome as NonNullable<typeof outcome>;
  if (!ended.ok) throw ended.error;
  options.onProgress?.({ eventsDone: ended.result.events, phase: 'csv' });
  return ended.result;
}

function errorOf(error: SerializedError): AuditorError {
  return new AuditorError(error.code, error.message, { ...(error.hint === undefined ? {} : { hint: error.hint }), ...(error.details === undefined ? {} : { details: error.details }) });
}
