import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECORD_MODULES, SAMPLE_RECORD, SandboxDataset } from '../../../main/sandbox/dataset.js';
import type { RecordKey } from '../../../main/sync/sync-store.js';
import { parseTimelinePage } from '../../../main/zoho/models.js';
import type { TimelineEntry } from '../../../main/zoho/models.js';

/** A record's whole timeline as the Zoho client hands it over (parsed from JSON text, newest first). */
export interface GeneratedTimeline {
  key: RecordKey;
  entries: TimelineEntry[];
}

/**
 * Deterministic test data: the sandbox's generator (awkward names and values — quotes, CJK, RTL,
 * emoji, formulas — several users and sources), passed through JSON text and the Zoho client's own
 * parser exactly as a real sync would.
 */
export function generateTimelines(seed: number, recordsPerModule: number): GeneratedTimeline[] {
  const dataset = new SandboxDataset(seed, recordsPerModule);
  const timelines: GeneratedTimeline[] = [];
  for (const module of RECORD_MODULES) {
    for (const recordId of dataset.listRecordIds(module)) {
      const history = dataset.history(module, recordId);
      if (history === undefined) continue;
      const body = JSON.parse(
        JSON.stringify({
          __timeline: history.events.map((stored) => stored.json),
          info: { per_page: 200, count: history.events.length, page: 1, more_records: false, next_page_token: null },
        }),
      ) as unknown;
      timelines.push({ key: { module, recordId }, entries: parseTimelinePage(body, `${module}/${recordId}`).entries });
    }
  }
  return timelines;
}

export function sampleTimeline(): GeneratedTimeline {
  return generateTimelines(1, 0).find((timeline) => timeline.key.recordId === SAMPLE_RECORD.id) ?? { key: { ...SAMPLE_RECORD, recordId: SAMPLE_RECORD.id }, entries: [] };
}

/** Splits a list into pages of `size`. */
export function pages<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}

export interface TempDir {
  path: string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), 'timeline-cache-'));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}
