/**
 * Review work (issue 14) against a real cache file in a temp dir: marking and progress, the bulk
 * mark's expected-count guard, sign-off refusal and success, and the review log — every action
 * appended in the same transaction, UPDATE/DELETE refused by the file itself, tampering found by
 * the chain check and named by its seq.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimelineCache } from '../../../main/cache/index.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import { EventHub } from '../../../main/core/event-hub.js';
import { DEFAULT_FLAG_RULES } from '../../../main/review/flags.js';
import { checkChain, entryHash, GENESIS_HASH, linkOf, sha256Hex } from '../../../main/review/review-log-chain.js';
import { ReviewService } from '../../../main/review/review-service.js';
import { eventIdsDigest } from '../../../main/review/review-work.js';
import { describeLocalFilter } from '../../../main/review/local-filter-words.js';
import { SqliteReviewStore } from '../../../main/review/sqlite-review-store.js';
import type { LocalFilterGroupInput, ReviewRow } from '../../../preload/contract.js';
import { fillCache } from '../data/fixtures.js';
import { tempDir, type TempDir } from '../cache/helpers.js';

let dir: TempDir;
let cacheFile: string;
let cache: TimelineCache;
let review: ReviewService;
let now = 1_750_000_000_000;
const everything: LocalFilterGroupInput = { combinator: 'and', rules: [] };
const zone = 'UTC';

beforeAll(() => {
  dir = tempDir();
  cacheFile = dir.file('cache.sqlite');
  fillCache(cacheFile, 300);
  cache = TimelineCache.open(cacheFile);
  review = new ReviewService({
    reviewStore: new SqliteReviewStore(() => cache),
    store: createJsonFileStore(dir.path, 'settings'),
    events: new EventHub(),
    clock: { now: () => (now += 1000), sleep: async () => undefined },
    author: () => 'Ada Auditor',
  });
});

afterAll(() => {
  review.dispose();
  cache.close();
  dir.remove();
});

async function rows(filter: LocalFilterGroupInput = everything): Promise<ReviewRow[]> {
  const all: ReviewRow[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = (await review.page({ filter, timeZone: zone, sort: { column: 'time', direction: 'asc' }, offset, limit: 500 })).rows;
    all.push(...page);
    if (page.length < 500) return all;
  }
}

/** Progress counted from the rows themselves (the reference the aggregate query must agree with). */
function counted(list: readonly ReviewRow[]) {
  const reviewed = list.filter((row) => row.review.state === 'reviewed').length;
  const followUp = list.filter((row) => row.review.state === 'follow_up').length;
  return { total: list.length, reviewed, followUp, unreviewed: list.length - reviewed - followUp };
}

async function fullLog() {
  const entries = [];
  let before: number | null = null;
  for (;;) {
    const page = await review.log({ beforeSeq: before, limit: 500 });
    entries.push(...page.entries);
    if (page.entries.length < 500) return { entries: entries.reverse(), chain: page.chain };
    before = page.entries[page.entries.length - 1]!.seq;
  }
}

