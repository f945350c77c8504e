/**
 * Default flag rules flag a minority: on the demo workspace's own data (the sandbox generator with
 * the demo's seed and records per module, the documented sample record, and with and without the
 * 10,000-event record), written through the cache and flagged by the real computation.
 */
import { describe, expect, it } from 'vitest';
import { TimelineCache } from '../../../main/cache/index.js';
import { DEFAULT_FLAG_RULES, recomputeAllFlags } from '../../../main/review/flags.js';
import { LARGE_RECORD, SandboxDataset } from '../../../main/sandbox/dataset.js';
import { parseTimelinePage } from '../../../main/zoho/models.js';
import { REVIEW_FLAGS } from '../../../preload/contract.js';
import { generateTimelines } from '../cache/helpers.js';

/** What DemoWorkspace starts: startSandbox's default seed (1) and 12 records per module. */
const DEMO_SEED = 1;
const DEMO_RECORDS_PER_MODULE = 12;

function demoCache(withLargeRecord: boolean): TimelineCache {
  const cache = TimelineCache.inMemory();
  for (const timeline of generateTimelines(DEMO_SEED, DEMO_RECORDS_PER_MODULE)) cache.writeTimelinePage(timeline.key, timeline.entries, null);
  if (withLargeRecord) {
    const history = new SandboxDataset(DEMO_SEED, DEMO_RECORDS_PER_MODULE).history(LARGE_RECORD.module, LARGE_RECORD.id)!;
    const body = JSON.parse(JSON.stringify({ __timeline: history.events.map((stored) => stored.json), info: { per_page: 200, count: history.events.length, page: 1, more_records: false, next_page_token: null } })) as unknown;
    cache.writeTimelinePage({ module: LARGE_RECORD.module, recordId: LARGE_RECORD.id }, parseTimelinePage(body, 'large record').entries, null);
  }
  return cache;
}

describe('default flag rules on the demo workspace', () => {
  for (const withLargeRecord of [false, true]) {
    it(`flag at most 20 % of its events, and some (${withLargeRecord ? 'with' : 'without'} the 10,000-event record)`, () => {
      const cache = demoCache(withLargeRecord);
      const db = cache.database();
      // No rules saved in this cache: the computation uses DEFAULT_FLAG_RULES.
      expect(db.prepare('SELECT count(*) AS n FROM review_state WHERE key = ?').get('rules')).toEqual({ n: 0 });
      const flagged = recomputeAllFlags(db);
      const total = cache.countEvents();
      expect(total).toBeGreaterThan(withLargeRecord ? 10_000 : 1_000);
      const share = flagged / total;
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThanOrEqual(0.2);
      // Every enabled rule but bursts (the demo has none) still finds something: the defaults are not "flag nothing".
      const kinds = db
        .prepare<[], { flag: string }>('SELECT DISTINCT flag FROM event_flags ORDER BY flag')
        .all()
        .map((row) => row.flag);
      const enabled = REVIEW_FLAGS.filter(
        (flag) =>
          ({
            off_hours: DEFAULT_FLAG_RULES.offHours,
            mass_change: DEFAULT_FLAG_RULES.massChange,
            api_by_person: DEFAULT_FLAG_RULES.apiByPerson,
            owner_change: DEFAULT_FLAG_RULES.ownerChange,
            deletion: DEFAULT_FLAG_RULES.deletion,
            sensitive_field: DEFAULT_FLAG_RULES.sensitiveFields,
          })[flag].enabled,
      );
      expect(kinds).toEqual(enabled.filter((flag) => flag !== 'mass_change').sort());
      console.info(`demo${withLargeRecord ? ' + large record' : ''}: ${flagged} of ${total} events flagged (${(share * 100).toFixed(1)} %)`);
      cache.close();
    });
  }
});
