import type { Migration } from './migration.js';

/**
 * Zoho's own labels for the org's modules (GET /settings/modules), read at each sync: what screens,
 * the PDF and verify call a module ("Meetings" for `Events`, a custom module's plural label). Replaced
 * as a whole on each read; a cache without them falls back to preload/labels.ts moduleLabel.

 */
export const migration0007: Migration = {
  version: 7,
  name: 'module labels',
  up(db) {
    db.exec(`
CREATE TABLE module_labels (
  api_name TEXT PRIMARY KEY,
  module_name TEXT,
  singular_label TEXT NOT NULL,
  plural_label TEXT NOT NULL,
  fetched_at INTEGER NOT NULL
) WITHOUT ROWID;
`);
  },
};
