import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import type { Settings, SettingsPatch } from '../../preload/contract';
import { call, subscribe } from '../ipc/client';

interface SettingsContextValue {
  settings: Settings | null;
  update(patch: SettingsPatch): Promise<void>;
}

const SettingsContext = createContext<SettingsContextValue | null>(null);

/** The user's settings, owned by main; every window sees changes through `settings:changed`. */
export function SettingsProvider({ children }: { children: ReactNode }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  useEffect(() => {
    void call('settings:get', {}).then(setSettings);
    return subscribe('settings:changed', setSettings);
  }, []);
  const update = useCallback(async (patch: SettingsPatch) => {
    setSettings(await call('settings:update', patch));
  }, []);
  return <SettingsContext.Provider value={{ settings, update }}>{children}</SettingsContext.Provider>;
}

export function useSettings(): SettingsContextValue {
  const value = useContext(SettingsContext);
  if (value === null) throw new Error('useSettings outside SettingsProvider');
  return value;
}
