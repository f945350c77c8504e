// A data worker that dies (process.exit inside the worker thread) 50 ms after it receives a
// `cache.overview` request — the test for "a crash rejects every pending call".
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
parentPort.on('message', (message) => {
  if (message.type === 'request' && message.name === 'cache.overview') setTimeout(() => process.exit(3), 50);
});
await import(new URL('../../../main/data/data-worker-main.ts', import.meta.url).href);
