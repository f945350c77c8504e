import type { Theme } from '@mui/material';
import { DateTime } from 'luxon';
import type { ReviewMark } from '../../preload/contract';
import { keyForState, REVIEW_STATE_LABELS } from './review-work';

/** Width of the table's leading review-state column. */
export const REVIEW_CELL_WIDTH = 112;

/** Text colours with 4.5:1 contrast on light rows (a selected one too) and on the dark theme's. */
export const REVIEWED_TEXT = (theme: Theme): string => (theme.palette.mode === 'dark' ? theme.palette.success.light : '#1b5e20');
export const FOLLOW_UP_TEXT = (theme: Theme): string => (theme.palette.mode === 'dark' ? theme.palette.warning.light : '#8a3c00');

/** Pill styles, set on the table beside its row styles (rows are plain <tr>/<td>). */
export const REVIEW_STATE_SX = {
  '& .review-state': { display: 'inline-flex', alignItems: 'center', gap: '3px', px: 0.75, borderRadius: 5, border: 1, fontSize: 11, lineHeight: '18px', whiteSpace: 'nowrap' },
  '& .review-state.reviewed': { color: REVIEWED_TEXT, borderColor: 'success.light', bgcolor: 'rgba(46, 125, 50, 0.06)' },
  '& .review-state.follow_up': { color: FOLLOW_UP_TEXT, borderColor: 'warning.light', bgcolor: 'rgba(237, 108, 2, 0.06)' },
  '& .review-state.unreviewed': { color: 'text.secondary', borderColor: 'transparent', px: 0 },
  '& .review-state .glyph': { fontSize: 12, lineHeight: 1 },
} as const;

/** A glyph as well as a colour and words: the state never rests on colour alone. */
const GLYPH = { reviewed: '✓', follow_up: '⚑', unreviewed: '○' } as const;

function when(at: number, zone: string): string {
  const time = DateTime.fromMillis(at).setZone(zone);
  return (time.isValid ? time : DateTime.fromMillis(at)).toFormat('yyyy-LL-dd HH:mm ZZ');
}

/** The review state of one row: words and a glyph, with who and when in the tooltip. */
export function ReviewStateCell({ mark, zone }: { mark: ReviewMark; zone: string }) {
  const keys = `Keys: ${keyForState('reviewed')} reviewed · ${keyForState('follow_up')} follow-up · ${keyForState('unreviewed')} unreviewed`;
  const title = mark.state === 'unreviewed' ? `Not reviewed yet. ${keys}` : `${REVIEW_STATE_LABELS[mark.state]} by ${mark.by}, ${when(mark.at, zone)}. ${keys}`;
  const short = mark.state === 'follow_up' ? 'Follow-up' : REVIEW_STATE_LABELS[mark.state];
  return (
    <span className={`review-state ${mark.state}`} title={title} data-testid="row-review-state">
      <span className="glyph" aria-hidden>
        {GLYPH[mark.state]}
      </span>
      {/* Screen readers hear the full state ("Needs follow-up"); the pill shows the short word. */}
      <span aria-hidden>{short}</span>
      <span style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' }}>{REVIEW_STATE_LABELS[mark.state]}</span>
    </span>
  );
}
