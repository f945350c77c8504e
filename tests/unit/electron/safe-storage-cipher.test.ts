import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AesGcmScryptCipher } from '../../../main/auth/aes-gcm-scrypt-cipher.js';
import { TokenVault, VAULT_KEY, type StoredConnection } from '../../../main/auth/token-vault.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import { createSafeStorageCipher, selectSafeStorageCipher, type SafeStorageLike } from '../../../main/electron/safe-storage-cipher.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ta-safe-storage-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Backend = ReturnType<SafeStorageLike['getSelectedStorageBackend']>;

/**
 * Typed stand-in for Electron's safeStorage (Electron cannot run here): the asynchronous API only —
 * the synchronous calls are not even in SafeStorageLike, so the cipher cannot reach them. XOR
 * "encryption" is enough to see the adapter's plumbing; `calls` records what was used.
 */
function standInSafeStorage(backend: Backend, available = true): SafeStorageLike & { calls: string[] } {
  const xor = (buffer: Buffer): Buffer => Buffer.from(buffer.map((byte) => byte ^ 0x5a));
  const calls: string[] = [];
  return {
    calls,
    isAsyncEncryptionAvailable: () => {
      calls.push('isAsyncEncryptionAvailable');
      return Promise.resolve(available);
    },
    getSelectedStorageBackend: () => backend,
    encryptStringAsync: (plainText: string) => {
      calls.push('encryptStringAsync');
      return Promise.resolve(xor(Buffer.from(plainText, 'utf8')));
    },
    decryptStringAsync: (encrypted: Buffer) => {
      calls.push('decryptStringAsync');
      return Promise.resolve({ result: xor(encrypted).toString('utf8'), shouldReEncrypt: false });
    },
  };
}

const openPassphraseCipher = (home: string) => (passphrase: string) => AesGcmScryptCipher.open(passphrase, join(home, 'zoho-vault.salt.json'));

function connection(accessToken: string): StoredConnection {
  return {
    state: 'connected',
    brokenReason: undefined,
    dataCentre: 'eu',
    accountsServer: 'https://accounts.zoho.eu',
    apiDomain: 'https://www.zohoapis.eu',
    clientId: '1000.CLIENT',
    clientSecret: 'client-secret-value',
    accessToken,
    refreshToken: '1000.refresh-token-value',
    scopes: ['ZohoCRM.modules.READ'],
    user: undefined,
    orgId: undefined,
    orgTimeZone: undefined,
    expiresAt: 1_000_000,
    connectedAt: 0,
    refreshTimes: [],
  };
}

describe('safeStorage cipher (asynchronous API)', () => {
  it('encrypts through encryptStringAsync as base64 and decrypts through decryptStringAsync', async () => {
    const safeStorage = standInSafeStorage('gnome_libsecret');
    const cipher = createSafeStorageCipher(safeStorage);
    expect(cipher.kind).toBe('safeStorage');
    const ciphertext = await cipher.encrypt('token-123');
    expect(ciphertext).not.toContain('token');
    expect(await cipher.decrypt(ciphertext)).toBe('token-123');
    expect(safeStorage.calls).toEqual(['isAsyncEncryptionAvailable', 'encryptStringAsync', 'isAsyncEncryptionAvailable', 'decryptStringAsync']);
  });

  it('refuses to store secrets when asynchronous encryption is unavailable', async () => {
    const cipher = createSafeStorageCipher(standInSafeStorage('gnome_libsecret', false));
    await expect(cipher.encrypt('x')).rejects.toMatchObject({ code: 'VAULT_ENCRYPTION_UNAVAILABLE' });
  });

  it('names a decryption failure for what it is', async () => {
    const safeStorage = standInSafeStorage('kwallet6');
    const cipher = createSafeStorageCipher({ ...safeStorage, decryptStringAsync: () => Promise.reject(new Error('key gone')) });
    await expect(cipher.decrypt('AAAA')).rejects.toMatchObject({ code: 'VAULT_DECRYPT_FAILED' });
  });
});