describe('review state and progress', () => {
  it('marks events reviewed / follow-up / back to unreviewed, with who and when; progress answers in the same round trip and matches the rows', async () => {
    const all = await rows();
    expect(all.length).toBe(300);
    expect(all.every((row) => row.review.state === 'unreviewed')).toBe(true);
    const [a, b, c, d] = all.map((row) => row.eventId);
    const marked = await review.mark({ eventIds: [a!, b!, c!], state: 'reviewed', query: { filter: everything, timeZone: zone } });
    expect(marked).toEqual({ marked: 3, progress: { total: 300, reviewed: 3, followUp: 0, unreviewed: 297 } });
    const followed = await review.mark({ eventIds: [d!], state: 'follow_up', query: { filter: everything, timeZone: zone } });
    expect(followed.progress).toEqual({ total: 300, reviewed: 3, followUp: 1, unreviewed: 296 });
    const back = await review.mark({ eventIds: [c!], state: 'unreviewed', query: { filter: everything, timeZone: zone } });
    expect(back.progress).toEqual({ total: 300, reviewed: 2, followUp: 1, unreviewed: 297 });

    const after = await rows();
    const byId = new Map(after.map((row) => [row.eventId, row.review]));
    expect(byId.get(a!)).toEqual({ state: 'reviewed', by: 'Ada Auditor', at: expect.any(Number) });
    expect(byId.get(d!)).toMatchObject({ state: 'follow_up', by: 'Ada Auditor' });
    expect(byId.get(c!)).toEqual({ state: 'unreviewed' });
    expect(counted(after)).toEqual(back.progress);

    // A narrower filter: the aggregate agrees with the rows it selects.
    const source = after.find((row) => row.source !== null)!.source!;
    const narrow: LocalFilterGroupInput = { combinator: 'and', rules: [{ field: 'source', operator: 'in', value: [source] }] };
    expect(await review.progress({ filter: narrow, timeZone: zone })).toEqual(counted(await rows(narrow)));

    // Each call is one log entry naming exactly its (cached) events.
    const log = await fullLog();
    expect(log.entries.map((entry) => entry.action)).toEqual(['state_changed', 'state_changed', 'state_changed']);
    expect(JSON.parse(log.entries[0]!.payload)).toEqual({ eventIds: [a!, b!, c!].sort(), state: 'reviewed' });
    expect(log.entries[0]!.words).toBe('Marked 3 events reviewed');
  });

  it('refuses to mark events that are not cached', async () => {
    await expect(review.mark({ eventIds: ['999999999999'], state: 'reviewed', query: { filter: everything, timeZone: zone } })).rejects.toMatchObject({ code: 'REVIEW_EVENT_NOT_CACHED' });
  });

  it('bulk-marks the filtered set only when it still matches the confirmed count (REVIEW_SCOPE_CHANGED otherwise, nothing written)', async () => {
    const users = [...new Set((await rows()).map((row) => row.doneBy?.id).filter((id): id is string => id !== undefined))];
    const filter: LocalFilterGroupInput = { combinator: 'and', rules: [{ field: 'user', operator: '=', value: users[0]! }] };
    const matching = await rows(filter);
    expect(matching.length).toBeGreaterThan(1);
    const before = await review.progress({ filter: everything, timeZone: zone });
    const logBefore = (await fullLog()).entries.length;
    await expect(review.markFiltered({ filter, timeZone: zone, state: 'reviewed', expectedEvents: matching.length + 1 })).rejects.toMatchObject({
      code: 'REVIEW_SCOPE_CHANGED',
      message: expect.stringContaining(`matches ${matching.length} events`),
    });
    expect(await review.progress({ filter: everything, timeZone: zone })).toEqual(before);
    expect((await fullLog()).entries.length).toBe(logBefore);

    const done = await review.markFiltered({ filter, timeZone: zone, state: 'reviewed', expectedEvents: matching.length });
    expect(done).toEqual({ marked: matching.length, progress: { total: matching.length, reviewed: matching.length, followUp: 0, unreviewed: 0 } });
    expect((await rows(filter)).every((row) => row.review.state === 'reviewed')).toBe(true);
    const entry = (await fullLog()).entries.at(-1)!;
    expect(entry.action).toBe('bulk_state_changed');
    expect(JSON.parse(entry.payload)).toEqual({ filter, words: describeLocalFilter(filter), timeZone: zone, state: 'reviewed', count: matching.length, eventIdsSha256: eventIdsDigest(matching.map((row) => row.eventId)) });
  });

  it('answers the progress of each saved view and each record', async () => {
    const filter: LocalFilterGroupInput = { combinator: 'and', rules: [{ field: 'action', operator: 'in', value: ['updated'] }] };
    await review.saveFilter('Updates', filter);
    const overview = await review.progressOverview({ timeZone: zone });
    expect(overview.views).toEqual([{ name: 'Updates', progress: counted(await rows(filter)) }]);
    expect(overview.records.length).toBeGreaterThan(1);
    expect(overview.records.reduce((sum, record) => sum + record.progress.reviewed + record.progress.followUp, 0)).toBeGreaterThanOrEqual(counted(await rows()).reviewed);
    for (const record of overview.records) expect(record.progress.total).toBe(record.progress.reviewed + record.progress.followUp + record.progress.unreviewed);
  });
});

