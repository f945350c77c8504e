/**
 * verify's check of a packet's review section (manifest.json `review`, issue 14): the review log's
 * chain recomputed from every entry (review-log-chain.ts, the same rules the app writes with), the
 * stated head equal to the last entry, every sign-off, rule change and export carried in full, and
 * each sign-off equal to the log entry that records it. Pure: nothing but the manifest is read.
 */
import { z } from 'zod';
import { type PacketReviewView, type ReviewLogChainView, type SignOffView } from '../../preload/contract.js';
import { ALWAYS_IN_FULL, checkChain, type ReviewLogLink } from '../review/review-log-chain.js';

const progressSchema = z.object({ total: z.number().int().nonnegative(), reviewed: z.number().int().nonnegative(), followUp: z.number().int().nonnegative(), unreviewed: z.number().int().nonnegative() }).strict();
const headSchema = z.object({ seq: z.number().int().min(1), hash: z.string() }).strict();
const entrySchema = z
  .object({
    seq: z.number().int(),
    at: z.number(),
    actor: z.string(),
    // Any text: an action this app does not write is named by the chain check, not refused as unreadable.
    action: z.string(),
    payloadSha256: z.string(),
    previousHash: z.string(),
    hash: z.string(),
    payload: z.string().nullable(),
  })
  .strict();
const signOffSchema = z
  .object({
    id: z.number().int(),
    scope: z.union([z.object({ kind: z.literal('view'), name: z.string() }).strict(), z.object({ kind: z.literal('records'), records: z.array(z.object({ module: z.string(), recordId: z.string() }).strict()) }).strict()]),
    scopeWords: z.string(),
    statement: z.string(),
    unreviewedReason: z.string().nullable(),
    name: z.string(),
    role: z.string(),
    signedBy: z.string(),
    at: z.number(),
    progress: progressSchema,
    logSeq: z.number().int(),
    logHash: z.string(),
  })
  .strict();
const reviewSectionSchema = z
  .object({
    format: z.string(),
    hashRule: z.string(),
    counts: progressSchema,
    signOffs: z.array(signOffSchema),
    log: z.object({ head: headSchema.nullable(), entries: z.array(entrySchema), entriesWithPayload: z.number().int().nonnegative() }).strict(),
  })
  .passthrough();

/** The review section of a parsed manifest, checked. `not-stated` for packets made before it existed. */
export function checkPacketReview(manifest: unknown): PacketReviewView {
  if (typeof manifest !== 'object' || manifest === null || !('review' in manifest)) return { kind: 'not-stated' };
  const parsed = reviewSectionSchema.safeParse(manifest.review);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'unreadable', reason: `its review section cannot be read${issue === undefined ? '' : ` (${issue.path.join('.')}: ${issue.message})`}.` };
  }
  const review = parsed.data;
  const entries = review.log.entries as ReviewLogLink[];
  return { kind: 'stated', counts: review.counts, signOffs: review.signOffs, chain: chainOf(entries, review.log.head, review.signOffs), entriesWithPayload: entries.filter((entry) => entry.payload !== null).length };
}

