/**
 * events.csv written on a thread of its own (the export writer), fed by the thread that reads the cache.
 *
 * Why: at a million events one thread spent ~9 s in SQLite and the review's annotations and ~13 s
 * parsing Zoho's stored objects and writing CSV; the machine has two cores. The reader (the data
 * worker, which alone owns the cache's connection) sends pages of stored events — ids and columns in
 * the message, Zoho's objects as UTF-8 in a ring both threads share (core/byte-lane.ts) — and the
 * writer parses, checks and writes them with the same code as the single-thread path
 * (storedTimelineEntry, writeEventsCsv).
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
import { csvTextOfEvent, userNames, type CsvResult } from './csv-export.js';
import { zoneClock } from '../core/zoned-time.js';
import { ByteLaneProducer, createByteLane, type ByteLaneBuffers, type LaneSlot } from '../core/byte-lane.js';
import { exportEventOf, storedEventsOf } from './stored-event.js';
import { throwIfAborted } from './values.js';
import type { ExportRunOptions, ExportScope, StoredExportPageSource } from './types.js';
import { PagePacker, type PackedPageColumns } from './page-columns.js';

/**
 * Pages sent to the writer and not yet taken by it. Up to FORMAT_HERE_AT the reader sends stored
 * events (the writer parses and formats them); from there it formats pages itself and sends their
 * CSV, so neither thread idles whichever is slower on this machine at this moment; at
 * MAX_PAGES_IN_FLIGHT it waits (the disk is behind). The reader gets pages in bursts (a query of
 * READ_BATCH rows is ten pages at once), so the writer must hold a few bursts' worth to stay busy
 * while the reader queries: with 4 and 12 the writer idled a quarter of the time at a million events
 * while the reader formatted a third of the pages; 30 and 40 made the export ~10% faster (A/B pairs).
 * A page is ~100 KB in the lane: memory stays flat.
 */
export const FORMAT_HERE_AT = 30;
export const MAX_PAGES_IN_FLIGHT = 40;

const PROGRESS_EVERY = 500;

/**
 * The ring the pages' bytes cross in (core/byte-lane.ts): stored texts and the CSV of pages the
 * reader formats. ~100 KB a page and at most MAX_PAGES_IN_FLIGHT pages: room to spare; a page
 * larger than the ring (huge objects) is copied in its message instead.
 */
const LANE_BYTES = 4 * 1024 * 1024;

/** The shared counters the writer advances as it takes pages: [pages taken, events taken]. */
export const PAGES_TAKEN = 0;
export const EVENTS_TAKEN = 1;
const TAKEN_COUNTERS = 2;

/** A page's bytes: a slot of the lane (released by the writer when done with them), or a copy of their own when too large for it. */
export type PageBytes = { slot: LaneSlot } | { copy: Uint8Array };

export type ToExportWriter =
  | {
      type: 'start';
      format: 'csv';
      temporaryPath: string;
      /** The file the person asked for, named in a write error. */
      destinationPath: string;
      /** Only what writing the CSV uses: not the scope's list of records (30,000 of them, copied to the thread for nothing). */
      scope: Pick<ExportScope, 'timeZone'>;
      users: readonly ZohoUser[];
      taken: SharedArrayBuffer;
      lane: ByteLaneBuffers;
    }
  /** Stored events for the writer to parse and format. */
  | { type: 'page'; page: PackedPageColumns; bytes: PageBytes }
  /** A page the reader formatted itself (csvTextOfEvent): its CSV, UTF-8, written as it is. */
  | { type: 'text'; events: number; rows: number; bytes: PageBytes }
  /** No more pages: finish the file. */
  | { type: 'end' }
  /** Stop and remove nothing (the reader removes the temporary file): the export was cancelled or its read failed. */
  | { type: 'abort' };

/** The writer's progress is in the shared counters of `start` (PAGES_TAKEN, EVENTS_TAKEN), not in messages. */
export type FromExportWriter = { type: 'done'; result: CsvResult } | { type: 'failed'; error: SerializedError };

const encoder = new TextEncoder();

/** A copy travels moved, not copied again (it is the page's own). */
function transferOf(bytes: PageBytes): ArrayBuffer[] {
  return 'copy' in bytes && bytes.copy.buffer instanceof ArrayBuffer ? [bytes.copy.buffer] : [];
}

