import type { SyncProgress, SyncRecordOutcome, SyncResult } from '../../sync/sync-engine.js';

/** How a CLI command that syncs into the cache shows progress and results: one human line each. */

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** "120/1000 records (2 failed) · 3400 new events · 9.8 requests/s · 10 at once · about 1m 30s left" */
export function formatSyncProgress(progress: SyncProgress): string {
  const parts = [
    `${progress.recordsDone + progress.recordsFailed}/${progress.recordsTotal} records${progress.recordsFailed > 0 ? ` (${progress.recordsFailed} failed)` : ''}`,
    `${progress.eventsWritten} new events`,
    `${progress.requestsPerSecond} requests/s`,
    `${progress.currentConcurrency} at once`,
  ];
  if (progress.creditsRemaining !== null) parts.push(`${progress.creditsRemaining} API credits left`);
  if (progress.state === 'running' && progress.etaMs !== null && progress.etaMs > 0) parts.push(`about ${formatDuration(progress.etaMs)} left`);
  return parts.join(' · ');
}

/** The closing lines: what happened, why it stopped, and the failed records. */
export function formatSyncResult(result: SyncResult): string {
  const { progress } = result;
  const credits = `${progress.creditsUsed} API credits used${progress.creditsRemaining === null ? '' : ` (Zoho says ${progress.creditsRemaining} are left in the organisation's 24-hour window)`}`;
  const lines = [`Sync ${result.state}: ${formatSyncProgress(progress)}; ${credits}.`, formatRecordCounts(progress)];
  if (result.stopReason !== undefined) {
    lines.push(result.stopReason.message);
    if (result.stopReason.hint !== undefined) lines.push(result.stopReason.hint);
  }
  if (result.state === 'cancelled') lines.push('Resume it later: every page already fetched is kept.');
  for (const record of result.records.filter((outcome) => outcome.status === 'failed')) {
    lines.push(`  ${record.module}/${record.recordId}: ${record.error?.code ?? 'FAILED'} — ${record.error?.message ?? ''}`);
  }
  if (result.users !== null && 'error' in result.users) lines.push(`The users directory could not be fetched: ${result.users.error.message}`);
  return lines.join('\n');
}

/** "Records: 118 complete, 2 failed, 880 skipped (…)" — every record of the run is in exactly one of the three. */
export function formatRecordCounts(progress: Pick<SyncProgress, 'recordsDone' | 'recordsFailed' | 'recordsSkipped'>): string {
  const skipped = progress.recordsSkipped > 0 ? ' (not finished before the run ended; resuming the sync continues them)' : '';
  return `Records: ${progress.recordsDone} complete, ${progress.recordsFailed} failed, ${progress.recordsSkipped} skipped${skipped}.`;
}

/** A record's line after a fetch: never "cached" for a record whose fetch failed or did not finish. */
export function formatRecordLine(record: Pick<SyncRecordOutcome, 'status' | 'eventsInserted' | 'error'>, eventsCached: number): string {
  switch (record.status) {
    case 'done':
      return `${eventsCached} events cached (${record.eventsInserted} new)`;
    case 'failed':
      return `failed — ${record.error === undefined ? 'no reason was recorded' : `${record.error.code}: ${record.error.message}`}`;
    case 'pending':
      return `skipped — not finished before the run ended (${record.eventsInserted} new events kept; resuming the sync continues it)`;
    default: {
      const unreachable: never = record.status;
      return unreachable;
    }
  }
}
