import { EXPORT_PAGE_SIZE, type EventFilter, type ExportRead, type TimelineCache } from '../cache/index.js';
import { AuditorError } from '../core/errors.js';
import type { RecordKey } from '../sync/sync-store.js';
import { completenessOf, recordKeyOf, refuseIncomplete, type RecordCompleteness } from './completeness.js';
import type { ExportCase, ExportEventSource, ExportFilterStatement, ExportInput, ExportScope, ReviewerNote, StoredExportPage, StoredExportPageSource } from './types.js';
import { exportEventOf, storedEventsOf } from './stored-event.js';

/**
 * Per cache, the first read of the latest export while no pass has taken it yet: an export that is
 * prepared but never run (a failure before its first file) leaves at most this one temporary table,
 * closed when the next export on the cache is prepared.
 */
const unclaimedReads = new WeakMap<TimelineCache, ExportRead>();

/**
 * Flags and notes of one page of events, from the review capability (absent until a reviewer adds
 * some): the events' Zoho ids and, at the same positions, their rows in the cache — review's flags
 * are keyed by the row, so a page is answered without looking each Zoho id up.
 */
export type ReviewAnnotations = (eventIds: readonly string[], eventRowids: readonly number[]) => Map<string, { flags: string[]; notes: ReviewerNote[] }> | Promise<Map<string, { flags: string[]; notes: ReviewerNote[] }>>;

export interface CacheExportRequest {
  records: readonly RecordKey[];
  /** Further narrowing (the Review screen's filter), ANDed with the records. */
  filter?: EventFilter;
  /** The same filter as the reviewer gave it (structured and in words), for the manifest and the cover. */
  filterStatement: ExportFilterStatement;
  case: ExportCase | null;
  /** Export even records whose timelines were not fetched completely (they are marked so in the coverage). */
  allowIncomplete: boolean;
  timeZone: string;
  /** See ExportScope.timeZoneLabel. */
  timeZoneLabel?: string;
  connection: { dataCentre: string | null; orgId: string | null; apiDomain: string | null };
  generatedBy: string;
  generatedAt: number;
  appVersion: string;
  annotations?: ReviewAnnotations;
  /**
   * Review's flags as SQL over each event's row (ExportReadRequest.flagsSql), read with the scope
   * instead of a look-up per page; the flags `annotations` answers are then not used (its notes are).
   */
  flagsSql?: () => string;
  /** Events per cache read (and per annotations batch); EXPORT_PAGE_SIZE by default. Tests move the page boundaries with it. */
  pageSize?: number;
}

/**
 * Each record's completeness and name, from its state. A function of its own so that the states (a
 * large object per record) die here: in exportInputFromCache's scope a closure would keep them, and
 * so 30,000 of them, for as long as the export's passes run.
 */
function recordFactsOf(cache: TimelineCache, records: readonly RecordKey[]): { completeness: Map<string, RecordCompleteness>; names: Array<string | null> } {
  const states = cache.recordStatesOf(records);
  const completeness = new Map<string, RecordCompleteness>();
  const names = new Array<string | null>(records.length);
  records.forEach((key, index) => {
    const state = states[index];
    completeness.set(recordKeyOf(key), completenessOf(state));
    names[index] = state?.name ?? null;
  });
  return { completeness, names };
}

/**
 * The export engine's input from the local cache: the scope, a replayable event source and the users
 * directory. Every pass over the events is one forward read of the cache (TimelineCache.openExportRead:
 * keyset pages with each event's stored object and owner joined in), the reviewer's flags and notes
 * fetched once per page; nothing accumulates, so memory stays flat whatever the scope.
 */
export function exportInputFromCache(cache: TimelineCache, request: CacheExportRequest): ExportInput {
  if (request.records.length === 0) {
    throw new AuditorError('EXPORT_NOTHING_SELECTED', 'No records were chosen for the export.', { hint: 'Choose at least one record.' });
  }
  const { completeness, names } = recordFactsOf(cache, request.records);
  // Checked again here, against the state the events are read in (a fetch may have failed since the service checked).
  if (!request.allowIncomplete) refuseIncomplete(request.records, completeness);
  const read = { records: request.records, ...(request.filter === undefined ? {} : { filter: request.filter }), ...(request.flagsSql === undefined ? {} : { flagsSql: request.flagsSql }) };
  // The first read tells the count and time range, then serves the first pass (working out the
  // scope twice cost ~1.5 s at a million events). Later passes read the cache afresh.
  unclaimedReads.get(cache)?.close();
  const first = cache.openExportRead(read);
  let timeRange: ExportScope['timeRange'];
  try {
    if (first.count === 0) {
      throw new AuditorError('EXPORT_EMPTY', 'Nothing is cached for these records (or nothing matches the filter).', {
        hint: 'Sync the records first (Records screen, or `timeline-auditor fetch`), or widen the filter.',
      });
    }
    timeRange = first.timeRange();
  } catch (error) {
    first.close();
    throw error;
  }
  unclaimedReads.set(cache, first);
  const scope: ExportScope = {
    records: request.records.map((key, index) => ({ module: key.module, recordId: key.recordId, name: names[index] ?? null })),
    filterDescription: request.filterStatement.kind === 'none' ? null : request.filterStatement.words,
    filter: request.filterStatement,
    case: request.case,
    allowIncomplete: request.allowIncomplete,
    timeRange,
    timeZone: request.timeZone,
    ...(request.timeZoneLabel === undefined ? {} : { timeZoneLabel: request.timeZoneLabel }),
    dataCentre: request.connection.dataCentre?.toUpperCase() ?? 'unknown',
    orgId: request.connection.orgId ?? 'unknown',
    apiDomain: request.connection.apiDomain ?? 'unknown',
    generatedBy: request.generatedBy,
    generatedAt: request.generatedAt,
    appVersion: request.appVersion,
  };
  const pageSize = request.pageSize ?? EXPORT_PAGE_SIZE;
  const storedPages: StoredExportPageSource = async function* (options = {}) {
    // The first read if no pass took it (and no later export closed it), else a fresh one — of only
    // the first events when the pass wants no more (the whole first read would do, but costs more).
    let pass = unclaimedReads.get(cache);
    if (pass === first && pass.isOpen && options.limit === undefined) unclaimedReads.delete(cache);
    else pass = cache.openExportRead(options.limit === undefined ? read : { ...read, limit: options.limit });
    try {
      for (const page of pass.pages(pageSize)) {
        const annotations = request.annotations === undefined ? undefined : await request.annotations(page.eventIds, page.eventRowids);
        const readFlags = page.flags;
        const flags = new Array<string[]>(page.eventIds.length);
        const notes = new Array<ReviewerNote[]>(page.eventIds.length);
        for (let index = 0; index < page.eventIds.length; index += 1) {
          const review = annotations?.get(page.eventIds[index] as string);
          flags[index] = readFlags?.[index] ?? review?.flags ?? [];
          notes[index] = review?.notes ?? [];
        }
        const stored: StoredExportPage = { eventIds: page.eventIds, auditedAtMs: page.auditedAtMs, owners: page.owners, ownerIndex: page.ownerIndex, flags, notes, rawJson: page.rawJson, rawJsonEnds: page.rawJsonEnds };
        yield stored;
      }
    } finally {
      pass.close();
    }
  };
  const events: ExportEventSource = async function* (options = {}) {
    for await (const page of storedPages(options)) for (const stored of storedEventsOf(page)) yield exportEventOf(stored);
  };
  return { scope, events, storedPages, users: cache.usersDirectory(), completeness, moduleLabels: cache.moduleLabels() };
}
