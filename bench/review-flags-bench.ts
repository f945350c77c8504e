/**
 * Review flags benchmark (plain Node, no browser): a cache of N generated events (100k by default,
 * the generator of bench/review-bench.ts) written with review's page hook, then
 *   first open      — open the cache file → the first `page` + `summary` answers (process already started)
 *   ensure, current — the check a first open makes when flags are current
 *   recompute       — every flag again from the rules (set-based SQL)
 *   set rules       — save other rules + recompute
 *   page write      — one page of 200 new events written with / without review's hook (the flags' cost per page)
 * Run: node --import tsx bench/review-flags-bench.ts [--events N] [--no-write]
 * Writes the "Review flags" section of docs/benchmarks.md (only for the default 100k).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cacheFilePath, TimelineCache, type TimelinePageWrite } from '../main/cache/index.js';
import { createJsonFileStore } from '../main/core/json-file-store.js';
import { EventHub } from '../main/core/event-hub.js';
import { DEFAULT_FLAG_RULES } from '../main/review/flags.js';
import { ReviewService } from '../main/review/review-service.js';
import { keepFlagsCurrent, SqliteReviewStore } from '../main/review/sqlite-review-store.js';
import { RECORD_MODULES, SandboxDataset } from '../main/sandbox/dataset.js';
import type { JsonObject, TimelineEntry, TimelineEvent } from '../main/zoho/models.js';
import { writeBenchmarkSection } from './benchmarks-doc.js';

const args = parseArgs({ options: { events: { type: 'string', default: '100000' }, 'no-write': { type: 'boolean', default: false } } }).values;
const TARGET_EVENTS = Number(args.events);
const loadAtStart = loadavg()
  .map((value) => value.toFixed(2))
  .join(' / ');
const home = mkdtempSync(join(tmpdir(), 'review-flags-bench-'));
const file = cacheFilePath(home);

const recordsPerModule = Math.ceil(TARGET_EVENTS / 34 / RECORD_MODULES.length) + 80;
const dataset = new SandboxDataset(2026, recordsPerModule);
function* generatePages(limit: number, skipRecords = 0): Generator<TimelinePageWrite> {
  let generated = 0;
  const idsByModule = RECORD_MODULES.map((module) => ({ module, ids: dataset.listRecordIds(module).slice(skipRecords) }));
  for (let ordinal = 0; generated < limit; ordinal += 1) {
    let any = false;
    for (const { module, ids } of idsByModule) {
      const recordId = ids[ordinal];
      if (recordId === undefined || generated >= limit) continue;
      any = true;
      const history = dataset.history(module, recordId);
      if (history === undefined) continue;
      const entries: TimelineEntry[] = history.events.slice(0, limit - generated).map((stored) => ({ event: stored.json as unknown as TimelineEvent, raw: stored.json as unknown as JsonObject }));
      generated += entries.length;
      for (let index = 0; index < entries.length; index += 200) yield { key: { module, recordId }, entries: entries.slice(index, index + 200), nextPageToken: null };
    }
    if (!any) break;
  }
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const time = <T>(work: () => T): [number, T] => {
  const start = performance.now();
  const result = work();
  return [performance.now() - start, result];
};
const timeAsync = async <T>(work: () => Promise<T>): Promise<[number, T]> => {
  const start = performance.now();
  const result = await work();
  return [performance.now() - start, result];
};

try {
  // ---- 1. the cache, written with review's hook (flags computed as the pages go in) -------------
  const ingest = TimelineCache.open(file);
  keepFlagsCurrent(ingest);
  const [ingestMs] = time(() => ingest.bulkIngest(generatePages(TARGET_EVENTS), { deferIndexes: true }));
  ingest.optimize();
  const events = ingest.stats().events;
  ingest.close();
  console.log(`Ingested ${events} events with flags in ${(ingestMs / 1000).toFixed(1)} s.`);

  const everything = { combinator: 'and' as const, rules: [] };
  const openOnce = async (): Promise<{ ms: number; cache: TimelineCache; review: ReviewService }> => {
    const start = performance.now();
    const cache = TimelineCache.open(file);
    keepFlagsCurrent(cache);
    const review = new ReviewService({
      reviewStore: new SqliteReviewStore(() => cache),
      store: createJsonFileStore(home, 'settings'),
      events: new EventHub(),
      clock: { now: () => Date.now(), sleep: async () => undefined },
      author: () => 'bench',
    });
    const [page, summary] = await Promise.all([review.page({ filter: everything, timeZone: 'UTC', sort: { column: 'time', direction: 'desc' }, offset: 0, limit: 100 }), review.summary({ filter: everything, timeZone: 'UTC' })]);
    if (page.rows.length === 0 || summary.events !== events) throw new Error('the first answers are wrong');
    return { ms: performance.now() - start, cache, review };
  };

  // ---- 2. first open, five times (each a new connection, as a new process would make) -----------
  const opens: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const { ms, cache, review } = await openOnce();
    opens.push(ms);
    review.dispose();
    cache.close();
  }

  const { cache, review } = await openOnce();
  const store = new SqliteReviewStore(() => cache);
  const ensures: number[] = [];
  for (let run = 0; run < 20; run += 1) {
    const [ms, result] = await timeAsync(async () => store.ensureFlags());
    if (result.work !== 'current') throw new Error(`flags were not current (${result.work})`);
    ensures.push(ms);
  }
  const recomputes: number[] = [];
  let flagged = 0;
  for (let run = 0; run < 3; run += 1) {
    const [ms, count] = await timeAsync(() => review.recomputeFlags());
    recomputes.push(ms);
    flagged = count;
  }
  const [setRulesMs] = await timeAsync(() => review.setRules({ ...DEFAULT_FLAG_RULES, massChange: { enabled: true, events: 5, minutes: 30 }, offHours: { ...DEFAULT_FLAG_RULES.offHours, enabled: true, timeZone: 'Europe/Berlin' } }));

  // ---- 3. one page of 200 new events, with and without the hook ---------------------------------
  const fresh = [...generatePages(4_000, recordsPerModule - 40)].filter((page) => page.entries.length > 0);
  const hooked: number[] = [];
  for (const page of fresh.slice(0, 10)) hooked.push(time(() => cache.writeTimelinePage(page.key, page.entries, null))[0]);
  review.dispose();
  cache.close();
  const bare = TimelineCache.open(file);
  const plain: number[] = [];
  for (const page of fresh.slice(10, 20)) plain.push(time(() => bare.writeTimelinePage(page.key, page.entries, null))[0]);
  bare.close();

  const fmt = (ms: number): string => `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms`;
  const rows: Array<[string, string]> = [
    [`first open (open → first page + summary), median of ${opens.length}`, fmt(median(opens))],
    ['ensureFlags when current, median of 20', fmt(median(ensures))],
    [`recompute every flag (${flagged} flagged), median of ${recomputes.length}`, fmt(median(recomputes))],
    ['set rules (save + recompute)', fmt(setRulesMs)],
    [`write one page, review hook on (median of ${hooked.length}, ~${Math.round(fresh.slice(0, 10).reduce((n, p) => n + p.entries.length, 0) / Math.max(1, hooked.length))} events)`, fmt(median(hooked))],
    [`write one page, no hook (median of ${plain.length})`, fmt(median(plain))],
    ['bulk ingest with flags (one transaction)', `${(ingestMs / 1000).toFixed(1)} s`],
  ];
  for (const [name, value] of rows) console.log(`${name}: ${value}`);
  if (!args['no-write'] && TARGET_EVENTS === 100_000) {
    const section = [
      '## Review flags',
      '',
      `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load ${loadAtStart}; ${events} events (bench/review-flags-bench.ts).`,
      '',
      '| measure | result |',
      '| --- | --- |',
      ...rows.map(([name, value]) => `| ${name} | ${value} |`),
      '',
    ].join('\n');
    writeBenchmarkSection('Review flags', section);
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
