import type { CacheDatabase } from '../cache/index.js';

/** A reviewer's note as stored (keyed by Zoho's event id, so it can follow the event into a new cache). */
export interface SalvagedNote {
  eventId: string;
  author: string;
  text: string;
  tag: string | null;
  at: number;
}

/**
 * Review's own work in a cache file about to be rebuilt: the notes and the flag rules in force.
 * Flags are not read: they are recomputed from the rules over the re-fetched events.
 */
export function readReviewWork(db: CacheDatabase): { notes: SalvagedNote[]; rulesJson: string | null } {
  const notes = db
    .prepare<[], { event_id: string; author: string; text: string; tag: string | null; created_at: number }>('SELECT event_id, author, text, tag, created_at FROM event_notes ORDER BY id')
    .all()
    .map((row) => ({ eventId: row.event_id, author: row.author, text: row.text, tag: row.tag, at: row.created_at }));
  const rules = db.prepare<[string], { value: string }>('SELECT value FROM review_state WHERE key = ?').get('rules');
  return { notes, rulesJson: rules?.value ?? null };
}
