import { useEffect, useRef } from 'react';
import type { ReviewState } from '../../preload/contract';
import { keyBelongsElsewhere, reviewKeyAction } from './review-work';

interface Handlers {
  /** Whether the keys act now (the Events tab is shown). */
  enabled: boolean;
  onMove: (delta: 1 | -1) => void;
  /** Marks the selected event and moves on to the next. */
  onMark: (state: ReviewState) => void;
}

/**
 * j/k move, r/f/u mark the selected event and advance (review-work.ts REVIEW_KEYS). Listens on the
 * window so the keys work wherever focus is on the screen, except while typing in a field, operating
 * a menu or list, or inside a dialog.
 */
export function useReviewKeyboard({ enabled, onMove, onMark }: Handlers): void {
  const latest = useRef({ onMove, onMark });
  latest.current = { onMove, onMark };
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.defaultPrevented) return;
      const action = reviewKeyAction(event);
      if (action === null) return;
      if (keyBelongsElsewhere(event.target instanceof HTMLElement ? event.target : null)) return;
      // A modal dialog elsewhere in the page (focus may still be on the body behind it).
      if (document.querySelector('.MuiModal-root:not(.MuiModal-hidden) [role="dialog"]') !== null) return;
      event.preventDefault();
      if (action.kind === 'move') {
        latest.current.onMove(action.delta);
        return;
      }
      latest.current.onMark(action.state);
      // For the benchmark (issue 14: ≤ 50 ms): from the key press to the frame showing the mark and the next row selected.
      const pressedAt = event.timeStamp;
      requestAnimationFrame(() => setTimeout(() => performance.measure('review:mark-advance', { start: pressedAt, end: performance.now() }), 0));
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
