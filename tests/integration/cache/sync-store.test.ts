import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheMissingEntryError, TimelineCache } from '../../../main/cache/index.js';
import type { RecordKey, SyncStore } from '../../../main/sync/sync-store.js';
import type { TimelineEntry, ZohoUser } from '../../../main/zoho/models.js';
import { generateTimelines, pages, sampleTimeline, tempDir } from './helpers.js';
import type { GeneratedTimeline, TempDir } from './helpers.js';

let dir: TempDir;
let cache: TimelineCache;
let runCounter = 0;

function open(): TimelineCache {
  return TimelineCache.open(dir.file('cache.sqlite'), { newRunId: () => `run-${(runCounter += 1)}` });
}

beforeEach(() => {
  dir = tempDir();
  runCounter = 0;
  cache = open();
});
afterEach(() => {
  cache.close();
  dir.remove();
});

const LEAD: RecordKey = { module: 'Leads', recordId: '554023000001122039' };
const OTHER: RecordKey = { module: 'Deals', recordId: '554023005300000039' };

function longTimeline(): GeneratedTimeline {
  const timelines = generateTimelines(11, 6);
  const longest = [...timelines].sort((a, b) => b.entries.length - a.entries.length)[0];
  if (longest === undefined) throw new Error('no generated timelines');
  return longest;
}

function withName(entry: TimelineEntry, name: string): TimelineEntry {
  const raw = JSON.parse(JSON.stringify(entry.raw)) as TimelineEntry['raw'];
  (raw['record'] as { name: string }).name = name;
  return { event: { ...entry.event, record: { ...entry.event.record, name } }, raw };
}

