import type { Migration } from './migration.js';

/**
 * A fetch that asked Zoho only for events matching a `filters` parameter ("fetch with filters" on the
 * Records screen) is not a complete fetch of the record: the filter of the sync in progress and of the
 * last sync that reached Zoho's last page are kept (the filter as JSON, exactly as sent; NULL = the
 * whole timeline), so a packet never calls a filtered record complete.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'sync filter',
  up(db) {
    db.exec(`
ALTER TABLE records ADD COLUMN sync_filter TEXT;
ALTER TABLE records ADD COLUMN last_sync_filter TEXT;
`);
  },
};
