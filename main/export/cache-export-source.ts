import type { EventFilter, TimelineCache } from '../cache/index.js';
import { AuditorError } from '../core/errors.js';
import type { RecordKey } from '../sync/sync-store.js';
import { timelineEventSchema, type JsonObject } from '../zoho/models.js';
import { completenessOf, recordKeyOf, refuseIncomplete, type RecordCompleteness } from './completeness.js';
import type { ExportCase, ExportEvent, ExportEventSource, ExportFilterStatement, ExportInput, ExportScope, ReviewerNote } from './types.js';

/** Events are read from the cache in pages of this many, oldest first (a report reads forwards). */
const PAGE_SIZE = 2_000;

/** Flags and notes of events, from the review capability (absent until a reviewer adds some). */
export type ReviewAnnotations = (eventIds: readonly string[]) => Map<string, { flags: string[]; notes: ReviewerNote[] }> | Promise<Map<string, { flags: string[]; notes: ReviewerNote[] }>>;

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
}

/**
 * The export engine's input from the local cache: the scope, a replayable event source (each pass
 * reads the cache again, page by page, so memory stays flat), and the users directory.
 */
export function exportInputFromCache(cache: TimelineCache, request: CacheExportRequest): ExportInput {
  if (request.records.length === 0) {
    throw new AuditorError('EXPORT_NOTHING_SELECTED', 'No records were chosen for the export.', { hint: 'Choose at least one record.' });
  }
  const filter: EventFilter = { ...request.filter, records: request.records };
  const total = cache.countEvents(filter);
  if (total === 0) {
    throw new AuditorError('EXPORT_EMPTY', 'Nothing is cached for these records (or nothing matches the filter).', {
      hint: 'Sync the records first (Records screen, or `timeline-auditor fetch`), or widen the filter.',
    });
  }
  const states = request.records.map((key) => cache.recordState(key));
  const completeness = new Map<string, RecordCompleteness>(request.records.map((key, index) => [recordKeyOf(key), completenessOf(states[index])]));
  // Checked again here, against the state the events are read in (a fetch may have failed since the service checked).
  if (!request.allowIncomplete) refuseIncomplete(request.records, completeness);
  const scope: ExportScope = {
    records: request.records.map((key, index) => ({ module: key.module, recordId: key.recordId, name: states[index]?.name ?? null })),
    filterDescription: request.filterStatement.kind === 'none' ? null : request.filterStatement.words,
    filter: request.filterStatement,
    case: request.case,
    allowIncomplete: request.allowIncomplete,
    timeRange: timeRangeOf(cache, filter),
    timeZone: request.timeZone,
    ...(request.timeZoneLabel === undefined ? {} : { timeZoneLabel: request.timeZoneLabel }),
    dataCentre: request.connection.dataCentre?.toUpperCase() ?? 'unknown',
    orgId: request.connection.orgId ?? 'unknown',
    apiDomain: request.connection.apiDomain ?? 'unknown',
    generatedBy: request.generatedBy,
    generatedAt: request.generatedAt,
    appVersion: request.appVersion,
  };
  const selected = new Set(request.records.map((key) => `${key.module}/${key.recordId}`));
  const events: ExportEventSource = async function* () {
    for (let offset = 0; offset < total; offset += PAGE_SIZE) {
      const page = cache.queryEvents(filter, { limit: PAGE_SIZE, offset, orderBy: 'audited_time', direction: 'asc', includeRaw: true });
      const annotations = await request.annotations?.(page.map((event) => event.eventId));
      for (const cached of page) {
        const raw = JSON.parse(cached.raw ?? 'null') as JsonObject;
        const owner = cache.timelinesOf(cached.eventId).find((key) => selected.has(`${key.module}/${key.recordId}`)) ?? request.records[0]!;
        const review = annotations?.get(cached.eventId);
        const event: ExportEvent = {
          entry: { event: timelineEventSchema.parse(raw), raw },
          owner: { module: owner.module, recordId: owner.recordId },
          flags: review?.flags ?? [],
          notes: review?.notes ?? [],
        };
        yield event;
      }
      if (page.length < PAGE_SIZE) break;
    }
  };
  return { scope, events, users: cache.usersDirectory(), completeness };
}

function timeRangeOf(cache: TimelineCache, filter: EventFilter): { from: number; to: number } | null {
  const [first] = cache.queryEvents(filter, { limit: 1, direction: 'asc' });
  const [last] = cache.queryEvents(filter, { limit: 1, direction: 'desc' });
  return first === undefined || last === undefined ? null : { from: first.auditedAtMs, to: last.auditedAtMs };
}
