/**
 * Review screen benchmark in Chromium: ingests N generated events (100k by default) into a fresh home's
 * cache, starts the loopback host on it (the built app: run `npm run build` first), drives Debian's
 * Chromium with Playwright and reads the performance measures the screen sets:
 *   review:table-repaint    — a filter change (the person's input) → the table's first rows painted
 *   review:heatmaps-repaint — the same → the three heatmaps painted (Activity tab)
 *   review:mark-advance     — a review key (r/f) → the row marked, the count updated and the next row selected, painted
 *   review:progress-settled — the same mark → main's count for the filter (review:mark's answer) painted
 * and counts requestAnimationFrame callbacks during a scripted scroll of the table.
 * Run: node --import tsx bench/review-bench.ts [--events N] [--no-write]
 * Writes the "Review" section of docs/benchmarks.md (only for the default 100k).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { cacheFilePath, TimelineCache, type TimelinePageWrite } from '../main/cache/index.js';
import { RECORD_MODULES, SandboxDataset } from '../main/sandbox/dataset.js';
import type { JsonObject, TimelineEntry, TimelineEvent } from '../main/zoho/models.js';
import { chromiumLaunchOptions } from '../tests/e2e/support/chromium.js';
import { writeBenchmarkSection } from './benchmarks-doc.js';

const args = parseArgs({ options: { events: { type: 'string', default: '100000' }, 'no-write': { type: 'boolean', default: false } } }).values;
const TARGET_EVENTS = Number(args.events);
const loadAtStart = loadavg()
  .map((value) => value.toFixed(2))
  .join(' / ');
const home = mkdtempSync(join(tmpdir(), 'review-bench-'));

// ---- 1. a cache with N events ----------------------------------------------------------------
const recordsPerModule = Math.ceil(TARGET_EVENTS / 34 / RECORD_MODULES.length) + 50;
const dataset = new SandboxDataset(2026, recordsPerModule);
let generated = 0;
function* generatePages(): Generator<TimelinePageWrite> {
  const idsByModule = RECORD_MODULES.map((module) => ({ module, ids: dataset.listRecordIds(module) }));
  for (let ordinal = 0; ordinal < recordsPerModule + 1 && generated < TARGET_EVENTS; ordinal += 1) {
    for (const { module, ids } of idsByModule) {
      const recordId = ids[ordinal];
      if (recordId === undefined || generated >= TARGET_EVENTS) continue;
      const history = dataset.history(module, recordId);
      if (history === undefined) continue;
      const entries: TimelineEntry[] = history.events.slice(0, TARGET_EVENTS - generated).map((stored) => ({ event: stored.json as unknown as TimelineEvent, raw: stored.json as unknown as JsonObject }));
      generated += entries.length;
      for (let index = 0; index < entries.length; index += 200) {
        yield { key: { module, recordId }, entries: entries.slice(index, index + 200), nextPageToken: null };
      }
    }
  }
}
const ingestStart = performance.now();
const cache = TimelineCache.open(cacheFilePath(home));
cache.bulkIngest(generatePages(), { deferIndexes: true });
cache.optimize();
const eventCount = cache.stats().events;
cache.close();
console.log(`Ingested ${eventCount} events in ${((performance.now() - ingestStart) / 1000).toFixed(1)} s.`);

// ---- 2. the app on that home, in Chromium ------------------------------------------------------
const host = spawn(process.execPath, ['out/main/host.js', '--json', '--home', home], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, TIMELINE_AUDITOR_PASSPHRASE: 'bench passphrase' },
});
const firstLine = await new Promise<string>((resolve, reject) => {
  createInterface({ input: host.stdout }).once('line', resolve);
  host.once('exit', (code) => reject(new Error(`host exited with ${code}`)));
});
const { appUrl } = JSON.parse(firstLine) as { appUrl: string };
const browser = await chromium.launch(chromiumLaunchOptions());
const rows: Array<[string, string, string]> = [];
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const max = (values: readonly number[]): number => Math.max(...values);
const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;

/** The page's DOM as far as the functions below use it (this file is type-checked without the DOM library). */
interface PageElement {
  getAttribute(name: string): string | null;
  scrollTop: number;
}
interface PageGlobals {
  document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): { length: number } };
  requestAnimationFrame(callback: (now: number) => void): void;
  auditor: { invoke(channel: string, input: unknown): Promise<{ ok: boolean; value: { users: Array<{ id: string; name: string | null }> } }> };
}