describe('sign-off', () => {
  const statement = 'I reviewed every change in this view and found nothing irregular.';

  it('is refused while events in scope are unreviewed and no reason is given; nothing is written', async () => {
    const logBefore = (await fullLog()).entries.length;
    await expect(review.signOff({ scope: { kind: 'view', name: 'Updates' }, statement, name: 'Ada Auditor', role: 'Compliance officer', unreviewedReason: null, timeZone: zone })).rejects.toMatchObject({ code: 'SIGN_OFF_UNREVIEWED' });
    await expect(review.signOff({ scope: { kind: 'view', name: 'No such view' }, statement, name: 'Ada', role: 'Officer', unreviewedReason: null, timeZone: zone })).rejects.toMatchObject({ code: 'SIGN_OFF_UNKNOWN_VIEW' });
    expect(await review.signOffs()).toEqual([]);
    expect((await fullLog()).entries.length).toBe(logBefore);
  });

  it('is recorded with a reason for the unreviewed events, and without one once all are reviewed; each is a log entry', async () => {
    const filter: LocalFilterGroupInput = { combinator: 'and', rules: [{ field: 'action', operator: 'in', value: ['updated'] }] };
    const progress = await review.progress({ filter, timeZone: zone });
    const withReason = await review.signOff({ scope: { kind: 'view', name: 'Updates' }, statement, name: 'Ada Auditor', role: 'Compliance officer', unreviewedReason: 'Updates by the nightly import are out of scope.', timeZone: zone });
    expect(withReason).toMatchObject({
      id: 1,
      scope: { kind: 'view', name: 'Updates' },
      scopeWords: `saved view “Updates” (${progress.total} events)`,
      signedBy: 'Ada Auditor',
      progress,
      unreviewedReason: 'Updates by the nightly import are out of scope.',
    });

    await review.markFiltered({ filter, timeZone: zone, state: 'reviewed', expectedEvents: progress.total });
    const records = (await rows(filter)).slice(0, 2).map((row) => row.eventId);
    const recordKeys = cache.timelinesOf(records[0]!).map((record) => ({ module: record.module, recordId: record.recordId }));
    await expect(review.signOff({ scope: { kind: 'view', name: 'Updates' }, statement, name: 'Ada Auditor', role: 'Compliance officer', unreviewedReason: null, timeZone: zone })).resolves.toMatchObject({ id: 2, progress: { unreviewed: 0 } });
    // A records scope: that record's events; refused while any of them is unreviewed.
    await expect(review.signOff({ scope: { kind: 'records', records: recordKeys }, statement, name: 'Ada', role: 'Officer', unreviewedReason: null, timeZone: zone })).rejects.toMatchObject({ code: 'SIGN_OFF_UNREVIEWED' });

    const list = await review.signOffs();
    expect(list.map((signOff) => signOff.id)).toEqual([2, 1]);
    const log = await fullLog();
    for (const signOff of list) {
      const entry = log.entries.find((candidate) => candidate.seq === signOff.logSeq)!;
      expect(entry).toMatchObject({ action: 'signed_off', hash: signOff.logHash });
      expect(JSON.parse(entry.payload)).toMatchObject({ signOffId: signOff.id, statement, name: signOff.name, role: signOff.role, progress: signOff.progress });
    }
  });
});

