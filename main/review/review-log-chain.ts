/**
 * The review log's chain rules, in one place: the store seals entries with them, verify checks a
 * packet's copy with them, and the tests tamper against them. Pure (node:crypto only).
 *
 * An entry is (seq, at, actor, action, payload, previousHash, hash):
 *   - seq: 1, 2, 3 … with no gaps; at: ms since the epoch; actor: who acted; action: REVIEW_LOG_ACTIONS;
 *   - payload: canonical JSON (canonicalJson: object keys sorted, no spaces) of what was done;
 *   - payloadSha256 = hex SHA-256 of the payload's UTF-8 bytes;
 *   - hash = hex SHA-256 of the UTF-8 bytes of the JSON array
 *       ["timeline-auditor.review-log/1", seq, at, actor, action, payloadSha256, previousHash]
 *     (JSON strings are quoted and escaped, so no two different entries encode alike);
 *   - previousHash = the hash of entry seq − 1; the first entry's is 64 zeros.
 * The hash covers the payload through its digest, so a packet can carry an entry outside its scope
 * as (seq, at, actor, action, payloadSha256, previousHash, hash) and the whole chain still recomputes.
 */
import { createHash } from 'node:crypto';
import { REVIEW_LOG_ACTIONS, type ReviewLogAction, type ReviewLogChainView } from '../../preload/contract.js';
import { AuditorError } from '../core/errors.js';

export const REVIEW_LOG_FORMAT = 'timeline-auditor.review-log/1';
export const GENESIS_HASH = '0'.repeat(64);
/** Entries a packet always carries in full: they are about the review as a whole, not some events. */
export const ALWAYS_IN_FULL: readonly ReviewLogAction[] = ['signed_off', 'flag_rules_changed', 'exported'];
/** The rule above in one line, written into packets beside the entries. */
export const REVIEW_LOG_HASH_RULE =
  'hash = sha256(utf8(JSON.stringify(["timeline-auditor.review-log/1", seq, at, actor, action, payloadSha256, previousHash]))); payloadSha256 = sha256(utf8(payload)); payload is canonical JSON (sorted keys, no spaces); the first previousHash is 64 zeros';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * JSON with object keys in code-point order and no whitespace: one text per value. Payloads are
 * plain data the app builds (strings, finite numbers, booleans, null, arrays, objects); anything
 * else is refused rather than written in a form another reader would encode differently.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: a number that is not finite has no JSON form.');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form.`);
}

/** What the hash covers. */
export interface ReviewLogFields {
  seq: number;
  at: number;
  actor: string;
  action: ReviewLogAction;
  payloadSha256: string;
  previousHash: string;
}

/** One stored entry, payload in full. */
export interface ReviewLogEntry {
  seq: number;
  at: number;
  actor: string;
  action: ReviewLogAction;
  payload: string;
  previousHash: string;
  hash: string;
}

/** An entry as a chain check sees it: the payload may be withheld (null), its digest never is. */
export interface ReviewLogLink extends ReviewLogFields {
  hash: string;
  payload: string | null;
}

export function entryHash(fields: ReviewLogFields): string {
  return sha256Hex(JSON.stringify([REVIEW_LOG_FORMAT, fields.seq, fields.at, fields.actor, fields.action, fields.payloadSha256, fields.previousHash]));
}

/** The next entry after `previous` (null: the log is empty). */
export function sealEntry(previous: { seq: number; hash: string } | null, entry: { at: number; actor: string; action: ReviewLogAction; payload: unknown }): ReviewLogEntry {
  const payload = canonicalJson(entry.payload);
  const seq = previous === null ? 1 : previous.seq + 1;
  const previousHash = previous === null ? GENESIS_HASH : previous.hash;
  const hash = entryHash({ seq, at: entry.at, actor: entry.actor, action: entry.action, payloadSha256: sha256Hex(payload), previousHash });
  return { seq, at: entry.at, actor: entry.actor, action: entry.action, payload, previousHash, hash };
}

export function linkOf(entry: ReviewLogEntry, withPayload = true): ReviewLogLink {
  return { seq: entry.seq, at: entry.at, actor: entry.actor, action: entry.action, payloadSha256: sha256Hex(entry.payload), previousHash: entry.previousHash, hash: entry.hash, payload: withPayload ? entry.payload : null };
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Walks the chain from entry 1: every seq present in order, each previousHash the hash before it,
 * each payload (when carried) matching its digest, each hash recomputing. The first fault is named
 * by its seq, in plain words.
 */
export function checkChain(links: Iterable<ReviewLogLink>): ReviewLogChainView {
  let previous: { seq: number; hash: string } | null = null;
  let entries = 0;
  const broken = (seq: number, reason: string): ReviewLogChainView => ({ intact: false, brokenAtSeq: seq, reason });
  for (const link of links) {
    const expectedSeq: number = previous === null ? 1 : previous.seq + 1;
    if (link.seq !== expectedSeq) {
      return link.seq > expectedSeq
        ? broken(
            expectedSeq,
            link.seq === expectedSeq + 1
              ? `entry ${expectedSeq} is missing: the log goes from entry ${expectedSeq - 1} to entry ${link.seq}.`
              : `entries ${expectedSeq} to ${link.seq - 1} are missing: the log goes from entry ${expectedSeq - 1} to entry ${link.seq}.`,
          )
        : broken(link.seq, `entry ${link.seq} appears out of order (after entry ${expectedSeq - 1}).`);
    }
    if (!(REVIEW_LOG_ACTIONS as readonly string[]).includes(link.action)) return broken(link.seq, `entry ${link.seq} names an action this app does not write (${JSON.stringify(link.action)}).`);
    if (!HEX64.test(link.hash) || !HEX64.test(link.previousHash) || !HEX64.test(link.payloadSha256)) return broken(link.seq, `entry ${link.seq} has a hash that is not 64 hexadecimal digits.`);
    const expectedPrevious = previous === null ? GENESIS_HASH : previous.hash;
    if (link.previousHash !== expectedPrevious) return broken(link.seq, `entry ${link.seq} does not follow entry ${expectedSeq - 1}: its previous hash is not that entry's hash.`);
    if (link.payload !== null && sha256Hex(link.payload) !== link.payloadSha256) return broken(link.seq, `entry ${link.seq} was changed after it was written: its content no longer matches its digest.`);
    if (entryHash(link) !== link.hash) return broken(link.seq, `entry ${link.seq} was changed after it was written: its hash no longer matches what it records.`);
    previous = { seq: link.seq, hash: link.hash };
    entries += 1;
  }
  return { intact: true, entries, head: previous };
}

/** No PDF or packet from a review log that was changed after it was written (REVIEW_LOG_BROKEN names the entry). */
export function refuseBrokenReviewLog(chain: ReviewLogChainView): void {
  if (chain.intact) return;
  throw new AuditorError('REVIEW_LOG_BROKEN', `The review log in the cache does not verify: ${chain.reason} A packet or report carrying it could not be relied on, so nothing was exported.`, {
    hint: 'The cache file was changed outside Timeline Auditor. Keep this file as evidence (its review log shows where), and export from a copy of the cache made before the change.',
  });
}
