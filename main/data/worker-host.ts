/**
 * The worker side of the data worker: owns the TimelineCache (the one SQLite connection that
 * writes) and serves the request table (protocol.ts). Every input is checked with its zod schema;
 * an unknown request, an invalid input and a throwing handler all come back as an error value
 * (code/message/hint, like the IPC contract) — nothing sent over the port can take the worker down.
 *
 * Runs inside a worker thread (data-worker-main.ts) or, for unit tests, on the caller's thread over
 * a MessageChannel (spawners.ts): the same code either way.
 */
import { createPrivateKey } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { buildEventCondition, CacheDamagedError, isSqliteCorruption, TimelineCache } from '../cache/index.js';
import type { EventFilter } from '../cache/index.js';
import { corruptionReason } from '../cache/errors.js';
import { compileReviewFilter } from '../review/local-filter-sql.js';
import { keepFlagsCurrentInBatches, SqliteReviewStore } from '../review/sqlite-review-store.js';
import { AuditorError, serializeError } from '../core/errors.js';
import { exportInputFromCache, type ReviewAnnotations } from '../export/cache-export-source.js';
import type { ExportWriterSpawner } from '../export/export-writer.js';
import { completenessOf, type RecordCompleteness } from '../export/completeness.js';
import type { RecordKey } from '../sync/sync-store.js';
import { signingKeyFromPrivate, type SigningKeyStore } from '../export/signing-key-store.js';
import type { ExportInput } from '../export/types.js';
import { parseWhereFilter } from '../export/where-filter.js';
import {
  dataRequests,
  isDataRequestName,
  type AnnotationsInput,
  type DataHostPort,
  type DataRequestName,
  type DataRequestOutput,
  type DataRequestProgress,
  type EventFilterInput,
  type ExportJobInput,
  type ParsedDataRequestInput,
  type ToWorkerMessage,
} from './protocol.js';
import { makeFolderFor } from '../core/atomic-file.js';

/** What a handler gets besides its input: the job's cancellation and a way to report progress. */
export interface JobContext<Progress> {
  signal: AbortSignal;
  progress: (value: Progress) => void;
}

/** One handler per request in the table; input already validated. */
export type DataHandlers = {
  [N in DataRequestName]: (input: ParsedDataRequestInput<N>, job: JobContext<DataRequestProgress<N>>) => DataRequestOutput<N> | Promise<DataRequestOutput<N>>;
};

export interface DataHostOptions {
  cacheFile: string;
  /** Starts the thread that writes an export's CSV while this one reads the cache (export-writer.ts); absent → this thread writes it too. */
  exportWriter?: ExportWriterSpawner | undefined;
}

export interface DataHost {
  /** Cancels running jobs and closes the cache. */
  close(): void;
}

