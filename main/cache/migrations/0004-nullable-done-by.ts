import type { Migration } from './migration.js';

/**
 * Zoho sends `"done_by": null` for system actions, so events.done_by_id becomes nullable (SQL NULL =
 * no user: shown as "System"), and the timeline's `type` ("timeline"/"signal") and `extension` get
 * columns of their own so they can be filtered. SQLite cannot drop a NOT NULL in place: the table is
 * rebuilt by SQLite's documented procedure (https://www.sqlite.org/lang_altertable.html#otheralter),
 * which migrate() makes safe by running every step with foreign keys off and checking them before
 * the commit. Rowids are kept, so event_raw, timeline_events, field_changes, review tables and the
 * contentless full-text index (rowid = events.id) still point at the same events.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'nullable done_by, timeline type and extension',
  up(db) {
    db.exec(`
CREATE TABLE events_next (
  id INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE,
  audited_time TEXT NOT NULL,
  audited_at_ms INTEGER NOT NULL,
  action TEXT NOT NULL,
  source TEXT,
  -- NULL: a system action (Zoho sent "done_by": null).
  done_by_id TEXT,
  done_by_name TEXT,
  record_module TEXT NOT NULL,
  record_id TEXT NOT NULL,
  record_name TEXT,
  related_module TEXT,
  related_id TEXT,
  related_name TEXT,
  automation_json TEXT,
  field_count INTEGER NOT NULL DEFAULT 0,
  -- Zoho's "type" (timeline / signal) and "extension" (text as sent, or the object's JSON text); NULL when not sent.
  event_type TEXT,
  extension TEXT
);
INSERT INTO events_next (id, event_id, audited_time, audited_at_ms, action, source, done_by_id, done_by_name, record_module, record_id, record_name,
  related_module, related_id, related_name, automation_json, field_count, event_type, extension)
SELECT e.id, e.event_id, e.audited_time, e.audited_at_ms, e.action, e.source, e.done_by_id, e.done_by_name, e.record_module, e.record_id, e.record_name,
  e.related_module, e.related_id, e.related_name, e.automation_json, e.field_count,
  json_extract(r.raw_json, '$.type'),
  json_extract(r.raw_json, '$.extension')
FROM events e LEFT JOIN event_raw r ON r.event_rowid = e.id;
DROP TABLE events;
ALTER TABLE events_next RENAME TO events;
CREATE INDEX events_user_source_time ON events (done_by_id, source, audited_at_ms);
CREATE INDEX events_time ON events (audited_at_ms);
CREATE INDEX events_action_time ON events (action, audited_at_ms);
CREATE INDEX events_record_module_time ON events (record_module, audited_at_ms);
`);
  },
};
