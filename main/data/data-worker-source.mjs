// The data worker's TypeScript entry for tests and benchmarks: Node 20 ignores `--import tsx` in a
// worker's execArgv for the entry itself, so this JS file registers tsx and then loads the source.
// The built app passes out/main/data-worker.js instead (dataWorkerEntryBeside); this file is not built.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./data-worker-main.ts', import.meta.url).href);
