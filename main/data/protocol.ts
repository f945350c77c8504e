/**
 * The data worker's request table: the ONE list of what the main thread may ask the worker
 * (the thread that owns the SQLite write connection, page ingestion, flags and exports) and what
 * each answer is. Same style as preload/contract.ts: a zod schema for the input (checked in the
 * worker, always) and the output type, written once; data-client.ts derives its typed calls and
 * worker-host.ts its handler map from it, so a request added here is a compile error until it is
 * served.
 *
 * This file is imported by the main thread: only zod, types and contract schemas — nothing that
 * loads SQLite, pdfkit or fonts.
 *
 * Adding a request group (e.g. `review.*` once main/review has its ReviewStore): declare its
 * requests in a `const reviewRequests = {...}` below and spread it into `dataRequests`; the compiler
 * then points at worker-host.ts's handler map, the only other place to change.
 */
import { z } from 'zod';
import {
  exportWhereSchema,
  localFilterSchema,
  flagRulesSchema,
  packetSignerSchema,
  recordKeySchema as recordKeyViewSchema,
  reviewPageInputSchema,
  reviewQueryInputSchema,
  reviewStateSchema,
  REVIEW_LOG_ACTIONS,
  type FlagRules,
  type IpcResult,
  type ReviewHeatmaps,
  type ReviewLogChainView,
  type ReviewLogEntryView,
  type ReviewProgress,
  type ReviewProgressOverview,
  type ReviewRow,
  type ReviewSummary,
  type SignOffView,
} from '../../preload/contract.js';
import type { ReviewAnnotationRecord, ReviewEventRecord, ReviewStore } from '../review/review-store.js';
import type { CachedEvent, CacheStats } from '../cache/index.js';
import type { ExportProgress, ReviewerNote } from '../export/types.js';
import type { RecordCompleteness } from '../export/completeness.js';
import type { RecordKey, RecordSyncState, SyncRun, SyncRunRecord } from '../sync/sync-store.js';
import { timelineEventSchema, zohoUserSchema, type JsonObject } from '../zoho/models.js';

// ---- shapes ------------------------------------------------------------------------------------

/** Internal ids as the SyncStore accepts them (no UI limits: the worker must not refuse what the engine stores). */
const recordKeySchema = z.object({ module: z.string().min(1), recordId: z.string().min(1) }).strict();
const recordKeysSchema = z.array(recordKeySchema).max(1_000_000);
const serializedErrorSchema = z.object({ code: z.string(), message: z.string() }).strict();

/** Zoho's object exactly as received: only checked to be an object, never rebuilt (evidence stays verbatim). */
const rawJsonObjectSchema = z.custom<JsonObject>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'expected a JSON object');
// rawText: the event's JSON text with every number as Zoho sent it (the evidence the cache stores).
const timelineEntrySchema = z.object({ event: timelineEventSchema, raw: rawJsonObjectSchema, rawText: z.string().optional() }).strict();

const names = z.array(z.string()).max(10_000).readonly();
/** The cache's EventFilter minus `condition` (a compiled SQL fragment never crosses the port). */
export const eventFilterSchema = z
  .object({
    records: recordKeysSchema.readonly().optional(),
    timelineModules: names.optional(),
    modules: names.optional(),
    userIds: names.optional(),
    sources: names.optional(),
    actions: names.optional(),
    fieldApiNames: names.optional(),
    from: z.number().finite().optional(),
    to: z.number().finite().optional(),
    text: z.string().max(10_000).optional(),
    textIn: z
      .array(z.enum(['recordNames', 'doneByName', 'oldValues', 'newValues']))
      .readonly()
      .optional(),
  })
  .strict();
export type EventFilterInput = z.infer<typeof eventFilterSchema>;

const queryOptionsSchema = z
  .object({
    limit: z.number().int().min(0).max(100_000).optional(),
    offset: z.number().int().min(0).optional(),
    orderBy: z.literal('audited_time').optional(),
    direction: z.enum(['asc', 'desc']).optional(),
    includeRaw: z.boolean().optional(),
  })
  .strict();

