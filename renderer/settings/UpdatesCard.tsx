import { useEffect, useState } from 'react';
import { Alert, Box, Button, Card, CardContent, FormLabel, LinearProgress, Typography } from '@mui/material';
import type { UpdateStatusView } from '../../preload/contract';
import { call, subscribe } from '../ipc/client';

function megabytes(bytes: number | null): string {
  return bytes === null ? 'size not stated' : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One sentence per state; the switch is exhaustive so a new state must be described here. */
function describe(status: UpdateStatusView): string {
  switch (status.state) {
    case 'not-configured':
      return 'This build of Timeline Auditor does not update itself; your IT department or the download page provides new versions.';
    case 'disabled-by-policy':
      return 'Updates are disabled by your administrator.';
    case 'idle':
      return status.lastCheckedAt === null ? 'Not checked yet.' : `Up to date (checked ${new Date(status.lastCheckedAt).toLocaleString()}).`;
    case 'checking':
      return 'Checking for updates…';
    case 'available':
      return `Version ${status.version} is available (${megabytes(status.sizeBytes)}).`;
    case 'awaiting-consent':
      return status.connection === 'metered'
        ? `Version ${status.version} is available (${megabytes(status.sizeBytes)}). This connection is metered, so it is downloaded only when you say so.`
        : `Version ${status.version} is available (${megabytes(status.sizeBytes)}). Whether this connection is metered is not known, so it is downloaded only when you say so.`;
    case 'downloading':
      return `Downloading version ${status.version}: ${status.percent}%`;
    case 'downloaded':
      return `Version ${status.version} is downloaded and verified; it installs when you quit Timeline Auditor.`;
    case 'error':
      return status.message;
    default: {
      const unhandled: never = status;
      return unhandled;
    }
  }
}

/** Settings' "Updates" card: the update state, Check now, the download consent, Install and restart. */
export function UpdatesCard() {
  const [status, setStatus] = useState<UpdateStatusView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    void call('updates:status', {}).then(setStatus, (reason: unknown) => setFailure(reason instanceof Error ? reason.message : String(reason)));
    return subscribe('updates:status-changed', setStatus);
  }, []);
  if (status === null && failure === null) return null;

  const act = (channel: 'updates:check' | 'updates:download' | 'updates:install'): void => {
    setFailure(null);
    call(channel, {}).then(setStatus, (reason: unknown) => setFailure(reason instanceof Error ? reason.message : String(reason)));
  };
  const state = status?.state;
  const busy = state === 'checking' || state === 'downloading';
  const canCheck = state === 'idle' || state === 'error' || state === 'awaiting-consent' || state === 'available';

  return (
    <Card variant="outlined" sx={{ mt: 2 }} data-testid="updates-card">
      <CardContent>
        <FormLabel component="div" id="updates-label">
          Updates
        </FormLabel>
        {status !== null && (
          <Alert severity={state === 'error' ? 'error' : state === 'disabled-by-policy' ? 'info' : state === 'awaiting-consent' || state === 'downloaded' ? 'success' : 'info'} sx={{ mt: 1 }} role="status" aria-labelledby="updates-label">
            {describe(status)}
          </Alert>
        )}
        {status?.state === 'downloading' && <LinearProgress variant="determinate" value={status.percent} sx={{ mt: 1 }} aria-label="Download progress" />}
        {failure !== null && (
          <Alert severity="error" sx={{ mt: 1 }}>
            {failure}
          </Alert>
        )}
        <Box sx={{ display: 'flex', gap: 1, mt: 1.5, flexWrap: 'wrap' }}>
          {canCheck && (
            <Button variant="outlined" onClick={() => act('updates:check')} disabled={busy}>
              Check now
            </Button>
          )}
          {status?.state === 'awaiting-consent' && (
            <Button variant="contained" onClick={() => act('updates:download')}>
              Download {megabytes(status.sizeBytes)}
            </Button>
          )}
          {status?.state === 'downloaded' && (
            <Button variant="contained" onClick={() => act('updates:install')}>
              Install and restart
            </Button>
          )}
        </Box>
        {state === 'awaiting-consent' && (
          <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
            Downloads start by themselves only on a connection Windows reports as unmetered.
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}
