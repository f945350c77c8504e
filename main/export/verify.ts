/**
 * Checks an audit packet and says whether to rely on it: the Ed25519 signature over manifest.json's
 * exact bytes, every listed file's size and SHA-256, no file missing or extra, the packet digest —
 * and who signed it: a key on the home folder's trust list (or the one key the reviewer pinned) is
 * "trusted"; any other key is "signer unknown", because anyone can make a packet that is intact
 * under a key of their own. Works without the app's cache or network.
 *
 * Safe on hostile input (yauzl reads the zip's central directory first; nothing is unpacked into
 * memory): a packet over MAX_PACKET_BYTES, with too many entries or duplicate names is refused
 * before anything is inflated; an entry whose declared size differs from the manifest's is refused
 * unread; while streaming, inflated bytes are counted and the entry abandoned as soon as it
 * outgrows the manifest's size (yauzl's validateEntrySizes stops a lying header too); entries the
 * manifest does not list are never inflated. Files are hashed as they stream.
 */
import { createHash, createPublicKey, verify, type Hash, type KeyObject } from 'node:crypto';
import { stat } from 'node:fs/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { z } from 'zod';
import { MAX_PACKET_BYTES, packetSignerSchema, type PacketReviewView, type PacketSignerView, type PacketVerdict } from '../../preload/contract.js';
import { checkPacketReview, REVIEW_LOG_CHECK_NAME } from './review-verify.js';
import { AuditorError } from '../core/errors.js';
import { DIGEST_FILES, MANIFEST_NAME, PACKET_FILES, SIGNATURE_NAME, type PacketManifest } from './packet.js';
import { publicKeyFingerprint } from './signing-key-store.js';
import { normaliseFingerprint, OWN_SIGNER_NAME } from './trust-list.js';

export type { PacketVerdict } from '../../preload/contract.js';

/**
 * What verify opens at most. The packet cap is the zip format's own without zip64 (fflate, which
 * writes our packets, writes none), so no packet this app made is larger; the entry cap is generous
 * for six files; the manifest cap holds a coverage line for ~200,000 records.
 */
export const VERIFY_LIMITS = { packetBytes: MAX_PACKET_BYTES, entries: 32, manifestBytes: 64 * 1024 ** 2, signatureBytes: 1024 } as const;

/** How the signer named in a trusted verdict is called when the reviewer pinned the key for one check. */
export const PINNED_SIGNER_NAME = 'the key you gave';

export interface VerifiedFile {
  name: string;
  ok: boolean;
  /** Plain words, when not ok. */
  problem?: string;
}

export interface VerifyResult {
  /** What to conclude: trusted signer, intact but signer unknown, or not intact. */
  verdict: PacketVerdict;
  /** Intact: the signature is valid and every file matches the manifest (whoever signed it). */
  ok: boolean;
  files: VerifiedFile[];
  signatureOk: boolean;
  firstProblem: { file: string; problem: string } | null;
  /** Fingerprint of the key that signed the manifest (as stated in it), when readable. */
  signerFingerprint: string | null;
  /** Who the manifest says signed (null: not stated, in packets made before it was). As reliable as the verdict. */
  signer: PacketSignerView | null;
  manifest: PacketManifest | null;
  /** The review section as checked (its chain recomputed); null until the manifest was read. A broken chain makes the packet not intact. */
  review: PacketReviewView | null;
}

/** A key whose packets are trusted, and the name verify gives its signer. */
export interface TrustedKey {
  fingerprint: string;
  name: string;
  kind: 'own' | 'policy' | 'added';
}

export interface VerifyOptions {
  /**
   * One key to trust for this check only, instead of the trust list: a PEM public key or its SHA-256
   * fingerprint (hex; colons, spaces, `sha256:` allowed). Another signer makes the packet not intact.
   */
  pinnedPublicKey?: string;
  /** The home folder's trust list (TrustList.list()); without it every signer is unknown. */
  trustedKeys?: readonly TrustedKey[];
}

/** The CLI's exit code for a verdict (2 is left for usage errors). */
export function verdictExitCode(verdict: PacketVerdict): 0 | 1 | 3 {
  switch (verdict.kind) {
    case 'trusted':
      return 0;
    case 'not-intact':
      return 1;
    case 'signer-unknown':
      return 3;
    default:
      return unreachable(verdict);
  }
}

function unreachable(value: never): never {
  throw new Error(`Unhandled verdict ${JSON.stringify(value)}`);
}