/** One writer thread, as the reader sees it (export-writer-spawner.ts starts real ones). */
export interface ExportWriterPort {
  /** `transfer`: buffers moved to the writer with the message (postMessage's transfer list). */
  postMessage(message: ToExportWriter, transfer?: ArrayBuffer[]): void;
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
  /** The lane's size in bytes (LANE_BYTES unless a test makes pages wait for room, or not fit at all). */
  laneBytes?: number;
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
  const laneBuffers = createByteLane(flow.laneBytes ?? LANE_BYTES);
  const lane = new ByteLaneProducer(laneBuffers);
  writer.postMessage({ type: 'start', format: 'csv', ...paths, scope: { timeZone: input.scope.timeZone }, users: input.users, taken: taken.buffer, lane: laneBuffers });
  /**
   * A page's bytes into the lane (`fill` writes at most `length` and says how many), waiting while
   * the writer has not released enough of it; a copy of their own when the lane can never hold them.
   * Null when the writer ended meanwhile.
   */
  const place = async (length: number, fill: (into: Uint8Array) => number, copy: () => Uint8Array): Promise<PageBytes | null> => {
    for (;;) {
      const slot = lane.reserve(length);
      if (slot === 'too-large') return { copy: copy() };
      if (slot !== 'full') return { slot: lane.commit(fill(lane.view(slot))) };
      await Promise.race([lane.released(), outcomeArrived]);
      if (outcome !== undefined) return null;
    }
  };
  const clock = zoneClock(input.scope.timeZone);
  const names = userNames(input.users);
  const packer = new PagePacker();
  let sent = 0;
  let reported = 0;
  // As often as the one-thread path (every 500 events), from what the writer has taken.
  const reportProgress = (): void => {
    const eventsTaken = Atomics.load(taken, EVENTS_TAKEN);
    if (eventsTaken - reported < PROGRESS_EVERY) return;
    reported = eventsTaken;
    options.onProgress?.({ eventsDone: eventsTaken, phase: 'csv' });
  };
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
      let bytes: PageBytes | null;
      if (sent - Atomics.load(taken, PAGES_TAKEN) < flow.formatHereAt) {
        const { rawJson, ...columns } = page;
        bytes = await place(
          rawJson.length,
          (into) => {
            into.set(rawJson);
            return rawJson.length;
          },
          // A copy of its own (a Buffer's slice would share the batch's memory).
          () => new Uint8Array(rawJson),
        );
        if (bytes !== null) writer.postMessage({ type: 'page', page: packer.pack(columns), bytes }, transferOf(bytes));
      } else {
        const texts: string[] = [];
        let units = 0;
        let rows = 0;
        for (const stored of storedEventsOf(page)) {
          const made = csvTextOfEvent(exportEventOf(stored), clock, names);
          texts.push(made.text);
          units += made.text.length;
          rows += made.rows;
        }
        // UTF-8 takes at most 3 bytes per UTF-16 unit; what is not used goes back to the lane.
        bytes = await place(
          3 * units,
          (into) => {
            let written = 0;
            for (const text of texts) written += encoder.encodeInto(text, into.subarray(written)).written;
            return written;
          },
          () => encoder.encode(texts.join('')),
        );
        if (bytes !== null) writer.postMessage({ type: 'text', events: page.eventIds.length, rows, bytes }, transferOf(bytes));
      }
      if (bytes === null) break; // the writer ended while the lane was full
      sent += 1;
      reportProgress();
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
  // The last pages in flight: progress goes on as the writer takes them (not one jump at the end).
  while (outcome === undefined) {
    if (cancelled()) {
      writer.postMessage({ type: 'abort' });
      throwIfAborted(options.signal);
    }
    const pagesTaken = Atomics.load(taken, PAGES_TAKEN);
    reportProgress();
    const wait = Atomics.waitAsync(taken, PAGES_TAKEN, pagesTaken);
    if (wait.async) await Promise.race([wait.value, outcomeArrived]);
  }
  const ended = outcome as NonNullable<typeof outcome>;
  if (!ended.ok) throw ended.error;
  options.onProgress?.({ eventsDone: ended.result.events, phase: 'csv' });
  return ended.result;
}

function errorOf(error: SerializedError): AuditorError {
  return new AuditorError(error.code, error.message, { ...(error.hint === undefined ? {} : { hint: error.hint }), ...(error.details === undefined ? {} : { details: error.details }) });
}
