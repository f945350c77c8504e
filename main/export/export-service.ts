import { randomUUID } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ExportFormat,
  ExportHistoryEntry,
  ExportProgressView,
  ExportWhere,
  PacketVerificationView,
  RecordKeyView,
  Settings,
  SigningKeyView,
} from '../../preload/contract.js';
import type { TimelineCache } from '../cache/index.js';
import type { Clock } from '../core/clock.js';
import { AuditorError, serializeError } from '../core/errors.js';
import type { EventHub } from '../core/event-hub.js';
import type { KeyValueStore } from '../core/kv-store.js';
import { machineTimeZone, resolveZoneSetting, type OrgTimeZone, type ResolvedTimeZone, type ZoneContext } from '../core/zoned-time.js';
import { exportInputFromCache, type ReviewAnnotations } from './cache-export-source.js';
import { exportCsvFile } from './csv-export.js';
import { writeAuditPacket } from './packet.js';
import { exportPdfFile } from './pdf/report.js';
import type { SigningKeyStore } from './signing-key-store.js';
import type { ExportInput, ExportProgress } from './types.js';
import { verifyPacket } from './verify.js';
import { parseWhereFilter } from './where-filter.js';

const HISTORY_KEY = 'exportHistory';
const HISTORY_LIMIT = 200;

export interface ExportServiceDependencies {
  cache: () => TimelineCache;
  events: EventHub;
  clock: Clock;
  keyStore: SigningKeyStore;
  /** Where files are written (Documents/Timeline Auditor in the app). */
  exportsFolder: string;
  /** The export history lives here (settings store). */
  store: KeyValueStore;
  settings: () => Settings;
  /** The organisation's zone as read at sign-in (for the `org` setting). */
  orgTimeZone: () => OrgTimeZone;
  /** Who is exporting and from which org (the Zoho connection). */
  connection: () => { dataCentre: string | null; orgId: string | null; apiDomain: string | null; user: string };
  appVersion: string;
  /** Shows a file in the system file manager; false where there is none (browser mode). */
  revealInFolder: (path: string) => boolean;
  annotations?: ReviewAnnotations;
}

/** The Exports screen's side in main: one export at a time, progress pushed, a history of what was made. */
export class ExportService {
  #running: { id: string; controller: AbortController; done: Promise<void> } | undefined;

  constructor(private readonly deps: ExportServiceDependencies) {}

  async signingKey(): Promise<SigningKeyView> {
    const key = await this.deps.keyStore.loadOrCreate();
    return { fingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem, exportsFolder: this.deps.exportsFolder };
  }

  history(): ExportHistoryEntry[] {
    const stored = this.deps.store.get(HISTORY_KEY);
    return Array.isArray(stored) ? (stored as ExportHistoryEntry[]) : [];
  }

  start(input: { records: readonly RecordKeyView[]; formats: readonly ExportFormat[]; where?: ExportWhere }): { exportId: string } {
    if (this.#running !== undefined) {
      throw new AuditorError('EXPORT_RUNNING', 'An export is already being written.', { hint: 'Wait for it to finish, or cancel it.' });
    }
    const where = input.where === undefined ? null : parseWhereFilter(input.where);
    const zone = resolveTimeZone(this.deps.settings().timeZone, { org: this.deps.orgTimeZone(), localZone: machineTimeZone() });
    const connection = this.deps.connection();
    const createdAt = this.deps.clock.now();
    // Fails here, before anything runs, when nothing is cached or nothing matches.
    const exportInput = exportInputFromCache(this.deps.cache(), {
      records: input.records,
      ...(where === null ? {} : { filter: where.filter }),
      filterDescription: where?.description ?? null,
      timeZone: zone.zone,
      // A fallback is named in the report and the history, never silent.
      ...(zone.fallbackReason === null ? {} : { timeZoneLabel: zone.label }),
      connection,
      generatedBy: connection.user,
      generatedAt: createdAt,
      appVersion: this.deps.appVersion,
      ...(this.deps.annotations === undefined ? {} : { annotations: this.deps.annotations }),
    });
    const eventsTotal = this.deps.cache().countEvents({ ...where?.filter, records: input.records });
    const id = randomUUID();
    const controller = new AbortController();
    const emit = (progress: Omit<ExportProgressView, 'exportId' | 'eventsTotal'>): void =>
      this.deps.events.emit('export:progress', { exportId: id, eventsTotal, ...progress });
    const done = this.#write(id, exportInput, [...new Set(input.formats)], createdAt, eventsTotal, input.records.length, controller.signal, emit)
      .then(
        (entry) => {
          this.deps.store.set(HISTORY_KEY, [entry, ...this.history()].slice(0, HISTORY_LIMIT));
          emit({ state: 'done', phase: 'done', eventsDone: eventsTotal, entry, error: null });
        },
        (error: unknown) => {
          const cancelled = controller.signal.aborted;
          emit({ state: cancelled ? 'cancelled' : 'failed', phase: 'done', eventsDone: 0, entry: null, error: cancelled ? null : serializeError(error) });
        },
      )
      .finally(() => {
        this.#running = undefined;
      });
    this.#running = { id, controller, done };
    emit({ state: 'running', phase: 'counting', eventsDone: 0, entry: null, error: null });
    return { exportId: id };
  }