const reviewerNoteSchema = z.object({ author: z.string(), text: z.string(), at: z.number() }).strict() satisfies z.ZodType<ReviewerNote>;
/** Flags and notes of events, as plain data (only events that have some). */
export const annotationsSchema = z.array(z.object({ eventId: z.string().min(1), flags: z.array(z.string()), notes: z.array(reviewerNoteSchema) }).strict());
export type AnnotationsInput = z.infer<typeof annotationsSchema>;

/** What exportInputFromCache needs, as plain data; `where` is parsed in the worker (parseWhereFilter). */
const exportJobSchema = z
  .object({
    records: z.array(recordKeySchema).min(1, 'choose at least one record').max(100_000),
    /** What narrowed the events; `where` is parsed and a view compiled in the worker. */
    filter: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('none') }).strict(),
      z.object({ kind: z.literal('where'), where: exportWhereSchema, words: z.string().max(10_000) }).strict(),
      z.object({ kind: z.literal('view'), viewName: z.string().max(80).nullable(), filter: localFilterSchema, words: z.string().max(10_000), timeZone: z.string().min(1).max(64) }).strict(),
    ]),
    case: z
      .object({ reference: z.string().max(120).nullable(), purpose: z.string().max(1000).nullable(), reviewer: z.string().max(200).nullable() })
      .strict()
      .nullable(),
    allowIncomplete: z.boolean(),
    timeZone: z.string().min(1),
    connection: z.object({ dataCentre: z.string().nullable(), orgId: z.string().nullable(), apiDomain: z.string().nullable() }).strict(),
    /** How the zone is named when it is a fallback (e.g. the organisation's zone could not be read). */
    timeZoneLabel: z.string().min(1).optional(),
    generatedBy: z.string(),
    generatedAt: z.number().int(),
    appVersion: z.string(),
    /** Absolute path of the file to write (written as a .partial first; removed on failure or cancel). */
    path: z.string().min(1),
    /** Flags and notes; when absent the worker's own annotation source (review store, if wired) is used. */
    annotations: annotationsSchema.optional(),
  })
  .strict();
export type ExportJobInput = z.infer<typeof exportJobSchema>;

export interface ExportFileResult {
  path: string;
  bytes: number;
  events: number;
}

// ---- declarations ------------------------------------------------------------------------------

/** Declares a request: curried so the output (and progress) types are written and the input inferred. */
function request<Output, Progress = never>() {
  return <Input extends z.ZodType>(input: Input) => ({ input, output: undefined as unknown as Output, progress: undefined as unknown as Progress });
}

const syncRequests = {
  'sync.trackRecords': request<void>()(z.object({ records: z.array(recordKeySchema.extend({ name: z.string().nullable().optional() })).max(1_000_000) }).strict()),
  'sync.recordState': request<RecordSyncState | undefined>()(z.object({ key: recordKeySchema }).strict()),
  'sync.listRecordStates': request<RecordSyncState[]>()(z.object({}).strict()),
  'sync.beginRecordSync': request<void>()(z.object({ key: recordKeySchema, mode: z.enum(['full', 'incremental']), filter: z.string().max(100_000).nullable() }).strict()),
  'sync.writeTimelinePage': request<{ inserted: number }>()(z.object({ key: recordKeySchema, entries: z.array(timelineEntrySchema).max(10_000), nextPageToken: z.string().nullable() }).strict()),
  'sync.completeRecordSync': request<void>()(z.object({ key: recordKeySchema, at: z.number() }).strict()),
  'sync.failRecordSync': request<void>()(z.object({ key: recordKeySchema, error: serializedErrorSchema, at: z.number() }).strict()),
  'sync.clearResumeToken': request<void>()(z.object({ key: recordKeySchema }).strict()),
  'sync.upsertUsers': request<void>()(z.object({ users: z.array(zohoUserSchema).max(1_000_000) }).strict()),
  'sync.createSyncRun': request<SyncRun>()(z.object({ records: recordKeysSchema, options: z.string(), at: z.number() }).strict()),
  'sync.latestUnfinishedSyncRun': request<SyncRun | undefined>()(z.object({}).strict()),
  'sync.syncRunRecords': request<SyncRunRecord[]>()(z.object({ runId: z.string().min(1) }).strict()),
  'sync.markSyncRunRecord': request<void>()(z.object({ runId: z.string().min(1), key: recordKeySchema, status: z.enum(['pending', 'done', 'failed']) }).strict()),
  'sync.finishSyncRun': request<void>()(z.object({ runId: z.string().min(1), status: z.enum(['cancelled', 'done']) }).strict()),
};

