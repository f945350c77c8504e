import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimelineCache } from '../../../main/cache/index.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import { EventHub } from '../../../main/core/event-hub.js';
import { CSV_COLUMNS, exportCsvFile } from '../../../main/export/csv-export.js';
import { exportPdfFile } from '../../../main/export/pdf/report.js';
import { ReviewService } from '../../../main/review/review-service.js';
import { SqliteReviewStore } from '../../../main/review/sqlite-review-store.js';
import { startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import { StaticTokenProvider, ZohoClient, type JsonObject, type TimelineEntry } from '../../../main/zoho/index.js';
import { exportInputOf, sourceOf, testScope, toExportEvent, TEST_USERS } from '../../unit/export/fixtures.js';

/**
 * A CommandCenter journey step (automation_details.pathfinder, as Zoho's SDK models it) read from the
 * sandbox by the project's client reads as its state everywhere a person looks: the Review table and
 * detail, the CSV `automation` column and the PDF — never as the raw JSON object.
 */

interface PathfinderRaw {
  rule?: { name?: string };
  pathfinder?: { process_entry?: boolean; process_exit?: boolean; state?: { name?: string } };
}

let sandbox: Sandbox;
let dir: string;
let cache: TimelineCache;
let review: ReviewService;
let entries: TimelineEntry[];
let steps: TimelineEntry[];
const owner = { module: 'Leads', recordId: '' };

function expectedWords(entry: TimelineEntry): string {
  const details = entry.raw['automation_details'] as PathfinderRaw;
  const notes = [details.rule?.name, details.pathfinder?.process_entry === true ? 'process entry' : undefined, details.pathfinder?.process_exit === true ? 'process exit' : undefined].filter((note): note is string => note !== undefined);
  return `Pathfinder: ${details.pathfinder?.state?.name ?? '?'}${notes.length === 0 ? '' : ` (${notes.join('; ')})`}`;
}

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 1 });
  dir = await mkdtemp(join(tmpdir(), 'pathfinder-words-'));
  // The listed Leads record with the most journey steps.
  const withSteps = sandbox
    .listRecordIds('Leads')
    .map((id) => ({ id, steps: (sandbox.groundTruth('Leads', id) as JsonObject[]).filter((event) => (event['automation_details'] as PathfinderRaw | null)?.pathfinder !== undefined).length }))
    .sort((a, b) => b.steps - a.steps)[0];
  owner.recordId = withSteps?.id ?? '';
  const client = new ZohoClient({ tokenProvider: new StaticTokenProvider({ accessToken: sandbox.mintAccessToken().accessToken, apiDomain: sandbox.url }) });
  entries = (await client.fetchTimeline('Leads', owner.recordId, { includeInnerDetails: true })).entries;
  steps = entries.filter((entry) => (entry.raw['automation_details'] as PathfinderRaw | null)?.pathfinder !== undefined);
  cache = TimelineCache.open(join(dir, 'cache.sqlite'));
  cache.writeTimelinePage(owner, entries, null);
  review = new ReviewService({
    reviewStore: new SqliteReviewStore(() => cache),
    store: createJsonFileStore(dir, 'settings'),
    events: new EventHub(),
    clock: { now: () => Date.now(), sleep: async () => undefined },
    author: () => 'Ada Auditor',
  });
});

afterAll(async () => {
  review.dispose();
  cache.close();
  await sandbox.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a Pathfinder step in words', () => {
  it('the record has journey steps, with a state name', () => {
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((entry) => expectedWords(entry).startsWith('Pathfinder: ') && !expectedWords(entry).includes('?'))).toBe(true);
  });

  it('Review table and detail show the state', async () => {
    const rows = (await review.page({ filter: { combinator: 'and', rules: [] }, timeZone: 'UTC', sort: { column: 'time', direction: 'desc' }, offset: 0, limit: 500 })).rows;
    for (const step of steps) {
      const row = rows.find((candidate) => candidate.eventId === step.event.id);
      expect(row?.automation).toBe(expectedWords(step));
      const detail = await review.event(step.event.id, 'UTC');
      expect(detail.automation?.words).toBe(expectedWords(step));
    }
    const byPeople = rows.filter((row) => row.automation === null).map((row) => row.eventId);
    expect(byPeople.sort()).toEqual(
      entries
        .filter((entry) => entry.event.automation_details === null)
        .map((entry) => entry.event.id)
        .sort(),
    );
  });

  it('the CSV automation column says it in words under the unchanged header', async () => {
    const events = entries.map((entry, index) => toExportEvent(entry.raw, owner, index));
    await exportCsvFile({ scope: testScope({ timeZone: 'UTC' }), events: sourceOf(events), users: TEST_USERS }, join(dir, 'events.csv'));
    const rows: string[][] = parse(await readFile(join(dir, 'events.csv'), 'utf8'), { bom: true });
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const column = CSV_COLUMNS.indexOf('automation');
    for (const step of steps) {
      const cells = rows.filter((row) => row[0] === step.event.id).map((row) => row[column]);
      expect(cells.length).toBeGreaterThan(0);
      for (const cell of cells) expect(cell).toBe(expectedWords(step));
    }
    expect(rows.slice(1).some((row) => (row[column] ?? '').startsWith('{'))).toBe(false);
  });

  it('the PDF says it in words', async () => {
    const events = entries.map((entry, index) => toExportEvent(entry.raw, owner, index));
    await exportPdfFile(exportInputOf(events), join(dir, 'report.pdf'), { packetDigest: 'ab'.repeat(32) });
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'report.pdf'), '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).replace(/\s+/g, ' ');
    for (const step of steps) expect(text).toContain(`Automation: ${expectedWords(step)}`);
    expect(text).not.toContain('"pathfinder"');
  });
});
