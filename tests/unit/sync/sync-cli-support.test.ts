import { describe, expect, it } from 'vitest';
import { formatDuration, formatRecordLine, formatSyncProgress, formatSyncResult } from '../../../main/cli/commands/sync-cli-support.js';
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
  recordsSkipped: 0,
  eventsWritten: 3400,
  pagesFetched: 130,
  requestsPerSecond: 9.8,
  eventsPerSecond: 300,
  etaMs: 90_000,
  currentConcurrency: 10,
  creditsUsed: 131,
  creditsRemaining: null,
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
      progress: { ...progress, state: 'stopped', recordsSkipped: 880 },
      users: { count: 3 },
      peakConcurrency: 10,
      peakPendingWrites: 4,
      records: [{ module: 'Leads', recordId: '1', status: 'failed', mode: 'full', eventsInserted: 0, pages: 0, freshness: 'failed', error: { code: 'ZOHO_INVALID_DATA', message: 'Zoho says the record id is not valid.' } }],
    });
    expect(text).toContain('Sync stopped: 120/1000 records');
    expect(text).toContain('131 API credits used');
    expect(text).toContain('budget of 131');
    expect(text).toContain('Leads/1: ZOHO_INVALID_DATA');
    expect(text).toContain('Records: 118 complete, 2 failed, 880 skipped (not finished before the run ended; resuming the sync continues them).');
    expect(text).not.toContain('left in the organisation');
  });

  it('shows the credits Zoho says are left, in progress and in the summary', () => {
    const withCredits = { ...progress, creditsRemaining: 48_869 };
    expect(formatSyncProgress(withCredits)).toBe('120/1000 records (2 failed) · 3400 new events · 9.8 requests/s · 10 at once · 48869 API credits left · about 1m 30s left');
    const text = formatSyncResult({ runId: 'r1', state: 'done', progress: { ...withCredits, state: 'done', recordsDone: 998 }, users: null, peakConcurrency: 10, peakPendingWrites: 4, records: [] });
    expect(text).toContain("131 API credits used (Zoho says 48869 are left in the organisation's 24-hour window).");
    expect(text).toContain('Records: 998 complete, 2 failed, 0 skipped.');
  });

  it('never says "cached" for a record that failed or did not finish', () => {
    expect(formatRecordLine({ status: 'done', eventsInserted: 3, error: undefined }, 8)).toBe('8 events cached (3 new)');
    const failed = formatRecordLine({ status: 'failed', eventsInserted: 0, error: { code: 'ZOHO_MALFORMED_RESPONSE', message: 'Zoho’s answer … is not in the expected format at $: an HTML page, not JSON' } }, 0);
    expect(failed).toMatch(/^failed — ZOHO_MALFORMED_RESPONSE: /);
    const skipped = formatRecordLine({ status: 'pending', eventsInserted: 200, error: undefined }, 200);
    expect(skipped).toMatch(/^skipped — /);
    for (const line of [failed, skipped]) expect(line).not.toContain('cached');
  });

  it('tells systemic failures (stop the run) from per-record ones', () => {
    expect(systemicReason(new ZohoApiError('ZOHO_CANNOT_REFRESH', 'x'))?.code).toBe('SYNC_RECONNECT_REQUIRED');
    expect(systemicReason(new ZohoApiError('ZOHO_RATE_LIMITED', 'x'))?.code).toBe('SYNC_RATE_LIMITED');
    expect(systemicReason(new ZohoApiError('ZOHO_NETWORK_ERROR', 'x'))?.code).toBe('SYNC_OFFLINE');
    expect(systemicReason(new AuditorError('AUTH_RECONNECT_REQUIRED', 'x', { hint: 'Sign in again.' }))?.hint).toMatch(/^Sign in again\. Then resume/);
    expect(systemicReason(new ZohoApiError('ZOHO_INVALID_DATA', 'x'))).toBeUndefined();
    expect(systemicReason(new ZohoApiError('ZOHO_SCOPE_MISMATCH', 'x'))).toBeUndefined();
    expect(systemicReason(new ZohoApiError('ZOHO_SERVER_ERROR', 'x'))).toBeUndefined();
    // An unreadable answer fails its record; it says nothing about the network.
    expect(systemicReason(new ZohoApiError('ZOHO_MALFORMED_RESPONSE', 'x'))).toBeUndefined();
  });
});
