import { describe, expect, it } from 'vitest';
import { formatDuration, formatSyncProgress, formatSyncResult } from '../../../main/cli/commands/sync-cli-support.js';
import type { SyncProgress } from '../../../main/sync/index.js';
import { SyncError, systemicReason } from '../../../main/sync/sync-errors.js';
import { AuditorError } from '../../../main/core/errors.js';
import { ZohoApiError } from '../../../main/zoho/errors.js';

const progress: SyncProgress = {
  runId: 'r1',
  state: 'running',
  recordsTotal: 1000,
  recordsDone: 118,
  recordsFailed: 2,
  eventsWritten: 3400,
  pagesFetched: 130,
  requestsPerSecond: 9.8,
  eventsPerSecond: 300,
  etaMs: 90_000,
  currentConcurrency: 10,
  creditsUsed: 131,
  errors: [],
};

describe('sync CLI text and error classes', () => {
  it('formats progress and results in plain words', () => {
    expect(formatSyncProgress(progress)).toBe('120/1000 records (2 failed) · 3400 new events · 9.8 requests/s · 10 at once · about 1m 30s left');
    expect(formatDuration(7_260_000)).toBe('2h 01m');
    const stopReason = new SyncError('SYNC_CREDIT_BUDGET', 'The sync stopped before exceeding its budget of 131 Zoho API credits (131 used).', { hint: 'Resume it later.' });
    const text = formatSyncResult({
      runId: 'r1',
      state: 'stopped',
      stopReason: { code: stopReason.code, message: stopReason.message, hint: 'Resume it later.' },
      progress: { ...progress, state: 'stopped' },
      users: { count: 3 },
      peakConcurrency: 10,
      peakPendingWrites: 4,
      records: [{ module: 'Leads', recordId: '1', status: 'failed', mode: 'full', eventsInserted: 0, pages: 0, freshness: 'failed', error: { code: 'ZOHO_INVALID_DATA', message: 'Zoho says the record id is not valid.' } }],
    });
    expect(text).toContain('Sync stopped: 120/1000 records');
    expect(text).toContain('131 API credits used');
    expect(text).toContain('budget of 131');
    expect(text).toContain('Leads/1: ZOHO_INVALID_DATA');
  });

  it('tells systemic failures (stop the run) from per-record ones', () => {
    expect(systemicReason(new ZohoApiError('ZOHO_CANNOT_REFRESH', 'x'))?.code).toBe('SYNC_RECONNECT_REQUIRED');
    expect(systemicReason(new ZohoApiError('ZOHO_RATE_LIMITED', 'x'))?.code).toBe('SYNC_RATE_LIMITED');
    expect(systemicReason(new ZohoApiError('ZOHO_NETWORK_ERROR', 'x'))?.code).toBe('SYNC_OFFLINE');
    expect(systemicReason(new AuditorError('AUTH_RECONNECT_REQUIRED', 'x', { hint: 'Sign in again.' }))?.hint).toMatch(/^Sign in again\. Then resume/);
    expect(systemicReason(new ZohoApiError('ZOHO_INVALID_DATA', 'x'))).toBeUndefined();
    expect(systemicReason(new ZohoApiError('ZOHO_SCOPE_MISMATCH', 'x'))).toBeUndefined();
    expect(systemicReason(new ZohoApiError('ZOHO_SERVER_ERROR', 'x'))).toBeUndefined();
  });
});
