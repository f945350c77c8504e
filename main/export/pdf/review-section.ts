/**
 * The report's "Review" page: who signed off what (statement, name, role, signed by, when, scope),
 * the review state of the exported events, and the review log's head — the entry verify recomputes
 * the chain up to (manifest.json `review` in a packet). Drawn only when the export carries review
 * data; report.ts calls it with its writer.
 */
import type { ZoneClock } from '../../core/zoned-time.js';
import type { PacketReview } from '../../review/review-work.js';

/** The part of report.ts's writer this page uses. */
export interface ReviewSectionWriter {
  readonly contentWidth: number;
  newPage(layout: 'portrait' | 'landscape', section: string): void;
  heading(text: string): void;
  keyValues(pairs: Array<[string, string]>, keyWidth?: number): void;
  table(columns: Array<{ title: string; width: number; numeric?: boolean }>, rows: string[][]): void;
}

const number = (value: number): string => value.toLocaleString('en-US');
const events = (value: number): string => `${number(value)} ${value === 1 ? 'event' : 'events'}`;

/** "1,204 of 1,690 events reviewed (71.2 %), 12 for follow-up, 474 unreviewed." */
export function reviewCountsWords(counts: PacketReview['counts']): string {
  const share = counts.total === 0 ? '' : ` (${((counts.reviewed / counts.total) * 100).toFixed(1)} %)`;
  return `${number(counts.reviewed)} of ${events(counts.total)} reviewed${share}, ${number(counts.followUp)} for follow-up, ${number(counts.unreviewed)} unreviewed.`;
}

export function drawReviewSection(writer: ReviewSectionWriter, review: PacketReview, clock: ZoneClock): void {
  writer.newPage('portrait', 'Review');
  writer.heading('Review');
  const head = review.log.head;
  writer.keyValues([
    ['Exported events', reviewCountsWords(review.counts)],
    ['Sign-offs', review.signOffs.length === 0 ? 'None of the events in this export is covered by a sign-off.' : `${number(review.signOffs.length)} covering events in this export (below).`],
    [
      'Review log',
      head === null
        ? 'Empty: no reviewer action was recorded before this export.'
        : `${number(head.seq)} ${head.seq === 1 ? 'entry' : 'entries'}; ${number(review.log.entriesWithPayload)} shown in full in manifest.json (those about these events, every sign-off, rule change and export), the others by their digests.`,
    ],
    ['Chain head', head === null ? '—' : `entry ${number(head.seq)}, SHA-256 ${head.hash}`],
    ['How to check', 'Each log entry’s hash covers the one before it; `timeline-auditor verify` recomputes the whole chain from manifest.json and names the first entry that does not match.'],
  ]);
  for (const signOff of review.signOffs) {
    writer.heading(`Sign-off ${number(signOff.id)}`);
    writer.keyValues([
      ['Statement', signOff.statement],
      ...(signOff.unreviewedReason === null ? [] : [['Unreviewed events', signOff.unreviewedReason] as [string, string]]),
      ['Name', signOff.name],
      ['Role', signOff.role],
      ['Signed by', signOff.signedBy],
      ['Signed at', clock.at(signOff.at).iso],
      ['Scope', signOff.scopeWords],
      ['Review state then', reviewCountsWords(signOff.progress)],
      ['Log entry', `entry ${number(signOff.logSeq)}, SHA-256 ${signOff.logHash}`],
    ]);
  }
}
