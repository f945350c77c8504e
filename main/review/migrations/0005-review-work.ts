import type { Migration } from '../../cache/migrations/migration.js';

/**
 * Review work (issue 14): each event's review state, the hash-chained review log and sign-offs.
 *
 * - event_review: one row per marked event, keyed by Zoho's event id (like notes), so a mark survives
 *   the event being re-fetched; an unreviewed event has no row (marking back removes it; the log keeps it).
 * - review_log: append-only. Triggers refuse every UPDATE and DELETE, so no code path (nor a stray
 *   statement) can edit or drop an entry in place; the chain (review-log-chain.ts) shows it if the
 *   file is edited behind SQLite's back.
 * - review_log_events: which events an entry is about (state changes, bulk changes, notes, sign-offs),
 *   so a packet picks the entries of its scope by index. Not hashed: the entries themselves bind
 *   their events (ids, or a digest of the sorted ids).
 * - sign_offs: the attestations, each pointing at its log entry; also never updated or deleted.
 */
const SCHEMA = `
CREATE TABLE event_review (
  event_id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('reviewed', 'follow_up')),
  by TEXT NOT NULL,
  at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE review_log (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  payload TEXT NOT NULL,
  previous_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TRIGGER review_log_no_update BEFORE UPDATE ON review_log BEGIN SELECT RAISE(ABORT, 'the review log is append-only: an entry is never changed'); END;
CREATE TRIGGER review_log_no_delete BEFORE DELETE ON review_log BEGIN SELECT RAISE(ABORT, 'the review log is append-only: an entry is never removed'); END;

CREATE TABLE review_log_events (
  event_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (event_id, seq)
) WITHOUT ROWID;

CREATE TABLE sign_offs (
  id INTEGER PRIMARY KEY,
  log_seq INTEGER NOT NULL UNIQUE,
  scope_json TEXT NOT NULL,
  scope_words TEXT NOT NULL,
  statement TEXT NOT NULL,
  unreviewed_reason TEXT,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  signed_by TEXT NOT NULL,
  at INTEGER NOT NULL,
  total INTEGER NOT NULL,
  reviewed INTEGER NOT NULL,
  follow_up INTEGER NOT NULL,
  unreviewed INTEGER NOT NULL
);
CREATE TRIGGER sign_offs_no_update BEFORE UPDATE ON sign_offs BEGIN SELECT RAISE(ABORT, 'a sign-off is never changed'); END;
CREATE TRIGGER sign_offs_no_delete BEFORE DELETE ON sign_offs BEGIN SELECT RAISE(ABORT, 'a sign-off is never removed'); END;
`;

export const migration0005: Migration = {
  version: 5,
  name: 'review-work',
  up(db) {
    db.exec(SCHEMA);
  },
};
