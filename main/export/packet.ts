/**
 * The signed audit packet (.zip): report.pdf, events.csv, events.json, users.json, manifest.json and
 * manifest.sig.
 *
 * Order of work (the PDF is written before the manifest, yet its footer names the packet):
 *   1. one pass over the events writes events.csv and events.json and collects the report statistics;
 *   2. users.json;
 *   3. the packet digest = SHA-256 of events.json ‖ events.csv ‖ users.json (bytes joined in that order,
 *      i.e. `cat events.json events.csv users.json | sha256sum`) — the evidence the report is about;
 *   4. report.pdf, every page footer carrying that digest;
 *   5. manifest.json: every file's SHA-256 and size, the digest, scope, generator, time, public key;
 *   6. manifest.sig: base64 Ed25519 signature over the exact bytes of manifest.json.
 */
import { createHash, sign } from 'node:crypto';
import { finished } from 'node:stream/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { PacketSignerView } from '../../preload/contract.js';
import { APP_NAME, PRODUCT_NAME } from '../core/app-info.js';
import { writeAtomically } from '../core/atomic-file.js';
import { iterateEvents, writeEventsCsv, type CsvResult } from './csv-export.js';
import { EventsJsonWriter } from './events-json.js';
import { writePdfReport } from './pdf/report.js';
import type { SigningKeyStore } from './signing-key-store.js';
import type { PacketReview } from '../review/review-work.js';
import { StatsCollector, type ExportStats } from './stats.js';
import { controlTotalsOf, CoverageCollector, type ControlTotals, type RecordCoverage } from './completeness.js';
import type { ExportCase, ExportEvent, ExportFilterStatement, ExportInput, ExportRunOptions, ExportScope } from './types.js';
import { throwIfAborted } from './values.js';
import { drained } from '../core/drained.js';
import { prettyJsonBytes } from '../core/pretty-json.js';

export const MANIFEST_FORMAT = 'timeline-auditor.packet-manifest/1';
export const MANIFEST_NAME = 'manifest.json';
export const SIGNATURE_NAME = 'manifest.sig';
/** The files the packet digest covers, in the order their bytes are joined. */
export const DIGEST_FILES = ['events.json', 'events.csv', 'users.json'] as const;
/** The files every packet holds besides the manifest and its signature, in manifest order. */
export const PACKET_FILES = ['report.pdf', 'events.csv', 'events.json', 'users.json'] as const;

export interface PacketFileEntry {
  name: string;
  sha256: string;
  size: number;
}

/** The query that selected the packet's events, restated for an auditor who re-runs it. */
export interface PacketQuery {
  records: Array<{ module: string; recordId: string }>;
  /** The filter as given (structured) and in words; `kind: 'none'` = every event of the records. */
  filter: ExportFilterStatement;
  /** First and last event time in the packet (ISO 8601, UTC); null when empty. */
  timeRange: { from: string; to: string } | null;
  /** Every time in the report and the CSV is shown in this zone. */
  timeZone: string;
}

export interface PacketManifest {
  format: string;
  generator: { name: string; productName: string; version: string };
  createdAt: string;
  scope: ExportScope;
  /** Case reference, purpose and reviewer as the person exporting gave them; null when none. */
  case: ExportCase | null;
  query: PacketQuery;
  /** One row per record in scope: how much of it the packet holds and whether its timeline was fetched whole. */
  coverage: RecordCoverage[];
  /** Totals to reconcile events.csv / events.json against. */
  controlTotals: ControlTotals;
  counts: { events: number; csvRows: number; reportPages: number; users: number };
  packetDigest: { algorithm: 'sha256'; covers: string[]; value: string; howToCheck: string };
  files: PacketFileEntry[];
  signing: { algorithm: 'Ed25519'; publicKeyPem: string; publicKeyFingerprint: string; fingerprintOf: string; signatureFile: string; signer: PacketSigner };
  /**
   * Review work (issue 14), when the export read it: the exported events' review counts, the
   * sign-offs covering them, and the review log up to its head — every entry's seq, at, actor,
   * action, payload digest, previous hash and hash (so verify recomputes the whole chain), the
   * payload itself for entries about these events and for every sign-off, rule change and export.
   */
  review?: PacketReview;
}

