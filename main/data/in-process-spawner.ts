/** The data worker's code on the caller's thread over a MessageChannel (unit tests): same protocol, same host, no thread. */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { DataWorkerPort, DataWorkerStart, WorkerSpawner } from './protocol.js';
import { inProcessExportWriter } from './export-writer-spawner.js';
import { serveDataWorker } from './worker-host.js';

export function inProcessSpawner(): WorkerSpawner {
  return {
    spawn(start: DataWorkerStart): DataWorkerPort {
      const channel = new MessageChannel();
      const host = serveDataWorker(
        {
          postMessage: (message, transfer) => channel.port2.postMessage(message, transfer === undefined ? undefined : [...transfer]),
          onMessage: (listener) => channel.port2.on('message', listener),
        },
        { ...start, exportWriter: inProcessExportWriter() },
      );
      const client: MessagePort = channel.port1;
      client.unref();
      channel.port2.unref();
      return {
        postMessage: (message, transfer) => client.postMessage(message, transfer === undefined ? undefined : [...transfer]),
        onMessage: (listener) => client.on('message', listener),
        onStop: () => undefined,
        keepAlive: (active) => (active ? client.ref() : client.unref()),
        terminate() {
          host.close();
          channel.port1.close();
          channel.port2.close();
          return Promise.resolve();
        },
      };
    },
  };
}
