import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { listModuleRecords, parseRecordRef, parseRecordsFile } from '../../sync/record-input.js';
import type { SyncProgress, SyncRecordInput, SyncResult } from '../../sync/sync-engine.js';
import { SyncError } from '../../sync/sync-errors.js';
import type { ZohoClient } from '../../zoho/client.js';

/**
 * Helpers for a CLI command that syncs into the cache (the lead wires them into `fetch`): turning flags
 * into records, and progress into one human line.
 */

export interface SyncCliInput {
  /** Positional Module/RecordId arguments. */
  refs: readonly string[];
  /** --file: a CSV (by .csv name) or a list, one Module/RecordId per line. */
  file?: string;
  /** --default-module: for bare ids in the file. */
  defaultModule?: string;
  /** --module: every record of this module (optionally --modified-from/--modified-to). */
  module?: string;
  modifiedFrom?: string;
  modifiedTo?: string;
  signal?: AbortSignal;
}

export async function resolveSyncRecords(input: SyncCliInput, client: ZohoClient, readText: (path: string) => string = (path) => readFileSync(path, 'utf8')): Promise<SyncRecordInput[]> {
  const records = new Map<string, SyncRecordInput>();
  const add = (list: readonly SyncRecordInput[]): void => {
    for (const record of list) records.set(`${record.module}/${record.recordId}`, record);
  };
  add(input.refs.map(parseRecordRef));
  if (input.file !== undefined) {
    let text: string;
    try {
      text = readText(input.file);
    } catch (error) {
      throw new SyncError('SYNC_INPUT_INVALID', `The file ${input.file} cannot be read (${error instanceof Error ? error.message : String(error)}).`, { hint: 'Check the path and that the file is readable.' });
    }
    add(parseRecordsFile(text, basename(input.file), input.defaultModule === undefined ? {} : { defaultModule: input.defaultModule }));
  }
  if (input.module !== undefined) {
    add(
      await listModuleRecords(client, input.module, {
        ...(input.modifiedFrom === undefined ? {} : { modifiedFrom: input.modifiedFrom }),
        ...(input.modifiedTo === undefined ? {} : { modifiedTo: input.modifiedTo }),
        ...(input.signal === undefined ? {} : { signal: input.signal }),
      }),
    );
  } else if (input.modifiedFrom !== undefined || input.modifiedTo !== undefined) {
    throw new SyncError('SYNC_INPUT_INVALID', 'A modification window needs a module.', { hint: 'Add --module, e.g. --module Leads --modified-from 2024-03-01T00:00:00+00:00.' });
  }
  if (records.size === 0) throw new SyncError('SYNC_INPUT_INVALID', 'No records to sync.', { hint: 'Give Module/RecordId arguments, --file, or --module.' });
  return [...records.values()];
}

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
  if (progress.state === 'running' && progress.etaMs !== null && progress.etaMs > 0) parts.push(`about ${formatDuration(progress.etaMs)} left`);
  return parts.join(' · ');
}

/** The closing lines: what happened, why it stopped, and the failed records. */
export function formatSyncResult(result: SyncResult): string {
  const { progress } = result;
  const lines = [`Sync ${result.state}: ${formatSyncProgress(progress)}; ${progress.creditsUsed} API credits used.`];
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
