// A data worker that dies (process.exit inside the worker thread) as it receives a `cache.overview`
// request, before that request is answered — the test for "a crash rejects every pending call".
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(new URL('../../../main/data/data-worker-main.ts', import.meta.url).href);
// Listen only after the host does: messages that arrive while no listener is attached stay queued,
// and a listener attached first would take them before the host exists. The host answers after a
// microtask; this listener runs before that, so the overview stays pending (as does a running export).
parentPort.on('message', (message) => {
  if (message.type === 'request' && message.name === 'cache.overview') process.exit(3);
});
