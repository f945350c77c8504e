/**
 * The installation's Ed25519 signing key for audit packets. Made once per installation, kept in the
 * app's home directory (PKCS#8 PEM, file mode 0600). With a SecretCipher the PEM is stored encrypted
 * (signing-key.pem.enc) — the app passes its safeStorage/scrypt cipher here.
 *
 * Beside it, signing-identity.json holds the public half and a stable installation id, in the
 * clear: verify and the trust list read it to recognise this installation's own packets without
 * the passphrase that guards the private key.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { SecretCipher } from '../core/cipher.js';
import { AuditorError } from '../core/errors.js';
import { makeDirectory } from '../core/make-directory.js';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----"). */
  publicKeyPem: string;
  /** SHA-256 (hex) of the public key's DER SubjectPublicKeyInfo — `openssl pkey -pubin -outform DER | sha256sum`. */
  fingerprint: string;
}

export interface SigningKeyStore {
  /** The installation's key, made on first use. */
  loadOrCreate(): Promise<SigningKey>;
}

/** The public side of this home folder's signing identity (signing-identity.json). */
export interface SigningIdentity {
  /** A random id made with the key: names this installation in every manifest it signs. */
  installationId: string;
  publicKeyPem: string;
  fingerprint: string;
}

/** A key store that also knows the installation it belongs to (the app's and the CLI's). */
export interface SigningIdentityStore extends SigningKeyStore {
  /** Loads (or makes) the key and answers its identity. */
  identity(): Promise<SigningIdentity>;
}

export const SIGNING_IDENTITY_FILE = 'signing-identity.json';
const IDENTITY_FORMAT = 'timeline-auditor.signing-identity/1';
const identitySchema = z.object({ format: z.literal(IDENTITY_FORMAT), installationId: z.string().min(1).max(100), publicKeyPem: z.string().min(1), fingerprint: z.string().regex(/^[0-9a-f]{64}$/) });

/**
 * This home folder's identity as last written by the key store, or null when the folder has never
 * signed (a fresh home) or the file is unreadable. Needs no passphrase. The fingerprint is
 * recomputed from the PEM, so an edited fingerprint line cannot name another key.
 */
export async function readSigningIdentity(directory: string): Promise<SigningIdentity | null> {
  let text: string;
  try {
    text = await readFile(join(directory, SIGNING_IDENTITY_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = identitySchema.parse(JSON.parse(text));
    const fingerprint = publicKeyFingerprint(createPublicKey(parsed.publicKeyPem));
    return fingerprint === parsed.fingerprint ? { installationId: parsed.installationId, publicKeyPem: parsed.publicKeyPem, fingerprint } : null;
  } catch {
    return null;
  }
}

/** Writes a small file readable by the owner only, atomically (temporary file, then rename). */
export async function writePrivateFileAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  try {
    await writeFile(temporary, content, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export function publicKeyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

export function signingKeyFromPrivate(privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new AuditorError('SIGNING_KEY_INVALID', 'The stored packet signing key is not an Ed25519 key.', {
      hint: 'Move the signing key file out of the app folder; a new key is made on the next export (reviewers must then pin the new public key).',
    });
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), fingerprint: publicKeyFingerprint(publicKey) };
}

export class FileSigningKeyStore implements SigningIdentityStore {
  private cached: SigningKey | undefined;
  #identity: SigningIdentity | undefined;

  constructor(
    private readonly directory: string,
    private readonly cipher?: SecretCipher,
  ) {}

  get path(): string {
    return join(this.directory, this.cipher === undefined ? 'signing-key.pem' : 'signing-key.pem.enc');
  }

  async identity(): Promise<SigningIdentity> {
    const key = await this.loadOrCreate();
    return this.#identity?.fingerprint === key.fingerprint ? this.#identity : this.#recordIdentity(key);
  }

  /** Writes signing-identity.json for the key (kept as it is when it already names this key). */
  async #recordIdentity(key: SigningKey): Promise<SigningIdentity> {
    const stored = await readSigningIdentity(this.directory);
    // A new key (the old one was moved away) is a new installation identity.
    const identity = { installationId: stored?.fingerprint === key.fingerprint ? stored.installationId : randomUUID(), publicKeyPem: key.publicKeyPem, fingerprint: key.fingerprint };
    if (stored?.fingerprint !== key.fingerprint) {
      await makeDirectory(this.directory, 0o700);
      await writePrivateFileAtomically(join(this.directory, SIGNING_IDENTITY_FILE), `${JSON.stringify({ format: IDENTITY_FORMAT, ...identity }, null, 2)}\n`);
    }
    this.#identity = identity;
    return identity;
  }

  /** The key, made on first use; every load also records the public identity, so verify knows this installation. */
  async loadOrCreate(): Promise<SigningKey> {
    if (this.cached !== undefined) return this.cached;
    const key = await this.#load();
    await this.#recordIdentity(key);
    return key;
  }

  async #load(): Promise<SigningKey> {
    if (this.cached !== undefined) return this.cached;
    let stored: string | undefined;
    try {
      stored = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw this.unreadable(error);
    }
    if (stored === undefined && this.cipher !== undefined) {
      // Earlier CLI versions kept the key unencrypted: adopt it, so fingerprints reviewers pinned stay valid.
      const legacy = await this.#adoptUnencryptedKey();
      if (legacy !== undefined) return legacy;
    }
    if (stored !== undefined) {
      let pem: string;
      try {
        pem = this.cipher === undefined ? stored : await this.cipher.decrypt(stored.trim());
        this.cached = signingKeyFromPrivate(createPrivateKey(pem));
      } catch (error) {
        // The cipher's own errors speak of the Zoho connection; say what actually failed.
        if (error instanceof AuditorError && (error.code === 'SIGNING_KEY_INVALID' || error.code === 'VAULT_PASSPHRASE_MISSING' || error.code === 'VAULT_PASSPHRASE_REQUIRED')) throw error;
        throw this.unreadable(error);
      }
      return this.cached;
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    await this.#store(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    this.cached = signingKeyFromPrivate(privateKey);
    return this.cached;
  }

  async #store(pem: string): Promise<void> {
    const content = this.cipher === undefined ? pem : `${await this.cipher.encrypt(pem)}\n`;
    await makeDirectory(this.directory, 0o700);
    await writePrivateFileAtomically(this.path, content);
  }

  async #adoptUnencryptedKey(): Promise<SigningKey | undefined> {
    const legacyPath = join(this.directory, 'signing-key.pem');
    let pem: string;
    try {
      pem = await readFile(legacyPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.unreadable(error);
    }
    let key: SigningKey;
    try {
      key = signingKeyFromPrivate(createPrivateKey(pem));
    } catch (error) {
      if (error instanceof AuditorError) throw error;
      throw this.unreadable(error);
    }
    await this.#store(pem);
    await rm(legacyPath, { force: true });
    this.cached = key;
    return key;
  }

  private unreadable(cause: unknown): AuditorError {
    return new AuditorError('SIGNING_KEY_UNREADABLE', `The packet signing key at ${this.path} cannot be read.`, {
      hint: 'If the app folder was copied from another computer or the passphrase changed, move that file away; a new key is made on the next export and reviewers must pin the new public key.',
      cause,
    });
  }
}