describe('choosing the cipher', () => {
  it('uses safeStorage wherever there is a key store, and on macOS/Windows whatever the (Linux-only) backend says', () => {
    for (const [backend, platform] of [
      ['gnome_libsecret', 'linux'],
      ['kwallet5', 'linux'],
      ['unknown', 'darwin'],
      ['basic_text', 'win32'],
    ] as const) {
      const selection = selectSafeStorageCipher(standInSafeStorage(backend), platform, openPassphraseCipher(tempDir()));
      expect(selection.protection).toBe('keyring');
      expect(selection.cipher.kind).toBe('safeStorage');
    }
  });

  it("on Linux 'basic_text' refuses every secret until a passphrase is chosen, and never calls safeStorage", async () => {
    const safeStorage = standInSafeStorage('basic_text');
    const selection = selectSafeStorageCipher(safeStorage, 'linux', openPassphraseCipher(tempDir()));
    expect(selection.protection).toBe('passphrase-required');
    expect(selection.cipher.kind).toBe('safeStorage-basic_text');
    await expect(selection.cipher.encrypt('1000.refresh')).rejects.toMatchObject({ code: 'VAULT_PASSPHRASE_REQUIRED' });
    await expect(selection.cipher.decrypt('AAAA')).rejects.toMatchObject({ code: 'VAULT_PASSPHRASE_REQUIRED' });
    expect(safeStorage.calls).toEqual([]);
  });

  it('stores nothing in the vault while refused, then AES-256-GCM/scrypt under the chosen passphrase', async () => {
    const home = tempDir();
    const selection = selectSafeStorageCipher(standInSafeStorage('basic_text'), 'linux', openPassphraseCipher(home));
    if (selection.protection !== 'passphrase-required') throw new Error('expected the passphrase cipher');
    const store = createJsonFileStore(home, 'zoho-connection');
    const vault = new TokenVault(store, selection.cipher);
    await expect(vault.write(connection('1000.access-1'))).rejects.toMatchObject({ code: 'VAULT_PASSPHRASE_REQUIRED' });
    expect(vault.readRecord()).toBeUndefined();

    await selection.passphraseChoice.usePassphrase('correct horse battery', () => vault.read().then(() => undefined));
    expect(selection.cipher.kind).toBe('aes-256-gcm-scrypt');
    await vault.write(connection('1000.access-1'));
    expect(JSON.stringify(store.get(VAULT_KEY))).toContain('"cipherKind":"aes-256-gcm-scrypt"');
    expect(JSON.stringify(store.get(VAULT_KEY))).not.toContain('1000.access-1');
    expect((await vault.read())?.accessToken).toBe('1000.access-1');

    // The next start: refused again until the passphrase is given; a wrong one is undone, the right one reads the vault.
    const restarted = selectSafeStorageCipher(standInSafeStorage('basic_text'), 'linux', openPassphraseCipher(home));
    if (restarted.protection !== 'passphrase-required') throw new Error('expected the passphrase cipher');
    const reopened = new TokenVault(createJsonFileStore(home, 'zoho-connection'), restarted.cipher);
    await expect(reopened.read()).rejects.toMatchObject({ code: 'VAULT_PASSPHRASE_REQUIRED' });
    const check = (): Promise<void> => reopened.read().then(() => undefined);
    await expect(restarted.passphraseChoice.usePassphrase('wrong passphrase', check)).rejects.toMatchObject({ code: 'VAULT_DECRYPT_FAILED' });
    expect(restarted.cipher.kind).toBe('safeStorage-basic_text');
    await expect(reopened.read()).rejects.toMatchObject({ code: 'VAULT_PASSPHRASE_REQUIRED' });
    await restarted.passphraseChoice.usePassphrase('correct horse battery', check);
    expect((await reopened.read())?.refreshToken).toBe('1000.refresh-token-value');
  });
});
