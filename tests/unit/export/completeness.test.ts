import { describe, expect, it } from 'vitest';
import { completenessLines, completenessOf, CoverageCollector, coverageSummary, recordKeyOf, refuseIncomplete, type RecordCompleteness } from '../../../main/export/completeness.js';
import type { RecordSyncState } from '../../../main/sync/sync-store.js';
import { buildEvents } from './fixtures.js';

const base: RecordSyncState = {
  module: 'Leads',
  recordId: '554023000001122039',
  name: 'Patricia Boyle',
  freshness: 'fresh',
  eventCount: 8,
  newestAuditedTime: '2023-06-08T06:32:21+00:00',
  lastSyncedAt: Date.UTC(2026, 10, 30, 9),
  lastError: null,
  resumePageToken: null,
  syncMode: null,
  pagesThisSync: 3,
  lastSyncPages: 3,
  lastSyncMode: 'full',
  syncFilter: null,
  lastSyncFilter: null,
};

describe('completenessOf: only a fetch that read to the last page and succeeded is complete', () => {
  it('fresh or stale with no resume token: complete, with when, pages and mode', () => {
    expect(completenessOf(base)).toEqual({ complete: true, fetchedAt: base.lastSyncedAt, pages: 3, syncMode: 'full' });
    expect(completenessOf({ ...base, freshness: 'stale' }).complete).toBe(true);
  });

  it('never fetched, unknown, failed (with its error and what is kept), or interrupted mid-way: incomplete, saying why', () => {
    expect(completenessOf(undefined)).toMatchObject({ complete: false, reason: 'never-fetched' });
    expect(completenessOf({ ...base, freshness: 'never', lastSyncedAt: null })).toMatchObject({ complete: false, reason: 'never-fetched' });
    const failed = completenessOf({ ...base, freshness: 'failed', lastError: { code: 'ZOHO_SERVER_ERROR', message: 'Zoho answered 500' }, resumePageToken: 'tok', pagesThisSync: 2 });
    expect(failed).toMatchObject({ complete: false, reason: 'fetch-failed', pages: 2 });
    expect(failed.complete === false && failed.detail).toBe('Its last fetch failed (ZOHO_SERVER_ERROR): Zoho answered 500. Only the 2 pages fetched before the failure are cached.');
    // An earlier complete fetch does not make a later interrupted one complete: newer events may be missing.
    const interrupted = completenessOf({ ...base, freshness: 'syncing', resumePageToken: 'tok', pagesThisSync: 4 });
    expect(interrupted).toMatchObject({ complete: false, reason: 'fetch-unfinished', pages: 4 });
    expect(completenessOf({ ...base, freshness: 'fresh', resumePageToken: 'left-over' }).complete).toBe(false);
  });

  it('a fetch that asked Zoho only for events matching a filter is not complete, and says which filter', () => {
    const filter = '{"field":{"api_name":"source"},"comparator":"equal","value":"crm_ui"}';
    const filtered = completenessOf({ ...base, lastSyncFilter: filter });
    expect(filtered).toMatchObject({ complete: false, reason: 'fetch-filtered', fetchedAt: base.lastSyncedAt, pages: 3 });
    expect(filtered.complete === false && filtered.detail).toBe(`Its last fetch asked Zoho only for the events matching a filter (${filter}), so other events of its timeline may be missing. Fetch it again without a filter.`);
  });
});

describe('refuseIncomplete', () => {
  it('names every incomplete record (the first five, then how many more) and passes complete ones', () => {
    const keys = Array.from({ length: 7 }, (_, index) => ({ module: 'Leads', recordId: `55402300000100000${index}` }));
    const states = new Map<string, RecordCompleteness>(keys.map((key, index) => [recordKeyOf(key), index === 0 ? completenessOf(base) : completenessOf(undefined)]));
    expect(() => refuseIncomplete(keys.slice(0, 1), states)).not.toThrow();
    let thrown: unknown;
    try {
      refuseIncomplete(keys, states);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'EXPORT_INCOMPLETE', message: expect.stringContaining('6 records in this export were not fetched completely') });
    expect((thrown as Error).message).toContain(`Leads/${keys[1]!.recordId}`);
    expect((thrown as Error).message).toContain('… and 1 more.');
  });
});

describe('CoverageCollector', () => {
  it('counts events per owner with first and last as Zoho wrote them, and refuses an owner outside the scope', () => {
    const events = buildEvents(60);
    const owners = [...new Map(events.map((event) => [recordKeyOf(event.owner), event.owner])).values()];
    const collector = new CoverageCollector(owners.map((owner) => ({ ...owner, name: null })));
    for (const event of events) collector.add(event);
    const rows = collector.finish(new Map());
    expect(rows.reduce((sum, row) => sum + row.events, 0)).toBe(events.length);
    for (const row of rows) {
      const mine = events.filter((event) => recordKeyOf(event.owner) === recordKeyOf(row)).map((event) => event.entry.event.audited_time);
      const sorted = [...mine].sort((a, b) => Date.parse(a) - Date.parse(b));
      expect(row.firstEvent).toBe(sorted[0]);
      expect(Date.parse(row.lastEvent!)).toBe(Date.parse(sorted.at(-1)!));
      expect(row).toMatchObject({ complete: false, reason: 'Its timeline was never fetched from Zoho.' });
    }
    const partial = new CoverageCollector(owners.slice(1).map((owner) => ({ ...owner, name: null })));
    expect(() => events.forEach((event) => partial.add(event))).toThrow(/not in the export's scope/);
  });
});

describe("verify's completeness lines", () => {
  it('name a module in words (Meetings, not Events) and keep the record id exactly', () => {
    const lines = completenessLines({
      kind: 'stated',
      records: 3,
      incomplete: [
        { record: 'Events/554023000000000141', reason: 'Its last fetch failed' },
        { record: 'Services__s/9007199254740993123', reason: 'Never fetched' },
        { record: 'Leads/554023000001122039', reason: 'Never fetched' },
      ],
      events: 12,
      fieldChanges: 30,
      totalsAgree: true,
      case: null,
      filter: null,
      viewName: null,
    });
    expect(lines).toContain('  Meetings/554023000000000141 — Its last fetch failed');
    expect(lines).toContain('  Services/9007199254740993123 — Never fetched');
    expect(lines).toContain('  Leads/554023000001122039 — Never fetched');
  });
});

describe('coverageSummary', () => {
  it('says "the record" for one, counts with separators for many, and names the incomplete ones', () => {
    const row = (complete: boolean) => ({ complete }) as unknown as Parameters<typeof coverageSummary>[0][number];
    expect(coverageSummary([row(true)])).toBe('The record was fetched completely.');
    expect(coverageSummary(Array.from({ length: 1200 }, () => row(true)))).toBe('All 1,200 records were fetched completely.');
    expect(coverageSummary([row(true), row(false)])).toMatch(/^INCOMPLETE: 1 of 2 records/);
  });
});