/** The cache reads (and the one record-list write) main/records and main/export use. */
const cacheRequests = {
  /** The Records screen's overview in one round trip: every tracked record's state and the cache totals. */
  'cache.overview': request<{ records: RecordSyncState[]; stats: CacheStats }>()(z.object({}).strict()),
  'cache.untrackRecords': request<number>()(z.object({ records: recordKeysSchema }).strict()),
  'cache.queryEvents': request<CachedEvent[]>()(z.object({ filter: eventFilterSchema, options: queryOptionsSchema }).strict()),
  'cache.countEvents': request<number>()(z.object({ filter: eventFilterSchema }).strict()),
  /** Events of these records a Review-screen filter selects (compiled in the worker, in the zone it was read in). */
  'cache.countView': request<number>()(z.object({ records: recordKeysSchema, filter: localFilterSchema, timeZone: z.string().min(1).max(64) }).strict()),
  'cache.getEvent': request<CachedEvent | undefined>()(z.object({ eventId: z.string().min(1) }).strict()),
  'cache.getRawEvent': request<string | undefined>()(z.object({ eventId: z.string().min(1) }).strict()),
  /**
   * PRAGMA quick_check of the whole file (before every packet export): answers how long it took, or
   * fails with CACHE_DAMAGED — and from then on every request does.
   */
  'cache.integrityCheck': request<{ ms: number }>()(z.object({}).strict()),
  /** Zoho's labels for the org's modules (read at each sync), replacing those kept before. */
  'cache.storeModuleLabels': request<void>()(
    z
      .object({
        labels: z.array(z.object({ apiName: z.string().min(1).max(200), moduleName: z.string().max(200).nullable(), singularLabel: z.string().min(1).max(200), pluralLabel: z.string().min(1).max(200) }).strict()).max(10_000),
        at: z.number(),
      })
      .strict(),
  ),
  /** Each module's plural label by API name, as last read from Zoho ({} before). */
  'cache.moduleLabels': request<Record<string, string>>()(z.object({}).strict()),
};

/** Export jobs: long, with progress events and cancellation. */
const exportRequests = {
  /**
   * The records an export covers (those given, or every tracked record when null) and which of them
   * were not fetched completely — worked out here so the main thread never holds every record's state
   * (at 30,000 records that was ~50 MB of its heap during an export).
   */
  /** `records` answered only when asked with null (every tracked record); null when they were given (the caller has them: 30,000 keys are not sent back). */
  'export.scope': request<{ records: RecordKey[] | null; incomplete: Array<RecordKey & { completeness: RecordCompleteness }> }>()(z.object({ records: recordKeysSchema.nullable() }).strict()),
  'export.csv': request<ExportFileResult & { rows: number }, ExportProgress>()(exportJobSchema),
  'export.pdf': request<ExportFileResult & { pages: number }, ExportProgress>()(exportJobSchema),
  /**
   * The signed packet. The private key travels as a PKCS#8 PEM: the key store's cipher (Electron's
   * safeStorage) cannot run in a worker, and the worker is a thread of the same process (docs/data-worker.md).
   */
  // Not the manifest: main needs none of it, and for 30,000 records copying it across threads was the packet's last peak (+44 MB).
  'export.packet': request<ExportFileResult & { packetDigest: string; signerFingerprint: string }, ExportProgress>()(exportJobSchema.extend({ signingKeyPem: z.string().min(1), signer: packetSignerSchema }).strict()),
};

