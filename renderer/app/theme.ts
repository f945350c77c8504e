import { createTheme, type Theme } from '@mui/material/styles';

/** The app's look: calm, dense enough for long tables, readable in both modes. */
export function createAppTheme(mode: 'light' | 'dark'): Theme {
  return createTheme({
    palette: {
      mode,
      primary: { main: mode === 'light' ? '#1f5fa8' : '#7ab3f0' },
      secondary: { main: mode === 'light' ? '#6b4fbb' : '#b9a4f4' },
      background: mode === 'light' ? { default: '#f5f7fa', paper: '#ffffff' } : { default: '#101418', paper: '#181d23' },
    },
    shape: { borderRadius: 8 },
    typography: {
      fontFamily: '"Segoe UI", "SF Pro Text", -apple-system, system-ui, Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
      h5: { fontWeight: 600 },
      h6: { fontWeight: 600 },
    },
    components: {
      MuiButton: { defaultProps: { disableElevation: true } },
      MuiAppBar: { defaultProps: { elevation: 0 } },
    },
  });
}
