// The export writer's TypeScript entry for tests and benchmarks (as data-worker-source.mjs): registers
// tsx, then loads the source. A build starts out/main/export-writer.js instead; this file is not built.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./export-writer-main.ts', import.meta.url).href);