/**
 * main/review's ReviewStore, served on the worker's connection (its SQL runs off the main thread).
 * Query inputs reuse the IPC contract's schemas: what the screen may ask, the worker accepts.
 */
const eventIdInput = z.object({ eventId: z.string().min(1).max(40) }).strict();
/** Who did a reviewer action and when: written into the review log entry. */
const actorSchema = z.object({ actor: z.string().max(400), at: z.number().int() }).strict();
const reviewRequests = {
  'review.page': request<ReviewRow[]>()(reviewPageInputSchema),
  'review.summary': request<ReviewSummary>()(reviewQueryInputSchema),
  'review.heatmaps': request<ReviewHeatmaps>()(reviewQueryInputSchema),
  'review.count': request<number>()(reviewQueryInputSchema),
  'review.facets': request<Awaited<ReturnType<ReviewStore['facets']>>>()(z.object({}).strict()),
  'review.event': request<ReviewEventRecord | null>()(eventIdInput),
  'review.raw': request<string | null>()(eventIdInput),
  'review.recordTimeline': request<Awaited<ReturnType<ReviewStore['recordTimeline']>>>()(z.object({ record: recordKeyViewSchema, limit: z.number().int().min(1).max(1_000_000) }).strict()),
  'review.addNote': request<number | null>()(z.object({ eventId: z.string().min(1).max(40), author: z.string().max(400), text: z.string().min(1).max(5000), tag: z.string().min(1).max(40).nullable(), at: z.number().int() }).strict()),
  'review.deleteNote': request<boolean>()(z.object({ id: z.number().int().min(1), by: actorSchema }).strict()),
  'review.annotations': request<ReviewAnnotationRecord[]>()(z.object({ eventIds: z.array(z.string().min(1)).max(100_000) }).strict()),
  'review.rules': request<FlagRules | null>()(z.object({}).strict()),
  'review.setRules': request<{ flagged: number }>()(z.object({ rules: flagRulesSchema, by: actorSchema.optional() }).strict()),
  'review.recomputeFlags': request<{ flagged: number }>()(z.object({}).strict()),
  'review.ensureFlags': request<{ work: 'current' | 'incremental' | 'full' }>()(z.object({}).strict()),
  'review.mark': request<{ marked: number; progress: ReviewProgress }>()(z.object({ eventIds: z.array(z.string().min(1).max(40)).min(1).max(1000), state: reviewStateSchema, query: reviewQueryInputSchema, ...actorSchema.shape }).strict()),
  'review.markFiltered': request<{ marked: number; progress: ReviewProgress }>()(
    z.object({ ...reviewQueryInputSchema.shape, words: z.string().max(10_000), state: reviewStateSchema, expectedEvents: z.number().int().min(1), ...actorSchema.shape }).strict(),
  ),
  'review.progress': request<ReviewProgress>()(reviewQueryInputSchema),
  'review.progressOverview': request<ReviewProgressOverview>()(z.object({ timeZone: z.string().min(1).max(64), views: z.array(z.object({ name: z.string().min(1).max(80), filter: localFilterSchema }).strict()).max(1000) }).strict()),
  'review.signOff': request<SignOffView>()(
    z
      .object({
        scope: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('view'), name: z.string().min(1).max(80), filter: localFilterSchema, timeZone: z.string().min(1).max(64) }).strict(),
          z.object({ kind: z.literal('records'), records: z.array(recordKeySchema).min(1).max(100_000) }).strict(),
        ]),
        statement: z.string().min(1).max(5000),
        name: z.string().min(1).max(120),
        role: z.string().min(1).max(120),
        unreviewedReason: z.string().min(1).max(5000).nullable(),
        ...actorSchema.shape,
      })
      .strict(),
  ),
  'review.signOffs': request<SignOffView[]>()(z.object({}).strict()),
  /** A rebuild carries the old file's review work over, rows as they were (review-work.ts restoreReviewWork). */
  'review.restoreWork': request<{ marks: number; entries: number; signOffs: number; chain: ReviewLogChainView }>()(
    z
      .object({
        marks: z.array(z.object({ eventId: z.string().min(1), state: z.enum(['reviewed', 'follow_up']), by: z.string(), at: z.number().int() }).strict()).max(50_000_000),
        log: z.array(z.object({ seq: z.number().int().min(1), at: z.number().int(), actor: z.string(), action: z.enum(REVIEW_LOG_ACTIONS), payload: z.string(), previousHash: z.string(), hash: z.string() }).strict()).max(50_000_000),
        logEvents: z.array(z.object({ eventId: z.string().min(1), seq: z.number().int().min(1) }).strict()).max(500_000_000),
        signOffs: z
          .array(
            z
              .object({
                id: z.number().int(),
                log_seq: z.number().int(),
                scope_json: z.string(),
                scope_words: z.string(),
                statement: z.string(),
                unreviewed_reason: z.string().nullable(),
                name: z.string(),
                role: z.string(),
                signed_by: z.string(),
                at: z.number().int(),
                total: z.number().int(),
                reviewed: z.number().int(),
                follow_up: z.number().int(),
                unreviewed: z.number().int(),
              })
              .strict(),
          )
          .max(1_000_000),
      })
      .strict(),
  ),
  'review.log': request<{ entries: ReviewLogEntryView[]; chain: ReviewLogChainView }>()(z.object({ beforeSeq: z.number().int().min(1).nullable(), limit: z.number().int().min(1).max(500) }).strict()),
};

