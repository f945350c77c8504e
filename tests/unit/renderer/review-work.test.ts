import { describe, expect, it } from 'vitest';
import { REVIEW_STATES, type ReviewMark, type ReviewProgress } from '../../../preload/contract';
import { applyMarks, keyBelongsElsewhere, keyForState, MARK_ORDER, percentReviewed, progressDetail, progressWords, REVIEW_KEYS, REVIEW_SHORTCUT_HINT, reviewKeyAction, shownMark, sumProgress } from '../../../renderer/review/review-work';

const press = (key: string, extra: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; repeat: boolean }> = {}) => ({ key, ctrlKey: false, metaKey: false, altKey: false, ...extra });
const plain = (value: number): string => String(value);

describe('review keys', () => {
  it('maps j/k to moving and r/f/u to the three states', () => {
    expect(reviewKeyAction(press('j'))).toEqual({ kind: 'move', delta: 1 });
    expect(reviewKeyAction(press('k'))).toEqual({ kind: 'move', delta: -1 });
    expect(reviewKeyAction(press('r'))).toEqual({ kind: 'mark', state: 'reviewed' });
    expect(reviewKeyAction(press('f'))).toEqual({ kind: 'mark', state: 'follow_up' });
    expect(reviewKeyAction(press('u'))).toEqual({ kind: 'mark', state: 'unreviewed' });
    expect(reviewKeyAction(press('x'))).toBeNull();
    // Shift+R arrives as "R": not a review key.
    expect(reviewKeyAction(press('R'))).toBeNull();
  });

  it('leaves browser shortcuts alone and does not mark on key repeat', () => {
    expect(reviewKeyAction(press('r', { ctrlKey: true }))).toBeNull();
    expect(reviewKeyAction(press('r', { metaKey: true }))).toBeNull();
    expect(reviewKeyAction(press('f', { altKey: true }))).toBeNull();
    expect(reviewKeyAction(press('r', { repeat: true }))).toBeNull();
    expect(reviewKeyAction(press('j', { repeat: true }))).toEqual({ kind: 'move', delta: 1 });
  });

  it('gives each state its own key, and the hint names every key', () => {
    const keys = [keyForState('reviewed'), keyForState('follow_up'), keyForState('unreviewed')];
    expect(new Set(keys).size).toBe(3);
    expect(new Set(REVIEW_KEYS.map(({ key }) => key)).size).toBe(REVIEW_KEYS.length);
    for (const { key } of REVIEW_KEYS) expect(REVIEW_SHORTCUT_HINT).toContain(key);
  });

  it('does not act while the person types in a field, works a list or menu, or is in a dialog', () => {
    const element = (tagName: string, role: string | null = null, inDialog = false) => ({
      tagName,
      isContentEditable: false,
      getAttribute: (name: string) => (name === 'role' ? role : null),
      closest: (selector: string) => (inDialog && selector.includes('dialog') ? {} : null),
    });
    expect(keyBelongsElsewhere(element('INPUT'))).toBe(true);
    expect(keyBelongsElsewhere(element('textarea'))).toBe(true);
    expect(keyBelongsElsewhere(element('SELECT'))).toBe(true);
    expect(keyBelongsElsewhere({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(keyBelongsElsewhere(element('DIV', 'combobox'))).toBe(true);
    expect(keyBelongsElsewhere(element('LI', 'option'))).toBe(true);
    expect(keyBelongsElsewhere(element('BUTTON', null, true))).toBe(true);
    // The table, a button on the screen and the page itself are where the keys work.
    expect(keyBelongsElsewhere(element('DIV', 'grid'))).toBe(false);
    expect(keyBelongsElsewhere(element('BUTTON'))).toBe(false);
    expect(keyBelongsElsewhere(element('BODY'))).toBe(false);
    expect(keyBelongsElsewhere(null)).toBe(false);
  });
});

describe('optimistic progress', () => {
  const start: ReviewProgress = { total: 10, reviewed: 2, followUp: 1, unreviewed: 7 };

  it('moves each marked event from its previous state to the new one; the total stays', () => {
    expect(applyMarks(start, ['unreviewed'], 'reviewed')).toEqual({ total: 10, reviewed: 3, followUp: 1, unreviewed: 6 });
    expect(applyMarks(start, ['unreviewed', 'follow_up'], 'reviewed')).toEqual({ total: 10, reviewed: 4, followUp: 0, unreviewed: 6 });
    expect(applyMarks(start, ['reviewed'], 'follow_up')).toEqual({ total: 10, reviewed: 1, followUp: 2, unreviewed: 7 });
    expect(applyMarks(start, ['reviewed', 'follow_up'], 'unreviewed')).toEqual({ total: 10, reviewed: 1, followUp: 0, unreviewed: 9 });
  });

  it('changes nothing for events already in the state, and never counts below zero', () => {
    expect(applyMarks(start, ['reviewed', 'reviewed'], 'reviewed')).toEqual(start);
    const none: ReviewProgress = { total: 1, reviewed: 1, followUp: 0, unreviewed: 0 };
    // The rows say two were unreviewed but the count has none: the count is not made up, main's answer settles it.
    expect(applyMarks(none, ['unreviewed', 'unreviewed'], 'reviewed')).toEqual(none);
    const result = applyMarks(start, ['unreviewed', 'unreviewed', 'follow_up'], 'reviewed');
    expect(result.reviewed + result.followUp + result.unreviewed).toBe(result.total);
  });

  it('does not change the progress it was given', () => {
    const copy = { ...start };
    applyMarks(start, ['unreviewed'], 'reviewed');
    expect(start).toEqual(copy);
  });

  it('shows an optimistic mark over the row’s own state until the rows are refetched', () => {
    const row = { eventId: '1', review: { state: 'unreviewed' } as ReviewMark };
    expect(shownMark(row, new Map())).toEqual({ state: 'unreviewed' });
    const mark: ReviewMark = { state: 'follow_up', by: 'Ana', at: 1 };
    expect(shownMark(row, new Map([['1', mark]]))).toBe(mark);
    expect(shownMark(row, new Map([['2', mark]]))).toEqual({ state: 'unreviewed' });
  });

  it('puts progress in words and sums several scopes', () => {
    expect(progressWords(start, plain)).toBe('2 of 10 reviewed');
    expect(progressDetail(start, plain)).toBe('1 needs follow-up · 7 unreviewed');
    expect(progressDetail({ total: 3, reviewed: 3, followUp: 0, unreviewed: 0 }, plain)).toBe('all reviewed');
    expect(progressDetail({ total: 0, reviewed: 0, followUp: 0, unreviewed: 0 }, plain)).toBe('no events');
    expect(percentReviewed({ total: 1000, reviewed: 999, followUp: 0, unreviewed: 1 })).toBe(99);
    expect(percentReviewed({ total: 0, reviewed: 0, followUp: 0, unreviewed: 0 })).toBe(0);
    expect(sumProgress([start, { total: 5, reviewed: 5, followUp: 0, unreviewed: 0 }])).toEqual({ total: 15, reviewed: 7, followUp: 1, unreviewed: 7 });
    expect(sumProgress([])).toEqual({ total: 0, reviewed: 0, followUp: 0, unreviewed: 0 });
  });
});

describe('mark order', () => {
  it('offers every state once, reviewed first', () => {
    expect([...MARK_ORDER].sort()).toEqual([...REVIEW_STATES].sort());
    expect(MARK_ORDER[0]).toBe('reviewed');
  });
});
