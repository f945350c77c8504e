/**
 * The case through the CLI as a user runs it: a cache of ~9,600 events, 4 KiB of garbage
 * written over it at 40% — `fetch` must not report success, `export` must refuse with a plain
 * message (no stack trace) and leave no file, and `cache rebuild` must keep the damaged file and
 * fetch the same records again.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMarkerPath, TimelineCache } from '../../../main/cache/index.js';
import { CACHE_FILE_NAME } from '../../../main/cache/location.js';
import { runCliIn, type CliRun } from './run-cli.js';
import { DEFAULT_FLAG_RULES } from '../../../main/review/flags.js';
import { SqliteReviewStore } from '../../../main/review/sqlite-review-store.js';
import { LARGE_RECORD, SAMPLE_RECORD, startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import { overwriteRootPage, overwriteWithGarbage } from '../cache/helpers.js';

let sandbox: Sandbox;
let root: string;
let env: NodeJS.ProcessEnv;
const RECORDS = [`${LARGE_RECORD.module}/${LARGE_RECORD.id}`, `${SAMPLE_RECORD.module}/${SAMPLE_RECORD.id}`];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 5, recordsPerModule: 3 });
  root = mkdtempSync(join(tmpdir(), 'ta-damaged-cache-'));
  env = { ZOHO_API_DOMAIN: sandbox.url, ZOHO_ACCESS_TOKEN: sandbox.mintAccessToken().accessToken, TIMELINE_AUDITOR_PASSPHRASE: 'correct horse battery staple' };
});
afterAll(async () => {
  await sandbox.close();
  rmSync(root, { recursive: true, force: true });
});

function cli(home: string, argv: string[]): Promise<CliRun> {
  return runCliIn(home, argv, env);
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function groundTruthIds(): string[] {
  return [LARGE_RECORD, SAMPLE_RECORD].flatMap((record) => sandbox.groundTruth(record.module, record.id).map((event) => (event as { id: string }).id)).sort();
}

function cachedIds(file: string): string[] {
  const cache = TimelineCache.open(file);
  try {
    return cache
      .queryEvents({ records: [LARGE_RECORD, SAMPLE_RECORD].map((record) => ({ module: record.module, recordId: record.id })) }, { limit: 100_000 })
      .map((event) => event.eventId)
      .sort();
  } finally {
    cache.close();
  }
}

/** No stack trace, no "Unexpected error": the plain message and what to do. */
function expectPlainDamageReport(text: string, cacheFile: string): void {
  expect(text).toContain(`Error: The offline cache at ${cacheFile} is damaged`);
  expect(text).toContain('What to do: Run `timeline-auditor cache rebuild`');
  expect(text).not.toMatch(/^\s+at /m);
  expect(text).not.toContain('Unexpected error');
  expect(text).not.toContain('SqliteError');
}

