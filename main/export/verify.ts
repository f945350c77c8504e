/**
 * Checks an audit packet: the Ed25519 signature over manifest.json's exact bytes (against the key in
 * the manifest, or a key the reviewer pinned), every listed file's size and SHA-256, no file missing
 * or extra, and the packet digest. Works without the app's home, cache or network.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { AuditorError } from '../core/errors.js';
import { DIGEST_FILES, MANIFEST_NAME, SIGNATURE_NAME, type PacketManifest } from './packet.js';
import { publicKeyFingerprint } from './signing-key-store.js';

export interface VerifiedFile {
  name: string;
  ok: boolean;
  /** Plain words, when not ok. */
  problem?: string;
}

export interface VerifyResult {
  ok: boolean;
  files: VerifiedFile[];
  signatureOk: boolean;
  firstProblem: { file: string; problem: string } | null;
  /** Fingerprint of the key that signed the manifest (as stated in it), when readable. */
  signerFingerprint: string | null;
  manifest: PacketManifest | null;
}

export interface VerifyOptions {
  /** The reviewer's trusted key: a PEM public key, or its SHA-256 fingerprint (hex, colons allowed). */
  pinnedPublicKey?: string;
}

function normaliseFingerprint(text: string): string | null {
  const hex = text
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '')
    .replace(/[:\s]/g, '');
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
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

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function isManifest(value: unknown): value is PacketManifest {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<PacketManifest>;
  return Array.isArray(candidate.files) && typeof candidate.signing?.publicKeyPem === 'string' && typeof candidate.packetDigest?.value === 'string';
}

export async function verifyPacket(packet: Uint8Array | string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const expectedFingerprint = options.pinnedPublicKey === undefined ? null : pinnedFingerprint(options.pinnedPublicKey);
  const bytes = typeof packet === 'string' ? new Uint8Array(await readFile(packet)) : packet;
  const result: VerifyResult = { ok: false, files: [], signatureOk: false, firstProblem: null, signerFingerprint: null, manifest: null };
  const problem = (file: string, text: string): void => {
    result.files.push({ name: file, ok: false, problem: text });
    result.firstProblem ??= { file, problem: text };
  };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch {
    problem('(packet)', 'The file is not a readable zip archive, so it cannot be an intact audit packet.');
    return result;
  }
  const manifestBytes = entries[MANIFEST_NAME];
  const signatureBytes = entries[SIGNATURE_NAME];
  if (manifestBytes === undefined) {
    problem(MANIFEST_NAME, 'is missing, so nothing in the packet can be checked.');
    return result;
  }
  let manifest: PacketManifest | null = null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(manifestBytes).toString('utf8'));
    if (isManifest(parsed)) manifest = parsed;
  } catch {
    manifest = null;
  }
  if (manifest === null) {
    problem(MANIFEST_NAME, 'is damaged: it is not a Timeline Auditor packet manifest.');
    return result;
  }
  result.manifest = manifest;
  // Signature over the exact manifest bytes.
  let signerKey: KeyObject | null;
  try {
    signerKey = createPublicKey(manifest.signing.publicKeyPem);
    result.signerFingerprint = publicKeyFingerprint(signerKey);
  } catch {
    signerKey = null;
  }
  if (signatureBytes === undefined) {
    problem(SIGNATURE_NAME, 'is missing, so nobody can tell whether the manifest is genuine.');
  } else if (signerKey === null) {
    problem(MANIFEST_NAME, 'is damaged: the public key in it cannot be read.');
  } else if (expectedFingerprint !== null && result.signerFingerprint !== expectedFingerprint) {
    problem(MANIFEST_NAME, `was signed with a different key than the one you trust (packet key ${result.signerFingerprint ?? '?'}, trusted key ${expectedFingerprint}).`);
  } else {
    const signature = Buffer.from(Buffer.from(signatureBytes).toString('utf8').trim(), 'base64');
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
  // Every listed file: present, same size, same SHA-256.
  const listed = new Set<string>([MANIFEST_NAME, SIGNATURE_NAME]);
  for (const file of manifest.files) {
    listed.add(file.name);
    const content = entries[file.name];
    if (content === undefined) problem(file.name, 'is missing from the packet.');
    else if (content.length !== file.size || sha256(content) !== file.sha256) problem(file.name, 'was changed after the packet was signed (its SHA-256 fingerprint no longer matches the manifest).');
    else result.files.push({ name: file.name, ok: true });
  }
  for (const name of Object.keys(entries).sort()) {
    if (!listed.has(name) && !name.endsWith('/')) problem(name, 'was added to the packet: it is not listed in the signed manifest.');
  }
  // The packet digest named in the report's footer.
  const covered = DIGEST_FILES.map((name) => entries[name]);
  if (covered.every((content) => content !== undefined)) {
    const hash = createHash('sha256');
    for (const content of covered) hash.update(content);
    if (hash.digest('hex') !== manifest.packetDigest.value) problem(MANIFEST_NAME, 'states a packet digest that does not match events.json, events.csv and users.json.');
  }
  result.ok = result.firstProblem === null && result.signatureOk;
  return result;
}