function pinnedFingerprint(pinned: string): string {
  const asFingerprint = normaliseFingerprint(pinned);
  if (asFingerprint !== null) return asFingerprint;
  try {
    return publicKeyFingerprint(createPublicKey(pinned));
  } catch (cause) {
    throw new AuditorError('VERIFY_BAD_PINNED_KEY', 'The public key you gave is neither a PEM public key nor a SHA-256 fingerprint.', {
      hint: "Pass the PEM file the packet's author gave you, or the 64-character fingerprint they read out to you.",
      cause,
    });
  }
}

/**
 * The parts of a manifest verify relies on or prints, checked before anything is read from it (the
 * rest passes through: newer manifests carry more). Anything else is "not a packet manifest".
 */
const manifestSchema = z
  .object({
    format: z.string(),
    generator: z.object({ productName: z.string(), version: z.string() }).passthrough(),
    createdAt: z.string(),
    scope: z.object({ generatedBy: z.string() }).passthrough(),
    files: z.array(z.object({ name: z.string().min(1), sha256: z.string(), size: z.number().int().nonnegative() }).passthrough()),
    packetDigest: z.object({ covers: z.array(z.string()), value: z.string() }).passthrough(),
    // Packets made before the manifest named its signer have no `signer`.
    signing: z.object({ publicKeyPem: z.string(), signer: packetSignerSchema.optional() }).passthrough(),
  })
  .passthrough();

function parseManifest(bytes: Buffer): PacketManifest | null {
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    // The checked fields are PacketManifest's; the others are only passed on, never relied upon.
    return parsed.success ? (parsed.data as unknown as PacketManifest) : null;
  } catch {
    return null;
  }
}

/** Streams one entry, never more than `limit` inflated bytes; each chunk goes to the hashes. */
async function readEntry(zip: ZipFile, entry: Entry, limit: number, hashes: readonly Hash[], keep: boolean): Promise<{ state: 'read'; bytes: number; content: Buffer | null } | { state: 'too-large' } | { state: 'unreadable'; reason: string }> {
  if (entry.isEncrypted()) return { state: 'unreadable', reason: 'it is encrypted' };
  let stream;
  try {
    stream = await zip.openReadStreamPromise(entry);
  } catch (error) {
    return { state: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
  const kept: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      bytes += buffer.length;
      if (bytes > limit) {
        stream.destroy();
        return { state: 'too-large' };
      }
      for (const hash of hashes) hash.update(buffer);
      if (keep) kept.push(buffer);
    }
  } catch (error) {
    stream.destroy();
    // yauzl's validateEntrySizes: the entry inflates beyond the size its header declares.
    if (error instanceof Error && /too many bytes in the stream/i.test(error.message)) return { state: 'too-large' };
    return { state: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
  return { state: 'read', bytes, content: keep ? Buffer.concat(kept) : null };
}

async function openZip(packet: Uint8Array | string): Promise<ZipFile> {
  const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: true };
  return typeof packet === 'string' ? yauzl.openPromise(packet, options) : yauzl.fromBufferPromise(Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength), options);
}

export async function verifyPacket(packet: Uint8Array | string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const expectedFingerprint = options.pinnedPublicKey === undefined ? null : pinnedFingerprint(options.pinnedPublicKey);
  const result: VerifyResult = { verdict: { kind: 'not-intact', file: '(packet)', problem: 'was not checked.' }, ok: false, files: [], signatureOk: false, firstProblem: null, signerFingerprint: null, signer: null, manifest: null, review: null };
  // One row per file: a second problem with the same file (a manifest both unsigned and with a wrong
  // packet digest) joins its row, so no file is listed twice — nor as both "matches" and not.
  const problem = (file: string, text: string): void => {
    const row = result.files.find((candidate) => candidate.name === file);
    if (row === undefined) result.files.push({ name: file, ok: false, problem: text });
    else {
      row.problem = row.ok || row.problem === undefined ? text : `${row.problem} Also: ${text}`;
      row.ok = false;
    }
    result.firstProblem ??= { file, problem: text };
  };
  const finish = (): VerifyResult => {
    result.ok = result.firstProblem === null && result.signatureOk;
    result.verdict = verdictOf(result, expectedFingerprint, options.trustedKeys ?? []);
    return result;
  };

  const size = typeof packet === 'string' ? (await stat(packet)).size : packet.byteLength;
  if (size > VERIFY_LIMITS.packetBytes) {
    problem('(packet)', `is ${formatBytes(size)}, larger than any audit packet can be (${formatBytes(VERIFY_LIMITS.packetBytes)}); it was not opened.`);
    return finish();
  }
  let zip: ZipFile;
  try {
    zip = await openZip(packet);
  } catch {
    problem('(packet)', 'The file is not a readable zip archive, so it cannot be an intact audit packet.');
    return finish();
  }
  try {
    await checkEntries(zip, result, problem, expectedFingerprint);
  } finally {
    zip.close();
  }
  return finish();
}

