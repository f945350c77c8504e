import { useEffect, useState } from 'react';

export const screens = [
  { id: 'connect', label: 'Connect', description: 'Sign in to Zoho CRM' },
  { id: 'records', label: 'Records', description: 'Choose records and sync their timelines' },
  { id: 'review', label: 'Review', description: 'Read, filter and flag changes' },
  { id: 'exports', label: 'Exports', description: 'CSV, PDF and signed audit packets' },
  { id: 'settings', label: 'Settings', description: 'Appearance and time zone' },
] as const;

export type ScreenId = (typeof screens)[number]['id'];

function screenFromHash(hash: string): ScreenId {
  const id = hash.replace(/^#\/?/, '');
  return screens.find((screen) => screen.id === id)?.id ?? 'connect';
}

/** The current screen, kept in the URL hash so a reload stays where the user was. */
export function useScreen(): [ScreenId, (screen: ScreenId) => void] {
  const [screen, setScreen] = useState<ScreenId>(() => screenFromHash(window.location.hash));
  useEffect(() => {
    const onHashChange = (): void => setScreen(screenFromHash(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  const navigate = (next: ScreenId): void => {
    window.location.hash = `/${next}`;
    setScreen(next);
  };
  return [screen, navigate];
}

/** Goes to another screen from inside one (the frame follows the hash). */
export function goToScreen(screen: ScreenId): void {
  window.location.hash = `/${screen}`;
}
