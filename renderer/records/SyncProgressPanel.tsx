import { Alert, Box, LinearProgress, Stack, Typography } from '@mui/material';
import type { SyncProgressView } from '../../preload/contract';
import { formatDuration, numberFormat } from './format';

const STATE_LABEL: Record<SyncProgressView['state'], string> = {
  running: 'Syncing',
  done: 'Sync finished',
  cancelled: 'Sync cancelled — it can be resumed',
  stopped: 'Sync stopped',
};

export function SyncProgressPanel({ progress }: { progress: SyncProgressView }) {
  const percent = progress.recordsTotal === 0 ? 100 : Math.round((progress.recordsDone / progress.recordsTotal) * 100);
  return (
    <Box sx={{ mb: 2 }} data-testid="sync-progress" data-state={progress.state}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'baseline', mb: 0.5 }}>
        <Typography variant="subtitle2">{STATE_LABEL[progress.state]}</Typography>
        <Typography variant="body2" color="text.secondary" data-testid="sync-progress-text">
          {numberFormat.format(progress.recordsDone)} of {numberFormat.format(progress.recordsTotal)} records · {numberFormat.format(progress.eventsWritten)} new events
          {progress.recordsFailed > 0 ? ` · ${progress.recordsFailed} failed` : ''}
          {progress.state === 'running' ? ` · ${progress.requestsPerSecond.toFixed(1)} requests/s · ${progress.currentConcurrency} at a time` : ''}
          {progress.state === 'running' && progress.etaMs !== null ? ` · about ${formatDuration(progress.etaMs)} left` : ''}
          {progress.state === 'running' && progress.creditsRemaining !== null ? ` · ${numberFormat.format(progress.creditsRemaining)} API credits left` : ''}
        </Typography>
      </Stack>
      {progress.state !== 'running' && (
        <Typography variant="body2" color="text.secondary" data-testid="sync-summary" sx={{ mb: 0.5 }}>
          {numberFormat.format(progress.recordsDone)} complete · {numberFormat.format(progress.recordsFailed)} failed · {numberFormat.format(progress.recordsSkipped)} skipped
          {progress.recordsSkipped > 0 ? ' (not finished before the sync ended; Resume continues them)' : ''} · {numberFormat.format(progress.creditsUsed)} API credits used
          {progress.creditsRemaining !== null ? ` (Zoho says ${numberFormat.format(progress.creditsRemaining)} are left in the 24-hour window)` : ''}
        </Typography>
      )}
      <LinearProgress variant="determinate" value={percent} aria-label="Sync progress" color={progress.state === 'stopped' || progress.recordsFailed > 0 ? 'warning' : 'primary'} sx={{ height: 8, borderRadius: 4 }} />
      {progress.stoppedReason !== null && (
        <Alert severity="warning" sx={{ mt: 1 }}>
          {progress.stoppedReason}
        </Alert>
      )}
      {progress.errors.length > 0 && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {progress.errors.slice(-3).map((error) => (
            <div key={`${error.record}-${error.code}`}>
              {error.record}: {error.message}
            </div>
          ))}
        </Alert>
      )}
    </Box>
  );
}
