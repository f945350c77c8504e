import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretCipher } from '../core/cipher.js';
import { AuditorError } from '../core/errors.js';
import { makeDirectorySync } from '../core/make-directory.js';

export const PASSPHRASE_ENV = 'TIMELINE_AUDITOR_PASSPHRASE';

const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// scrypt cost: N=2^15, r=8 (≈32 MiB, ~0.1 s once per process), per OWASP's password storage guidance.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

interface SaltFile {
  version: 1;
  kdf: 'scrypt';
  salt: string;
  N: number;
  r: number;
  p: number;
}

/**
 * AES-256-GCM under a key derived with scrypt from a passphrase, for plain Node (CLI, host).
 * The random salt and KDF parameters live in a small JSON file beside the vault; each value gets a
 * fresh 96-bit IV. Ciphertext = base64(version ‖ iv ‖ tag ‖ data).
 */
export class AesGcmScryptCipher implements SecretCipher {
  readonly kind = 'aes-256-gcm-scrypt' as const;
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  /** Reads the salt file, creating it (with a new random salt) the first time. */
  static open(passphrase: string, saltFilePath: string): AesGcmScryptCipher {
    if (passphrase === '') throw missingPassphrase();
    const params = readOrCreateSalt(saltFilePath);
    const key = scryptSync(passphrase.normalize('NFC'), Buffer.from(params.salt, 'base64'), 32, {
      N: params.N,
      r: params.r,
      p: params.p,
      maxmem: SCRYPT.maxmem,
    });
    return new AesGcmScryptCipher(key);
  }

  // Promises that reject (never a throw out of the call) when the ciphertext is wrong, like every SecretCipher.
  encrypt(plaintext: string): Promise<string> {
    return new Promise((resolve) => resolve(this.#seal(plaintext)));
  }

  decrypt(ciphertext: string): Promise<string> {
    return new Promise((resolve) => resolve(this.#open(ciphertext)));
  }

  #seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), data]).toString('base64');
  }

  #open(ciphertext: string): string {
    const raw = Buffer.from(ciphertext, 'base64');
    if (raw.length < 1 + IV_BYTES + TAG_BYTES || raw[0] !== FORMAT_VERSION) throw unreadable();
    const iv = raw.subarray(1, 1 + IV_BYTES);
    const tag = raw.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const data = raw.subarray(1 + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    } catch {
      throw unreadable();
    }
  }
}

/** The passphrase from the environment, or the error telling the person how to set it. */
export function passphraseFromEnv(env: NodeJS.ProcessEnv): string {
  const value = env[PASSPHRASE_ENV];
  if (value === undefined || value === '') throw missingPassphrase();
  return value;
}

function missingPassphrase(): AuditorError {
  return new AuditorError('VAULT_PASSPHRASE_MISSING', `Secrets (the Zoho tokens, the packet signing key) are stored encrypted, and ${PASSPHRASE_ENV} is not set.`, {
    hint: `Set ${PASSPHRASE_ENV} to a passphrase of your choice (the same one every time), then run the command again.`,
  });
}

function unreadable(): AuditorError {
  return new AuditorError('VAULT_DECRYPT_FAILED', 'The stored Zoho connection cannot be decrypted.', {
    hint: `Use the same ${PASSPHRASE_ENV} as when you connected, or run "timeline-auditor disconnect" and connect again.`,
  });
}

function readOrCreateSalt(path: string): SaltFile {
  if (existsSync(path)) {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<SaltFile>;
    if (parsed.kdf !== 'scrypt' || typeof parsed.salt !== 'string' || typeof parsed.N !== 'number' || typeof parsed.r !== 'number' || typeof parsed.p !== 'number') {
      throw new AuditorError('VAULT_SALT_INVALID', `The vault key file ${path} is damaged.`, {
        hint: 'Delete it and the vault file next to it, then connect again.',
      });
    }
    return { version: 1, kdf: 'scrypt', salt: parsed.salt, N: parsed.N, r: parsed.r, p: parsed.p };
  }
  const created: SaltFile = { version: 1, kdf: 'scrypt', salt: randomBytes(16).toString('base64'), N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p };
  makeDirectorySync(dirname(path));
  writeFileSync(path, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return created;
}
