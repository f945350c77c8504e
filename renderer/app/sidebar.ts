import { useEffect, useState } from 'react';

/** Below this window width the sidebar starts collapsed to icons (unless the person chose otherwise). */
export const SIDEBAR_COLLAPSE_BELOW_PX = 1100;
export const SIDEBAR_STORAGE_KEY = 'timelineAuditor.sidebar';

type Stored = 'collapsed' | 'expanded';

function storedChoice(): Stored | null {
  try {
    const value = window.localStorage.getItem(SIDEBAR_STORAGE_KEY);
    return value === 'collapsed' || value === 'expanded' ? value : null;
  } catch {
    return null; // storage refused (private mode): the width decides
  }
}

function narrow(): boolean {
  return window.innerWidth < SIDEBAR_COLLAPSE_BELOW_PX;
}

/**
 * Whether the sidebar shows icons only. The person's choice is kept in localStorage (per window origin,
 * so across reloads); without one, narrow windows (< 1100 px) get icons so the screen keeps its room,
 * following the window as it is resized.
 */
export function useSidebarCollapsed(): [boolean, () => void] {
  const [choice, setChoice] = useState<Stored | null>(storedChoice);
  const [isNarrow, setNarrow] = useState(narrow);
  useEffect(() => {
    const onResize = (): void => setNarrow(narrow());
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  const collapsed = choice === null ? isNarrow : choice === 'collapsed';
  const toggle = (): void => {
    const next: Stored = collapsed ? 'expanded' : 'collapsed';
    try {
      window.localStorage.setItem(SIDEBAR_STORAGE_KEY, next);
    } catch {
      // Not remembered, but still applied for this session.
    }
    setChoice(next);
  };
  return [collapsed, toggle];
}
