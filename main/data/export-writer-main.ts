/**
 * The export writer's entry (built to out/main/export-writer.js beside data-worker.js, which starts
 * it for each CSV export; export/export-writer.ts says why).
 */
import { parentPort } from 'node:worker_threads';
import type { FromExportWriter, ToExportWriter } from '../export/export-writer.js';
import { serveExportWriter } from '../export/export-writer-thread.js';

const port = parentPort;
if (port === null) throw new Error('export-writer.js runs only as a worker thread (new Worker(...)).');

serveExportWriter({
  postMessage: (message: FromExportWriter) => port.postMessage(message),
  onMessage: (listener) => port.on('message', (message: ToExportWriter) => listener(message)),
});
