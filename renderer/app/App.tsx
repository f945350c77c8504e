import { useMemo, useState } from 'react';
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
  const [aboutOpen, setAboutOpen] = useState(false);
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <AppFrame mode={mode} aboutOpen={aboutOpen} onAboutOpenChange={setAboutOpen} />
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
