import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TimelineCache } from '../../../main/cache/index.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import { EventHub } from '../../../main/core/event-hub.js';
import type { KeyValueStore } from '../../../main/core/kv-store.js';
import { DEFAULT_FLAG_RULES } from '../../../main/review/flags.js';
import { ReviewService } from '../../../main/review/review-service.js';
import { keepFlagsCurrent, SqliteReviewStore } from '../../../main/review/sqlite-review-store.js';
import type { FlagRules } from '../../../preload/contract.js';
import { generateTimelines, pages, tempDir, type TempDir } from '../cache/helpers.js';

/** Rules under which every kind of flag occurs in the generated data, bursts included. */
const BUSY_RULES: FlagRules = {
  ...DEFAULT_FLAG_RULES,
  offHours: { enabled: true, startHour: 9, endHour: 17, workDays: [1, 2, 3, 4], timeZone: 'America/New_York' },
  massChange: { enabled: true, events: 3, minutes: 90 },
  apiByPerson: { enabled: true, sources: ['crm_api', 'bulkapi', 'mass_delete_via_crm_api'] },
  ownerChange: { enabled: true },
  sensitiveFields: { enabled: true, fields: ['Lead_Source', 'Last_Name'] },
};

let dir: TempDir;
let file: string;
let settings: KeyValueStore;

beforeEach(() => {
  dir = tempDir();
  file = dir.file('cache.sqlite');
  settings = createJsonFileStore(dir.path, 'settings');
});
afterEach(() => dir.remove());

function flagsOf(cache: TimelineCache): string[] {
  return cache
    .database()
    .prepare<[], { event_id: string; flag: string }>('SELECT e.event_id, f.flag FROM event_flags f JOIN events e ON e.id = f.event_rowid ORDER BY e.event_id, f.flag')
    .all()
    .map((row) => `${row.event_id} ${row.flag}`);
}

function service(cache: TimelineCache, store: KeyValueStore = settings): ReviewService {
  return new ReviewService({ reviewStore: new SqliteReviewStore(() => cache), store, events: new EventHub(), clock: { now: () => 0, sleep: async () => undefined }, author: () => 'Ada' });
}

describe('flags kept current as pages are written', () => {
  it('flags new events in the page’s own transaction, equal to a full recompute; the open check does no work', async () => {
    const cache = TimelineCache.open(file);
    keepFlagsCurrent(cache);
    const store = new SqliteReviewStore(() => cache);
    await store.setRules(BUSY_RULES);
    for (const timeline of generateTimelines(5, 6)) {
      for (const page of pages(timeline.entries, 2)) cache.writeTimelinePage(timeline.key, page, null);
    }
    const written = flagsOf(cache);
    expect(new Set(written.map((line) => line.split(' ')[1])).size).toBe(6);
    // Nothing left for the first open to do …
    expect(await store.ensureFlags()).toEqual({ work: 'current' });
    // … and what the pages' hooks wrote is what computing everything again gives.
    await store.recomputeFlags();
    expect(flagsOf(cache)).toEqual(written);
    cache.close();
  });

  it('a failing hook rolls the page back: flags and events are written together or not at all', () => {
    const cache = TimelineCache.inMemory();
    const [timeline] = generateTimelines(5, 1);
    const stop = cache.onEventsWritten(() => {
      throw new Error('hook failed');
    });
    expect(() => cache.writeTimelinePage(timeline!.key, timeline!.entries, null)).toThrow('hook failed');
    expect(cache.countEvents()).toBe(0);
    stop();
    cache.writeTimelinePage(timeline!.key, timeline!.entries, null);
    expect(cache.countEvents()).toBe(timeline!.entries.length);
    cache.close();
  });

  it('catches up only the new events written by a writer without the hook (another process)', async () => {
    const timelines = generateTimelines(9, 4);
    const half = Math.floor(timelines.length / 2);
    const cache = TimelineCache.open(file);
    keepFlagsCurrent(cache);
    const store = new SqliteReviewStore(() => cache);
    await store.setRules(BUSY_RULES);
    for (const timeline of timelines.slice(0, half)) cache.writeTimelinePage(timeline.key, timeline.entries, null);
    // A second connection without review's hook (the CLI's fetch, a sync worker process).
    const other = TimelineCache.open(file);
    for (const timeline of timelines.slice(half)) other.writeTimelinePage(timeline.key, timeline.entries, null);
    other.close();
    expect(await store.ensureFlags()).toEqual({ work: 'incremental' });
    const caughtUp = flagsOf(cache);
    expect(await store.ensureFlags()).toEqual({ work: 'current' });
    await store.recomputeFlags();
    expect(flagsOf(cache)).toEqual(caughtUp);
    cache.close();
  });

  it('removing records marks the flags for a full recompute (a burst may have lost members)', async () => {
    const cache = TimelineCache.open(file);
    keepFlagsCurrent(cache);
    const store = new SqliteReviewStore(() => cache);
    await store.setRules(BUSY_RULES);
    const timelines = generateTimelines(5, 3);
    for (const timeline of timelines) cache.writeTimelinePage(timeline.key, timeline.entries, null);
    cache.untrackRecords([timelines[0]!.key]);
    expect(await store.ensureFlags()).toEqual({ work: 'full' });
    expect(await store.ensureFlags()).toEqual({ work: 'current' });
    cache.close();
  });
});

