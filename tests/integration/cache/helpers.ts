import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
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

/**
 * Damages a file as a failing disk or a bad copy would: `bytes` of deterministic garbage written over
 * the middle of it (at `fraction` of its length), nothing else touched. Returns where.
 */
export function overwriteWithGarbage(file: string, { fraction = 0.4, bytes = 4096 }: { fraction?: number; bytes?: number } = {}): { offset: number; bytes: number } {
  const size = statSync(file).size;
  const offset = Math.floor(size * fraction);
  const garbage = Buffer.alloc(bytes);
  let block = createHash('sha256').update('timeline-auditor garbage').digest();
  for (let at = 0; at < bytes; at += block.length) {
    block.copy(garbage, at);
    block = createHash('sha256').update(block).digest();
  }
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, garbage, 0, bytes, offset);
  } finally {
    closeSync(fd);
  }
  return { offset, bytes };
}

/** Overwrites the root page of one table with garbage (deterministic damage: every read of that table fails). */
export function overwriteRootPage(file: string, table: string): void {
  const db = new Database(file, { readonly: true });
  let root: number;
  let pageSize: number;
  try {
    root = (db.prepare("SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) as { rootpage: number }).rootpage;
    pageSize = Number(db.pragma('page_size', { simple: true }));
  } finally {
    db.close();
  }
  overwriteWithGarbage(file, { fraction: ((root - 1) * pageSize) / statSync(file).size, bytes: pageSize });
}