  cancel(): { cancelled: boolean } {
    if (this.#running === undefined) return { cancelled: false };
    this.#running.controller.abort(new AuditorError('EXPORT_CANCELLED', 'The export was cancelled.'));
    return { cancelled: true };
  }

  /** Resolves when the running export (if any) has ended. */
  async idle(): Promise<void> {
    await this.#running?.done;
  }

  reveal(exportId: string): { path: string; revealed: boolean } {
    const entry = this.#entry(exportId);
    const path = entry.files[0]!.path;
    return { path, revealed: this.deps.revealInFolder(path) };
  }

  async verify(input: { exportId: string } | { fileName: string; base64: string }): Promise<PacketVerificationView> {
    let packet: string | Uint8Array;
    if ('exportId' in input) {
      const file = this.#entry(input.exportId).files.find((candidate) => candidate.format === 'packet');
      if (file === undefined) throw new AuditorError('EXPORT_NOT_A_PACKET', 'That export has no audit packet to verify.', { hint: 'Verify a .zip audit packet.' });
      packet = file.path;
    } else {
      packet = Buffer.from(input.base64, 'base64');
    }
    const [result, key] = await Promise.all([verifyPacket(packet), this.deps.keyStore.loadOrCreate()]);
    return {
      ok: result.ok,
      signatureOk: result.signatureOk,
      files: result.files.map((file) => ({ name: file.name, ok: file.ok, problem: file.problem ?? null })),
      firstProblem: result.firstProblem,
      signerFingerprint: result.signerFingerprint,
      signedByThisInstallation: result.signerFingerprint === key.fingerprint,
    };
  }

  #entry(exportId: string): ExportHistoryEntry {
    const entry = this.history().find((candidate) => candidate.id === exportId);
    if (entry === undefined || entry.files.length === 0) {
      throw new AuditorError('EXPORT_UNKNOWN', 'That export is not in the history any more.', { hint: 'Make the export again.' });
    }
    return entry;
  }

  async #write(
    id: string,
    input: ExportInput,
    formats: ExportFormat[],
    createdAt: number,
    eventsTotal: number,
    records: number,
    signal: AbortSignal,
    emit: (progress: Omit<ExportProgressView, 'exportId' | 'eventsTotal'>) => void,
  ): Promise<ExportHistoryEntry> {
    mkdirSync(this.deps.exportsFolder, { recursive: true });
    const stem = join(this.deps.exportsFolder, `timeline-audit-${fileStamp(createdAt)}`);
    const onProgress = (progress: ExportProgress): void => emit({ state: 'running', phase: progress.phase, eventsDone: progress.eventsDone, entry: null, error: null });
    const run = { signal, onProgress };
    const files: ExportHistoryEntry['files'] = [];
    let packetDigest: string | null = null;
    let signerFingerprint: string | null = null;
    for (const format of formats) {
      const path = `${stem}.${format === 'packet' ? 'zip' : format}`;
      if (format === 'csv') await exportCsvFile(input, path, run);
      else if (format === 'pdf') await exportPdfFile(input, path, { ...run, packetDigest: null });
      else {
        const result = await writeAuditPacket(input, path, { ...run, keyStore: this.deps.keyStore });
        packetDigest = result.packetDigest;
        signerFingerprint = result.manifest.signing.publicKeyFingerprint;
      }
      files.push({ format, path, bytes: statSync(path).size });
    }
    return { id, createdAt, records, events: eventsTotal, timeZone: input.scope.timeZoneLabel ?? input.scope.timeZone, files, packetDigest, signerFingerprint };
  }
}

/**
 * The one time-zone setting, resolved for the export engine by the one time model (`org` = the
 * organisation's zone read at sign-in; when it could not be read, UTC and a label that says so).
 */
export function resolveTimeZone(setting: Settings['timeZone'], context: ZoneContext): ResolvedTimeZone {
  return resolveZoneSetting(setting, context);
}

function fileStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
