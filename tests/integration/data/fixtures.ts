import { TimelineCache, type TimelinePageWrite } from '../../../main/cache/index.js';
import { RECORD_MODULES, SandboxDataset } from '../../../main/sandbox/dataset.js';
import { sourceDataWorkerEntry, workerThreadSpawner } from '../../../main/data/index.js';
import type { RecordKey } from '../../../main/sync/sync-store.js';
import type { JsonObject, TimelineEntry, TimelineEvent } from '../../../main/zoho/models.js';

/** A real worker thread running the TypeScript source (see main/data/data-worker-source.mjs). */
export function typescriptWorkerSpawner(entry = sourceDataWorkerEntry()) {
  return workerThreadSpawner(entry);
}

/**
 * Fills a cache file with about `events` generated events (the sandbox generator: awkward names
 * and values, several users and sources), in 200-event pages, in one bulk load. Returns the records.
 */
export function fillCache(file: string, events: number, seed = 2026): RecordKey[] {
  const recordsPerModule = Math.ceil(events / 34 / RECORD_MODULES.length) + 5;
  const dataset = new SandboxDataset(seed, recordsPerModule);
  const records: RecordKey[] = [];
  let generated = 0;
  function* pages(): Generator<TimelinePageWrite> {
    for (let ordinal = 0; ordinal < recordsPerModule && generated < events; ordinal += 1) {
      for (const module of RECORD_MODULES) {
        const recordId = dataset.listRecordIds(module)[ordinal];
        if (recordId === undefined || generated >= events) continue;
        const history = dataset.history(module, recordId);
        if (history === undefined) continue;
        const entries: TimelineEntry[] = history.events.slice(0, events - generated).map((stored) => ({ event: stored.json as unknown as TimelineEvent, raw: stored.json as unknown as JsonObject }));
        if (entries.length === 0) continue;
        generated += entries.length;
        records.push({ module, recordId });
        for (let index = 0; index < entries.length; index += 200) {
          yield { key: { module, recordId }, entries: entries.slice(index, index + 200), nextPageToken: index + 200 < entries.length ? `t${index}` : null };
        }
      }
    }
  }
  const cache = TimelineCache.open(file);
  try {
    cache.bulkIngest(pages());
    cache.trackRecords(records);
    // Each record's pages were written to its last one: its fetch finished (exports check this).
    for (const key of records) cache.completeRecordSync(key, Date.parse('2026-11-30T11:00:00Z'));
  } finally {
    cache.close();
  }
  return records;
}
