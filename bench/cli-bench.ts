/**
 * The path a user takes, process start included: the built CLI (`node bin/timeline-auditor.js`) in
 * its own process, against the sandbox in another (as Zoho is another machine), data on disk.
 *
 *  - start-up: `--help` and `status`, median of several runs, beside a bare `node -e 0`;
 *  - bulk sync: `fetch --ids-file` of 1,000 and 5,000 records (~30 events each) at 100 ms latency with
 *    a concurrency limit of 10 — what fraction of what the limit allows the whole command reaches
 *    (ideal time = requests × latency ÷ limit, against the command's wall time);
 *  - Review's first open on that cache (a new data worker: open, first page + summary);
 *  - export: a CSV of ~100k cached events read from that cache on disk;
 *  - for the sync and the export, the CLI's main-thread event-loop delay (p99), reported by the CLI
 *    itself (TIMELINE_AUDITOR_LOOP_DELAY_REPORT).
 *
 * Run: npm run bench -- cli  (or node --import tsx bench/cli-bench.ts [--records 1000,5000] [--no-write])
 * Needs `npm run build` first. Targets are reported, never asserted.
 */
import { execSync, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CACHE_FILE_NAME } from '../main/cache/location.js';
import { createDataClient } from '../main/data/data-client.js';
import { workerThreadSpawner } from '../main/data/spawners.js';
import { startSandbox, type SandboxStats } from '../main/sandbox/index.js';
import { writeBenchmarkSection } from './benchmarks-doc.js';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000,5000' },
    'export-events': { type: 'string', default: '100000' },
    'no-write': { type: 'boolean', default: false },
    serve: { type: 'string' },
  },
});
const LATENCY_MS = 100;
const LIMIT = 10;
const MODULES = ['Leads', 'Contacts', 'Accounts', 'Deals'] as const;
const CLI = fileURLToPath(new URL('../bin/timeline-auditor.js', import.meta.url));

interface ServerReady {
  url: string;
  accessToken: string;
  records: Array<{ module: string; recordId: string; events: number }>;
}

/** The sandbox in a child process: its CPU does not compete with the CLI's. */
async function serveSandbox(count: number): Promise<void> {
  const sandbox = await startSandbox({ seed: 2026, recordsPerModule: Math.ceil(count / MODULES.length) + 1, latencyMs: LATENCY_MS, concurrencyLimit: LIMIT, accessTokenLifetimeSec: 24 * 3600 });
  const records: ServerReady['records'] = [];
  for (let index = 0; records.length < count; index += 1) {
    for (const module of MODULES) {
      const id = sandbox.listRecordIds(module).filter((candidate) => candidate !== '554023000001122039')[index];
      if (id !== undefined && records.length < count) records.push({ module, recordId: id, events: sandbox.groundTruth(module, id).length });
    }
  }
  process.on('message', (message: unknown) => {
    if (message === 'stats') process.send?.({ stats: sandbox.stats() });
    if (message === 'close') void sandbox.close().then(() => process.exit(0));
  });
  process.send?.({ ready: { url: sandbox.url, accessToken: sandbox.mintAccessToken().accessToken, records } satisfies ServerReady });
}

interface Timed {
  seconds: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ seconds: (performance.now() - started) / 1000, code, stdout, stderr }));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function medianOf(runs: number, command: () => Promise<number>): Promise<number> {
  await command(); // warm-up (disk cache)
  const seconds: number[] = [];
  for (let run = 0; run < runs; run += 1) seconds.push(await command());
  return median(seconds);
}

function loopDelay(file: string): { p99Ms: number; maxMs: number } {
  return JSON.parse(readFileSync(file, 'utf8')) as { p99Ms: number; maxMs: number };
}

