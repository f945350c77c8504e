/**
 * What a packet states about its own completeness — what an auditor tests before relying on
 * system-generated evidence ("information produced by the entity"): which records are in scope and
 * whether each one's timeline was fetched whole (coverage), control totals to reconcile the files
 * against, and the query that selected the events.
 *
 * Coverage comes from two places: each record's sync state in the cache (did its last sync read to
 * Zoho's last page and succeed, when, in how many pages) and the events the export actually wrote
 * (how many per record, first and last). An event shown in the timelines of two records in scope
 * (a Note on a Lead, both selected) is written once and counted under the first of them in the
 * scope's order, so the coverage rows add up to the packet's event count.
 */
import { z } from 'zod';
import type { PacketCompletenessView } from '../../preload/contract.js';
import { moduleLabel } from '../../preload/labels.js';
import { AuditorError } from '../core/errors.js';
import type { RecordKey, RecordSyncState } from '../sync/sync-store.js';
import type { ExportStats } from './stats.js';
import type { ExportEvent, ExportRecordRef } from './types.js';

/** Why a record's timeline cannot be called complete, in words an auditor reads. */
export type IncompleteReason = 'never-fetched' | 'fetch-failed' | 'fetch-unfinished' | 'fetch-filtered';

/** A record's sync state as far as completeness is concerned (plain data; crosses the worker boundary). */
export type RecordCompleteness = { complete: true; fetchedAt: number; pages: number | null; syncMode: 'full' | 'incremental' | null } | { complete: false; reason: IncompleteReason; detail: string; fetchedAt: number | null; pages: number | null };

export interface RecordCoverage {
  module: string;
  /** Exactly as Zoho sent it (a decimal string). */
  recordId: string;
  name: string | null;
  /** Events of this record in the packet. */
  events: number;
  /** True only when the record's last sync read every page to `more_records: false` and succeeded. */
  complete: boolean;
  /** ISO 8601 (UTC) time the last complete sync finished; null when there was none. */
  fetchedAt: string | null;
  /** Pages of that sync (of the sync in progress when incomplete); null when not recorded. */
  pages: number | null;
  /** Whether that sync read the whole timeline or only what was new since the previous one. */
  syncMode?: 'full' | 'incremental' | null;
  /** audited_time of the record's first and last event in the packet, exactly as Zoho sent it. */
  firstEvent: string | null;
  lastEvent: string | null;
  /** Present only when not complete. */
  reason?: string;
}

export interface ControlTotals {
  events: number;
  /** Field changes across all events (events.csv has one row per change, and one per event without any). */
  fieldChanges: number;
  /** Events per action / source / user, keys as Zoho sent them ("(none)" for an event without a source). */
  byAction: Record<string, number>;
  bySource: Record<string, number>;
  byUser: Array<{ id: string; name: string; events: number }>;
}

/** Reads a cached record state as completeness. */
export function completenessOf(state: RecordSyncState | undefined): RecordCompleteness {
  if (state === undefined || state.freshness === 'never') {
    return { complete: false, reason: 'never-fetched', detail: 'Its timeline was never fetched from Zoho.', fetchedAt: null, pages: null };
  }
  const cleanlyComplete = (state.freshness === 'fresh' || state.freshness === 'stale') && state.resumePageToken === null && state.lastSyncedAt !== null;
  // A fetch with Zoho's `filters` read to the last page of the *matching* events only.
  if (cleanlyComplete && state.lastSyncFilter !== null) {
    return {
      complete: false,
      reason: 'fetch-filtered',
      detail: `Its last fetch asked Zoho only for the events matching a filter (${state.lastSyncFilter}), so other events of its timeline may be missing. Fetch it again without a filter.`,
      fetchedAt: state.lastSyncedAt,
      pages: state.lastSyncPages,
    };
  }
  if (cleanlyComplete) return { complete: true, fetchedAt: state.lastSyncedAt!, pages: state.lastSyncPages, syncMode: state.lastSyncMode };
  if (state.freshness === 'failed') {
    const why = state.lastError === null ? '.' : ` (${state.lastError.code}): ${state.lastError.message.replace(/\.?$/, '.')}`;
    const kept = state.pagesThisSync === 0 ? 'Nothing of that fetch is cached.' : `Only the ${state.pagesThisSync} ${state.pagesThisSync === 1 ? 'page' : 'pages'} fetched before the failure are cached.`;
    return { complete: false, reason: 'fetch-failed', detail: `Its last fetch failed${why} ${kept}`, fetchedAt: state.lastSyncedAt, pages: state.pagesThisSync };
  }
  return {
    complete: false,
    reason: 'fetch-unfinished',
    detail: `Its last fetch did not reach the last page (${state.pagesThisSync} ${state.pagesThisSync === 1 ? 'page' : 'pages'} fetched); it is running, was cancelled or was interrupted.`,
    fetchedAt: state.lastSyncedAt,
    pages: state.pagesThisSync,
  };
}