/**
 * Who signed, as the signing installation knew it: the Zoho user of the connection, the
 * organisation, and the installation (its stable id from signing-identity.json, and the host name).
 * Verify prints it; it is as trustworthy as the key that signed it — no more.
 */
export type PacketSigner = PacketSignerView;

export interface PacketOptions extends ExportRunOptions {
  keyStore: SigningKeyStore;
  signer: PacketSigner;
  /** Where intermediate files go (default: the OS temp directory). */
  tempDirectory?: string;
}

export interface PacketResult {
  path: string;
  manifest: PacketManifest;
  /** SHA-256 of manifest.json's exact bytes (what the review log's export entry records). */
  manifestSha256: string;
  packetDigest: string;
  bytes: number;
}

async function sha256OfFiles(paths: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function writeAuditPacket(input: ExportInput, destinationPath: string, options: PacketOptions): Promise<PacketResult> {
  const signal = options.signal;
  const key = await options.keyStore.loadOrCreate();
  const work = await mkdtemp(join(options.tempDirectory ?? tmpdir(), 'timeline-auditor-packet-'));
  const path = (name: string): string => join(work, name);
  try {
    // 1. events.csv + events.json + statistics in one pass.
    const { csv, statistics, completeness } = await writeEventFiles(input, path, options);
    // 2. users.json
    await writeFile(path('users.json'), `${JSON.stringify(input.users, null, 2)}\n`);
    throwIfAborted(signal);
    // 3. packet digest
    const packetDigest = await sha256OfFiles(DIGEST_FILES.map(path));
    // 4. report.pdf
    const report = await writePdfReport(input, createWriteStream(path('report.pdf')), {
      ...options,
      packetDigest,
      stats: statistics,
      completeness,
      productName: PRODUCT_NAME,
    });
    throwIfAborted(signal);
    // 5. manifest
    options.onProgress?.({ eventsDone: csv.events, phase: 'signing' });
    const names = [...PACKET_FILES];
    const files: PacketFileEntry[] = [];
    for (const name of names) files.push({ name, sha256: await sha256OfFiles([path(name)]), size: (await stat(path(name))).size });
    const manifest: PacketManifest = {
      format: MANIFEST_FORMAT,
      generator: { name: APP_NAME, productName: PRODUCT_NAME, version: input.scope.appVersion },
      createdAt: new Date(input.scope.generatedAt).toISOString(),
      scope: input.scope,
      case: input.scope.case,
      query: {
        records: input.scope.records.map((record) => ({ module: record.module, recordId: record.recordId })),
        filter: input.scope.filter,
        timeRange: statistics.firstTime === null || statistics.lastTime === null ? null : { from: new Date(statistics.firstTime).toISOString(), to: new Date(statistics.lastTime).toISOString() },
        timeZone: input.scope.timeZone,
      },
      coverage: completeness.coverage,
      controlTotals: completeness.controlTotals,
      counts: { events: csv.events, csvRows: csv.rows, reportPages: report.pages, users: input.users.length },
      packetDigest: {
        algorithm: 'sha256',
        covers: [...DIGEST_FILES],
        value: packetDigest,
        howToCheck: 'cat events.json events.csv users.json | sha256sum',
      },
      files,
      signing: {
        algorithm: 'Ed25519',
        publicKeyPem: key.publicKeyPem,
        publicKeyFingerprint: key.fingerprint,
        fingerprintOf: 'SHA-256 of the DER SubjectPublicKeyInfo (openssl pkey -pubin -outform DER | sha256sum)',
        signatureFile: SIGNATURE_NAME,
        signer: options.signer,
      },
      ...(input.review === undefined ? {} : { review: input.review }),
    };
    // The bytes straight from the value: the 16 MB string of a 30,000-record manifest was the packet's peak.
    const manifestBytes = prettyJsonBytes(manifest);
    const signature = sign(null, manifestBytes, key.privateKey).toString('base64');
    await writeFile(path(MANIFEST_NAME), manifestBytes);
    await writeFile(path(SIGNATURE_NAME), `${signature}\n`);
    // 6. zip
    options.onProgress?.({ eventsDone: csv.events, phase: 'zip' });
    const zipEntries = [MANIFEST_NAME, SIGNATURE_NAME, ...names].map((name) => ({ name, path: path(name) }));
    const bytes = await writeAtomically(destinationPath, (partial) => zipFiles(zipEntries, partial, input.scope.generatedAt, signal));
    options.onProgress?.({ eventsDone: csv.events, phase: 'done' });
    return { path: destinationPath, manifest, manifestSha256: createHash('sha256').update(manifestBytes).digest('hex'), packetDigest, bytes };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * events.csv and events.json in one pass over the events, with the report's statistics and the
 * coverage. A function of its own so that what the pass collects (one owner index per event for
 * events.json, a row per record for the coverage) is garbage once it returns, not carried through
 * the PDF and the zip: at a million events that was ~25 MB of the data worker's live heap.
 */
async function writeEventFiles(input: ExportInput, path: (name: string) => string, options: PacketOptions): Promise<{ csv: CsvResult; statistics: ExportStats; completeness: { coverage: RecordCoverage[]; controlTotals: ControlTotals } }> {
  const stats = new StatsCollector(input.scope.timeZone, input.users);
  const coverage = new CoverageCollector(input.scope.records);
  const json = new EventsJsonWriter(createWriteStream(path('events.json')));
  await json.start();
  async function* tee(): AsyncGenerator<ExportEvent> {
    for await (const event of iterateEvents(input.events)) {
      stats.add(event);
      coverage.add(event);
      await json.add(event);
      yield event;
    }
  }
  let csv: CsvResult;
  try {
    csv = await writeEventsCsv({ scope: input.scope, events: tee(), users: input.users }, createWriteStream(path('events.csv')), options);
    await json.finish();
  } catch (error) {
    json.abort();
    throw error;
  }
  const statistics = stats.finish();
  return { csv, statistics, completeness: { coverage: coverage.finish(input.completeness), controlTotals: controlTotalsOf(statistics) } };
}

/** Streams files into a zip (fflate), compressing text, storing the already-compressed PDF. */
async function zipFiles(entries: Array<{ name: string; path: string }>, zipPath: string, mtime: number, signal: AbortSignal | undefined): Promise<number> {
  const out = createWriteStream(zipPath);
  // Assigned inside a callback, so keep the declared type: a plain `= null` would narrow it to null below.
  let failure = null as Error | null;
  let bytes = 0;
  const finishedZip = new Promise<void>((resolve, reject) => {
    const zip = new Zip((error, chunk, final) => {
      if (error !== null) {
        failure = error;
        reject(error);
        return;
      }
      bytes += chunk.length;
      out.write(chunk);
      if (final) resolve();
    });
    void (async () => {
      try {
        for (const entry of entries) {
          throwIfAborted(signal);
          const file = entry.name.endsWith('.pdf') ? new ZipPassThrough(entry.name) : new ZipDeflate(entry.name, { level: 6 });
          file.mtime = mtime;
          zip.add(file);
          for await (const chunk of createReadStream(entry.path, { highWaterMark: 1 << 20 })) {
            // The read's own buffer (a Uint8Array), not a copy: at a million events 1.2 GB of files pass
            // through here, and each copy was one more ArrayBuffer for V8 to collect late.
            file.push(chunk as Buffer);
            await drained(out);
          }
          file.push(new Uint8Array(0), true);
        }
        zip.end();
      } catch (error) {
        zip.terminate();
        reject(error);
      }
    })();
  });
  try {
    await finishedZip;
  } finally {
    out.end();
    // Settles even when the file failed or closed before this line (once(out, 'close') then waited forever).
    await finished(out).catch(() => undefined);
  }
  if (failure !== null) throw failure;
  return bytes;
}
