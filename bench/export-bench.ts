/**
 * Export benchmark: `node --import tsx bench/export-bench.ts`
 *   - 1,000,000-row events.csv through csv-stringify (target ≤ 10 s, peak RSS ≤ 300 MB)
 *   - the same rows through a plain hand-written loop, side by side
 *   - report.pdf of 10,000 events (target ≤ 15 s)
 * Each part runs in its own child process so its peak RSS (getrusage maxrss) is its own.
 * Writes the "Exports" section of docs/benchmarks.md (only that section).
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CSV_COLUMNS, csvRowsForEvent, userNames, writeEventsCsv } from '../main/export/csv-export.js';
import { writePdfReport } from '../main/export/pdf/report.js';
import type { ExportEvent } from '../main/export/types.js';
import { ZoneClock, neutraliseCell } from '../main/export/values.js';
import { buildEvents, exportInputOf, testScope, TEST_USERS } from '../tests/unit/export/fixtures.js';
import { writeBenchmarkSection } from './benchmarks-doc.js';

const CSV_ROWS = 1_000_000;
const PDF_EVENTS = 10_000;

interface PartResult {
  part: string;
  seconds: number;
  /** User + system CPU time of the process: comparable even when other work shares the machine. */
  cpuSeconds?: number;
  peakRssMiB: number;
  rows?: number;
  events?: number;
  bytes?: number;
  pages?: number;
}