/** Counts the events the export writes per record in scope, with the first and last of each. */
export class CoverageCollector {
  readonly #rows = new Map<string, { events: number; first: { ms: number; text: string } | null; last: { ms: number; text: string } | null }>();

  constructor(private readonly records: readonly ExportRecordRef[]) {
    for (const record of records) this.#rows.set(keyOf(record), { events: 0, first: null, last: null });
  }

  add(event: ExportEvent): void {
    const row = this.#rows.get(keyOf(event.owner));
    // An owner outside the scope would be a bug of the cache read: refuse rather than state wrong totals.
    if (row === undefined) throw new Error(`An exported event belongs to ${event.owner.module}/${event.owner.recordId}, which is not in the export's scope.`);
    row.events += 1;
    const text = event.entry.event.audited_time;
    const ms = Date.parse(text);
    if (row.first === null || ms < row.first.ms) row.first = { ms, text };
    if (row.last === null || ms >= row.last.ms) row.last = { ms, text };
  }

  /** One row per record in scope, in the scope's order. */
  finish(states: ReadonlyMap<string, RecordCompleteness>): RecordCoverage[] {
    return this.records.map((record) => {
      const row = this.#rows.get(keyOf(record))!;
      const state = states.get(keyOf(record)) ?? completenessOf(undefined);
      const base = {
        module: record.module,
        recordId: record.recordId,
        name: record.name,
        events: row.events,
        firstEvent: row.first?.text ?? null,
        lastEvent: row.last?.text ?? null,
      };
      return state.complete
        ? { ...base, complete: true, fetchedAt: new Date(state.fetchedAt).toISOString(), pages: state.pages, syncMode: state.syncMode }
        : { ...base, complete: false, fetchedAt: state.fetchedAt === null ? null : new Date(state.fetchedAt).toISOString(), pages: state.pages, reason: state.detail };
    });
  }
}

export function controlTotalsOf(stats: ExportStats): ControlTotals {
  return {
    events: stats.events,
    fieldChanges: stats.fieldChanges,
    byAction: Object.fromEntries(stats.byAction.map((row) => [row.key, row.count])),
    bySource: Object.fromEntries(stats.bySource.map((row) => [row.key, row.count])),
    byUser: stats.byUser.map((row) => ({ id: row.key, name: row.label, events: row.count })),
  };
}

/** "3 of 4 records complete" — the one-line statement for covers, progress and the CLI. */
export function coverageSummary(coverage: readonly RecordCoverage[]): string {
  const complete = coverage.filter((row) => row.complete).length;
  return complete === coverage.length
    ? coverage.length === 1
      ? 'The record was fetched completely.'
      : `All ${coverage.length.toLocaleString('en-US')} records were fetched completely.`
    : `INCOMPLETE: ${(coverage.length - complete).toLocaleString('en-US')} of ${coverage.length.toLocaleString('en-US')} records were not fetched completely (see the coverage table).`;
}

export function recordKeyOf(record: { module: string; recordId: string }): string {
  return keyOf(record);
}

function keyOf(record: { module: string; recordId: string }): string {
  return `${record.module}/${record.recordId}`;
}

/**
 * Refuses an export that would pass off an incomplete timeline as complete, naming the records and
 * why; the person may still export them explicitly (--allow-incomplete, or the app's confirm).
 */
export function refuseIncomplete(records: readonly RecordKey[], completeness: ReadonlyMap<string, RecordCompleteness>): void {
  const incomplete = records.flatMap((key) => {
    const state = completeness.get(recordKeyOf(key));
    return state === undefined || state.complete ? [] : [{ record: recordKeyOf(key), reason: state.reason, detail: state.detail }];
  });
  if (incomplete.length === 0) return;
  const named = incomplete
    .slice(0, 5)
    .map((entry) => `${entry.record} — ${entry.detail}`)
    .join('\n');
  const more = incomplete.length > 5 ? `\n… and ${incomplete.length - 5} more.` : '';
  throw new AuditorError(
    'EXPORT_INCOMPLETE',
    incomplete.length === 1
      ? `A record in this export was not fetched completely, so the export would not show its whole history:\n${named}${more}`
      : `${incomplete.length} records in this export were not fetched completely, so the export would not show their whole history:\n${named}${more}`,
    {
      hint: 'Fetch them again (Records screen, or `timeline-auditor fetch`) and export when they are complete — or export anyway with --allow-incomplete (the app asks you to confirm); the packet then marks them incomplete with the reason.',
      details: { incomplete },
    },
  );
}

