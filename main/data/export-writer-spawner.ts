/**
 * Ways to start an export writer (export/export-writer.ts): a worker thread beside the data worker's
 * own entry, or the same code on the caller's thread over a MessageChannel (unit tests, and the
 * in-process data host).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { ExportWriterPort, ExportWriterSpawner, FromExportWriter, ToExportWriter } from '../export/export-writer.js';
import { serveExportWriter } from '../export/export-writer-thread.js';

/**
 * The writer holds a few pages of ~100 events (their bytes are in the lane, outside its heap) and
 * the event being parsed; a small heap makes V8 collect early instead of growing to ~200 MB before
 * its first full collection (what the data worker did while it wrote CSV itself, at a million
 * events). Far above what the writer needs: a larger export is more pages, not more memory. A young
 * generation of 8 MB rather than 16 took ~12 MB off a million-event CSV's peak for no measurable time.
 */
const WRITER_RESOURCE_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 };

/**
 * The writer's entry beside the data worker's: out/main/export-writer.js in a build; under tsx (the
 * data worker's own URL ends in .ts) export-writer-source.mjs, which registers tsx first. Undefined
 * when the file is missing — the export then runs on the data worker's thread alone (same output).
 */
export function exportWriterEntryBeside(dataWorkerModuleUrl: string): URL | undefined {
  const entry = new URL(dataWorkerModuleUrl.endsWith('.ts') ? './export-writer-source.mjs' : './export-writer.js', dataWorkerModuleUrl);
  return existsSync(fileURLToPath(entry)) ? entry : undefined;
}

export function exportWriterThreads(entry: URL): ExportWriterSpawner {
  return () => {
    const worker = new Worker(entry, { resourceLimits: WRITER_RESOURCE_LIMITS });
    let lastError: Error | undefined;
    worker.on('error', (error) => (lastError = error));
    return {
      postMessage: (message: ToExportWriter, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer),
      onMessage: (listener) => worker.on('message', (message: FromExportWriter) => listener(message)),
      onExit: (listener) => worker.on('exit', (code) => listener(lastError === undefined ? `exit code ${code}` : lastError.message)),
      terminate: async () => {
        await worker.terminate();
      },
    };
  };
}

/** The writer's code on this thread over a MessageChannel: the same messages, no second core. */
export function inProcessExportWriter(): ExportWriterSpawner {
  return (): ExportWriterPort => {
    const channel = new MessageChannel();
    serveExportWriter({
      postMessage: (message) => channel.port2.postMessage(message),
      onMessage: (listener) => channel.port2.on('message', (message: ToExportWriter) => listener(message)),
    });
    return {
      postMessage: (message, transfer) => channel.port1.postMessage(message, transfer),
      onMessage: (listener) => channel.port1.on('message', (message: FromExportWriter) => listener(message)),
      // No thread to end on its own: it answers done or failed, or stops when terminated.
      onExit: () => undefined,
      terminate: () => {
        channel.port1.close();
        channel.port2.close();
        return Promise.resolve();
      },
    };
  };
}
