import type { Migration } from './migration.js';

/**
 * The first schema. Events are stored ONCE (event_id is unique across the cache); timeline_events
 * links each event to every tracked record whose timeline showed it (a Note's "added" event shows on
 * the Note and on its parent Lead). See docs/cache.md for the reasoning behind each index.
 */
const SCHEMA = `
CREATE TABLE records (
  id INTEGER PRIMARY KEY,
  module TEXT NOT NULL,
  record_id TEXT NOT NULL,
  name TEXT,
  -- audited_at_ms of the event the name was taken from; NULL when a caller supplied it.
  name_seen_at_ms INTEGER,
  freshness TEXT NOT NULL DEFAULT 'never' CHECK (freshness IN ('never', 'syncing', 'fresh', 'stale', 'failed')),
  sync_mode TEXT CHECK (sync_mode IN ('full', 'incremental')),
  resume_page_token TEXT,
  event_count INTEGER NOT NULL DEFAULT 0,
  newest_audited_time TEXT,
  newest_audited_at_ms INTEGER,
  last_synced_at INTEGER,
  last_failed_at INTEGER,
  last_error_code TEXT,
  last_error_message TEXT,
  UNIQUE (module, record_id)
);

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  -- As Zoho sent it (with its offset), and as UTC epoch ms for range queries and ordering.
  audited_time TEXT NOT NULL,
  audited_at_ms INTEGER NOT NULL,
  action TEXT NOT NULL,
  source TEXT,
  done_by_id TEXT NOT NULL,
  done_by_name TEXT,
  -- The event's own "record" object (a Lead, or the Note/Task it is about) and "related_record".
  record_module TEXT NOT NULL,
  record_id TEXT NOT NULL,
  record_name TEXT,
  related_module TEXT,
  related_id TEXT,
  related_name TEXT,
  automation_json TEXT,
  field_count INTEGER NOT NULL DEFAULT 0
);
-- Review query "one user, one source, one month"; also covers the three heatmaps, and (by skip-scan,
-- there are few users) a source-only filter.
CREATE INDEX events_user_source_time ON events (done_by_id, source, audited_at_ms);
CREATE INDEX events_time ON events (audited_at_ms);
CREATE INDEX events_action_time ON events (action, audited_at_ms);
CREATE INDEX events_record_module_time ON events (record_module, audited_at_ms);

-- Zoho's object exactly as received, for audit packets. A table of its own keeps events rows narrow,
-- so scans and index look-ups for the review screens do not drag ~1 KB of JSON each.
CREATE TABLE event_raw (
  event_rowid INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
  raw_json TEXT NOT NULL
);

CREATE TABLE timeline_events (
  record_rowid INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
  event_rowid INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  audited_at_ms INTEGER NOT NULL,
  -- The key doubles as the "one record ordered by time" index.
  PRIMARY KEY (record_rowid, audited_at_ms, event_rowid)
) WITHOUT ROWID;
CREATE INDEX timeline_events_event ON timeline_events (event_rowid);

-- Pick lists repeat verbatim on every change of a picklist field; stored once each.
CREATE TABLE pick_lists (
  id INTEGER PRIMARY KEY,
  json TEXT NOT NULL UNIQUE
);

CREATE TABLE field_changes (
  event_rowid INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  ordinal INTEGER NOT NULL,
  api_name TEXT NOT NULL,
  field_id TEXT,
  field_label TEXT,
  data_type TEXT,
  -- JSON text of _value.old / _value.new (SQL NULL for JSON null) ...
  old_json TEXT,
  new_json TEXT,
  -- ... and the same as plain text (strings unquoted) for display, exact matching and search.
  old_text TEXT,
  new_text TEXT,
  enable_colour_code INTEGER,
  pick_list_id INTEGER REFERENCES pick_lists (id),
  PRIMARY KEY (event_rowid, ordinal)
) WITHOUT ROWID;
CREATE INDEX field_changes_api_name ON field_changes (api_name, event_rowid);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT,
  email TEXT,
  profile_name TEXT,
  profile_id TEXT,
  status TEXT,
  -- 1 when the user came from Zoho's user list; 0 when only seen as an event's done_by.
  in_directory INTEGER NOT NULL DEFAULT 0,
  raw_json TEXT
);

CREATE TABLE sync_runs (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  options TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'cancelled', 'done'))
);
CREATE INDEX sync_runs_status ON sync_runs (status, created_at);

CREATE TABLE sync_run_records (
  run_id TEXT NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
  module TEXT NOT NULL,
  record_id TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  PRIMARY KEY (run_id, module, record_id)
) WITHOUT ROWID;

-- One document per event (rowid = events.id). Contentless: the text already lives in events and
-- field_changes, so the index stores only tokens; contentless_delete lets a changed event be re-indexed.
CREATE VIRTUAL TABLE events_fts USING fts5 (
  record_names, done_by_name, old_values, new_values,
  content = '', contentless_delete = 1,
  tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co So'"
);
`;

export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(SCHEMA);
  },
};
