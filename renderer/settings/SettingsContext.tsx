import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { ResolvedTimeZoneView, Settings, SettingsPatch } from '../../preload/contract';
import { call, subscribe } from '../ipc/client';

interface SettingsContextValue {
  settings: Settings | null;
  /** The time-zone setting as main resolves it (the one time model): every view shows and buckets in it. */
  zone: ResolvedTimeZoneView | null;
  update(patch: SettingsPatch): Promise<void>;
}

const SettingsContext = createContext<SettingsContextValue | null>(null);

/** The user's settings, owned by main; every window sees changes through `settings:changed`. */
export function SettingsProvider({ children }: { children: ReactNode }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [zone, setZone] = useState<ResolvedTimeZoneView | null>(null);
  useEffect(() => {
    // `org` depends on the connection (the zone read at sign-in), so a sign-in re-resolves it too.
    const resolveZone = (): void => void call('settings:time-zone', {}).then(setZone, () => undefined);
    void call('settings:get', {}).then(setSettings);
    resolveZone();
    const offSettings = subscribe('settings:changed', (next) => {
      setSettings(next);
      resolveZone();
    });
    const offStatus = subscribe('auth:status-changed', resolveZone);
    return () => {
      offSettings();
      offStatus();
    };
  }, []);
  const update = useCallback(async (patch: SettingsPatch) => {
    setSettings(await call('settings:update', patch));
    setZone(await call('settings:time-zone', {}));
  }, []);
  return <SettingsContext.Provider value={{ settings, zone, update }}>{children}</SettingsContext.Provider>;
}

export function useSettings(): SettingsContextValue {
  const value = useContext(SettingsContext);
  if (value === null) throw new Error('useSettings outside SettingsProvider');
  return value;
}

/**
 * The zone name views show and bucket times in (main's resolution of the setting). Until main has
 * answered, the machine's zone — the default setting — so nothing waits on it.
 */
export function useTimeZone(): string {
  return useSettings().zone?.zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}