// The page's CSP forbids eval: every function below runs as a function, never as a string.
async function measures(page: Page, name: string): Promise<number[]> {
  return page.evaluate((entryName) => performance.getEntriesByName(entryName).map((entry) => entry.duration), name);
}

async function waitForMeasure(page: Page, name: string, count: number): Promise<void> {
  await page.waitForFunction(({ entryName, wanted }) => performance.getEntriesByName(entryName).length >= wanted, { entryName: name, wanted: count }, { timeout: 30_000 });
}

async function waitForAttribute(page: Page, testId: string, attribute: string, value: string): Promise<void> {
  await page.waitForFunction(({ id, name, expected }) => (globalThis as unknown as PageGlobals).document.querySelector(`[data-testid="${id}"]`)?.getAttribute(name) === expected, { id: testId, name: attribute, expected: value }, { timeout: 60_000 });
}

/** Picks an option in a Material select of the filter builder. */
async function choose(page: Page, selector: string, option: string): Promise<void> {
  await page.locator(selector).first().click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await page.getByRole('listbox').waitFor({ state: 'detached' });
}

try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  // tsx (esbuild, keepNames) wraps named functions in __name(); functions passed to the page need it there too.
  await page.addInitScript(() => {
    (globalThis as unknown as { __name: (target: unknown) => unknown }).__name = (target) => target;
  });
  await page.goto(appUrl);
  const openStart = Date.now();
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: /^Review/ })
    .click();
  await waitForAttribute(page, 'summary-strip', 'data-events', String(eventCount));
  await page.getByTestId('event-row').first().waitFor();
  rows.push(['Open the Review screen: summary and first rows (the data worker starts and opens the cache; events were bulk-loaded without flags, so they are computed here)', fmt(Date.now() - openStart), '—']);

  // Users to switch between: the builder's user value list.
  const users: string[] = await page.evaluate(async () => {
    const result = await (globalThis as unknown as PageGlobals).auditor.invoke('review:facets', {});
    return result.value.users.map((user) => user.name ?? user.id);
  });
  const userIds: string[] = await page.evaluate(async () => {
    const result = await (globalThis as unknown as PageGlobals).auditor.invoke('review:facets', {});
    return result.value.users.map((user) => user.id);
  });

  // ---- filter changes on the Events tab: a user condition, then its value switched user by user
  // The builder is in the filter side panel; a new condition filters nothing until its value is chosen.
  const builder = '[data-testid="local-filter"]';
  await page.getByRole('button', { name: 'Edit filter' }).click();
  await page.locator(builder).getByRole('button', { name: '+ Condition' }).first().click();
  const valueSelect = `${builder} .rule .rule-value [role="combobox"]`;
  let tableCount = 0;
  for (const user of [...users.slice(1), ...users.slice(0, 1)]) {
    await choose(page, valueSelect, user);
    tableCount += 1;
    await waitForMeasure(page, 'review:table-repaint', tableCount);
  }
  // ... and an action condition added and changed (a second dimension)
  const table = await measures(page, 'review:table-repaint');

  // ---- the same on the Activity tab (heatmaps): the panel closed for the tab switch, then opened again
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('tab', { name: 'Activity' }).click();
  await page
    .getByTestId('heatmap-cursor')
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
  await page.getByTestId('heatmap-plot').first().waitFor();
  await page.getByRole('button', { name: 'Edit filter' }).click();
  let heatmapCount = 0;
  // Starting from the user chosen last above, every choice is a change.
  for (const user of [...users.slice(1), ...users.slice(0, 1)]) {
    await choose(page, valueSelect, user);
    heatmapCount += 1;
    await waitForMeasure(page, 'review:heatmaps-repaint', heatmapCount);
  }
  const heatmaps = await measures(page, 'review:heatmaps-repaint');
  rows.push([`Filter change → table repainted (first rows), Events tab, ${table.length} changes: median`, fmt(median(table)), median(table) <= 100 ? '≤ 100 ms ✅' : '≤ 100 ms ❌']);
  rows.push(['… worst of those', fmt(max(table)), '—']);
  rows.push([`Filter change → three heatmaps repainted, Activity tab, ${heatmaps.length} changes: median`, fmt(median(heatmaps)), median(heatmaps) <= 100 ? '≤ 100 ms ✅' : '≤ 100 ms ❌']);
  rows.push(['… worst of those', fmt(max(heatmaps)), '—']);

  // ---- where the time goes: main's answers as the page sees them (HTTP round trip in the browser shell)
  const roundTrips = await page.evaluate(async (userIds: string[]) => {
    const auditor = (globalThis as unknown as PageGlobals).auditor;
    const timings: Record<string, number[]> = { page: [], summary: [], heatmaps: [], mark: [], progress: [] };
    for (const id of userIds) {
      const filter = { combinator: 'and', rules: [{ field: 'user', operator: '=', value: id }] };
      let start = performance.now();
      // An answer that is an error would time a refusal, not the query: fail the bench instead.
      const answered = (result: { ok: boolean }): void => {
        if (!result.ok) throw new Error(`main refused the request: ${JSON.stringify(result)}`);
      };
      const pageAnswer = (await auditor.invoke('review:page', { filter, timeZone: 'UTC', sort: { column: 'time', direction: 'desc' }, offset: 0, limit: 100 })) as unknown as { ok: boolean; value?: { rows: Array<{ eventId: string }> } };
      answered(pageAnswer);
      timings['page']!.push(performance.now() - start);
      // Mark-and-advance's round trip: the mark, its log entry and the whole cache's progress in one answer.
      const first = pageAnswer.value?.rows[0];
      if (first !== undefined) {
        start = performance.now();
        answered(await auditor.invoke('review:mark', { eventIds: [first.eventId], state: 'reviewed', query: { filter: { combinator: 'and', rules: [] }, timeZone: 'UTC' } }));
        timings['mark']!.push(performance.now() - start);
      }
      start = performance.now();
      answered(await auditor.invoke('review:progress', { filter, timeZone: 'UTC' }));
      timings['progress']!.push(performance.now() - start);
      start = performance.now();
      answered(await auditor.invoke('review:summary', { filter, timeZone: 'UTC' }));
      timings['summary']!.push(performance.now() - start);
      start = performance.now();
      answered(await auditor.invoke('review:heatmaps', { filter, timeZone: 'UTC' }));
      timings['heatmaps']!.push(performance.now() - start);
    }
    return timings;
  }, userIds);
  rows.push(['… of which main answers review:page (first 100 rows, one user), median round trip', fmt(median(roundTrips['page'] ?? [])), '—']);
  rows.push(['… review:summary (count, users, sources, span), median round trip', fmt(median(roundTrips['summary'] ?? [])), '—']);
  rows.push(['… review:heatmaps (three heatmaps), median round trip', fmt(median(roundTrips['heatmaps'] ?? [])), '—']);
  const markMedian = median(roundTrips['mark'] ?? []);
  rows.push([`review:mark (one event, its log entry, progress of all ${eventCount.toLocaleString('en-US')} events), median round trip`, fmt(markMedian), markMedian <= 50 ? '≤ 50 ms ✅' : '≤ 50 ms ❌']);
  const progressMedian = median(roundTrips['progress'] ?? []);
  rows.push(['review:progress (one user), median round trip', fmt(progressMedian), progressMedian <= 100 ? '≤ 100 ms ✅' : '≤ 100 ms ❌']);

  // ---- scrolling 100k rows
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('tab', { name: 'Events' }).click();
  await page.getByRole('button', { name: 'Clear all' }).click();
  await waitForAttribute(page, 'event-table', 'data-total', String(eventCount));
  await page.getByTestId('event-row').first().waitFor();
  for (const [label, pixelsPerFrame] of [
    ['steady scroll, 40 px per frame (~70 rows/s)', 40],
    ['fast fling, 400 px per frame (~700 rows/s)', 400],
  ] as const) {
    const result = await page.evaluate(
      (step) =>
        new Promise<{ frames: number; ms: number; worstGapMs: number; top: number }>((resolve) => {
          const page = globalThis as unknown as PageGlobals;
          const element = page.document.querySelector('[data-testid="event-table"]')!;
          element.scrollTop = 0;
          let frames = 0;
          let last = 0;
          let worst = 0;
          const start = performance.now();
          const onFrame = (now: number): void => {
            frames += 1;
            if (last > 0) worst = Math.max(worst, now - last);
            last = now;
            element.scrollTop += step;
            if (now - start < 4000) page.requestAnimationFrame(onFrame);
            else resolve({ frames, ms: now - start, worstGapMs: worst, top: element.scrollTop });
          };
          page.requestAnimationFrame(onFrame);
        }),
      pixelsPerFrame,
    );
    const fps = (result.frames / result.ms) * 1000;
    rows.push([
      `Scroll the unfiltered table (${eventCount.toLocaleString('en')} rows), ${label}, 4 s: frames per second`,
      `${fps.toFixed(1)} fps (longest frame ${result.worstGapMs.toFixed(0)} ms; ${Math.round(result.top / 34).toLocaleString('en')} rows passed)`,
      fps >= 55 ? '≥ 55 fps ✅' : '≥ 55 fps ❌',
    ]);
  }
  const domRows = await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid="event-table"] tbody tr').length);
  rows.push(['Table rows in the DOM while showing 100k events', String(domRows), '—']);

  // ---- review work: mark and advance with the keyboard over all events (r marks the selected row and selects the next)
  await page.evaluate(() => {
    (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="event-table"]')!.scrollTop = 0;
  });
  await page.getByTestId('event-table').focus();
  await page.keyboard.press('j');
  await page.locator('[data-testid="event-row"][aria-selected="true"]').waitFor();
  const marks = 30;
  for (let index = 1; index <= marks; index += 1) {
    await page.keyboard.press(index % 5 === 0 ? 'f' : 'r');
    await waitForMeasure(page, 'review:mark-advance', index);
  }
  await waitForMeasure(page, 'review:progress-settled', 1);
  // The newest mark's answer settles the count; older ones in flight are overtaken, so fewer settle than were made.
  await waitForAttribute(page, 'review-progress', 'data-reviewed', String(marks - marks / 5));
  const markAdvance = await measures(page, 'review:mark-advance');
  const settled = await measures(page, 'review:progress-settled');
  rows.push([
    `Mark and advance (key r / f, ${marks} presses, ${eventCount.toLocaleString('en')} events shown): key press → row marked, count updated and the next row selected, painted: median`,
    fmt(median(markAdvance)),
    median(markAdvance) <= 50 ? '≤ 50 ms ✅' : '≤ 50 ms ❌',
  ]);
  rows.push(['… worst of those', fmt(max(markAdvance)), '—']);
  rows.push([`… main's count for the whole filter (review:mark's answer) painted, ${settled.length} answers: median`, fmt(median(settled)), median(settled) <= 100 ? '≤ 100 ms ✅' : '≤ 100 ms ❌']);
} finally {
  await browser.close();
  host.kill('SIGTERM');
  await new Promise((resolve) => host.once('exit', resolve));
  rmSync(home, { recursive: true, force: true });
}