describe('TimelineCache as the sync engine’s SyncStore', () => {
  it('is usable through the SyncStore interface alone', async () => {
    const store: SyncStore = cache;
    await store.trackRecords([LEAD]);
    expect((await store.listRecordStates()).map((state) => state.recordId)).toEqual([LEAD.recordId]);
  });

  it('reads the states of many records in one go, in the order asked, undefined for an untracked one', () => {
    cache.trackRecords([{ ...LEAD, name: 'Patricia Boyle' }, OTHER]);
    const untracked: RecordKey = { module: 'Leads', recordId: '1' };
    const asked = [OTHER, untracked, LEAD, OTHER];
    expect(cache.recordStatesOf(asked)).toEqual(asked.map((key) => cache.recordState(key)));
    expect(cache.recordStatesOf(asked).map((state) => state?.recordId)).toEqual([OTHER.recordId, undefined, LEAD.recordId, OTHER.recordId]);
    expect(cache.recordStatesOf([])).toEqual([]);
  });

  it('tracks records idempotently, keeping a known name unless a new one is given', () => {
    cache.trackRecords([{ ...LEAD, name: 'Patricia Boyle' }, OTHER]);
    cache.trackRecords([LEAD, { ...OTHER, name: null }]);
    expect(cache.recordState(LEAD)?.name).toBe('Patricia Boyle');
    expect(cache.recordState(OTHER)?.name).toBeNull();
    cache.trackRecords([{ ...LEAD, name: 'P. Boyle' }]);
    expect(cache.listRecordStates()).toEqual([
      {
        ...OTHER,
        name: null,
        freshness: 'never',
        eventCount: 0,
        newestAuditedTime: null,
        lastSyncedAt: null,
        lastError: null,
        resumePageToken: null,
        syncMode: null,
        pagesThisSync: 0,
        lastSyncPages: null,
        lastSyncMode: null,
        syncFilter: null,
        lastSyncFilter: null,
      },
      {
        ...LEAD,
        name: 'P. Boyle',
        freshness: 'never',
        eventCount: 0,
        newestAuditedTime: null,
        lastSyncedAt: null,
        lastError: null,
        resumePageToken: null,
        syncMode: null,
        pagesThisSync: 0,
        lastSyncPages: null,
        lastSyncMode: null,
        syncFilter: null,
        lastSyncFilter: null,
      },
    ]);
    expect(cache.recordState({ module: 'Leads', recordId: '1' })).toBeUndefined();
  });

  it('walks a record through begin → pages with resume tokens → complete', () => {
    const timeline = longTimeline();
    const key = timeline.key;
    const chunks = pages(timeline.entries, 10);
    expect(chunks.length).toBeGreaterThan(2);
    cache.trackRecords([key]);
    cache.beginRecordSync(key, 'full');
    expect(cache.recordState(key)).toMatchObject({ freshness: 'syncing', syncMode: 'full', resumePageToken: null });
    let total = 0;
    chunks.forEach((chunk, index) => {
      const token = index < chunks.length - 1 ? `token-${index + 1}` : null;
      const { inserted } = cache.writeTimelinePage(key, chunk, token);
      expect(inserted).toBe(chunk.length);
      total += inserted;
      expect(cache.recordState(key)).toMatchObject({ resumePageToken: token, eventCount: total, freshness: 'syncing', pagesThisSync: index + 1 });
    });
    // Newest first from Zoho: the newest audited_time is the first entry's.
    expect(cache.recordState(key)?.newestAuditedTime).toBe(timeline.entries[0]?.event.audited_time);
    cache.completeRecordSync(key, 1_700_000_123_000);
    expect(cache.recordState(key)).toMatchObject({
      freshness: 'fresh',
      lastSyncedAt: 1_700_000_123_000,
      resumePageToken: null,
      syncMode: null,
      lastError: null,
      eventCount: timeline.entries.length,
      lastSyncPages: chunks.length,
      lastSyncMode: 'full',
    });
    // The next sync from page one counts afresh; the completed one's count stays until it completes.
    cache.beginRecordSync(key, 'incremental');
    expect(cache.recordState(key)).toMatchObject({ pagesThisSync: 0, lastSyncPages: chunks.length });
    cache.writeTimelinePage(key, chunks[0]!, 'token-x');
    cache.failRecordSync(key, { code: 'ZOHO_SERVER_ERROR', message: 'boom' }, 1_700_000_200_000);
    // Resumed from its token, the failed sync keeps counting its pages.
    cache.beginRecordSync(key, 'incremental');
    cache.writeTimelinePage(key, chunks[1]!, null);
    cache.completeRecordSync(key, 1_700_000_300_000);
    expect(cache.recordState(key)).toMatchObject({ freshness: 'fresh', lastSyncPages: 2, lastSyncMode: 'incremental', pagesThisSync: 2 });
    expect(cache.countEvents({ records: [key] })).toBe(timeline.entries.length);
  });

  it('re-writing pages (all, or overlapping) adds no duplicates and reports 0 new', () => {
    const timeline = longTimeline();
    const [first = [], second = []] = pages(timeline.entries, 15);
    expect(cache.writeTimelinePage(timeline.key, first, 't1').inserted).toBe(first.length);
    expect(cache.writeTimelinePage(timeline.key, first, 't1').inserted).toBe(0);
    const overlapping = [...first.slice(-5), ...second];
    expect(cache.writeTimelinePage(timeline.key, overlapping, null).inserted).toBe(second.length);
    expect(cache.countEvents({})).toBe(first.length + second.length);
    expect(cache.recordState(timeline.key)?.eventCount).toBe(first.length + second.length);
    expect(cache.stats().events).toBe(first.length + second.length);
  });

  it('a page is all or nothing: a bad event rolls the whole page (and its token) back', () => {
    const timeline = longTimeline();
    const good = timeline.entries.slice(0, 5);
    const broken = { ...good[4]!, event: { ...good[4]!.event, id: '999', audited_time: 'not a time' } } as TimelineEntry;
    cache.writeTimelinePage(timeline.key, timeline.entries.slice(5, 8), 'before');
    expect(() => cache.writeTimelinePage(timeline.key, [...good.slice(0, 4), broken], 'after')).toThrow();
    expect(cache.countEvents({})).toBe(3);
    expect(cache.recordState(timeline.key)).toMatchObject({ resumePageToken: 'before', eventCount: 3 });
  });

  it('stores an event shown in two timelines once, linked to both', () => {
    const sample = sampleTimeline();
    const noteEvent = sample.entries.find((entry) => entry.event.record.module.api_name === 'Notes');
    expect(noteEvent).toBeDefined();
    const noteKey: RecordKey = { module: 'Notes', recordId: noteEvent!.event.record.id };
    expect(cache.writeTimelinePage(sample.key, sample.entries, null).inserted).toBe(sample.entries.length);
    expect(cache.writeTimelinePage(noteKey, [noteEvent!], null).inserted).toBe(1);
    expect(cache.stats().events).toBe(sample.entries.length);
    expect(cache.timelinesOf(noteEvent!.event.id)).toEqual([sample.key, noteKey].sort((a, b) => a.module.localeCompare(b.module)));
    expect(cache.countEvents({ records: [noteKey] })).toBe(1);
    expect(cache.countEvents({ records: [sample.key, noteKey] })).toBe(sample.entries.length);
    expect(cache.recordState(noteKey)).toMatchObject({ eventCount: 1, name: 'This is a test note' });
    // The Lead's display name comes from its newest event naming it.
    expect(cache.recordState(sample.key)?.name).toBe('Patricia Boyle');
  });

  it('an event re-sent with different content replaces the stored copy (latest wins) without duplicating', () => {
    const sample = sampleTimeline();
    cache.writeTimelinePage(sample.key, sample.entries, null);
    const renamed = withName(sample.entries[0]!, 'Patricia Boyle-Smith 🚀');
    expect(cache.writeTimelinePage(sample.key, [renamed], null).inserted).toBe(0);
    expect(cache.getRawEvent(renamed.event.id)).toBe(JSON.stringify(renamed.raw));
    expect(cache.countEvents({ text: 'Boyle-Smith' })).toBe(1);
    expect(cache.countEvents({ text: '🚀' })).toBe(1);
    expect(cache.stats().events).toBe(sample.entries.length);
  });

  it('fails, keeps events and the resume token, then clears the token and resumes incrementally', () => {
    const timeline = longTimeline();
    const key = timeline.key;
    cache.beginRecordSync(key, 'incremental');
    cache.writeTimelinePage(key, timeline.entries.slice(0, 10), 'resume-here');
    cache.failRecordSync(key, { code: 'ZOHO_RATE_LIMITED', message: 'Zoho asked us to slow down.' }, 1_700_000_000_000);
    expect(cache.recordState(key)).toMatchObject({
      freshness: 'failed',
      resumePageToken: 'resume-here',
      syncMode: 'incremental',
      eventCount: 10,
      lastError: { code: 'ZOHO_RATE_LIMITED', message: 'Zoho asked us to slow down.' },
    });
    // A killed process: re-open the file; state survives.
    cache.close();
    cache = open();
    expect(cache.recordState(key)).toMatchObject({ freshness: 'failed', resumePageToken: 'resume-here', eventCount: 10 });
    cache.beginRecordSync(key, 'incremental');
    expect(cache.recordState(key)).toMatchObject({ freshness: 'syncing', resumePageToken: 'resume-here', lastError: { code: 'ZOHO_RATE_LIMITED' } });
    cache.clearResumeToken(key);
    expect(cache.recordState(key)?.resumePageToken).toBeNull();
    cache.writeTimelinePage(key, timeline.entries, null);
    cache.completeRecordSync(key, 1_700_000_500_000);
    expect(cache.recordState(key)).toMatchObject({ freshness: 'fresh', lastError: null, eventCount: timeline.entries.length, lastSyncedAt: 1_700_000_500_000 });
  });

  it('begin/complete/fail create the record when it was not tracked yet', () => {
    cache.beginRecordSync(OTHER, 'full');
    expect(cache.recordState(OTHER)?.freshness).toBe('syncing');
    cache.completeRecordSync(LEAD, 5);
    expect(cache.recordState(LEAD)).toMatchObject({ freshness: 'fresh', lastSyncedAt: 5 });
  });

  it('upserts users from Zoho’s list over names seen on events', () => {
    const sample = sampleTimeline();
    cache.writeTimelinePage(sample.key, sample.entries, null);
    expect(cache.users()).toEqual([{ id: '554023000000235011', name: 'Patricia Boyle', email: null, profileName: null, status: null, inDirectory: false }]);
    const users: ZohoUser[] = [
      { id: '554023000000235011', full_name: 'Patricia Boyle', email: 'patricia.boyle@zylker.example', status: 'active', profile: { name: 'Administrator', id: '554023000000015972' }, extra_key: 'kept' },
      { id: '554023000000235047', first_name: 'ليلى', last_name: 'حداد', email: null, status: 'disabled' },
    ];
    cache.upsertUsers(users);
    cache.upsertUsers(users);
    expect(cache.users()).toEqual([
      { id: '554023000000235011', name: 'Patricia Boyle', email: 'patricia.boyle@zylker.example', profileName: 'Administrator', status: 'active', inDirectory: true },
      { id: '554023000000235047', name: 'ليلى حداد', email: null, profileName: null, status: 'disabled', inDirectory: true },
    ]);
    expect(cache.userName('554023000000235047')).toBe('ليلى حداد');
    expect(cache.userName('42')).toBeUndefined();
    // A later event with another done_by name does not override the directory's name.
    const renamed = { ...sample.entries[0]!, event: { ...sample.entries[0]!.event, id: '554023000009999999', done_by: { ...sample.entries[0]!.event.done_by!, name: 'Pat B.' } } };
    cache.writeTimelinePage(sample.key, [renamed], null);
    expect(cache.userName('554023000000235011')).toBe('Patricia Boyle');
    expect(cache.stats().users).toBe(2);
  });

  it('keeps sync runs so a killed or cancelled run resumes where it stopped', () => {
    expect(cache.latestUnfinishedSyncRun()).toBeUndefined();
    const first = cache.createSyncRun([LEAD, OTHER, LEAD], '{"mode":"full"}', 1000);
    expect(first).toEqual({ id: 'run-1', createdAt: 1000, options: '{"mode":"full"}', status: 'running' });
    expect(cache.syncRunRecords(first.id)).toEqual([
      { ...LEAD, status: 'pending' },
      { ...OTHER, status: 'pending' },
    ]);
    cache.markSyncRunRecord(first.id, LEAD, 'done');
    cache.close();
    cache = open();
    expect(cache.latestUnfinishedSyncRun()).toEqual(first);
    expect(cache.syncRunRecords(first.id)).toEqual([
      { ...LEAD, status: 'done' },
      { ...OTHER, status: 'pending' },
    ]);
    cache.markSyncRunRecord(first.id, OTHER, 'failed');
    const second = cache.createSyncRun([OTHER], '{}', 2000);
    expect(cache.latestUnfinishedSyncRun()?.id).toBe(second.id);
    cache.finishSyncRun(second.id, 'cancelled');
    expect(cache.latestUnfinishedSyncRun()?.id).toBe(first.id);
    cache.finishSyncRun(first.id, 'done');
    expect(cache.latestUnfinishedSyncRun()).toBeUndefined();
    expect(() => cache.markSyncRunRecord(first.id, { module: 'Leads', recordId: '1' }, 'done')).toThrow(CacheMissingEntryError);
    expect(() => cache.finishSyncRun('nope', 'done')).toThrow(CacheMissingEntryError);
    expect(() => cache.syncRunRecords('nope')).toThrow(CacheMissingEntryError);
  });

  it('orders runs created at the same instant by creation', () => {
    const a = cache.createSyncRun([LEAD], '{}', 5);
    const b = cache.createSyncRun([LEAD], '{}', 5);
    expect(cache.latestUnfinishedSyncRun()?.id).toBe(b.id);
    cache.finishSyncRun(b.id, 'done');
    expect(cache.latestUnfinishedSyncRun()?.id).toBe(a.id);
  });

  it('bulkIngest writes many pages in one transaction with the same result as page by page', () => {
    const timelines = generateTimelines(5, 3);
    const bulk = cache.bulkIngest(
      timelines.flatMap((timeline) =>
        pages(timeline.entries, 20).map((entries, index, all) => ({
          key: timeline.key,
          entries,
          nextPageToken: index < all.length - 1 ? `t${index}` : null,
        })),
      ),
    );
    const total = timelines.reduce((sum, timeline) => sum + timeline.entries.length, 0);
    expect(bulk.inserted).toBe(total);
    const other = TimelineCache.inMemory();
    for (const timeline of timelines) pages(timeline.entries, 20).forEach((entries, index, all) => other.writeTimelinePage(timeline.key, entries, index < all.length - 1 ? `t${index}` : null));
    expect(cache.listRecordStates()).toEqual(other.listRecordStates());
    expect(cache.queryEvents({}, { limit: 10_000, includeRaw: true })).toEqual(other.queryEvents({}, { limit: 10_000, includeRaw: true }));
    other.close();
    expect(cache.bulkIngest(timelines.map((timeline) => ({ key: timeline.key, entries: timeline.entries, nextPageToken: null }))).inserted).toBe(0);
  });

  it('bulkIngest with deferred indexes gives the same cache, indexes rebuilt, and rolls back whole', () => {
    const indexNames = (): string[] => {
      const reader = new Database(dir.file('cache.sqlite'), { readonly: true });
      try {
        return (reader.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name`).all() as Array<{ name: string }>).map((row) => row.name);
      } finally {
        reader.close();
      }
    };
    const before = indexNames();
    expect(before).toContain('events_user_source_time');
    const timelines = generateTimelines(8, 3);
    const writes = timelines.map((timeline) => ({ key: timeline.key, entries: timeline.entries, nextPageToken: null }));
    expect(cache.bulkIngest(writes, { deferIndexes: true }).inserted).toBe(timelines.reduce((sum, timeline) => sum + timeline.entries.length, 0));
    expect(indexNames()).toEqual(before);
    expect(statSync(dir.file('cache.sqlite-wal')).size).toBeGreaterThan(0);
    const sizeBefore = cache.stats().fileBytes;
    cache.optimize();
    expect(statSync(dir.file('cache.sqlite-wal')).size).toBe(0);
    expect(cache.stats().fileBytes).toBeLessThanOrEqual(sizeBefore);
    const other = TimelineCache.inMemory();
    other.bulkIngest(writes);
    const filter = { sources: ['crm_ui', 'workflow'], from: Date.UTC(2022, 3, 1) };
    expect(cache.queryEvents(filter, { limit: 10_000 })).toEqual(other.queryEvents(filter, { limit: 10_000 }));
    expect(cache.heatmap({}, 'user-hour-of-week')).toEqual(other.heatmap({}, 'user-hour-of-week'));
    other.close();

    const fresh = generateTimelines(9, 1)[0]!;
    const broken = { ...fresh.entries[1]!, event: { ...fresh.entries[1]!.event, audited_time: 'broken' } } as TimelineEntry;
    const count = cache.countEvents({});
    expect(() => cache.bulkIngest([{ key: fresh.key, entries: [fresh.entries[0]!, broken], nextPageToken: null }], { deferIndexes: true })).toThrow();
    expect(cache.countEvents({})).toBe(count);
    expect(indexNames()).toEqual(before);
    expect(cache.countEvents({ userIds: [fresh.entries[0]!.event.done_by!.id], sources: [fresh.entries[0]!.event.source ?? ''] })).toBeGreaterThan(0);
  });
});

describe('untrackRecords', () => {
  it('removes records and the events only they showed, keeping events another tracked timeline shows', async () => {
    const { TimelineCache } = await import('../../../main/cache/index.js');
    const { startSandbox } = await import('../../../main/sandbox/index.js');
    const { ZohoClient, StaticTokenProvider } = await import('../../../main/zoho/index.js');
    const sandbox = await startSandbox({ seed: 5, recordsPerModule: 4 });
    const cache = TimelineCache.inMemory();
    try {
      const client = new ZohoClient({ tokenProvider: new StaticTokenProvider({ accessToken: sandbox.mintAccessToken().accessToken, apiDomain: sandbox.url }) });
      const [lead, other] = sandbox.listRecordIds('Leads');
      for (const recordId of [lead!, other!]) {
        const fetched = await client.fetchTimeline('Leads', recordId, { includeInnerDetails: true });
        cache.trackRecords([{ module: 'Leads', recordId }]);
        cache.writeTimelinePage({ module: 'Leads', recordId }, fetched.entries, null);
      }
      // The same events also show on a second timeline (as a related record's would).
      const shared = cache.queryEvents({ records: [{ module: 'Leads', recordId: other! }] }).slice(0, 2);
      const sharedEntries = shared.map((event) => ({ event: JSON.parse(cache.getRawEvent(event.eventId)!), raw: JSON.parse(cache.getRawEvent(event.eventId)!) }));
      cache.trackRecords([{ module: 'Leads', recordId: lead! }]);
      cache.writeTimelinePage({ module: 'Leads', recordId: lead! }, sharedEntries, null);
      const before = cache.stats().events;
      const leadOnly = cache.countEvents({ records: [{ module: 'Leads', recordId: lead! }] }) - shared.length;

      expect(
        cache.untrackRecords([
          { module: 'Leads', recordId: other! },
          { module: 'Leads', recordId: '1' },
        ]),
      ).toBe(1);
      expect(cache.recordState({ module: 'Leads', recordId: other! })).toBeUndefined();
      expect(cache.stats().events).toBe(before - (sandbox.groundTruth('Leads', other!).length - shared.length));
      for (const event of shared) expect(cache.getEvent(event.eventId)).toBeDefined();
      expect(cache.countEvents({ records: [{ module: 'Leads', recordId: lead! }] })).toBe(leadOnly + shared.length);
    } finally {
      cache.close();
      await sandbox.close();
    }
  });
});
