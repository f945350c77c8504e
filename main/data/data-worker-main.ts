/**
 * The data worker's entry (built to out/main/data-worker.js beside index.js, host.js and cli.js).
 * Started by workerThreadSpawner with workerData = DataWorkerStart; serves the request table on
 * the parent port until the main thread terminates it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import { exportWriterEntryBeside, exportWriterThreads } from './export-writer-spawner.js';
import { serveDataWorker } from './worker-host.js';
import type { FromWorkerMessage, ToWorkerMessage } from './protocol.js';

const start = z.object({ cacheFile: z.string().min(1) }).parse(workerData);
const port = parentPort;
if (port === null) throw new Error('data-worker.js runs only as a worker thread (new Worker(...)).');

// The CSV writer's thread starts from the file beside this entry (built or, under tsx, the source).
const writerEntry = exportWriterEntryBeside(import.meta.url);

serveDataWorker(
  {
    postMessage: (message: FromWorkerMessage, transfer) => port.postMessage(message, transfer === undefined ? undefined : [...transfer]),
    onMessage: (listener) => port.on('message', (message: ToWorkerMessage) => listener(message)),
  },
  { ...start, exportWriter: writerEntry === undefined ? undefined : exportWriterThreads(writerEntry) },
);