const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
const table = [
  `Machine: ${cpus().length} CPUs, ${cpuModel}; Node ${process.version}; Chromium (Debian, headless, software rendering); load average at start ${loadAtStart}; ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
  '',
  '| Measure | Result | Target |',
  '| --- | --- | --- |',
  ...rows.map(([measure, result, target]) => `| ${measure} | ${result} | ${target} |`),
].join('\n');
console.log(table);

if (!args['no-write'] && TARGET_EVENTS === 100_000) {
  const docPath = fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url));
  const notes = [
    'How: the screen sets `performance.measure` entries from the input that changed the filter (a builder select) to the frame',
    'after the new rows / heatmaps were rendered; the bench reads them through Playwright. Table rows come from main in',
    'windows of 200 (offset/limit), so a filter change fetches the count, the heatmaps and one window — never 100k rows. Scrolling',
    "counts requestAnimationFrame callbacks while a script moves the table's scrollTop every frame; rows not yet fetched show as",
    'placeholders for a frame or two. Not asserted in tests (timings vary with machine load).',
  ].join('\n');
  const section = `## Review\n\nProduced by \`npm run build && node --import tsx bench/review-bench.ts\` (${eventCount.toLocaleString('en')} generated events in a fresh home's cache, the loopback host, Debian Chromium driven by playwright-core).\n\n${table}\n\n${notes}\n`;
  writeBenchmarkSection('Review', section, docPath);
  console.log(`\nWrote the "Review" section of ${docPath}.`);
}