describe('the review log', () => {
  it('logs notes and flag-rule changes in the same transaction; the stored chain is intact and recomputes', async () => {
    const [first] = await rows();
    const note = await review.addNote({ eventId: first!.eventId, text: 'Checked with the owner.', tag: null });
    await review.deleteNote(note.id);
    await review.setRules({ ...DEFAULT_FLAG_RULES, massChange: { ...DEFAULT_FLAG_RULES.massChange, enabled: false } });
    const log = await fullLog();
    expect(log.entries.slice(-3).map((entry) => entry.action)).toEqual(['note_added', 'note_deleted', 'flag_rules_changed']);
    expect(JSON.parse(log.entries.at(-3)!.payload)).toEqual({ eventId: first!.eventId, noteId: note.id, text: 'Checked with the owner.', tag: null });
    expect(log.chain).toEqual({ intact: true, entries: log.entries.length, head: { seq: log.entries.length, hash: log.entries.at(-1)!.hash } });
    // Seq 1, 2, 3 … with no gaps; entry 1 follows 64 zeros; each hash as the documented rule says.
    expect(log.entries.map((entry) => entry.seq)).toEqual(log.entries.map((_, index) => index + 1));
    expect(log.entries[0]!.previousHash).toBe(GENESIS_HASH);
    for (const entry of log.entries) {
      expect(entry.hash).toBe(sha256Hex(JSON.stringify(['timeline-auditor.review-log/1', entry.seq, entry.at, entry.actor, entry.action, sha256Hex(entry.payload), entry.previousHash])));
      expect(entryHash({ ...entry, payloadSha256: sha256Hex(entry.payload) })).toBe(entry.hash);
    }
  });

  it('is append-only in the file itself: UPDATE and DELETE of an entry are refused', () => {
    const db = cache.database();
    expect(() => db.prepare("UPDATE review_log SET payload = '{}' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM review_log WHERE seq = 1').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM sign_offs').run()).toThrow(/never removed/);
  });

  it('a file edited behind SQLite’s back (triggers dropped): an edited payload, a changed hash and a removed entry are each named by seq', async () => {
    const copyFile = dir.file('tampered.sqlite');
    const source = new Database(cacheFile, { readonly: true });
    await source.backup(copyFile);
    source.close();
    const tamper = (sql: string): ReturnType<typeof checkChain> => {
      const db = new Database(copyFile);
      try {
        db.exec('DROP TRIGGER IF EXISTS review_log_no_update; DROP TRIGGER IF EXISTS review_log_no_delete;');
        db.exec('BEGIN');
        db.exec(sql);
        const links = (db.prepare('SELECT seq, at, actor, action, payload, previous_hash AS previousHash, hash FROM review_log ORDER BY seq').all() as Array<Parameters<typeof linkOf>[0]>).map((entry) => linkOf(entry));
        db.exec('ROLLBACK');
        return checkChain(links);
      } finally {
        db.close();
      }
    };
    expect(tamper('SELECT 1')).toMatchObject({ intact: true });
    expect(tamper(`UPDATE review_log SET payload = replace(payload, '"follow_up"', '"reviewed"') WHERE seq = 2 AND payload LIKE '%"follow_up"%'`)).toEqual({ intact: false, brokenAtSeq: 2, reason: expect.stringContaining('entry 2 was changed') });
    expect(tamper(`UPDATE review_log SET hash = '${'a'.repeat(64)}' WHERE seq = 3`)).toMatchObject({ intact: false, brokenAtSeq: 3 });
    expect(tamper('DELETE FROM review_log WHERE seq = 4')).toEqual({ intact: false, brokenAtSeq: 4, reason: expect.stringContaining('entry 4 is missing') });
    // The store's own view of a tampered file says the same.
    const opened = TimelineCache.open(copyFile);
    try {
      const db = new Database(copyFile);
      db.exec('DROP TRIGGER IF EXISTS review_log_no_update');
      db.exec(`UPDATE review_log SET actor = 'Mallory' WHERE seq = 5`);
      db.close();
      const store = new SqliteReviewStore(() => opened);
      expect(store.log({ beforeSeq: null, limit: 1 }).chain).toEqual({ intact: false, brokenAtSeq: 5, reason: expect.stringContaining('entry 5 was changed') });
    } finally {
      opened.close();
    }
  });
});
