import { useCallback, useEffect, useRef, useState } from 'react';
import type { LocalFilterGroupInput, ReviewMark, ReviewProgress, ReviewRow, ReviewState } from '../../preload/contract';
import { call, IpcCallError } from '../ipc/client';
import { applyMarks, shownMark } from './review-work';

export interface ReviewWork {
  /** "x of y reviewed" for the filter on screen; null until main answered for this filter. */
  progress: ReviewProgress | null;
  /** Marks made on this screen, shown at once over the rows main sent (rows are refetched lazily). */
  overlay: ReadonlyMap<string, ReviewMark>;
  mark: (rows: readonly ReviewRow[], state: ReviewState) => void;
  /** After a bulk mark: main's progress is the truth, and the rows are refetched (the overlay is dropped). */
  settleBulk: (progress: ReviewProgress) => void;
  reloadProgress: () => void;
  problem: string | null;
  clearProblem: () => void;
}

function message(error: unknown): string {
  if (error instanceof IpcCallError) return error.hint === undefined ? error.message : `${error.message} ${error.hint}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The review state of the filter on screen: its progress, and marking that feels instant — the row
 * and the count change before main answers (optimistic), main's answer then settles the count; a
 * refused mark puts the rows and the count back and says why.
 */
export function useReviewWork(filter: LocalFilterGroupInput, timeZone: string): ReviewWork {
  const key = JSON.stringify({ filter, timeZone });
  const [progress, setProgress] = useState<{ key: string; value: ReviewProgress } | null>(null);
  const [overlay, setOverlay] = useState<ReadonlyMap<string, ReviewMark>>(new Map());
  const [problem, setProblem] = useState<string | null>(null);
  const [me, setMe] = useState('you');
  // Refs: keys pressed faster than React renders must each see the previous press's result.
  const overlayRef = useRef(overlay);
  const progressRef = useRef(progress);
  const keyRef = useRef(key);
  keyRef.current = key;
  const marksInFlight = useRef(0);
  const lastMark = useRef(0);

  const showOverlay = (next: ReadonlyMap<string, ReviewMark>): void => {
    overlayRef.current = next;
    setOverlay(next);
  };
  const showProgress = (next: { key: string; value: ReviewProgress } | null): void => {
    progressRef.current = next;
    setProgress(next);
  };

  useEffect(() => {
    void call('auth:status', {}).then(
      (status) => setMe(status.user?.name ?? status.user?.email ?? 'you'),
      () => undefined,
    );
  }, []);

  const generation = useRef(0);
  const loadProgress = useCallback(() => {
    const mine = ++generation.current;
    const marksBefore = lastMark.current;
    const input = JSON.parse(key) as { filter: LocalFilterGroupInput; timeZone: string };
    void call('review:progress', input).then(
      (value) => {
        if (mine !== generation.current) return;
        // An answer that may predate a mark would undo its optimistic count; but no count at all (a new filter) is worse.
        const overtaken = marksInFlight.current > 0 || lastMark.current !== marksBefore;
        const shown = progressRef.current;
        if (!overtaken || shown === null || shown.key !== key) showProgress({ key, value });
      },
      (error: unknown) => mine === generation.current && setProblem(message(error)),
    );
  }, [key]);
  useEffect(loadProgress, [loadProgress]);

  const mark = useCallback(
    (rows: readonly ReviewRow[], state: ReviewState) => {
      if (rows.length === 0) return;
      const startedAt = performance.now();
      const before = rows.map((row) => shownMark(row, overlayRef.current));
      const now: ReviewMark = state === 'unreviewed' ? { state } : { state, by: me, at: Date.now() };
      const next = new Map(overlayRef.current);
      for (const row of rows) next.set(row.eventId, now);
      showOverlay(next);
      const shown = progressRef.current;
      const markedKey = keyRef.current;
      if (shown !== null && shown.key === markedKey)
        showProgress({
          key: markedKey,
          value: applyMarks(
            shown.value,
            before.map((entry) => entry.state),
            state,
          ),
        });
      const mine = ++lastMark.current;
      marksInFlight.current += 1;
      const query = JSON.parse(markedKey) as { filter: LocalFilterGroupInput; timeZone: string };
      call('review:mark', { eventIds: rows.map((row) => row.eventId), state, query })
        .then(
          (answer) => {
            // The newest mark's answer counts everything marked before it; older answers would go back in time.
            if (mine !== lastMark.current || keyRef.current !== markedKey) return;
            showProgress({ key: markedKey, value: answer.progress });
            // For the benchmark (issue 14: counts ≤ 100 ms): from the mark to main's count painted.
            requestAnimationFrame(() => setTimeout(() => performance.measure('review:progress-settled', { start: startedAt, end: performance.now() }), 0));
          },
          (error: unknown) => {
            // Put back what this mark changed, unless a later mark changed the row again.
            const reverted = new Map(overlayRef.current);
            rows.forEach((row, index) => {
              if (reverted.get(row.eventId) !== now) return;
              const previous = before[index]!;
              if (previous === row.review) reverted.delete(row.eventId);
              else reverted.set(row.eventId, previous);
            });
            showOverlay(reverted);
            setProblem(`Not marked: ${message(error)}`);
          },
        )
        .finally(() => {
          marksInFlight.current -= 1;
        })
        .catch(() => undefined);
    },
    [me],
  );

  // A refused mark leaves an optimistic count behind: the problem appearing is the moment to ask again.
  useEffect(() => {
    if (problem !== null && problem.startsWith('Not marked')) loadProgress();
  }, [problem, loadProgress]);

  const settleBulk = useCallback((value: ReviewProgress) => {
    showOverlay(new Map());
    showProgress({ key: keyRef.current, value });
  }, []);

  return {
    progress: progress !== null && progress.key === key ? progress.value : null,
    overlay,
    mark,
    settleBulk,
    reloadProgress: loadProgress,
    problem,
    clearProblem: () => setProblem(null),
  };
}
