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
import { EVENTS_TAKEN, PAGES_TAKEN, unpackStoredPage, type FromExportWriter, type ToExportWriter } from './export-writer.js';
import { exportEventOf } from './stored-event.js';
import type { ExportEvent, StoredExportEvent } from './types.js';
import { ExportCancelledError } from './values.js';

export interface ExportWriterThreadPort {
  postMessage(message: FromExportWriter): void;
  onMessage(listener: (message: ToExportWriter) => void): void;
}

export function serveExportWriter(port: ExportWriterThreadPort): void {
  const pages: Array<StoredExportEvent[] | CsvText> = [];
  let ended = false;
  let aborted = false;
  let wake: (() => void) | undefined;
  let started = false;
  let taken: Int32Array | undefined;

  async function* events(): AsyncGenerator<ExportEvent | CsvText> {
    for (;;) {
      if (aborted) throw new ExportCancelledError();
      const page = pages.shift();
      if (page === undefined) {
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      let events: number;
      if (Array.isArray(page)) {
        for (const stored of page) yield exportEventOf(stored);
        events = page.length;
      } else {
        yield page;
        events = page.events;
      }
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
        writeEventsCsv({ scope: message.scope, events: events(), users: message.users }, createWriteStream(message.temporaryPath))
          .then((result) => port.postMessage({ type: 'done', result }))
          .catch((error: unknown) => port.postMessage({ type: 'failed', error: serializeError(destinationError(error, message.destinationPath, message.temporaryPath)) }));
        return;
      case 'page':
        pages.push(unpackStoredPage(message.page));
        break;
      case 'text':
        pages.push(message.text);
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
