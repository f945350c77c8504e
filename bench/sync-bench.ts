/**
 * Sync throughput benchmark: 1,000 records (~34 events each) from the sandbox at 100 ms latency with
 * a concurrency limit of 10, synced by SyncEngine into a TimelineCache on a temp file. Compares the
 * request rate with what the limit allows (10 requests per 100 ms = 100/s) and with a sequential loop
 * (one request at a time, as a script on Zoho's SDK does) measured in the same run.
 * Run: node --import tsx bench/sync-bench.ts [--records 1000] [--sequential 100] [--no-write]
 * Prints a Markdown table and writes it as the "Sync" section of docs/benchmarks.md.
 * Not part of `npm test`; the targets are reported, never asserted.
 */
import { execSync, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TimelineCache } from '../main/cache/index.js';
import { systemClock } from '../main/core/clock.js';
import { startSandbox, type SandboxStats } from '../main/sandbox/index.js';
import { SyncEngine, type SyncRecordInput } from '../main/sync/index.js';
import { ZohoClient } from '../main/zoho/client.js';
import { StaticTokenProvider } from '../main/zoho/static-token-provider.js';
import { writeBenchmarkSection } from './benchmarks-doc.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000' },
    sequential: { type: 'string', default: '100' },
    'no-write': { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
  },
});
const loadAtStart = loadavg()[0] ?? 0;
const RECORDS = Number(args.records);
const SEQUENTIAL_RECORDS = Number(args.sequential);
const LATENCY_MS = 100;
const LIMIT = 10;
const MODULES = ['Leads', 'Contacts', 'Accounts', 'Deals'] as const;

interface ServerReady {
  url: string;
  accessToken: string;
  records: SyncRecordInput[];
  events: number;
}

/** The sandbox runs in a child process, as Zoho is another machine: its CPU does not compete with the engine's. */
async function serveSandbox(): Promise<void> {
  const sandbox = await startSandbox({ seed: 2026, recordsPerModule: Math.ceil(RECORDS / MODULES.length) + 1, latencyMs: LATENCY_MS, concurrencyLimit: LIMIT });
  const chosen: SyncRecordInput[] = [];
  for (let index = 0; chosen.length < RECORDS; index += 1) {
    for (const module of MODULES) {
      // Skip the sample record (its fixed 8 events are not generated data).
      const id = sandbox.listRecordIds(module).filter((candidate) => candidate !== '554023000001122039')[index];
      if (id !== undefined && chosen.length < RECORDS) chosen.push({ module, recordId: id });
    }
  }
  const total = chosen.reduce((sum, record) => sum + sandbox.groundTruth(record.module, record.recordId).length, 0);
  const ready: ServerReady = { url: sandbox.url, accessToken: sandbox.mintAccessToken().accessToken, records: chosen, events: total };
  process.on('message', (message: unknown) => {
    if (message === 'stats') process.send?.({ stats: sandbox.stats() });
    if (message === 'close') void sandbox.close().then(() => process.exit(0));
  });
  process.send?.({ ready });
}

if (args.serve) {
  await serveSandbox();
} else {
  await main();
}

