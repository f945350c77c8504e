import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AesGcmScryptCipher, passphraseFromEnv } from '../../../main/auth/aes-gcm-scrypt-cipher.js';
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
  it('round-trips, uses a fresh IV each time, and keeps a random salt beside the vault', async () => {
    const dir = tempDir();
    const saltFile = join(dir, 'salt.json');
    const cipher = AesGcmScryptCipher.open('correct horse', saltFile);
    const a = await cipher.encrypt('1000.secret-refresh-token');
    const b = await cipher.encrypt('1000.secret-refresh-token');
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret');
    expect(await cipher.decrypt(a)).toBe('1000.secret-refresh-token');
    const salt = JSON.parse(readFileSync(saltFile, 'utf8')) as { salt: string; kdf: string };
    expect(salt.kdf).toBe('scrypt');
    expect(Buffer.from(salt.salt, 'base64')).toHaveLength(16);
    // Same passphrase + same salt file (a new process) decrypts.
    expect(await AesGcmScryptCipher.open('correct horse', saltFile).decrypt(a)).toBe('1000.secret-refresh-token');
    // A second vault gets a different salt.
    expect(JSON.parse(readFileSync(saltFile, 'utf8'))).toEqual(salt);
    const other = join(tempDir(), 'salt.json');
    AesGcmScryptCipher.open('correct horse', other);
    expect((JSON.parse(readFileSync(other, 'utf8')) as { salt: string }).salt).not.toBe(salt.salt);
  });

  it('refuses a wrong passphrase or tampered ciphertext with a clear error', async () => {
    const saltFile = join(tempDir(), 'salt.json');
    const ciphertext = await AesGcmScryptCipher.open('right', saltFile).encrypt('value');
    const wrong = AesGcmScryptCipher.open('wrong', saltFile);
    await expect(wrong.decrypt(ciphertext)).rejects.toThrow(expect.objectContaining({ code: 'VAULT_DECRYPT_FAILED' }) as Error);
    const raw = Buffer.from(ciphertext, 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    await expect(AesGcmScryptCipher.open('right', saltFile).decrypt(raw.toString('base64'))).rejects.toThrow(AuditorError);
  });

  it('requires the passphrase from the environment', () => {
    expect(() => passphraseFromEnv({})).toThrow(expect.objectContaining({ code: 'VAULT_PASSPHRASE_MISSING' }) as Error);
    expect(passphraseFromEnv({ TIMELINE_AUDITOR_PASSPHRASE: 'x' })).toBe('x');
    expect(() => AesGcmScryptCipher.open('', join(tempDir(), 's.json'))).toThrow(AuditorError);
  });
});