describe('a damaged cache, through the CLI', () => {
  it('fetch does not report success, export refuses with a plain message and leaves no file, cache check says damaged; cache rebuild keeps the file and fetches the same records again', async () => {
    const home = join(root, 'home');
    const cacheFile = join(home, CACHE_FILE_NAME);
    const fetched = await cli(home, ['fetch', ...RECORDS]);
    expect(fetched.code).toBe(0);
    expect(cachedIds(cacheFile)).toEqual(groundTruthIds());
    expect(groundTruthIds().length).toBeGreaterThan(3_000);

    // A reviewer's note on an event, carried over by the rebuild when review's tables are still readable.
    const firstEventId = groundTruthIds()[0]!;
    const cache = TimelineCache.open(cacheFile);
    const review = new SqliteReviewStore(() => cache);
    expect(review.addNote({ eventId: firstEventId, author: 'Ann Auditor', text: 'asked the owner about this', tag: null, at: Date.parse('2026-11-01T10:00:00Z') })).not.toBeNull();
    cache.close();
    expect(existsSync(openMarkerPath(cacheFile))).toBe(false);

    overwriteWithGarbage(cacheFile, { fraction: 0.4, bytes: 4096 });
    const damagedDigest = sha256(cacheFile);

    const refetch = await cli(home, ['fetch', ...RECORDS]);
    expect(refetch.code).not.toBe(0);
    expect(`${refetch.out}${refetch.err}`).not.toContain('Sync done');
    expect(`${refetch.out}${refetch.err}`).toContain(`The offline cache at ${cacheFile} is damaged`);
    expect(`${refetch.out}${refetch.err}`).not.toMatch(/^\s+at /m);

    const outDir = join(root, 'exports');
    mkdirSync(outDir);
    const exported = await cli(home, ['export', ...RECORDS, '--csv', join(outDir, 'events.csv'), '--pdf', join(outDir, 'report.pdf'), '--packet', join(outDir, 'packet.zip')]);
    expect(exported.code).toBe(1);
    expectPlainDamageReport(exported.err, cacheFile);
    expect(readdirSync(outDir)).toEqual([]);

    const packetOnly = await cli(home, ['export', ...RECORDS, '--packet', join(outDir, 'packet.zip')]);
    expect(packetOnly.code).toBe(1);
    expectPlainDamageReport(packetOnly.err, cacheFile);
    expect(readdirSync(outDir)).toEqual([]);

    const checked = await cli(home, ['cache', 'check']);
    expect(checked.code).toBe(1);
    expectPlainDamageReport(checked.err, cacheFile);

    // Nothing above wrote to the damaged file.
    expect(sha256(cacheFile)).toBe(damagedDigest);

    const rebuilt = await cli(home, ['cache', 'rebuild']);
    expect(rebuilt.err).toBe('');
    expect(rebuilt.code).toBe(0);
    const kept = /moved aside and kept: (\S+\.sqlite)\b/.exec(rebuilt.out)?.[1];
    expect(kept).toMatch(/timeline-cache\.damaged-\d{8}-\d{6}\.sqlite$/);
    expect(sha256(kept!)).toBe(damagedDigest);
    expect(rebuilt.out).toContain('Fetching the 2 tracked records again');
    expect(rebuilt.out).toContain('Sync done');
    expect(cachedIds(cacheFile)).toEqual(groundTruthIds());
    // The note either came over or the output says it stays in the kept file — never silently lost.
    expect(rebuilt.out).toMatch(/Reviewers' notes carried over: 1 of 1\.|remain only in the kept file/);

    const sound = await cli(home, ['cache', 'check']);
    expect(sound).toMatchObject({ code: 0, err: '' });
    expect(sound.out).toContain('is sound');
    const after = await cli(home, ['export', ...RECORDS, '--csv', join(outDir, 'events.csv'), '--packet', join(outDir, 'packet.zip')]);
    expect(after.err).not.toContain('Error');
    expect(after.code).toBe(0);
    expect(readdirSync(outDir).sort()).toEqual(['events.csv', 'packet.zip']);
  }, 240_000);

  it('rebuild carries reviewers’ notes, flag rules, review marks, sign-offs and the review log (its chain unbroken) over from a readable file', async () => {
    const home = join(root, 'notes-home');
    const cacheFile = join(home, CACHE_FILE_NAME);
    expect((await cli(home, ['fetch', RECORDS[1]!])).code).toBe(0);
    const eventId = sandbox.groundTruth(SAMPLE_RECORD.module, SAMPLE_RECORD.id).map((event) => (event as { id: string }).id)[0]!;
    const cache = TimelineCache.open(cacheFile);
    const review = new SqliteReviewStore(() => cache);
    review.addNote({ eventId, author: 'Ann Auditor', text: 'keep me', tag: 'follow-up', at: 1_700_000_000_000 });
    // A note whose event Zoho no longer lists (review's store refuses new ones; old files can hold them).
    cache.database().prepare('INSERT INTO event_notes (event_id, author, text, tag, created_at) VALUES (?, ?, ?, ?, ?)').run('554023000000000001', 'Ann Auditor', 'orphan', null, 1_700_000_000_001);
    review.setRules({ ...DEFAULT_FLAG_RULES, deletion: { enabled: false } });
    review.mark({ actor: 'Ann Auditor', at: 1_700_000_000_100, eventIds: [eventId], state: 'reviewed', query: { filter: { combinator: 'and', rules: [] }, timeZone: 'UTC' } });
    const sampleKey = { module: SAMPLE_RECORD.module, recordId: SAMPLE_RECORD.id };
    review.signOff({
      actor: 'Ann Auditor',
      at: 1_700_000_000_200,
      scope: { kind: 'records', records: [sampleKey] },
      statement: 'The first change was reviewed.',
      name: 'Ann Auditor',
      role: 'Auditor',
      unreviewedReason: 'Only the first change mattered.',
    });
    const oldLog = review.log({ beforeSeq: null, limit: 500 });
    expect(oldLog.entries.map((entry) => entry.action)).toEqual(['signed_off', 'state_changed', 'note_added']);
    cache.close();

    const rebuilt = await cli(home, ['cache', 'rebuild']);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.out).toContain('Flag rules carried over');
    expect(rebuilt.out).toContain("Reviewers' notes carried over: 1 of 2 (the rest belong to events not fetched again; they remain in the kept file).");
    const fresh = TimelineCache.open(cacheFile);
    const freshReview = new SqliteReviewStore(() => fresh);
    expect(freshReview.annotations([eventId])).toEqual([expect.objectContaining({ eventId, notes: [expect.objectContaining({ author: 'Ann Auditor', text: 'keep me', tag: 'follow-up' })] })]);
    expect(freshReview.rules()).toEqual({ ...DEFAULT_FLAG_RULES, deletion: { enabled: false } });
    expect(rebuilt.out).toContain("Review work carried over: 1 review marks, 1 sign-offs, the review log's 3 entries (its chain intact).");
    // The old entries exactly as they were; the re-added note is the next one on the same chain.
    const newLog = freshReview.log({ beforeSeq: null, limit: 500 });
    expect(newLog.entries.slice(1)).toEqual(oldLog.entries);
    expect(newLog.entries[0]).toMatchObject({ seq: 4, action: 'note_added', previousHash: oldLog.entries[0]!.hash });
    expect(newLog.chain).toMatchObject({ intact: true, entries: 4 });
    expect(freshReview.signOffs()).toEqual([expect.objectContaining({ id: 1, statement: 'The first change was reviewed.', logSeq: 3, logHash: oldLog.entries[0]!.hash })]);
    const row = freshReview.page({ filter: { combinator: 'and', rules: [] }, timeZone: 'UTC', sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 500 }).find((candidate) => candidate.eventId === eventId);
    expect(row?.review).toEqual({ state: 'reviewed', by: 'Ann Auditor', at: 1_700_000_000_100 });
    fresh.close();
  });

  it('a packet is refused by the integrity check even when the damage is in a table the export never reads', async () => {
    const home = join(root, 'packet-home');
    const cacheFile = join(home, CACHE_FILE_NAME);
    expect((await cli(home, ['fetch', RECORDS[1]!])).code).toBe(0);
    overwriteRootPage(cacheFile, 'sync_runs');
    const outDir = join(root, 'packet-exports');
    mkdirSync(outDir);
    const exported = await cli(home, ['export', RECORDS[1]!, '--packet', join(outDir, 'packet.zip')]);
    expect(exported.code).toBe(1);
    expectPlainDamageReport(exported.err, cacheFile);
    expect(exported.err).toContain('the integrity check found');
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('rebuild with no cache says so; with an unreadable file it keeps the file and says to add the records again (exit 1)', async () => {
    const home = join(root, 'empty-home');
    const none = await cli(home, ['cache', 'rebuild']);
    expect(none.code).toBe(0);
    expect(none.out).toContain('nothing to rebuild');

    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, CACHE_FILE_NAME), Buffer.alloc(8192, 0x5a));
    const unreadable = await cli(home, ['cache', 'rebuild']);
    expect(unreadable.code).toBe(1);
    expect(unreadable.out).toContain('moved aside and kept');
    expect(unreadable.out).toContain('could not be read');
    expect(unreadable.out).toContain('add the records again');
    expect(existsSync(join(home, CACHE_FILE_NAME))).toBe(false);
    expect(readdirSync(home).filter((name) => name.includes('.damaged-'))).toHaveLength(1);
  });

  it('cache --help, and usage errors exit 2', async () => {
    const home = join(root, 'help-home');
    const help = await cli(home, ['cache', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('timeline-auditor cache <check | rebuild>');
    expect((await cli(home, ['cache'])).code).toBe(2);
    expect((await cli(home, ['cache', 'shred'])).code).toBe(2);
    expect((await cli(home, ['cache', 'rebuild', '--concurrency', 'zero'])).code).toBe(2);
  });
});

describe.skipIf(process.platform === 'win32')('private files (POSIX; on Windows the profile’s ACL protects them and modes mean nothing)', () => {
  it('the home folder is 0700 and everything the CLI keeps in it 0600 — also files an earlier version left 0644/0755', async () => {
    const home = join(root, 'modes-home');
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    writeFileSync(join(home, 'settings.json'), '{}', { mode: 0o644 });
    chmodSync(join(home, 'settings.json'), 0o644);
    const previous = process.umask(0o022);
    try {
      expect((await cli(home, ['fetch', RECORDS[1]!])).code).toBe(0);
      const exported = await cli(home, ['export', RECORDS[1]!, '--packet', join(root, 'modes-packet.zip')]);
      expect(exported.code).toBe(0);
      // One record said as one (not "1 records").
      expect(exported.out).toMatch(/events? from 1 record, times in /);
    } finally {
      process.umask(previous);
    }
    expect(statSync(home).mode & 0o777).toBe(0o700);
    const files = readdirSync(home, { withFileTypes: true }).filter((entry) => entry.isFile());
    const names = files.map((entry) => entry.name);
    for (const expected of [CACHE_FILE_NAME, 'settings.json', 'zoho-vault.salt.json']) expect(names).toContain(expected);
    expect(names.some((name) => name.startsWith('signing-key'))).toBe(true);
    for (const entry of files) expect([entry.name, statSync(join(home, entry.name)).mode & 0o777]).toEqual([entry.name, 0o600]);
  });
});