describe('flags and notes for an export page', () => {
  it('exportAnnotations answers pages by cache row exactly as the flags table and the notes say, notes tagged and oldest first', async () => {
    const cache = TimelineCache.open(file);
    keepFlagsCurrent(cache);
    const store = new SqliteReviewStore(() => cache);
    await store.setRules(BUSY_RULES);
    for (const timeline of generateTimelines(7, 4)) cache.writeTimelinePage(timeline.key, timeline.entries, null);
    // Every event, in time order (not rowid order, as an export reads them).
    const events = cache.database().prepare<[], { id: number; event_id: string }>('SELECT id, event_id FROM events ORDER BY audited_at_ms DESC, id').all();
    const flags = new Map<string, string[]>();
    for (const line of flagsOf(cache)) {
      const [eventId = '', flag = ''] = line.split(' ');
      flags.set(eventId, [...(flags.get(eventId) ?? []), flag]);
    }
    const unflagged = events.find((event) => !flags.has(event.event_id))!.event_id;
    const flagged = events.find((event) => flags.has(event.event_id))!.event_id;
    expect(flags.size).toBeGreaterThan(0);
    expect(flags.size).toBeLessThan(events.length);
    await store.addNote({ eventId: flagged, author: 'Ada', text: 'second', tag: null, at: 20 });
    await store.addNote({ eventId: flagged, author: 'Bo', text: 'first', tag: 'follow-up', at: 10 });
    await store.addNote({ eventId: unflagged, author: 'Ada', text: 'only a note', tag: null, at: 5 });

    const expected = new Map<string, { flags: string[]; notes: Array<{ author: string; text: string; at: number }> }>();
    for (const [eventId, list] of flags) expected.set(eventId, { flags: list, notes: [] });
    expected.set(flagged, {
      flags: flags.get(flagged)!,
      notes: [
        { author: 'Bo', text: '[follow-up] first', at: 10 },
        { author: 'Ada', text: 'second', at: 20 },
      ],
    });
    expected.set(unflagged, { flags: [], notes: [{ author: 'Ada', text: 'only a note', at: 5 }] });

    const answered = new Map<string, unknown>();
    for (const page of pages(events, 7)) {
      const result = store.exportAnnotations(
        page.map((event) => event.event_id),
        page.map((event) => event.id),
      );
      // Only the page's own events, only those with a flag or a note.
      for (const eventId of result.keys()) expect(page.some((event) => event.event_id === eventId)).toBe(true);
      for (const [eventId, annotation] of result) answered.set(eventId, annotation);
    }
    expect(answered).toEqual(expected);
    expect(() => store.exportAnnotations(['1', '2'], [1])).toThrow(expect.objectContaining({ code: 'EXPORT_ANNOTATIONS_MISMATCH' }));
    cache.close();
  });
});

describe('flag rules live in the cache file', () => {
  it('are read where pages are written, and survive a new settings file', async () => {
    const cache = TimelineCache.open(file);
    keepFlagsCurrent(cache);
    await service(cache).setRules(BUSY_RULES);
    expect(await service(cache, createJsonFileStore(dir.path, 'other-settings')).rules()).toEqual(BUSY_RULES);
    cache.close();
  });

  it('rules saved only in the settings file (first release) are moved into the cache file on first use', async () => {
    settings.set('review.flagRules', BUSY_RULES);
    const cache = TimelineCache.open(file);
    keepFlagsCurrent(cache);
    const store = new SqliteReviewStore(() => cache);
    expect(await store.rules()).toBeNull();
    expect(await service(cache).rules()).toEqual(BUSY_RULES);
    expect(await store.rules()).toEqual(BUSY_RULES);
    cache.close();
  });

  it('exportFlagsSql is plain NULL while no event has a flag, and gives each event its flags (as exportAnnotations) once one has', async () => {
    // Pages written without flagging them (no keepFlagsCurrent): no event has a flag yet.
    const cache = TimelineCache.open(file);
    const store = new SqliteReviewStore(() => cache);
    for (const timeline of generateTimelines(3, 3)) cache.writeTimelinePage(timeline.key, timeline.entries, null);
    expect(flagsOf(cache)).toEqual([]);
    expect(store.exportFlagsSql()).toBe('NULL');
    await store.setRules(BUSY_RULES);
    await store.recomputeFlags();
    expect(flagsOf(cache).length).toBeGreaterThan(0);
    const sql = store.exportFlagsSql();
    expect(sql).not.toBe('NULL');
    const rows = cache.database().prepare<[], { id: number; event_id: string; flags: string | null }>(`SELECT e.id, e.event_id, ${sql} AS flags FROM events e`).all();
    const annotations = store.exportAnnotations(
      rows.map((row) => row.event_id),
      rows.map((row) => row.id),
    );
    for (const row of rows) expect(row.flags === null ? [] : row.flags.split('\u001f')).toEqual(annotations.get(row.event_id)?.flags ?? []);
    cache.close();
  });
});
