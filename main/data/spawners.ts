/**
 * Ways to start a data worker (the WorkerSpawner port): a real worker thread — the same in Electron's
 * main process, the browser-mode host and the CLI. (in-process-spawner.ts runs the same host code on
 * the caller's thread, for unit tests.) Loads nothing of the worker's own code: the main thread
 * must not pay for SQLite or the export engine.
 */
import { Worker } from 'node:worker_threads';
import type { DataWorkerPort, DataWorkerStart, FromWorkerMessage, ToWorkerMessage, WorkerSpawner } from './protocol.js';

/**
 * The built worker beside a built entry: `dataWorkerEntryBeside(import.meta.url)` in out/main/*.js
 * gives out/main/data-worker.js. (A variable base keeps Vite from treating it as an asset URL.)
 */
export function dataWorkerEntryBeside(moduleUrl: string): URL {
  return new URL('./data-worker.js', moduleUrl);
}

/**
 * The worker's TypeScript source, for code running from source (tests, benchmarks under tsx):
 * data-worker-source.mjs registers tsx, then loads data-worker-main.ts. Never used by a build.
 */
export function sourceDataWorkerEntry(): URL {
  const here = import.meta.url; // a variable base: Vite must not bundle the file as an asset
  return new URL('./data-worker-source.mjs', here);
}

/**
 * The data worker's heap ceiling — which also sets how far V8 lets the heap grow between full
 * collections (heap-controller's MaxGrowingFactor: 4× the live size with a ceiling of 2 GiB or more,
 * which a worker gets by default on a machine with lots of memory; 1.3× at 256 MiB; in proportion
 * between). At 4× the data worker held ~460 MB for ~115 MB live while it drew a million-event PDF.
 * Measured through the CLI (five runs each, medians): 1024 → PDF of 10,000 events 15.5 s, PDF of a
 * million 448–464 MB; 1280 (~1.7×) → 14.2 s and 473–476 MB; 1536 → 13.9 s and 496 MB. 1280 keeps both
 * targets (≤ 15 s, ≤ 500 MB) with room. Still ~5× what the worker's largest job holds live; beyond it
 * the worker stops with DATA_WORKER_STOPPED rather than the machine swapping.
 */
export const DATA_WORKER_MAX_OLD_GENERATION_MB = 1280;

export interface WorkerThreadOptions {
  /** Node flags for the worker: tests and benchmarks run the TypeScript entry with ['--import', 'tsx']. */
  execArgv?: string[];
}

/**
 * Worker threads from `entry` — out/main/data-worker.js in a build, main/data/data-worker-main.ts
 * (with execArgv ['--import', 'tsx']) under vitest/tsx.
 */
export function workerThreadSpawner(entry: URL, options: WorkerThreadOptions = {}): WorkerSpawner {
  return {
    spawn(start: DataWorkerStart): DataWorkerPort {
      const worker = new Worker(entry, { workerData: start, resourceLimits: { maxOldGenerationSizeMb: DATA_WORKER_MAX_OLD_GENERATION_MB }, ...(options.execArgv === undefined ? {} : { execArgv: options.execArgv }) });
      worker.unref(); // idle until the first call (DataWorkerPort.keepAlive)
      return workerPort(worker);
    },
  };
}

function workerPort(worker: Worker): DataWorkerPort {
  let stopping = false;
  let stopped = false;
  const stopListeners: Array<(reason: string) => void> = [];
  let lastError: Error | undefined;
  const stop = (reason: string): void => {
    if (stopped) return;
    stopped = true;
    if (!stopping) for (const listener of stopListeners) listener(reason);
  };
  worker.on('error', (error) => {
    lastError = error;
  });
  worker.on('messageerror', (error) => {
    lastError = error;
  });
  worker.on('exit', (code) => stop(lastError === undefined ? `it exited with code ${code}` : lastError.message));
  return {
    postMessage: (message: ToWorkerMessage, transfer) => worker.postMessage(message, transfer === undefined ? undefined : [...transfer]),
    onMessage: (listener) => worker.on('message', (message: FromWorkerMessage) => listener(message)),
    onStop: (listener) => stopListeners.push(listener),
    keepAlive: (active) => (active ? worker.ref() : worker.unref()),
    async terminate() {
      stopping = true;
      await worker.terminate();
    },
  };
}
