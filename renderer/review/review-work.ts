import type { ReviewLogAction, ReviewMark, ReviewProgress, ReviewState } from '../../preload/contract';

/** The review state in words (the table's pill, the bar, the confirm, screen readers). */
export const REVIEW_STATE_LABELS: Record<ReviewState, string> = {
  unreviewed: 'Unreviewed',
  reviewed: 'Reviewed',
  follow_up: 'Needs follow-up',
};

/** The states in the order the keys, buttons and menus offer them (the contract's order starts with unreviewed). */
export const MARK_ORDER: readonly ReviewState[] = ['reviewed', 'follow_up', 'unreviewed'];

/** What a key does on the Review screen's table. */
export type ReviewKeyAction = { kind: 'move'; delta: 1 | -1 } | { kind: 'mark'; state: ReviewState };

/** The keyboard map, in the order the hint shows it. One key per state; marking advances to the next row. */
export const REVIEW_KEYS: ReadonlyArray<{ key: string; action: ReviewKeyAction; words: string }> = [
  { key: 'j', action: { kind: 'move', delta: 1 }, words: 'next' },
  { key: 'k', action: { kind: 'move', delta: -1 }, words: 'previous' },
  { key: 'r', action: { kind: 'mark', state: 'reviewed' }, words: 'reviewed' },
  { key: 'f', action: { kind: 'mark', state: 'follow_up' }, words: 'follow-up' },
  { key: 'u', action: { kind: 'mark', state: 'unreviewed' }, words: 'unreviewed' },
];

/** The key that marks a state, for tooltips ("Mark reviewed (r)"). */
export function keyForState(state: ReviewState): string {
  const entry = REVIEW_KEYS.find(({ action }) => action.kind === 'mark' && action.state === state);
  if (entry === undefined) throw new Error(`no key marks ${state}`);
  return entry.key;
}

/** The shortcut hint shown under the table. */
export const REVIEW_SHORTCUT_HINT = `j/k or ↑/↓ move · ${REVIEW_KEYS.filter(({ action }) => action.kind === 'mark')
  .map(({ key, words }) => `${key} ${words}`)
  .join(' · ')} (marks and moves on) · Enter opens the detail · Esc closes it`;

/** The part of a KeyboardEvent the mapping reads (a plain object in tests). */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  repeat?: boolean;
}

/** The action of a key press, or null: with Ctrl/Cmd/Alt held the key belongs to the browser (Ctrl+R reloads). Shift+R is not r. */
export function reviewKeyAction(press: KeyPress): ReviewKeyAction | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  const entry = REVIEW_KEYS.find(({ key }) => key === press.key);
  if (entry === undefined) return null;
  // Holding a mark key down would mark row after row without the person seeing them; moving may repeat.
  if (press.repeat === true && entry.action.kind === 'mark') return null;
  return entry.action;
}

/** The part of an element the typing check reads. */
export interface TargetLike {
  tagName?: string;
  isContentEditable?: boolean;
  getAttribute?: (name: string) => string | null;
  closest?: (selector: string) => unknown;
}

const TYPING_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
const TYPING_ROLES = new Set(['textbox', 'combobox', 'searchbox', 'spinbutton', 'listbox', 'option', 'menu', 'menuitem']);

/**
 * True when the key press belongs to something else: a field being typed in, a list or menu being
 * operated, or any open dialog (its own keys; the table behind it must not change).
 */
export function keyBelongsElsewhere(target: TargetLike | null): boolean {
  if (target === null) return false;
  if (target.tagName !== undefined && TYPING_TAGS.has(target.tagName.toUpperCase())) return true;
  if (target.isContentEditable === true) return true;
  const role = target.getAttribute?.('role') ?? null;
  if (role !== null && TYPING_ROLES.has(role)) return true;
  return target.closest?.('[role="dialog"], [role="alertdialog"], [role="menu"], [role="listbox"]') != null;
}

/** The state a row shows: the optimistic mark if one is pending or confirmed on screen, else what main sent. */
export function shownMark(row: { eventId: string; review: ReviewMark }, overlay: ReadonlyMap<string, ReviewMark>): ReviewMark {
  return overlay.get(row.eventId) ?? row.review;
}

const COUNT_KEY: Record<ReviewState, 'reviewed' | 'followUp' | 'unreviewed'> = { reviewed: 'reviewed', follow_up: 'followUp', unreviewed: 'unreviewed' };

/**
 * The progress after events move from their previous states to `next`, before main answers (the
 * optimistic count). Events already in `next` change nothing; the total never changes.
 */
export function applyMarks(progress: ReviewProgress, previous: readonly ReviewState[], next: ReviewState): ReviewProgress {
  const result = { ...progress };
  for (const state of previous) {
    if (state === next) continue;
    const from = COUNT_KEY[state];
    // Never below zero: a count that would go negative means the rows and the count disagree; main's answer settles it.
    if (result[from] === 0) continue;
    result[from] -= 1;
    result[COUNT_KEY[next]] += 1;
  }
  return result;
}

/** "1,204 of 1,690 reviewed". */
export function progressWords(progress: ReviewProgress, format: (value: number) => string): string {
  return `${format(progress.reviewed)} of ${format(progress.total)} reviewed`;
}

/** "12 need follow-up · 474 unreviewed" (the parts that are not zero), or "all reviewed". */
export function progressDetail(progress: ReviewProgress, format: (value: number) => string): string {
  const parts: string[] = [];
  if (progress.followUp > 0) parts.push(`${format(progress.followUp)} need${progress.followUp === 1 ? 's' : ''} follow-up`);
  if (progress.unreviewed > 0) parts.push(`${format(progress.unreviewed)} unreviewed`);
  if (parts.length === 0) return progress.total === 0 ? 'no events' : 'all reviewed';
  return parts.join(' · ');
}

/** Whole percent reviewed, rounded down (99.9 % is not 100 %). */
export function percentReviewed(progress: ReviewProgress): number {
  return progress.total === 0 ? 0 : Math.floor((progress.reviewed / progress.total) * 100);
}

/** The sum of several scopes' progress (a sign-off over several records). */
export function sumProgress(parts: readonly ReviewProgress[]): ReviewProgress {
  return parts.reduce((sum, part) => ({ total: sum.total + part.total, reviewed: sum.reviewed + part.reviewed, followUp: sum.followUp + part.followUp, unreviewed: sum.unreviewed + part.unreviewed }), {
    total: 0,
    reviewed: 0,
    followUp: 0,
    unreviewed: 0,
  });
}

export const REVIEW_LOG_ACTION_LABELS: Record<ReviewLogAction, string> = {
  state_changed: 'Review state',
  bulk_state_changed: 'Bulk review state',
  note_added: 'Note added',
  note_deleted: 'Note deleted',
  flag_rules_changed: 'Flag rules',
  signed_off: 'Sign-off',
  exported: 'Export',
};
