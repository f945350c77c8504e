import { useEffect, useMemo, useState } from 'react';
import { subscribe } from '../ipc/client';
import { CssBaseline, ThemeProvider, useMediaQuery } from '@mui/material';
import { SettingsProvider, useSettings } from '../settings/SettingsContext';
import { AppFrame } from './AppFrame';
import { createAppTheme } from './theme';

function ThemedApp() {
  const { settings } = useSettings();
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)', { noSsr: true });
  const preference = settings?.theme ?? 'system';
  const mode = preference === 'system' ? (prefersDark ? 'dark' : 'light') : preference;
  const theme = useMemo(() => createAppTheme(mode), [mode]);
  const [about, setAbout] = useState<{ open: boolean; licenses: boolean }>({ open: false, licenses: false });
  useEffect(
    () =>
      subscribe('app:menu-command', ({ command }) => {
        if (command === 'settings') window.location.hash = '/settings';
        else setAbout({ open: true, licenses: command === 'licenses' });
      }),
    [],
  );
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <AppFrame mode={mode} about={about} onAboutChange={setAbout} />
    </ThemeProvider>
  );
}

export function App() {
  return (
    <SettingsProvider>
      <ThemedApp />
    </SettingsProvider>
  );
}
