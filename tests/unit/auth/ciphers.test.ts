import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AesGcmScryptCipher, passphraseFromEnv } from '../../../main/auth/aes-gcm-scrypt-cipher.js';
import { createSafeStorageCipher } from '../../../main/electron/safe-storage-cipher.js';
import type { SafeStorageLike } from '../../../main/electron/safe-storage-cipher.js';
import { AuditorError } from '../../../main/core/errors.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ta-cipher-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('AesGcmScryptCipher', () => {
  it('round-trips, uses a fresh IV each time, and keeps a random salt beside the vault', () => {
    const dir = tempDir();
    const saltFile = join(dir, 'salt.json');
    const cipher = AesGcmScryptCipher.open('correct horse', saltFile);
    const a = cipher.encrypt('1000.secret-refresh-token');
    const b = cipher.encrypt('1000.secret-refresh-token');
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(cipher.decrypt(a)).toBe('1000.secret-refresh-token');
    const salt = JSON.parse(readFileSync(saltFile, 'utf8')) as { salt: string; kdf: string };
    expect(salt.kdf).toBe('scrypt');
    expect(Buffer.from(salt.salt, 'base64')).toHaveLength(16);
    // Same passphrase + same salt file (a new process) decrypts.
    expect(AesGcmScryptCipher.open('correct horse', saltFile).decrypt(a)).toBe('1000.secret-refresh-token');
    // A second vault gets a different salt.
    expect(JSON.parse(readFileSync(saltFile, 'utf8'))).toEqual(salt);
    const other = join(tempDir(), 'salt.json');
    AesGcmScryptCipher.open('correct horse', other);
    expect((JSON.parse(readFileSync(other, 'utf8')) as { salt: string }).salt).not.toBe(salt.salt);
  });

  it('refuses a wrong passphrase or tampered ciphertext with a clear error', () => {
    const saltFile = join(tempDir(), 'salt.json');
    const ciphertext = AesGcmScryptCipher.open('right', saltFile).encrypt('value');
    const wrong = AesGcmScryptCipher.open('wrong', saltFile);
    expect(() => wrong.decrypt(ciphertext)).toThrow(expect.objectContaining({ code: 'VAULT_DECRYPT_FAILED' }) as Error);
    const raw = Buffer.from(ciphertext, 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => AesGcmScryptCipher.open('right', saltFile).decrypt(raw.toString('base64'))).toThrow(AuditorError);
  });

  it('requires the passphrase from the environment', () => {
    expect(() => passphraseFromEnv({})).toThrow(expect.objectContaining({ code: 'VAULT_PASSPHRASE_MISSING' }) as Error);
    expect(passphraseFromEnv({ TIMELINE_AUDITOR_PASSPHRASE: 'x' })).toBe('x');
    expect(() => AesGcmScryptCipher.open('', join(tempDir(), 's.json'))).toThrow(AuditorError);
  });
});

/** Stand-in for Electron's safeStorage (Electron cannot run here): XOR "encryption" is enough to see the adapter's plumbing. */
function standInSafeStorage(backend: ReturnType<SafeStorageLike['getSelectedStorageBackend']>, available = true): SafeStorageLike {
  const xor = (buffer: Buffer): Buffer => Buffer.from(buffer.map((byte) => byte ^ 0x5a));
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (plainText: string) => xor(Buffer.from(plainText, 'utf8')),
    decryptString: (encrypted: Buffer) => xor(encrypted).toString('utf8'),
  };
}

describe('safeStorage cipher', () => {
  it('encrypts through safeStorage as base64 and reports its kind', () => {
    const cipher = createSafeStorageCipher(standInSafeStorage('gnome_libsecret'), 'linux');
    expect(cipher.kind).toBe('safeStorage');
    const ciphertext = cipher.encrypt('token-123');
    expect(ciphertext).not.toContain('token');
    expect(cipher.decrypt(ciphertext)).toBe('token-123');
  });

  it("reports 'safeStorage-basic_text' on Linux without a keyring, and only on Linux", () => {
    expect(createSafeStorageCipher(standInSafeStorage('basic_text'), 'linux').kind).toBe('safeStorage-basic_text');
    expect(createSafeStorageCipher(standInSafeStorage('unknown'), 'darwin').kind).toBe('safeStorage');
  });

  it('refuses to store secrets when encryption is unavailable', () => {
    const cipher = createSafeStorageCipher(standInSafeStorage('basic_text', false), 'linux');
    expect(() => cipher.encrypt('x')).toThrow(expect.objectContaining({ code: 'VAULT_ENCRYPTION_UNAVAILABLE' }) as Error);
  });
});
