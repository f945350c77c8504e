/**
 * The signers this home folder trusts: the installation's own key (always, from
 * signing-identity.json) plus keys a reviewer added by fingerprint with a name — the fingerprint an
 * author gave them out of band. Stored in trusted-signers.json (0600, replaced atomically), shared
 * by the app and the CLI. Verify names a trusted signer; any other key is "signer unknown".
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { TrustedSignerView } from '../../preload/contract.js';
import { AuditorError } from '../core/errors.js';
import { readSigningIdentity, writePrivateFileAtomically, type SigningIdentity } from './signing-key-store.js';
import { makeDirectory } from '../core/make-directory.js';

export const TRUST_LIST_FILE = 'trusted-signers.json';
const TRUST_LIST_FORMAT = 'timeline-auditor.trusted-signers/1';
/** How the installation's own key is named wherever a signer is named. */
export const OWN_SIGNER_NAME = 'this installation';
export const SIGNER_NAME_MAX = 120;

const addedSignerSchema = z.object({ fingerprint: z.string().regex(/^[0-9a-f]{64}$/), name: z.string().min(1).max(SIGNER_NAME_MAX), addedAt: z.string() }).strict();
const trustListSchema = z.object({ format: z.literal(TRUST_LIST_FORMAT), signers: z.array(addedSignerSchema) }).strict();
type AddedSigner = z.infer<typeof addedSignerSchema>;

/** A key's SHA-256 fingerprint as 64 lower-case hex digits; accepts colons, spaces and a `sha256:` prefix. Null when it is not one. */
export function normaliseFingerprint(text: string): string | null {
  const hex = text
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '')
    .replace(/[:\s]/g, '');
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

export interface TrustListOptions {
  /** The home folder. */
  directory: string;
  /** This installation's identity; default: signing-identity.json in the folder (null before the first key). */
  ownIdentity?: () => Promise<SigningIdentity | null>;
  now?: () => number;
  /** Signers the admin policy pre-trusts: listed as 'policy', never removable here. */
  policySigners?: () => ReadonlyArray<{ fingerprint: string; name: string }>;
}

export class TrustList {
  readonly #directory: string;
  readonly #ownIdentity: () => Promise<SigningIdentity | null>;
  readonly #now: () => number;
  readonly #policySigners: () => ReadonlyArray<{ fingerprint: string; name: string }>;

  constructor(options: TrustListOptions) {
    this.#directory = options.directory;
    this.#ownIdentity = options.ownIdentity ?? (() => readSigningIdentity(options.directory));
    this.#now = options.now ?? Date.now;
    this.#policySigners = options.policySigners ?? (() => []);
  }

  get path(): string {
    return join(this.#directory, TRUST_LIST_FILE);
  }

  /** This installation's key first (when it has one), then the admin policy's, then the added keys in the order added. */
  async list(): Promise<TrustedSignerView[]> {
    const [own, added] = await Promise.all([this.#ownIdentity(), this.#read()]);
    const ownEntry: TrustedSignerView[] = own === null ? [] : [{ kind: 'own', fingerprint: own.fingerprint, name: OWN_SIGNER_NAME, addedAt: null }];
    const policyEntries = this.#policySigners()
      .filter((signer) => signer.fingerprint !== own?.fingerprint)
      .map((signer): TrustedSignerView => ({ kind: 'policy', fingerprint: signer.fingerprint, name: signer.name, addedAt: null }));
    const listed = new Set([...ownEntry, ...policyEntries].map((signer) => signer.fingerprint));
    return [...ownEntry, ...policyEntries, ...added.filter((signer) => !listed.has(signer.fingerprint)).map((signer): TrustedSignerView => ({ kind: 'added', ...signer }))];
  }

  async add(fingerprintText: string, nameText: string): Promise<TrustedSignerView> {
    const fingerprint = parseFingerprint(fingerprintText);
    const name = nameText.trim();
    if (name === '') throw new AuditorError('TRUST_NAME_MISSING', 'Give the signer a name, so verify can say who signed.', { hint: 'For example: --name "Ada Lovelace, ACME audit team".' });
    // Names are printed by verify: no control characters that could reshape a terminal's output.
    if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) throw new AuditorError('TRUST_NAME_INVALID', 'The name contains control characters.', { hint: 'Use plain text: letters, digits, spaces and punctuation.' });
    if (name.length > SIGNER_NAME_MAX) throw new AuditorError('TRUST_NAME_TOO_LONG', `The name is longer than ${SIGNER_NAME_MAX} characters.`, { hint: 'Use a shorter name.' });
    const existing = (await this.list()).find((signer) => signer.fingerprint === fingerprint);
    if (existing !== undefined) {
      throw new AuditorError('TRUST_DUPLICATE', `That key is already trusted, as "${existing.name}".`, {
        hint: existing.kind === 'own' ? 'It is this installation’s own key, always trusted.' : existing.kind === 'policy' ? 'Your administrator’s policy trusts it.' : 'To rename it, remove it and add it again.',
      });
    }
    const signer: AddedSigner = { fingerprint, name, addedAt: new Date(this.#now()).toISOString() };
    await this.#write([...(await this.#read()), signer]);
    return { kind: 'added', ...signer };
  }

  async remove(fingerprintText: string): Promise<TrustedSignerView> {
    const fingerprint = parseFingerprint(fingerprintText);
    const own = await this.#ownIdentity();
    if (own?.fingerprint === fingerprint) {
      throw new AuditorError('TRUST_OWN_KEY', 'This installation’s own key is always trusted and cannot be removed.', { hint: 'Remove only keys you added.' });
    }
    if (this.#policySigners().some((signer) => signer.fingerprint === fingerprint)) {
      throw new AuditorError('TRUST_SET_BY_POLICY', 'This signer is trusted by your administrator’s policy and cannot be removed here.', { hint: 'Ask your administrator to change the policy file (docs/admin.md).' });
    }
    const added = await this.#read();
    const found = added.find((signer) => signer.fingerprint === fingerprint);
    if (found === undefined) throw new AuditorError('TRUST_UNKNOWN', `No trusted signer has the fingerprint ${fingerprint}.`, { hint: 'See the trusted signers with `timeline-auditor trust list`.' });
    await this.#write(added.filter((signer) => signer !== found));
    return { kind: 'added', ...found };
  }

  async #read(): Promise<AddedSigner[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      return trustListSchema.parse(JSON.parse(text)).signers;
    } catch (cause) {
      // Never guess at trust: a damaged list trusts nobody until it is repaired.
      throw new AuditorError('TRUST_LIST_DAMAGED', `The list of trusted signers at ${this.path} is damaged.`, {
        hint: 'Move that file away and add the signers you trust again (`timeline-auditor trust add`).',
        cause,
      });
    }
  }

  async #write(signers: AddedSigner[]): Promise<void> {
    await makeDirectory(this.#directory, 0o700);
    await writePrivateFileAtomically(this.path, `${JSON.stringify({ format: TRUST_LIST_FORMAT, signers }, null, 2)}\n`);
  }
}

function parseFingerprint(text: string): string {
  const fingerprint = normaliseFingerprint(text);
  if (fingerprint === null) {
    throw new AuditorError('TRUST_BAD_FINGERPRINT', `"${text.length > 80 ? `${text.slice(0, 80)}…` : text}" is not a key fingerprint.`, {
      hint: 'A fingerprint is 64 hexadecimal characters (colons, spaces and a "sha256:" prefix are fine), as `timeline-auditor verify` and the Exports screen show it.',
    });
  }
  return fingerprint;
}