/** Events cycled from 2,000 generated templates with fresh ids, until `rows` CSV rows: nothing is kept. */
async function* manyEvents(rows: number): AsyncGenerator<ExportEvent> {
  const templates = buildEvents(2_000);
  let produced = 0;
  for (let index = 0; produced < rows; index += 1) {
    const template = templates[index % templates.length] as ExportEvent;
    const id = `6${String(index).padStart(17, '0')}`;
    const changes = template.entry.event.field_history ?? [];
    // Trim the last event so the total is exactly `rows`.
    const keep = Math.min(Math.max(1, changes.length), rows - produced);
    const fieldHistory = changes.length === 0 ? template.entry.event.field_history : changes.slice(0, keep);
    produced += Math.max(1, fieldHistory?.length ?? 0);
    yield {
      ...template,
      entry: { event: { ...template.entry.event, id, field_history: fieldHistory }, raw: { ...template.entry.raw, id } },
    };
  }
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

async function runPart(part: string, directory: string): Promise<PartResult> {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const cpu = (): number => {
    const used = process.cpuUsage(cpuAtStart);
    return (used.user + used.system) / 1e6;
  };
  const scope = testScope({ timeZone: 'Europe/Berlin' });
  if (part === 'csv-stringify') {
    const path = join(directory, 'bench.csv');
    const result = await writeEventsCsv({ scope, events: manyEvents(CSV_ROWS), users: TEST_USERS }, createWriteStream(path));
    return { part, seconds: (performance.now() - started) / 1000, cpuSeconds: cpu(), peakRssMiB: process.resourceUsage().maxRSS / 1024, rows: result.rows, events: result.events, bytes: (await stat(path)).size };
  }
  if (part === 'hand-loop') {
    const path = join(directory, 'bench-hand.csv');
    const out = createWriteStream(path, { highWaterMark: 1 << 20 });
    const clock = new ZoneClock(scope.timeZone);
    const names = userNames(TEST_USERS);
    let rows = 0;
    let events = 0;
    // Same batching as the csv-stringify path (~256 KiB per file write), so only the CSV encoding differs.
    let batch = `\ufeff${CSV_COLUMNS.join(',')}\r\n`;
    for await (const event of manyEvents(CSV_ROWS)) {
      events += 1;
      for (const cells of csvRowsForEvent(event, clock, names)) {
        rows += 1;
        batch += `${cells.map((cell) => quote(neutraliseCell(cell))).join(',')}\r\n`;
      }
      if (batch.length >= 128 * 1024) {
        const full = !out.write(batch);
        batch = '';
        if (full) await once(out, 'drain');
      }
    }
    out.end(batch);
    await once(out, 'finish');
    return { part, seconds: (performance.now() - started) / 1000, cpuSeconds: cpu(), peakRssMiB: process.resourceUsage().maxRSS / 1024, rows, events, bytes: (await stat(path)).size };
  }
  const events = buildEvents(PDF_EVENTS).slice(0, PDF_EVENTS);
  const generated = performance.now();
  const cpuAtPdf = process.cpuUsage();
  const path = join(directory, 'bench.pdf');
  const result = await writePdfReport(exportInputOf(events, scope), createWriteStream(path), { packetDigest: '0'.repeat(64) });
  const pdfCpu = process.cpuUsage(cpuAtPdf);
  return { part, seconds: (performance.now() - generated) / 1000, cpuSeconds: (pdfCpu.user + pdfCpu.system) / 1e6, peakRssMiB: process.resourceUsage().maxRSS / 1024, events: result.events, pages: result.pages, bytes: (await stat(path)).size };
}

function mark(ok: boolean): string {
  return ok ? '✅' : '❌';
}

async function main(): Promise<void> {
  const partArgument = process.argv.indexOf('--part');
  if (partArgument >= 0) {
    const directory = process.argv[partArgument + 2] as string;
    const result = await runPart(process.argv[partArgument + 1] as string, directory);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const directory = await mkdtemp(join(tmpdir(), 'export-bench-'));
  const self = fileURLToPath(import.meta.url);
  const results: Record<string, PartResult> = {};
  try {
    // csv-stringify once more with a larger V8 young generation (Electron: js-flags), to show what GC costs.
    const runs: Array<[string, string, string[]]> = [
      ['csv-stringify', 'csv-stringify', []],
      ['csv-stringify-semi32', 'csv-stringify', ['--max-semi-space-size=32']],
      ['hand-loop', 'hand-loop', []],
      ['pdf', 'pdf', []],
    ];
    for (const [label, part, flags] of runs) {
      const output = execFileSync(process.execPath, [...flags, '--import', 'tsx', self, '--part', part, directory], { encoding: 'utf8', maxBuffer: 1 << 20 });
      const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as PartResult;
      results[label] = result;
      console.log(label, result);
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  const csv = results['csv-stringify'] as PartResult;
  const hand = results['hand-loop'] as PartResult;
  const semi = results['csv-stringify-semi32'] as PartResult;
  const pdf = results['pdf'] as PartResult;
  const mib = (bytes: number | undefined): string => `${((bytes ?? 0) / 1024 / 1024).toFixed(0)} MiB`;
  const now = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = [
    '## Exports',
    '',
    'Produced by `node --import tsx bench/export-bench.ts` (main/export; events cycled from the sandbox generator with fresh ids; each part in its own process, peak RSS = getrusage maxrss of that process).',
    '',
    `Machine: ${cpus().length} CPUs (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version}; ${now} UTC; load average at the end ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' / ')} (other work was sharing the machine when above 2).`,
    '',
    '| Measure | Result | Target |',
    '| --- | --- | --- |',
    `| events.csv, ${csv.rows?.toLocaleString('en-US')} rows (${csv.events?.toLocaleString('en-US')} events, ${mib(csv.bytes)}) via csv-stringify, streamed | ${csv.seconds.toFixed(2)} s wall ${mark(csv.seconds <= 10)} (${csv.cpuSeconds?.toFixed(2)} s CPU) | ≤ 10 s |`,
    `| Peak RSS of that process | ${csv.peakRssMiB.toFixed(0)} MiB ${mark(csv.peakRssMiB <= 300)} | ≤ 300 MB |`,
    `| Same csv-stringify run with \`node --max-semi-space-size=32\` (less GC; Electron: \`js-flags\`) | ${semi.seconds.toFixed(2)} s wall (${semi.cpuSeconds?.toFixed(2)} s CPU), peak RSS ${semi.peakRssMiB.toFixed(0)} MiB | — |`,
    `| Same rows via a plain hand loop (same cells, own quoting, same batching) | ${hand.seconds.toFixed(2)} s wall (${hand.cpuSeconds?.toFixed(2)} s CPU), peak RSS ${hand.peakRssMiB.toFixed(0)} MiB, ${mib(hand.bytes)} | — (comparison) |`,
    `| csv-stringify cost over the hand loop | ${(csv.seconds / hand.seconds).toFixed(2)}× | — |`,
    `| report.pdf, ${pdf.events?.toLocaleString('en-US')} events (${pdf.pages?.toLocaleString('en-US')} pages, ${mib(pdf.bytes)}), statistics pass + pages | ${pdf.seconds.toFixed(2)} s wall ${mark(pdf.seconds <= 15)} (${pdf.cpuSeconds?.toFixed(2)} s CPU) | ≤ 15 s |`,
    `| Peak RSS of the PDF process (10k events held in memory by the benchmark itself) | ${pdf.peakRssMiB.toFixed(0)} MiB | — |`,
    '',
  ].join('\n');
  const docPath = join(fileURLToPath(new URL('..', import.meta.url)), 'docs', 'benchmarks.md');
  writeBenchmarkSection('Exports', section, docPath);
  console.log(section);
}

await main();
