/**
 * Data worker benchmark: `node --import tsx bench/data-worker-bench.ts [--events N]`
 * The main thread's event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution) while a
 * CSV export of a 100k-event cache runs — on the main thread as today (exportInputFromCache +
 * exportCsvFile), and through the data worker (createDataClient, a real worker thread).
 * Target (issue 11): p99 ≤ 50 ms. Writes the "Data worker" section of docs/benchmarks.md.
 * Reported, never asserted.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TimelineCache } from '../main/cache/index.js';
import { createDataClient } from '../main/data/index.js';
import type { ExportJobInput } from '../main/data/index.js';
import { exportInputFromCache } from '../main/export/cache-export-source.js';
import { exportCsvFile } from '../main/export/csv-export.js';
import { fillCache, typescriptWorkerSpawner } from '../tests/integration/data/fixtures.js';
import { writeBenchmarkSection } from './benchmarks-doc.js';

const { values: args } = parseArgs({ options: { events: { type: 'string', default: '100000' }, 'no-write': { type: 'boolean', default: false } } });
const EVENTS = Number(args.events);

interface Run {
  label: string;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  samples: number;
  bytes: number;
}

async function measure(label: string, path: string, work: () => Promise<unknown>): Promise<Run> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  const started = performance.now();
  histogram.enable();
  await work();
  histogram.disable();
  const ms = (ns: number): number => ns / 1e6;
  return {
    label,
    seconds: (performance.now() - started) / 1000,
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
    samples: histogram.count,
    bytes: statSync(path).size,
  };
}

const directory = mkdtempSync(join(tmpdir(), 'data-worker-bench-'));
try {
  const cacheFile = join(directory, 'cache.sqlite');
  const fillStart = performance.now();
  const records = fillCache(cacheFile, EVENTS);
  const fillSeconds = (performance.now() - fillStart) / 1000;
  const job = (path: string): ExportJobInput => ({
    records,
    filter: { kind: 'none' },
    case: null,
    allowIncomplete: false,
    timeZone: 'Europe/Berlin',
    connection: { dataCentre: 'eu', orgId: '1', apiDomain: 'https://www.zohoapis.eu' },
    generatedBy: 'Benchmark',
    generatedAt: Date.parse('2026-11-30T12:00:00Z'),
    appVersion: '0.0.0-bench',
    path,
  });

  const inlinePath = join(directory, 'inline.csv');
  const cache = TimelineCache.open(cacheFile);
  const { records: chosen, timeZone, connection, generatedBy, generatedAt, appVersion } = job(inlinePath);
  const inline = await measure('CSV export on the main thread (today)', inlinePath, () =>
    exportCsvFile(exportInputFromCache(cache, { records: chosen, timeZone, connection, generatedBy, generatedAt, appVersion, filterStatement: { kind: 'none' }, case: null, allowIncomplete: false }), inlinePath),
  );
  cache.close();

  const client = createDataClient(typescriptWorkerSpawner(), { cacheFile });
  await client.cache.countEvents({}); // the worker is up (thread start and tsx compile are not the export)
  const workerPath = join(directory, 'worker.csv');
  const worker = await measure('CSV export in the data worker', workerPath, () => client.exports.csv(job(workerPath)));
  await client.close();

  const runs = [inline, worker];
  for (const run of runs) console.log(run);
  const mark = (ok: boolean): string => (ok ? '✅' : '❌');
  const now = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = [
    '## Data worker',
    '',
    `Produced by \`node --import tsx bench/data-worker-bench.ts\` (main/data): a ${EVENTS.toLocaleString('en-US')}-event cache (sandbox generator, filled in ${fillSeconds.toFixed(1)} s), events.csv of all its records; the main thread's event-loop delay sampled with \`perf_hooks.monitorEventLoopDelay\` (10 ms resolution) for the length of the export.`,
    '',
    `Machine: ${cpus().length} CPUs (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version}; ${now} UTC; load average at the end ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' / ')} (other work was sharing the machine when above 2).`,
    '',
    '| Run | Export wall time | Event-loop delay p50 | p99 (target ≤ 50 ms) | max |',
    '| --- | --- | --- | --- | --- |',
    ...runs.map((run) => `| ${run.label} (${(run.bytes / 1024 / 1024).toFixed(0)} MiB) | ${run.seconds.toFixed(2)} s | ${run.p50.toFixed(1)} ms | ${run.p99.toFixed(1)} ms ${mark(run.p99 <= 50)} | ${run.max.toFixed(1)} ms |`),
    '',
  ].join('\n');
  if (!args['no-write']) writeBenchmarkSection('Data worker', section, join(fileURLToPath(new URL('..', import.meta.url)), 'docs', 'benchmarks.md'));
  console.log(section);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
