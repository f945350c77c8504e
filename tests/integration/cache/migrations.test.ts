import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheDamagedError, CacheFromNewerVersionError, CacheUnavailableError, TimelineCache } from '../../../main/cache/index.js';
import { migrate } from '../../../main/cache/migrate.js';
import { MIGRATIONS } from '../../../main/cache/migrations/index.js';
import { REVIEW_MIGRATIONS } from '../../../main/review/migrations/index.js';
import type { Migration } from '../../../main/cache/migrations/index.js';
import { sampleTimeline, tempDir } from './helpers.js';
import type { TempDir } from './helpers.js';

let dir: TempDir;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  dir.remove();
});

const clock = { now: () => 1_700_000_000_000, sleep: async () => {} };
const LATEST = MIGRATIONS.length;

function readMigrations(file: string): Array<{ version: number; name: string; applied_at: number }> {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as Array<{ version: number; name: string; applied_at: number }>;
  } finally {
    db.close();
  }
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

describe('opening and migrating the cache file', () => {
  it('keeps one numbered history across capabilities: the cache’s 0001, review’s 0002, the cache’s 0003 and 0004, review’s 0005, the cache’s 0006', () => {
    // A file at version 2 written before review's step moved to main/review/migrations means the same now.
    expect(MIGRATIONS.map((step) => `${step.version} ${step.name}`)).toEqual(['1 initial', '2 review', '3 sync coverage', '4 nullable done_by, timeline type and extension', '5 review-work', '6 sync filter', '7 module labels']);
    expect(MIGRATIONS[1]).toBe(REVIEW_MIGRATIONS[0]);
    expect(MIGRATIONS[4]).toBe(REVIEW_MIGRATIONS[1]);
  });

  it('creates a new file at the latest version in WAL mode with foreign keys and a busy timeout', () => {
    const file = dir.file('nested/folder/cache.sqlite');
    const cache = TimelineCache.open(file, { clock, busyTimeoutMs: 1234 });
    const info = cache.diagnostics();
    cache.close();
    expect(existsSync(file)).toBe(true);
    expect(info).toMatchObject({ schemaVersion: LATEST, journalMode: 'wal', foreignKeys: true, busyTimeoutMs: 1234 });
    expect(readMigrations(file)).toEqual(MIGRATIONS.map((step) => ({ version: step.version, name: step.name, applied_at: 1_700_000_000_000 })));
  });

  it('re-opens an up-to-date file without re-running migrations and keeps its data', () => {
    const file = dir.file('cache.sqlite');
    const sample = sampleTimeline();
    const first = TimelineCache.open(file, { clock });
    first.writeTimelinePage(sample.key, sample.entries, null);
    first.close();
    const later = { now: () => 1_800_000_000_000, sleep: async () => {} };
    const second = TimelineCache.open(file, { clock: later });
    expect(second.countEvents({})).toBe(sample.entries.length);
    expect(second.schemaVersion()).toBe(LATEST);
    second.close();
    expect(readMigrations(file).map((row) => row.applied_at)).toEqual(MIGRATIONS.map(() => 1_700_000_000_000));
  });

  it('upgrades an older file in one transaction, keeping its data', () => {
    const file = dir.file('cache.sqlite');
    const sample = sampleTimeline();
    const old = TimelineCache.open(file, { clock });
    old.writeTimelinePage(sample.key, sample.entries, null);
    old.close();
    const next: Migration = {
      version: LATEST + 1,
      name: 'review-notes',
      up(db) {
        db.exec('CREATE TABLE review_notes (event_rowid INTEGER NOT NULL REFERENCES events (id), note TEXT NOT NULL)');
        db.exec(`INSERT INTO review_notes SELECT id, 'seen' FROM events`);
      },
    };
    const upgraded = TimelineCache.open(file, { clock, migrations: [...MIGRATIONS, next] });
    expect(upgraded.schemaVersion()).toBe(LATEST + 1);
    expect(upgraded.countEvents({})).toBe(sample.entries.length);
    upgraded.close();
    expect(readMigrations(file).map((row) => row.name)).toEqual([...MIGRATIONS.map((step) => step.name), 'review-notes']);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM review_notes').get()).toEqual({ n: sample.entries.length });
    db.close();
  });

  it('0004 rebuilds events (done_by nullable, type and extension columns) keeping every row, link, raw text, field change, flag and search entry', () => {
    const file = dir.file('cache.sqlite');
    // A file as version 3 left it, written with plain SQL (today's ingest writes the new columns).
    const before = new Database(file);
    migrate(
      before,
      MIGRATIONS.filter((step) => step.version <= 3),
      1,
    );
    before.exec(`
INSERT INTO records (id, module, record_id, name) VALUES (1, 'Leads', '554023000001122039', 'Patricia Boyle');
INSERT INTO events (id, event_id, audited_time, audited_at_ms, action, source, done_by_id, done_by_name, record_module, record_id, record_name, field_count)
  VALUES (7, '554023000003097009', '2023-06-07T19:32:21-11:00', 1686205941000, 'updated', 'crm_ui', '554023000000235011', 'Patricia Boyle', 'Leads', '554023000001122039', 'Patricia Boyle', 1),
         (9, '554023000003097010', '2023-06-07T19:33:21-11:00', 1686206001000, 'updated', 'crm_ui', '554023000000235011', 'Patricia Boyle', 'Leads', '554023000001122039', 'Patricia Boyle', 0);
INSERT INTO event_raw (event_rowid, raw_json) VALUES (7, '{"id":"554023000003097009","type":"signal","extension":"email insights"}'), (9, '{"id":"554023000003097010"}');
INSERT INTO timeline_events (record_rowid, event_rowid, audited_at_ms) VALUES (1, 7, 1686205941000), (1, 9, 1686206001000);
INSERT INTO field_changes (event_rowid, ordinal, api_name, old_text, new_text) VALUES (7, 0, 'Phone', NULL, '1234567');
INSERT INTO event_flags (event_rowid, flag) VALUES (9, 'mass_change');
INSERT INTO events_fts (rowid, record_names, done_by_name, old_values, new_values) VALUES (7, 'Patricia Boyle', 'Patricia Boyle', '', '1234567');
`);
    const counts = (db: Database.Database): unknown =>
      db
        .prepare(`SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM event_raw) AS raw, (SELECT count(*) FROM timeline_events) AS links, (SELECT count(*) FROM field_changes) AS changes, (SELECT count(*) FROM event_flags) AS flags`)
        .get();
    expect(counts(before)).toEqual({ events: 2, raw: 2, links: 2, changes: 1, flags: 1 });
    const rawBefore = before.prepare('SELECT event_rowid, raw_json FROM event_raw ORDER BY event_rowid').all();
    before.close();
    const upgraded = TimelineCache.open(file, { clock });
    expect(upgraded.schemaVersion()).toBe(LATEST); // 0004 and every later step
    expect(upgraded.countEvents({ text: '1234567' })).toBe(1);
    expect(upgraded.getEvent('554023000003097009')).toMatchObject({ doneBy: { id: '554023000000235011' }, timelineType: 'signal', extension: 'email insights' });
    upgraded.close();
    const after = new Database(file, { readonly: true });
    expect(counts(after)).toEqual({ events: 2, raw: 2, links: 2, changes: 1, flags: 1 });
    expect(after.prepare('SELECT event_rowid, raw_json FROM event_raw ORDER BY event_rowid').all()).toEqual(rawBefore);
    expect(after.prepare(`SELECT "notnull" AS required FROM pragma_table_info('events') WHERE name = 'done_by_id'`).get()).toEqual({ required: 0 });
    expect(after.pragma('foreign_key_check')).toEqual([]);
    after.close();
  });

  it('rolls a failing upgrade back completely and reports it in plain words', () => {
    const file = dir.file('cache.sqlite');
    TimelineCache.open(file, { clock }).close();
    const good: Migration = { version: LATEST + 1, name: 'good', up: (db) => db.exec('CREATE TABLE half_done (x INTEGER)') };
    const bad: Migration = { version: LATEST + 2, name: 'bad', up: (db) => db.exec('THIS IS NOT SQL') };
    let caught: unknown;
    try {
      TimelineCache.open(file, { clock, migrations: [...MIGRATIONS, good, bad] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CacheUnavailableError);
    expect((caught as CacheUnavailableError).code).toBe('CACHE_UNAVAILABLE');
    expect((caught as CacheUnavailableError).hint).toBeTruthy();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'`).get()).toEqual({ n: 0 });
    db.close();
    // The file still opens with the app's own migrations.
    const again = TimelineCache.open(file, { clock });
    expect(again.schemaVersion()).toBe(LATEST);
    again.close();
  });

  it('refuses a file written by a newer app version and leaves it byte for byte untouched', () => {
    const file = dir.file('cache.sqlite');
    const sample = sampleTimeline();
    const cache = TimelineCache.open(file, { clock });
    cache.writeTimelinePage(sample.key, sample.entries, null);
    cache.close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST + 5}`);
    raw.pragma('journal_mode = DELETE');
    raw.close();
    const before = sha256(file);
    let caught: unknown;
    try {
      TimelineCache.open(file, { clock });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CacheFromNewerVersionError);
    const error = caught as CacheFromNewerVersionError;
    expect(error.code).toBe('CACHE_FROM_NEWER_VERSION');
    expect(error.message).toContain('newer version of Timeline Auditor');
    expect(error.hint).toContain('Update Timeline Auditor');
    expect(error.details).toMatchObject({ fileVersion: LATEST + 5, supportedVersion: LATEST });
    expect(sha256(file)).toBe(before);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('reports a file that is not a cache database as damaged (SQLITE_NOTADB) instead of overwriting it', () => {
    const file = dir.file('cache.sqlite');
    writeFileSync(file, 'this is a text file, not SQLite '.repeat(200));
    const before = sha256(file);
    expect(() => TimelineCache.open(file, { clock })).toThrow(CacheDamagedError);
    expect(sha256(file)).toBe(before);
  });

  it('an in-memory cache has the same schema', () => {
    const cache = TimelineCache.inMemory({ clock });
    expect(cache.schemaVersion()).toBe(LATEST);
    expect(cache.stats()).toMatchObject({ events: 0, records: 0, users: 0 });
    expect(cache.stats().fileBytes).toBeGreaterThan(0);
    cache.close();
  });
});
