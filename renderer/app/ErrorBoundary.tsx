import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Alert, AlertTitle, Box, Button, Typography } from '@mui/material';
import { IpcCallError } from '../ipc/client';

interface Props {
  children: ReactNode;
  /** Shown in the message so the user knows which part failed. */
  area: string;
}
interface State {
  error: Error | null;
}

/** Catches a render failure in one area, says what happened and offers a way back, instead of a blank window. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`[${this.props.area}]`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (error === null) return this.props.children;
    return (
      <Box sx={{ p: 3 }} role="alert">
        <Alert severity="error" variant="outlined">
          <AlertTitle>The {this.props.area} screen stopped working</AlertTitle>
          <Typography variant="body2" sx={{ mb: 1 }}>
            {error.message}
          </Typography>
          {error instanceof IpcCallError && error.hint !== undefined && (
            <Typography variant="body2" sx={{ mb: 1 }}>
              What to do: {error.hint}
            </Typography>
          )}
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            Your data is safe: nothing was changed. Try again; if it keeps happening, restart the app and report the message above.
          </Typography>
          <Button variant="outlined" color="error" onClick={() => this.setState({ error: null })}>
            Try again
          </Button>
        </Alert>
      </Box>
    );
  }
}
