import type { Migration } from './migration.js';

/**
 * Zoho's own labels for the org's modules (GET /settings/modules), read at each sync: what screens,
 * the PDF and verify call a module ("Meetings" for `Events`, a custom module's plural label). Replaced
 * as a whole on each read; a cache without them falls back to preload/labels.ts moduleLabel.
 *
 * Numbered 6 in the one history: issue 14's review log is step 5. On this branch, where step 5 is
 * not merged yet, it carries version 5 so the registry's no-gap rule holds; the merge renumbers it
 * to 6 (MERGE: set version to 6 beside migration0005).
 */
export const migration0006: Migration = {
  version: 5,
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
