import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { Box } from '@mui/material';

/** A number kept in localStorage (a pane's width): the screen opens as the person left it. */
export function useStoredNumber(key: string, initial: number): [number, (value: number) => void] {
  const [value, setValue] = useState<number>(() => {
    const stored = Number(globalThis.localStorage?.getItem(key));
    return Number.isFinite(stored) && stored > 0 ? stored : initial;
  });
  const store = useCallback(
    (next: number) => {
      setValue(next);
      try {
        globalThis.localStorage?.setItem(key, String(Math.round(next)));
      } catch {
        // Storage full or denied: the width still applies for this session.
      }
    },
    [key],
  );
  return [value, store];
}

interface Props {
  /** Width of the pane to the handle's right, in px. */
  width: number;
  min: number;
  max: number;
  onChange: (width: number) => void;
  label: string;
}

/**
 * The drag handle between a list and the pane to its right (a WAI-ARIA window splitter): drag it,
 * or focus it and use ←/→ (Shift: larger steps), Home/End for the narrowest/widest.
 */
export function SplitHandle({ width, min, max, onChange, label }: Props) {
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);
  const clamp = (value: number): number => Math.round(Math.max(min, Math.min(max, value)));
  const onPointerDown = (event: PointerEvent<HTMLDivElement>): void => {
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    event.currentTarget.focus();
    drag.current = { startX: event.clientX, startWidth: width };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>): void => {
    if (drag.current === null) return;
    // Dragging left widens the pane on the right.
    onChange(clamp(drag.current.startWidth + (drag.current.startX - event.clientX)));
  };
  const onPointerUp = (event: PointerEvent<HTMLDivElement>): void => {
    drag.current = null;
    if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const step = event.shiftKey ? 96 : 24;
    const next: Record<string, number> = { ArrowLeft: width + step, ArrowRight: width - step, Home: min, End: max };
    const target = next[event.key];
    if (target === undefined) return;
    event.preventDefault();
    onChange(clamp(target));
  };
  return (
    <Box
      role="separator"
      tabIndex={0}
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={Math.round(width)}
      aria-valuemin={min}
      aria-valuemax={max}
      data-testid="split-handle"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
      sx={{
        width: 9,
        flexShrink: 0,
        cursor: 'col-resize',
        touchAction: 'none',
        position: 'relative',
        outline: 'none',
        '&::after': { content: '""', position: 'absolute', top: 0, bottom: 0, left: 4, width: 1, bgcolor: 'divider' },
        '&:hover::after, &:focus-visible::after': { left: 3, width: 3, bgcolor: 'primary.main' },
      }}
    />
  );
}