function chainOf(entries: readonly ReviewLogLink[], head: { seq: number; hash: string } | null, signOffs: readonly SignOffView[]): ReviewLogChainView {
  const chain = checkChain(entries);
  if (!chain.intact) return chain;
  const broken = (seq: number, reason: string): ReviewLogChainView => ({ intact: false, brokenAtSeq: seq, reason });
  // The stated head must be where the entries end: a head moved back hides the entries after it, one moved on claims entries not shown.
  const last = chain.head;
  if (head === null && last !== null) return broken(last.seq, `the chain head states an empty log, but the log has ${last.seq} entries.`);
  if (head !== null && (last === null || head.seq !== last.seq || head.hash !== last.hash)) {
    return broken(head.seq, `the chain head states entry ${head.seq} (${head.hash.slice(0, 16)}…), but the log's entries end at ${last === null ? 'nothing' : `entry ${last.seq} (${last.hash.slice(0, 16)}…)`}.`);
  }
  for (const entry of entries) {
    if (entry.payload === null && (ALWAYS_IN_FULL as readonly string[]).includes(entry.action)) return broken(entry.seq, `entry ${entry.seq} (${entry.action}) withholds its content, which every packet carries in full.`);
  }
  const bySeq = new Map(entries.map((entry) => [entry.seq, entry]));
  for (const signOff of signOffs) {
    const entry = bySeq.get(signOff.logSeq);
    if (entry === undefined || entry.action !== 'signed_off' || entry.hash !== signOff.logHash || entry.payload === null) return broken(signOff.logSeq, `sign-off ${signOff.id} names log entry ${signOff.logSeq}, which does not record it.`);
    if (!signOffMatches(signOff, entry.payload)) return broken(signOff.logSeq, `sign-off ${signOff.id} does not say what its log entry ${signOff.logSeq} records (statement, name, role, scope or review state differ).`);
  }
  return chain;
}

function signOffMatches(signOff: SignOffView, payload: string): boolean {
  let recorded: Record<string, unknown>;
  try {
    recorded = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return false;
  }
  const progress = recorded['progress'] as Record<string, unknown> | undefined;
  return (
    recorded['signOffId'] === signOff.id &&
    recorded['statement'] === signOff.statement &&
    recorded['unreviewedReason'] === signOff.unreviewedReason &&
    recorded['name'] === signOff.name &&
    recorded['role'] === signOff.role &&
    recorded['scopeWords'] === signOff.scopeWords &&
    progress?.['total'] === signOff.progress.total &&
    progress['reviewed'] === signOff.progress.reviewed &&
    progress['followUp'] === signOff.progress.followUp &&
    progress['unreviewed'] === signOff.progress.unreviewed
  );
}

/** verify's output lines for the review section (the CLI; the app shows the same view). */
export function reviewLines(review: PacketReviewView): string[] {
  const number = (value: number): string => value.toLocaleString('en-US');
  switch (review.kind) {
    case 'not-stated':
      return ['Review: not stated (the packet was made by a version before packets carried review work).'];
    case 'unreadable':
      return [`Review: the manifest's review section cannot be read — ${review.reason}`];
    case 'stated': {
      const { counts, chain } = review;
      const lines = [`Review: ${number(counts.reviewed)} of ${number(counts.total)} exported events reviewed, ${number(counts.followUp)} for follow-up, ${number(counts.unreviewed)} unreviewed.`];
      lines.push(
        chain.intact
          ? chain.head === null
            ? 'Review log: empty (no reviewer action before this export).'
            : `Review log: chain intact, ${number(chain.entries)} entries (${number(review.entriesWithPayload)} in full); head entry ${number(chain.head.seq)}, SHA-256 ${chain.head.hash}.`
          : `Review log: CHAIN BROKEN at entry ${number(chain.brokenAtSeq)} — ${chain.reason}`,
      );
      if (review.signOffs.length === 0) lines.push('Sign-offs: none covering these events.');
      for (const signOff of review.signOffs) {
        lines.push(`Sign-off ${signOff.id}: ${signOff.name} (${signOff.role}), signed by ${signOff.signedBy} at ${new Date(signOff.at).toISOString()}, scope ${signOff.scopeWords}:`);
        lines.push(`  “${signOff.statement}”`);
        if (signOff.unreviewedReason !== null) lines.push(`  Unreviewed events (${number(signOff.progress.unreviewed)}) accepted because: “${signOff.unreviewedReason}”`);
      }
      return lines;
    }
    default:
      return unreachable(review);
  }
}

function unreachable(value: never): never {
  throw new Error(`Unhandled review view ${JSON.stringify(value)}`);
}

export const REVIEW_LOG_CHECK_NAME = 'review log (manifest.json)';
