/**
 * The export writer's side (export-writer.ts has the reader's and the why): takes pages of stored
 * events, parses and checks each (exportEventOf — a damaged stored object fails the export exactly
 * as on one thread) and writes them with writeEventsCsv into the temporary file it is given — or,
 * for a page the reader formatted itself, its CSV text as it comes.
 */
import { createWriteStream } from 'node:fs';
import { destinationError } from '../core/atomic-file.js';
import { serializeError } from '../core/errors.js';
import { writeEventsCsv, type CsvText } from './csv-export.js';
import { EVENTS_TAKEN, PAGES_TAKEN, type FromExportWriter, type PageBytes, type ToExportWriter } from './export-writer.js';
import { ByteLaneConsumer } from '../core/byte-lane.js';
import { exportEventOf, storedEventsOf } from './stored-event.js';
import type { ExportEvent } from './types.js';
import { ExportCancelledError } from './values.js';
import { PageUnpacker } from './page-columns.js';

export interface ExportWriterThreadPort {
  postMessage(message: FromExportWriter): void;
  onMessage(listener: (message: ToExportWriter) => void): void;
}

export function serveExportWriter(port: ExportWriterThreadPort): void {
  const pages: Array<Extract<ToExportWriter, { type: 'page' | 'text' }>> = [];
  let ended = false;
  let aborted = false;
  let wake: (() => void) | undefined;
  let started = false;
  let taken: Int32Array | undefined;
  let lane: ByteLaneConsumer | undefined;
  const unpacker = new PageUnpacker();

  const bytesOf = (bytes: PageBytes): Uint8Array => {
    if ('copy' in bytes) return bytes.copy;
    if (lane === undefined) throw new Error('export writer: a page arrived before the start');
    return lane.view(bytes.slot);
  };
  // Once a page's bytes are used up (parsed, or copied into the file's batch), the reader may fill them again.
  const release = (bytes: PageBytes): void => {
    if ('slot' in bytes) lane?.release(bytes.slot);
  };

  async function* events(): AsyncGenerator<ExportEvent | CsvText> {
    for (;;) {
      if (aborted) throw new ExportCancelledError();
      const message = pages.shift();
      if (message === undefined) {
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      let events: number;
      if (message.type === 'text') {
        // writeEventsCsv copies the bytes into its batch before it asks for the next item.
        yield { csvBytes: [bytesOf(message.bytes)], events: message.events, rows: message.rows };
        events = message.events;
      } else {
        for (const event of storedEventsOf({ ...unpacker.unpack(message.page), rawJson: bytesOf(message.bytes) })) yield exportEventOf(event);
        events = message.page.eventIds.length;
      }
      release(message.bytes);
      if (taken !== undefined) {
        Atomics.add(taken, EVENTS_TAKEN, events);
        Atomics.add(taken, PAGES_TAKEN, 1);
        Atomics.notify(taken, PAGES_TAKEN);
      }
    }
  }

  port.onMessage((message) => {
    switch (message.type) {
      case 'start':
        if (started) return;
        started = true;
        taken = new Int32Array(message.taken);
        lane = new ByteLaneConsumer(message.lane);
        writeEventsCsv({ scope: message.scope, events: events(), users: message.users }, createWriteStream(message.temporaryPath))
          .then((result) => port.postMessage({ type: 'done', result }))
          .catch((error: unknown) => port.postMessage({ type: 'failed', error: serializeError(destinationError(error, message.destinationPath, message.temporaryPath)) }));
        return;
      case 'page':
      case 'text':
        pages.push(message);
        break;
      case 'end':
        ended = true;
        break;
      case 'abort':
        aborted = true;
        break;
    }
    wake?.();
  });
}