if (args.serve !== undefined) {
  await serveSandbox(Number(args.serve));
} else {
  await main();
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0] ?? 0;
  const counts = args.records
    .split(',')
    .map(Number)
    .filter((count) => Number.isInteger(count) && count > 0);
  const rows: string[] = [];
  const home = mkdtempSync(join(tmpdir(), 'cli-bench-'));
  const env = { TIMELINE_AUDITOR_HOME: home, TIMELINE_AUDITOR_PASSPHRASE: 'cli bench' };

  // ---- start-up ---------------------------------------------------------------------------------
  const bare = await medianOf(9, async () => {
    const started = performance.now();
    await new Promise((resolve) => spawn(process.execPath, ['-e', '0']).on('close', resolve));
    return (performance.now() - started) / 1000;
  });
  const help = await medianOf(9, async () => (await runCli(['--help'], env)).seconds);
  const status = await medianOf(9, async () => (await runCli(['status'], env)).seconds);
  rows.push(`| Start-up: bare \`node -e 0\` (for scale) | ${(bare * 1000).toFixed(0)} ms |`);
  rows.push(`| Start-up: \`timeline-auditor --help\` (target ≤ 150 ms) | **${(help * 1000).toFixed(0)} ms** |`);
  rows.push(`| Start-up: \`timeline-auditor status\` (target ≤ 150 ms) | **${(status * 1000).toFixed(0)} ms** |`);

  // ---- bulk sync through the CLI, then an export from what it cached -------------------------------
  let exportDone = false;
  for (const count of counts) {
    const server = fork(fileURLToPath(import.meta.url), ['--serve', String(count)], { execArgv: ['--import', 'tsx'] });
    const messages: Array<Record<string, unknown>> = [];
    const waiters: Array<() => void> = [];
    server.on('message', (message) => {
      messages.push(message as Record<string, unknown>);
      waiters.splice(0).forEach((wake) => wake());
    });
    const next = async <T>(key: string): Promise<T> => {
      for (;;) {
        const index = messages.findIndex((message) => key in message);
        if (index >= 0) return messages.splice(index, 1)[0]![key] as T;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    const stats = async (): Promise<SandboxStats> => {
      server.send('stats');
      return next<SandboxStats>('stats');
    };
    const ready = await next<ServerReady>('ready');
    const syncHome = mkdtempSync(join(tmpdir(), `cli-bench-${count}-`));
    const idsFile = join(syncHome, 'records.txt');
    writeFileSync(idsFile, ready.records.map((record) => `${record.module}/${record.recordId}`).join('\n'));
    const events = ready.records.reduce((sum, record) => sum + record.events, 0);
    const delayFile = join(syncHome, 'loop-delay.json');
    const before = await stats();
    process.stdout.write(`  fetch of ${count} records…\n`);
    const run = await runCli(['--home', syncHome, 'fetch', '--ids-file', idsFile, '--api-domain', ready.url, '--token', ready.accessToken, '--json'], { TIMELINE_AUDITOR_LOOP_DELAY_REPORT: delayFile });
    const after = await stats();
    if (run.code !== 0) throw new Error(`fetch failed (${run.code}): ${run.stderr.slice(0, 2000)}`);
    const requests = after.crmRequests - before.crmRequests;
    const refused = after.rejected429 - before.rejected429;
    const ideal = ((requests - refused) * LATENCY_MS) / 1000 / LIMIT;
    const delay = loopDelay(delayFile);
    rows.push(`| Sync ${count} records / ${events} events: whole command | ${run.seconds.toFixed(2)} s (${requests} requests, ${refused} refused with 429) |`);
    rows.push(`| Sync ${count}: **fraction of what the limit allows** (target ≥ ${count >= 5000 ? '0.92' : '0.9'}) | **${(ideal / run.seconds).toFixed(3)}** |`);
    rows.push(`| Sync ${count}: main-thread event-loop delay p99 / max (target p99 ≤ 50 ms) | **${delay.p99Ms.toFixed(1)} ms** / ${delay.maxMs.toFixed(1)} ms |`);

    // Review's first open on that cache as the app does it: a fresh data worker (the built one) opens
    // the file and answers the table's first page and the summary.
    {
      const started = performance.now();
      const data = createDataClient(workerThreadSpawner(new URL('../out/main/data-worker.js', import.meta.url)), { cacheFile: join(syncHome, CACHE_FILE_NAME) });
      const query = { filter: { combinator: 'and' as const, rules: [] }, timeZone: 'Europe/Berlin' };
      const [firstPage] = await Promise.all([data.review.page({ ...query, sort: { column: 'time', direction: 'desc' }, offset: 0, limit: 100 }), data.review.summary(query)]);
      const firstOpenMs = performance.now() - started;
      await data.close();
      if (firstPage.length === 0) throw new Error('review showed no rows');
      rows.push(`| Review first open on the ${events}-event cache: a new data worker opens it, first page + summary (target ≤ 300 ms) | **${firstOpenMs.toFixed(0)} ms** |`);
    }

    // The export reads the biggest cache: as many records as hold about --export-events events.
    if (!exportDone && events >= Number(args['export-events'])) {
      exportDone = true;
      const target = Number(args['export-events']);
      const chosen: string[] = [];
      let chosenEvents = 0;
      for (const record of ready.records) {
        if (chosenEvents >= target) break;
        chosen.push(`${record.module}/${record.recordId}`);
        chosenEvents += record.events;
      }
      const exportDelay = join(syncHome, 'export-loop-delay.json');
      process.stdout.write(`  export of ${chosenEvents} events…\n`);
      const exported = await runCli(['--home', syncHome, 'export', ...chosen, '--csv', join(syncHome, 'bench.csv'), '--tz', 'Europe/Berlin'], { TIMELINE_AUDITOR_LOOP_DELAY_REPORT: exportDelay });
      if (exported.code !== 0) throw new Error(`export failed (${exported.code}): ${exported.stderr.slice(0, 2000)}`);
      const exportLoop = loopDelay(exportDelay);
      rows.push(`| Export CSV of ${chosenEvents} cached events (${chosen.length} records): whole command | ${exported.seconds.toFixed(2)} s |`);
      rows.push(`| Export: main-thread event-loop delay p99 / max (target p99 ≤ 50 ms) | **${exportLoop.p99Ms.toFixed(1)} ms** / ${exportLoop.maxMs.toFixed(1)} ms |`);
    }
    server.send('close');
    rmSync(syncHome, { recursive: true, force: true });
  }
  rmSync(home, { recursive: true, force: true });

  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel = execSync('lscpu | grep "Model name"', { encoding: 'utf8' }).split(':')[1]?.trim() ?? cpuModel;
  } catch {
    // lscpu is not everywhere.
  }
  const table = ['| Measure | Value |', '| --- | --- |', ...rows].join('\n');
  const machine = `Machine: ${cpus().length} CPUs (nproc), ${cpuModel}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; load average at start ${loadAtStart.toFixed(2)}.`;
  console.log(`\n${table}\n\n${machine}`);
  if (!args['no-write']) {
    writeBenchmarkSection(
      'Command line (the path a user takes)',
      `## Command line (the path a user takes)\n\nProduced by \`npm run bench -- cli\`: the built CLI in its own process (start-up included), the sandbox in another process over loopback (latency ${LATENCY_MS} ms, limit ${LIMIT}), the cache on disk.\n\n${table}\n\n${machine}\n`,
    );
  }
}
