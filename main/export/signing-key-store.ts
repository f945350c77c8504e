/**
 * The installation's Ed25519 signing key for audit packets. Made once per installation, kept in the
 * app's home directory (PKCS#8 PEM, file mode 0600). With a SecretCipher the PEM is stored encrypted
 * (signing-key.pem.enc) — the app passes its safeStorage/scrypt cipher here.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretCipher } from '../core/cipher.js';
import { AuditorError } from '../core/errors.js';

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

export class FileSigningKeyStore implements SigningKeyStore {
  private cached: SigningKey | undefined;

  constructor(
    private readonly directory: string,
    private readonly cipher?: SecretCipher,
  ) {}

  get path(): string {
    return join(this.directory, this.cipher === undefined ? 'signing-key.pem' : 'signing-key.pem.enc');
  }

  async loadOrCreate(): Promise<SigningKey> {
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
        pem = this.cipher === undefined ? stored : this.cipher.decrypt(stored.trim());
        this.cached = signingKeyFromPrivate(createPrivateKey(pem));
      } catch (error) {
        // The cipher's own errors speak of the Zoho connection; say what actually failed.
        if (error instanceof AuditorError && (error.code === 'SIGNING_KEY_INVALID' || error.code === 'VAULT_PASSPHRASE_MISSING')) throw error;
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
    const content = this.cipher === undefined ? pem : `${this.cipher.encrypt(pem)}\n`;
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, content, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, this.path);
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