export function serveDataWorker(port: DataHostPort, options: DataHostOptions): DataHost {
  let cache: TimelineCache | undefined;
  let openFailure: unknown;
  try {
    cache = TimelineCache.open(options.cacheFile);
  } catch (error) {
    // Answered to every request (a cache from a newer version, an unreadable or damaged file): the client shows it.
    openFailure = error;
  }
  /**
   * Set by the first corruption SQLite reports (or the integrity check finds): from then on every
   * request is answered with it — a file damaged in one place is not trusted in another.
   */
  let damaged: CacheDamagedError | undefined;
  const asDamaged = (error: unknown): unknown => {
    if (error instanceof CacheDamagedError) return (damaged ??= error);
    if (!isSqliteCorruption(error)) return error;
    damaged ??= new CacheDamagedError(options.cacheFile, corruptionReason(error), error);
    return damaged;
  };
  const served = cache === undefined ? undefined : dataHandlers(cache, { asDamaged, exportWriter: options.exportWriter });
  const handlers = served?.handlers;
  const jobs = new Map<number, AbortController>();
  let closed = false;

  port.onMessage((message: ToWorkerMessage) => {
    if (message.type === 'abort') {
      jobs.get(message.id)?.abort();
      return;
    }
    if (message.type === 'close') {
      host.close();
      port.postMessage({ type: 'closed' });
      return;
    }
    const controller = new AbortController();
    jobs.set(message.id, controller);
    void answer(message.name, message.input, {
      signal: controller.signal,
      progress: (progress: unknown) => port.postMessage({ type: 'progress', id: message.id, progress }),
    }).then((result) => {
      jobs.delete(message.id);
      port.postMessage({ type: 'result', id: message.id, result }, result.ok ? transferablesOf(result.value) : []);
    });
  });

  async function answer(name: string, rawInput: unknown, job: JobContext<unknown>) {
    if (!isDataRequestName(name)) {
      return { ok: false as const, error: { code: 'DATA_UNKNOWN_REQUEST', message: `The data worker has no request named ${JSON.stringify(name)}.`, hint: 'The app and its data worker are from different builds; reinstall the app.' } };
    }
    const parsed = dataRequests[name].input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return {
        ok: false as const,
        error: {
          code: 'DATA_INVALID_INPUT',
          message: `The data request ${name} was rejected: ${parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'input'}: ${issue.message}`).join('; ')}.`,
          details: { issues: parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })) },
        },
      };
    }
    if (handlers === undefined) return { ok: false as const, error: serializeError(openFailure) };
    if (damaged !== undefined) return { ok: false as const, error: serializeError(damaged) };
    if (closed) return { ok: false as const, error: { code: 'DATA_WORKER_CLOSED', message: 'The data worker was closed.', hint: 'The app or command is shutting down.' } };
    try {
      // The mapped type cannot be narrowed per key; the parse above guarantees the shape.
      const handler = handlers[name] as (input: unknown, job: JobContext<unknown>) => unknown;
      return { ok: true as const, value: await handler(parsed.data, job) };
    } catch (error) {
      return { ok: false as const, error: serializeError(asDamaged(error)) };
    }
  }

  const host: DataHost = {
    close() {
      if (closed) return;
      closed = true;
      for (const controller of jobs.values()) controller.abort();
      try {
        served?.flushFlags(); // the last batch's flags, before the connection goes
      } catch (error) {
        // A damaged file cannot take the last flags; closing it cleanly still matters more.
        if (!isSqliteCorruption(error)) throw error;
      } finally {
        cache?.close();
      }
    },
  };
  return host;
}

/** ArrayBuffers in an answer (at the top or one level down) move to the main thread instead of being copied. */
function transferablesOf(value: unknown): ArrayBuffer[] {
  const found: ArrayBuffer[] = [];
  const visit = (candidate: unknown): void => {
    if (candidate instanceof ArrayBuffer) found.push(candidate);
    else if (ArrayBuffer.isView(candidate) && candidate.buffer instanceof ArrayBuffer && candidate.byteOffset === 0 && candidate.byteLength === candidate.buffer.byteLength) found.push(candidate.buffer);
  };
  visit(value);
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) for (const property of Object.values(value)) visit(property);
  return [...new Set(found)];
}

/** How long flags may trail the pages a sync writes; every review read and export flushes first. */
const FLAGS_BATCH_MS = 250;

function dataHandlers(cache: TimelineCache, deps: { asDamaged: (error: unknown) => unknown; exportWriter: ExportWriterSpawner | undefined }): { handlers: DataHandlers; flushFlags(): void } {
  const { asDamaged } = deps;
  // Flags follow the pages in batches (one set-based pass per ~250 ms of writes, not one per page),
  // so a bulk sync's writer keeps up on two cores; anything that reads flags flushes the batch first.
  // A pass that meets a damaged file marks the host damaged instead of taking the worker down.
  const flags = keepFlagsCurrentInBatches(cache, (pass) => void setTimeout(() => runBatchPass(pass, asDamaged), FLAGS_BATCH_MS).unref());
  const review = new SqliteReviewStore(() => cache);
  // Before anything reads flags: this process's batch, then what another writer left (O(1) when current).
  const current = <T>(read: () => T): T => {
    flags.flush();
    review.ensureFlags();
    return read();
  };
  const reviewNotes: ReviewAnnotations = (eventIds) => review.exportNotes(eventIds);
  const exportInput = (job: ExportJobInput, withReview: boolean): ExportInput => {
    const narrowing = exportNarrowing(job.filter);
    flags.flush();
    review.ensureFlags(); // O(1) when current; catches up what another writer left
    // Flags and notes the job brings as data; else review's flags read with the scope (flagsSql) and its notes per page.
    const annotations = job.annotations !== undefined ? annotationsFromData(job.annotations) : reviewNotes;
    const flagsSql = job.annotations !== undefined ? undefined : () => review.exportFlagsSql();
    makeFolderFor(job.path);
    // The review section (PDF and packet; a CSV's header and values stay as they were) is read once,
    // here: a snapshot of the log and counts this export carries.
    const reviewSection = withReview ? cache.withBoundedMemory(() => review.packetReview(buildEventCondition({ ...narrowing, records: job.records }))) : undefined;
    const input = exportInputFromCache(cache, {
      records: job.records,
      ...(narrowing === undefined ? {} : { filter: narrowing }),
      filterStatement: job.filter,
      case: job.case,
      allowIncomplete: job.allowIncomplete,
      timeZone: job.timeZone,
      ...(job.timeZoneLabel === undefined ? {} : { timeZoneLabel: job.timeZoneLabel }),
      connection: job.connection,
      generatedBy: job.generatedBy,
      generatedAt: job.generatedAt,
      appVersion: job.appVersion,
      ...(annotations === undefined ? {} : { annotations }),
      ...(flagsSql === undefined ? {} : { flagsSql }),
    });
    return reviewSection === undefined ? input : { ...input, review: reviewSection };
  };
  /** Every export file written is a reviewer action: an `exported` entry in the review log. */
  const logExport = (job: ExportJobInput, format: 'csv' | 'pdf' | 'packet', events: number, digests: { packetDigest: string; manifestSha256: string } | null): void =>
    review.logExport({
      actor: job.generatedBy,
      at: job.generatedAt,
      format,
      file: basename(job.path),
      events,
      records: job.records,
      filterWords: job.filter.kind === 'none' ? 'all events' : job.filter.words,
      packetDigest: digests?.packetDigest ?? null,
      manifestSha256: digests?.manifestSha256 ?? null,
    });
  const bytesOf = (path: string): number => statSync(path).size;
  // New evidence goes only into a sound file: the first sync run of a session checks the whole file
  // (PRAGMA quick_check, ~0.3 s per 100k events) unless open() just did after an unclean shutdown.
  let checkedThisSession = cache.openReport.check?.ok === true;
  const integrityCheck = (): { ms: number } => {
    const check = cache.integrityCheck();
    if (!check.ok) throw new CacheDamagedError(cache.filePath ?? ':memory:', `the integrity check found: ${check.problems.slice(0, 3).join('; ')}`);
    checkedThisSession = true;
    return { ms: check.ms };
  };

  const handlers: DataHandlers = {
    'sync.trackRecords': ({ records }) => cache.trackRecords(records),
    'sync.recordState': ({ key }) => cache.recordState(key),
    'sync.listRecordStates': () => cache.listRecordStates(),
    'sync.beginRecordSync': ({ key, mode, filter }) => cache.beginRecordSync(key, mode, filter),
    'sync.writeTimelinePage': ({ key, entries, nextPageToken }) => cache.writeTimelinePage(key, entries, nextPageToken),
    'sync.completeRecordSync': ({ key, at }) => cache.completeRecordSync(key, at),
    'sync.failRecordSync': ({ key, error, at }) => cache.failRecordSync(key, error, at),
    'sync.clearResumeToken': ({ key }) => cache.clearResumeToken(key),
    'sync.upsertUsers': ({ users }) => cache.upsertUsers(users),
    'sync.createSyncRun': ({ records, options: runOptions, at }) => {
      if (!checkedThisSession) integrityCheck();
      return cache.createSyncRun(records, runOptions, at);
    },
    'sync.latestUnfinishedSyncRun': () => cache.latestUnfinishedSyncRun(),
    'sync.syncRunRecords': ({ runId }) => cache.syncRunRecords(runId),
    'sync.markSyncRunRecord': ({ runId, key, status }) => cache.markSyncRunRecord(runId, key, status),
    'sync.finishSyncRun': ({ runId, status }) => cache.finishSyncRun(runId, status),

    'cache.overview': () => ({ records: cache.listRecordStates(), stats: cache.stats() }),
    'cache.untrackRecords': ({ records }) => cache.untrackRecords(records),
    'cache.queryEvents': ({ filter, options: queryOptions }) => cache.queryEvents(eventFilter(filter), queryOptions),
    'cache.countEvents': ({ filter }) => cache.countEventsOnce(eventFilter(filter)),
    'cache.countView': ({ records, filter, timeZone }) => current(() => cache.countEventsOnce({ records, condition: compileReviewFilter(filter, timeZone) })),
    'cache.getEvent': ({ eventId }) => cache.getEvent(eventId),
    'cache.getRawEvent': ({ eventId }) => cache.getRawEvent(eventId),
    'cache.integrityCheck': () => integrityCheck(),
    'cache.storeModuleLabels': ({ labels, at }) => cache.storeModuleLabels(labels, at),
    'cache.moduleLabels': () => cache.moduleLabels(),

    'review.page': (query) => current(() => review.page(query)),
    'review.summary': (query) => current(() => review.summary(query)),
    'review.heatmaps': (query) => current(() => review.heatmaps(query)),
    'review.count': (query) => current(() => review.count(query)),
    'review.facets': () => current(() => review.facets()),
    'review.event': ({ eventId }) => current(() => review.event(eventId)),
    'review.raw': ({ eventId }) => review.raw(eventId),
    'review.recordTimeline': ({ record, limit }) => review.recordTimeline(record, limit),
    'review.addNote': (note) => review.addNote(note),
    'review.deleteNote': ({ id, by }) => review.deleteNote(id, by),
    'review.annotations': ({ eventIds }) => current(() => review.annotations(eventIds)),
    'review.rules': () => review.rules(),
    'review.setRules': ({ rules, by }) => current(() => review.setRules(rules, by)),
    'review.recomputeFlags': () => current(() => review.recomputeFlags()),
    'review.ensureFlags': () => {
      flags.flush();
      return review.ensureFlags();
    },
    'review.mark': (input) => review.mark(input),
    'review.markFiltered': (input) => review.markFiltered(input),
    'review.progress': (query) => review.progress(query),
    'review.progressOverview': (input) => review.progressOverview(input),
    'review.signOff': (input) => review.signOff(input),
    'review.signOffs': () => review.signOffs(),
    'review.log': (input) => review.log(input),
    'review.restoreWork': (work) => review.restoreWork(work),

    'export.scope': ({ records }) => {
      const states = records === null ? cache.listRecordStates() : cache.recordStatesOf(records);
      const keys = records ?? states.map((state) => ({ module: state!.module, recordId: state!.recordId }));
      const incomplete: Array<RecordKey & { completeness: RecordCompleteness }> = [];
      keys.forEach((key, index) => {
        const completeness = completenessOf(states[index]);
        if (!completeness.complete) incomplete.push({ module: key.module, recordId: key.recordId, completeness });
      });
      return { records: records === null ? keys : null, incomplete };
    },
    'export.csv': async (job, { signal, progress }) => {
      // The writers (pdfkit and its fonts above all) load on the first export, not when a sync starts the worker.
      const input = exportInput(job, false);
      let result;
      if (deps.exportWriter !== undefined && input.storedPages !== undefined) {
        const { exportCsvFileOnWriter } = await import('../export/export-writer.js');
        result = await exportCsvFileOnWriter(deps.exportWriter, { scope: input.scope, storedPages: input.storedPages, users: input.users }, job.path, { signal, onProgress: progress });
      } else {
        const { exportCsvFile } = await import('../export/csv-export.js');
        result = await exportCsvFile(input, job.path, { signal, onProgress: progress });
      }
      logExport(job, 'csv', result.events, null);
      return { path: job.path, bytes: bytesOf(job.path), events: result.events, rows: result.rows };
    },
    'export.pdf': async (job, { signal, progress }) => {
      const { exportPdfFile } = await import('../export/pdf/report.js');
      const result = await exportPdfFile(exportInput(job, true), job.path, { signal, onProgress: progress, packetDigest: null });
      logExport(job, 'pdf', result.events, null);
      return { path: job.path, bytes: bytesOf(job.path), events: result.events, pages: result.pages };
    },
    'export.packet': async (job, { signal, progress }) => {
      const keyStore = signingKeyFromPem(job.signingKeyPem);
      const { writeAuditPacket } = await import('../export/packet.js');
      const result = await writeAuditPacket(exportInput(job, true), job.path, { signal, onProgress: progress, keyStore, signer: job.signer });
      logExport(job, 'packet', result.manifest.counts.events, { packetDigest: result.packetDigest, manifestSha256: result.manifestSha256 });
      return {
        path: job.path,
        bytes: result.bytes,
        events: result.manifest.counts.events,
        packetDigest: result.packetDigest,
        signerFingerprint: result.manifest.signing.publicKeyFingerprint,
      };
    },
  };
  return { handlers, flushFlags: () => flags.flush() };
}

/** The cache filter for an export's narrowing: --where parsed, or the Review screen's filter compiled (its day/hour conditions in its zone). */
function exportNarrowing(statement: ExportJobInput['filter']): EventFilter | undefined {
  switch (statement.kind) {
    case 'none':
      return undefined;
    case 'where':
      return parseWhereFilter(statement.where).filter;
    case 'view':
      return { condition: compileReviewFilter(statement.filter, statement.timeZone) };
  }
}

function runBatchPass(pass: () => void, asDamaged: (error: unknown) => unknown): void {
  try {
    pass();
  } catch (error) {
    if (asDamaged(error) === error) throw error;
  }
}

/** zod's output has `T | undefined` optional properties; the cache's filter wants them absent. */
function eventFilter(filter: EventFilterInput): Parameters<TimelineCache['countEvents']>[0] {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
}

function annotationsFromData(list: AnnotationsInput): ReviewAnnotations {
  const byEvent = new Map(list.map((entry) => [entry.eventId, { flags: entry.flags, notes: entry.notes }]));
  return (eventIds) => {
    const found = new Map<string, { flags: string[]; notes: AnnotationsInput[number]['notes'] }>();
    for (const eventId of eventIds) {
      const entry = byEvent.get(eventId);
      if (entry !== undefined) found.set(eventId, entry);
    }
    return found;
  };
}

function signingKeyFromPem(pem: string): SigningKeyStore {
  let key: ReturnType<typeof signingKeyFromPrivate>;
  try {
    key = signingKeyFromPrivate(createPrivateKey(pem));
  } catch (error) {
    if (error instanceof AuditorError) throw error;
    throw new AuditorError('SIGNING_KEY_INVALID', 'The packet signing key handed to the data worker is not a private key.', { hint: 'This is a bug in Timeline Auditor; please report it.', cause: error });
  }
  return { loadOrCreate: () => Promise.resolve(key) };
}