export const dataRequests = {
  ...syncRequests,
  ...cacheRequests,
  ...exportRequests,
  ...reviewRequests,
};

export type DataRequestName = keyof typeof dataRequests;
export type DataRequestInput<N extends DataRequestName> = z.input<(typeof dataRequests)[N]['input']>;
export type ParsedDataRequestInput<N extends DataRequestName> = z.output<(typeof dataRequests)[N]['input']>;
export type DataRequestOutput<N extends DataRequestName> = (typeof dataRequests)[N]['output'];
export type DataRequestProgress<N extends DataRequestName> = (typeof dataRequests)[N]['progress'];

export function isDataRequestName(name: unknown): name is DataRequestName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(dataRequests, name);
}

// ---- messages over the port ---------------------------------------------------------------------

export type ToWorkerMessage =
  | { type: 'request'; id: number; name: string; input: unknown }
  /** The caller's AbortSignal fired: the job's AbortSignal inside the worker is aborted. */
  | { type: 'abort'; id: number }
  /** Shutting down: the worker closes the cache cleanly (its open marker goes) and answers 'closed'. */
  | { type: 'close' };

export type FromWorkerMessage = { type: 'result'; id: number; result: IpcResult<unknown> } | { type: 'progress'; id: number; progress: unknown } | { type: 'closed' };

/** The main-thread end of a data worker (a Worker, or a MessagePort in tests). */
export interface DataWorkerPort {
  postMessage(message: ToWorkerMessage, transfer?: readonly ArrayBuffer[]): void;
  onMessage(listener: (message: FromWorkerMessage) => void): void;
  /** Called once when the worker has stopped without being asked to (exit, uncaught error). */
  onStop(listener: (reason: string) => void): void;
  /** Stops the worker; onStop listeners are not called for a stop asked for here. */
  terminate(): Promise<void>;
  /**
   * Whether the worker keeps the process alive: true while calls are pending, false when idle, so a
   * CLI command ends when its work is done even if nobody called close().
   */
  keepAlive(active: boolean): void;
}

/** The worker-side end: where requests arrive and answers go. */
export interface DataHostPort {
  postMessage(message: FromWorkerMessage, transfer?: readonly ArrayBuffer[]): void;
  onMessage(listener: (message: ToWorkerMessage) => void): void;
}

/** Starts data workers; the composition root picks the implementation (worker thread, or in-process for unit tests). */
export interface WorkerSpawner {
  spawn(options: DataWorkerStart): DataWorkerPort;
}

/** What the worker is told at start (workerData). */
export interface DataWorkerStart {
  /** The TimelineCache file the worker opens (and creates when missing). */
  cacheFile: string;
}