async function main(): Promise<void> {
  const server = fork(fileURLToPath(import.meta.url), ['--serve', '--records', String(RECORDS)], { execArgv: ['--import', 'tsx'] });
  const messages: unknown[] = [];
  const waiters: Array<() => void> = [];
  server.on('message', (message) => {
    messages.push(message);
    waiters.splice(0).forEach((wake) => wake());
  });
  async function nextMessage<T>(key: string): Promise<T> {
    for (;;) {
      const index = messages.findIndex((message) => typeof message === 'object' && message !== null && key in message);
      if (index >= 0) return (messages.splice(index, 1)[0] as Record<string, T>)[key] as T;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  }
  const stats = async (): Promise<SandboxStats> => {
    server.send('stats');
    return nextMessage<SandboxStats>('stats');
  };
  const { url, accessToken, records, events } = await nextMessage<ServerReady>('ready');
  const folder = mkdtempSync(join(tmpdir(), 'sync-bench-'));
  const client = new ZohoClient({ tokenProvider: new StaticTokenProvider({ accessToken, apiDomain: url }) });

  // ---- the engine ---------------------------------------------------------------------------
  const cache = TimelineCache.open(join(folder, 'engine.sqlite'));
  const engine = new SyncEngine({ client, store: cache, clock: systemClock });
  const before = await stats();
  const loopBefore = performance.eventLoopUtilization();
  const started = performance.now();
  const result = await engine.run(
    { records },
    {
      concurrency: LIMIT,
      onProgress: (progress) => {
        if (progress.state === 'running' && progress.pagesFetched % 100 === 0) process.stdout.write(`\r  engine: ${progress.recordsDone}/${progress.recordsTotal} records, window ${progress.currentConcurrency}   `);
      },
      progressIntervalMs: 250,
    },
  );
  const engineSeconds = (performance.now() - started) / 1000;
  const loopBusy = performance.eventLoopUtilization(loopBefore).utilization;
  const after = await stats();
  process.stdout.write('\n');
  const engineRequests = after.crmRequests - before.crmRequests;
  const rejected = after.rejected429 - before.rejected429;
  const engineRate = (engineRequests - rejected) / engineSeconds;
  const allowedRate = LIMIT / (LATENCY_MS / 1000);
  cache.close();

  // ---- a sequential loop over a sample, same sandbox, same kind of records -----------------------
  const sequentialCache = TimelineCache.open(join(folder, 'sequential.sqlite'));
  const sample = records.slice(0, SEQUENTIAL_RECORDS);
  const sequentialBefore = (await stats()).crmRequests;
  const sequentialStarted = performance.now();
  for (const record of sample) {
    const fetched = await client.fetchTimeline(record.module, record.recordId, { includeInnerDetails: true, perPage: 200 });
    sequentialCache.trackRecords([record]);
    sequentialCache.writeTimelinePage(record, fetched.entries, null);
  }
  const sequentialSeconds = (performance.now() - sequentialStarted) / 1000;
  const sequentialRequests = (await stats()).crmRequests - sequentialBefore;
  const sequentialRate = sequentialRequests / sequentialSeconds;
  sequentialCache.close();
  server.send('close');
  rmSync(folder, { recursive: true, force: true });

  // ---- report ---------------------------------------------------------------------------------
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = execSync('lscpu | grep "Model name"', { encoding: 'utf8' }).split(':')[1]?.trim() ?? cpuModel;
  } catch {
    // lscpu is not everywhere; os.cpus() is good enough.
  }
  const round = (value: number, digits = 1): string => value.toFixed(digits);
  const table = [
    '| Measure | Value |',
    '| --- | --- |',
    `| Records / events | ${RECORDS} / ${events} (state ${result.state}, ${result.progress.recordsFailed} failed) |`,
    `| Sandbox | latency ${LATENCY_MS} ms, concurrencyLimit ${LIMIT} |`,
    `| Engine: wall time | ${round(engineSeconds, 2)} s |`,
    `| Engine: requests (incl. users) / refused with 429 | ${engineRequests} / ${rejected} |`,
    `| Engine: successful requests per second | ${round(engineRate)} /s |`,
    `| Engine: events per second | ${round(events / engineSeconds, 0)} /s |`,
    `| Allowed by the limit (10 per 100 ms) | ${round(allowedRate)} /s |`,
    `| **Throughput vs the limit** (target ≥ 0.9) | **${round(engineRate / allowedRate, 2)}** |`,
    `| Peak requests in flight | ${result.peakConcurrency} |`,
    `| Peak pages fetched but not yet written (bound 2 × limit) | ${result.peakPendingWrites} |`,
    `| Engine process: event loop busy (parse, SQLite writes) | ${round(loopBusy * 100, 0)} % |`,
    `| Ideal for 10 parallel copies of the sequential loop | ${round((10 * sequentialRate) / allowedRate, 2)} of the limit |`,
    `| Sequential loop (${SEQUENTIAL_RECORDS} records, fetchTimeline one at a time) | ${round(sequentialRate)} requests/s |`,
    `| **Engine vs sequential** | **${round(engineRate / sequentialRate, 1)}×** |`,
  ].join('\n');
  // Other work on the machine competes for the event loop (and the sandbox's core): report the load too.
  const machine = `Machine: ${cpus().length} CPUs (nproc), ${cpuModel}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; load average at start ${loadAtStart.toFixed(2)}.`;
  console.log(`\n${table}\n\n${machine}`);

  if (!args['no-write']) {
    const docPath = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
    const section = `## Sync\n\nProduced by \`node --import tsx bench/sync-bench.ts\`: SyncEngine (adaptive window, max 10; pages handed to the store while the next request goes out) against the sandbox (in a child process, over loopback) into a TimelineCache temp file, written on the engine's thread; the sequential loop runs in the same process right after, against the same sandbox.\n\n${table}\n\n${machine}\n`;
    writeBenchmarkSection('Sync', section, docPath);
    console.log(`\nWrote the "Sync" section of ${docPath}.`);
  }
}