const statedSchema = z.object({
  coverage: z.array(z.object({ module: z.string(), recordId: z.string(), events: z.number().int().nonnegative(), complete: z.boolean(), reason: z.string().optional() })),
  controlTotals: z.object({ events: z.number().int().nonnegative(), fieldChanges: z.number().int().nonnegative() }),
  counts: z.object({ events: z.number().int().nonnegative() }),
  case: z.object({ reference: z.string().nullable(), purpose: z.string().nullable(), reviewer: z.string().nullable() }).nullable().optional(),
  query: z.object({ filter: z.object({ kind: z.enum(['none', 'where', 'view']), words: z.string().optional(), viewName: z.string().nullable().optional() }) }),
});

/** What a manifest states about completeness (verify prints it; the app's verification dialog shows it). */
export function statedCompleteness(manifest: unknown): PacketCompletenessView {
  if (typeof manifest !== 'object' || manifest === null || !('coverage' in manifest)) return { kind: 'not-stated' };
  const parsed = statedSchema.safeParse(manifest);
  if (!parsed.success) return { kind: 'unreadable' };
  const stated = parsed.data;
  const rowEvents = stated.coverage.reduce((sum, row) => sum + row.events, 0);
  return {
    kind: 'stated',
    records: stated.coverage.length,
    incomplete: stated.coverage.filter((row) => !row.complete).map((row) => ({ record: `${row.module}/${row.recordId}`, reason: row.reason ?? 'not fetched completely' })),
    events: stated.controlTotals.events,
    fieldChanges: stated.controlTotals.fieldChanges,
    totalsAgree: rowEvents === stated.controlTotals.events && stated.controlTotals.events === stated.counts.events,
    case: stated.case ?? null,
    filter: stated.query.filter.kind === 'none' ? null : (stated.query.filter.words ?? null),
    viewName: stated.query.filter.viewName ?? null,
  };
}

/** "Events/554…" → "Meetings/554…": verify's output names modules in words (preload/labels.ts); the manifest keeps the API name. */
function recordWords(record: string): string {
  const slash = record.indexOf('/');
  return slash <= 0 ? record : `${moduleLabel(record.slice(0, slash))}${record.slice(slash)}`;
}

/** The statement in lines, for verify's output. */
export function completenessLines(stated: PacketCompletenessView): string[] {
  switch (stated.kind) {
    case 'not-stated':
      return ['Completeness: not stated (the packet was made by a version before packets carried a coverage statement).'];
    case 'unreadable':
      return ['Completeness: the statement in the manifest cannot be read — do not rely on the packet being complete.'];
    case 'stated': {
      const number = (value: number): string => value.toLocaleString('en-US');
      const lines = [
        stated.incomplete.length === 0
          ? stated.records === 1
            ? 'Completeness: the record was fetched completely.'
            : `Completeness: all ${number(stated.records)} records were fetched completely.`
          : `Completeness: INCOMPLETE — ${number(stated.incomplete.length)} of ${number(stated.records)} records were not fetched completely:`,
        ...stated.incomplete.slice(0, 20).map((row) => `  ${recordWords(row.record)} — ${row.reason}`),
        ...(stated.incomplete.length > 20 ? [`  … and ${number(stated.incomplete.length - 20)} more (coverage in manifest.json).`] : []),
        `Control totals: ${number(stated.events)} events, ${number(stated.fieldChanges)} field changes${stated.totalsAgree ? '' : ' — THE COVERAGE ROWS, TOTALS AND COUNTS DISAGREE'}.`,
        `Filter: ${stated.filter === null ? 'none (every event of the records)' : `${stated.viewName === null ? '' : `saved view “${stated.viewName}”: `}${stated.filter}`}.`,
      ];
      const exportCase = stated.case;
      if (exportCase !== null) {
        const parts = [
          exportCase.reference === null ? null : `reference ${exportCase.reference}`,
          exportCase.purpose === null ? null : `purpose: ${exportCase.purpose}`,
          exportCase.reviewer === null ? null : `reviewer: ${exportCase.reviewer}`,
        ].filter((part) => part !== null);
        lines.push(`Case: ${parts.join('; ')}.`);
      }
      return lines;
    }
  }
}
