import type { Migration } from '../../cache/migrations/migration.js';

/**
 * The Review screen's own data: flags computed from the review rules (recomputed after each sync
 * and when the rules change, stored so a flag filter is an index look-up), reviewer notes (keyed by
 * Zoho's event id, so a note survives the event being re-fetched or its record being removed and
 * added again) and a small key/value table for bookkeeping (which rules and data the flags reflect).
 */
const SCHEMA = `
CREATE TABLE event_flags (
  event_rowid INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  flag TEXT NOT NULL,
  PRIMARY KEY (flag, event_rowid)
) WITHOUT ROWID;
CREATE INDEX event_flags_event ON event_flags (event_rowid);

CREATE TABLE event_notes (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL,
  author TEXT NOT NULL,
  text TEXT NOT NULL,
  tag TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX event_notes_event ON event_notes (event_id, created_at);

CREATE TABLE review_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

export const migration0002: Migration = {
  version: 2,
  name: 'review',
  up(db) {
    db.exec(SCHEMA);
  },
};