async function checkEntries(zip: ZipFile, result: VerifyResult, problem: (file: string, text: string) => void, expectedFingerprint: string | null): Promise<void> {
  if (zip.entryCount > VERIFY_LIMITS.entries) {
    problem('(packet)', `holds ${zip.entryCount} entries; an audit packet holds ${2 + PACKET_FILES.length}, and more than ${VERIFY_LIMITS.entries} are not opened.`);
    return;
  }
  // The central directory only: names and declared sizes, nothing inflated yet.
  const entries = new Map<string, Entry>();
  try {
    for await (const entry of zip.eachEntry()) {
      if (entries.has(entry.fileName)) {
        problem(entry.fileName, 'appears more than once in the packet, so which copy was signed cannot be told.');
        return;
      }
      entries.set(entry.fileName, entry);
    }
  } catch {
    problem('(packet)', 'The file is not a readable zip archive, so it cannot be an intact audit packet.');
    return;
  }

  const manifestEntry = entries.get(MANIFEST_NAME);
  if (manifestEntry === undefined) {
    problem(MANIFEST_NAME, 'is missing, so nothing in the packet can be checked.');
    return;
  }
  if (manifestEntry.uncompressedSize > VERIFY_LIMITS.manifestBytes) {
    problem(MANIFEST_NAME, `declares ${formatBytes(manifestEntry.uncompressedSize)}, more than a manifest can be (${formatBytes(VERIFY_LIMITS.manifestBytes)}); it was not unpacked.`);
    return;
  }
  const manifestRead = await readEntry(zip, manifestEntry, VERIFY_LIMITS.manifestBytes, [], true);
  if (manifestRead.state !== 'read' || manifestRead.content === null) {
    problem(MANIFEST_NAME, manifestRead.state === 'too-large' ? 'unpacks to more than its declared size: the packet was tampered with.' : 'cannot be unpacked, so nothing in the packet can be checked.');
    return;
  }
  const manifestBytes = manifestRead.content;
  const manifest = parseManifest(manifestBytes);
  if (manifest === null) {
    problem(MANIFEST_NAME, 'is damaged: it is not a Timeline Auditor packet manifest.');
    return;
  }
  result.manifest = manifest;
  result.signer = manifest.signing.signer ?? null;

  // The review log's chain, recomputed from the manifest's entries: an edited, removed or reordered
  // entry, or a moved head, is named by its seq (first, so the reason says which entry even when the
  // edit also broke the signature).
  const review = checkPacketReview(manifest);
  result.review = review;
  if (review.kind === 'unreadable') problem(REVIEW_LOG_CHECK_NAME, review.reason);
  else if (review.kind === 'stated' && !review.chain.intact) problem(REVIEW_LOG_CHECK_NAME, review.chain.reason);

  // Signature over the exact manifest bytes.
  let signerKey: KeyObject | null;
  try {
    signerKey = createPublicKey(manifest.signing.publicKeyPem);
    result.signerFingerprint = publicKeyFingerprint(signerKey);
  } catch {
    signerKey = null;
  }
  const signatureEntry = entries.get(SIGNATURE_NAME);
  const signatureRead = signatureEntry === undefined || signatureEntry.uncompressedSize > VERIFY_LIMITS.signatureBytes ? null : await readEntry(zip, signatureEntry, VERIFY_LIMITS.signatureBytes, [], true);
  if (signatureEntry === undefined) {
    problem(SIGNATURE_NAME, 'is missing, so nobody can tell whether the manifest is genuine.');
  } else if (signatureRead?.state !== 'read' || signatureRead.content === null) {
    problem(SIGNATURE_NAME, 'is not a signature: it is larger than one or cannot be unpacked.');
  } else if (signerKey === null) {
    problem(MANIFEST_NAME, 'is damaged: the public key in it cannot be read.');
  } else if (expectedFingerprint !== null && result.signerFingerprint !== expectedFingerprint) {
    problem(MANIFEST_NAME, `was signed with a different key than the one you trust (packet key ${result.signerFingerprint ?? '?'}, trusted key ${expectedFingerprint}).`);
  } else {
    const signature = Buffer.from(signatureRead.content.toString('utf8').trim(), 'base64');
    let valid: boolean;
    try {
      valid = signature.length === 64 && verify(null, manifestBytes, signerKey, signature);
    } catch {
      valid = false;
    }
    if (valid) {
      result.signatureOk = true;
      result.files.push({ name: MANIFEST_NAME, ok: true }, { name: SIGNATURE_NAME, ok: true });
    } else {
      problem(MANIFEST_NAME, 'does not match its signature: the manifest (or manifest.sig) was changed after the packet was signed.');
    }
  }

  // Every listed file: present, declared and inflated size as listed, same SHA-256. The digest files
  // go first, in digest order, so one pass hashes each file and the packet digest together.
  const listedOnce = new Map<string, PacketManifest['files'][number]>();
  for (const file of manifest.files) {
    if (file.name === MANIFEST_NAME || file.name === SIGNATURE_NAME || listedOnce.has(file.name)) {
      problem(MANIFEST_NAME, `lists ${file.name} more than once or lists itself: it is not a manifest this app writes.`);
      return;
    }
    listedOnce.set(file.name, file);
  }
  for (const name of PACKET_FILES) if (!listedOnce.has(name)) problem(MANIFEST_NAME, `does not list ${name}, which every audit packet holds.`);
  const digest = createHash('sha256');
  let digestComplete = DIGEST_FILES.every((name) => listedOnce.has(name));
  const outcomes = new Map<string, VerifiedFile>();
  const order = [...DIGEST_FILES.filter((name) => listedOnce.has(name)), ...manifest.files.map((file) => file.name).filter((name) => !(DIGEST_FILES as readonly string[]).includes(name))];
  for (const name of order) {
    const file = listedOnce.get(name)!;
    const entry = entries.get(name);
    const inDigest = (DIGEST_FILES as readonly string[]).includes(name);
    const fail = (text: string): void => {
      outcomes.set(name, { name, ok: false, problem: text });
      if (inDigest) digestComplete = false;
    };
    if (entry === undefined) {
      fail('is missing from the packet.');
      continue;
    }
    if (entry.uncompressedSize !== file.size) {
      fail(
        entry.uncompressedSize > file.size
          ? `declares ${formatBytes(entry.uncompressedSize)} where the signed manifest lists ${formatBytes(file.size)}; it was not unpacked.`
          : 'was changed after the packet was signed (its size no longer matches the manifest).',
      );
      continue;
    }
    const hash = createHash('sha256');
    const read = await readEntry(zip, entry, file.size, inDigest ? [hash, digest] : [hash], false);
    if (read.state === 'too-large') fail(`unpacks to more than the ${formatBytes(file.size)} the signed manifest lists; unpacking was stopped.`);
    else if (read.state === 'unreadable') fail(`cannot be unpacked (${read.reason}).`);
    // Read whole, so the packet digest over it still says something: only its own hash differs.
    else if (read.bytes !== file.size || hash.digest('hex') !== file.sha256) outcomes.set(name, { name, ok: false, problem: 'was changed after the packet was signed (its SHA-256 fingerprint no longer matches the manifest).' });
    else outcomes.set(name, { name, ok: true });
  }
  for (const file of manifest.files) {
    const outcome = outcomes.get(file.name)!;
    if (outcome.ok) result.files.push(outcome);
    else problem(file.name, outcome.problem ?? 'does not match the manifest.');
  }
  for (const name of [...entries.keys()].sort()) {
    if (name !== MANIFEST_NAME && name !== SIGNATURE_NAME && !listedOnce.has(name) && !name.endsWith('/')) problem(name, 'was added to the packet: it is not listed in the signed manifest.');
  }

  // The packet digest named in the report's footer: recomputed, never taken from the manifest.
  const covers = manifest.packetDigest.covers;
  if (covers.length !== DIGEST_FILES.length || covers.some((name, index) => name !== DIGEST_FILES[index])) {
    problem(MANIFEST_NAME, `states a packet digest over other files than ${DIGEST_FILES.join(', ')}.`);
  } else if (digestComplete && digest.digest('hex') !== manifest.packetDigest.value) {
    problem(MANIFEST_NAME, 'states a packet digest that does not match events.json, events.csv and users.json.');
  }
}

function verdictOf(result: VerifyResult, pinned: string | null, trustedKeys: readonly TrustedKey[]): PacketVerdict {
  if (!result.ok || result.signerFingerprint === null) {
    const first = result.firstProblem ?? { file: MANIFEST_NAME, problem: 'has no valid signature.' };
    return { kind: 'not-intact', file: first.file, problem: first.problem };
  }
  const fingerprint = result.signerFingerprint;
  // A pinned key was compared with the signer already: a mismatch is a problem above.
  if (pinned !== null) return { kind: 'trusted', fingerprint, signerName: PINNED_SIGNER_NAME, trustedAs: 'pinned-key' };
  const trusted = trustedKeys.find((key) => key.fingerprint === fingerprint);
  if (trusted === undefined) return { kind: 'signer-unknown', fingerprint };
  return trusted.kind === 'own' ? { kind: 'trusted', fingerprint, signerName: OWN_SIGNER_NAME, trustedAs: 'this-installation' } : { kind: 'trusted', fingerprint, signerName: trusted.name, trustedAs: 'trust-list' };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
