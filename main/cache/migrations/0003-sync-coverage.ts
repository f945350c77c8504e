import type { Migration } from './migration.js';

/**
 * What a packet's coverage statement needs of each record's last sync: how many pages the sync in
 * progress has written (kept across a resumed sync, reset when a sync starts from page one), and how
 * many pages and which mode the last sync that reached Zoho's last page (`more_records: false`) had.
 * Records completed by earlier versions keep NULL: their page count was never recorded.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'sync coverage',
  up(db) {
    db.exec(`
ALTER TABLE records ADD COLUMN sync_pages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE records ADD COLUMN last_sync_pages INTEGER;
ALTER TABLE records ADD COLUMN last_sync_mode TEXT CHECK (last_sync_mode IN ('full', 'incremental'));
`);
  },
};
