import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AesGcmScryptCipher } from '../../../main/auth/aes-gcm-scrypt-cipher.js';
import { createFileStamp, TokenVault, type StoredConnection, type TokenVaultOptions } from '../../../main/auth/token-vault.js';
import { ZohoAuthService } from '../../../main/auth/zoho-auth-service.js';
import type { SecretCipher } from '../../../main/core/cipher.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import type { KeyValueStore } from '../../../main/core/kv-store.js';
import { startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import { ZohoClient } from '../../../main/zoho/client.js';
import { tempHome } from './support.js';

const PASSPHRASE = 'vault cache test passphrase';

/** The real cipher, counting decryptions. */
class CountingCipher implements SecretCipher {
  readonly kind = 'aes-256-gcm-scrypt' as const;
  decrypts = 0;
  constructor(private readonly inner: SecretCipher) {}
  encrypt(plaintext: string): Promise<string> {
    return this.inner.encrypt(plaintext);
  }
  decrypt(ciphertext: string): Promise<string> {
    this.decrypts += 1;
    return this.inner.decrypt(ciphertext);
  }
}

/** The real conf store, counting reads. */
function countingStore(store: KeyValueStore): KeyValueStore & { reads: number } {
  const counted = {
    reads: 0,
    get: (key: string) => {
      counted.reads += 1;
      return store.get(key);
    },
    set: (key: string, value: unknown) => store.set(key, value),
    delete: (key: string) => store.delete(key),
    clear: () => store.clear(),
    path: store.path,
  };
  return counted;
}

let sandbox: Sandbox | undefined;
let home: ReturnType<typeof tempHome> | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
  home?.remove();
  home = undefined;
});

/** A vault on the shared home folder, as one process (the app, or a CLI command) opens it. */
function openVault(folder: string, options: TokenVaultOptions = {}): { vault: TokenVault; cipher: CountingCipher; store: KeyValueStore & { reads: number } } {
  const cipher = new CountingCipher(AesGcmScryptCipher.open(PASSPHRASE, join(folder, 'zoho-vault.salt.json')));
  const store = countingStore(createJsonFileStore(folder, 'zoho-vault'));
  return { vault: new TokenVault(store, cipher, options), cipher, store };
}

function connection(sandbox: Sandbox, accessToken: string): StoredConnection {
  return {
    state: 'connected',
    brokenReason: undefined,
    dataCentre: undefined,
    accountsServer: sandbox.url,
    apiDomain: sandbox.url,
    clientId: '1000.client',
    clientSecret: 'client-secret',
    accessToken,
    refreshToken: '1000.refresh',
    scopes: ['ZohoCRM.modules.READ'],
    user: undefined,
    orgId: undefined,
    orgTimeZone: undefined,
    expiresAt: Date.now() + 3_600_000,
    connectedAt: Date.now(),
    refreshTimes: [],
  };
}

describe('the token vault kept decrypted in memory', () => {
  it('N requests decrypt the connection once, and read the store once while its file is unchanged', async () => {
    sandbox = await startSandbox({ seed: 7 });
    home = tempHome();
    await openVault(home.dir).vault.write(connection(sandbox, sandbox.mintAccessToken().accessToken));
    // A new process opens the vault (stamps trusted at once here, so reads can be counted).
    const { vault, cipher, store } = openVault(home.dir, { storeStamp: createFileStamp({ recentWriteMs: 0 }) });
    const client = new ZohoClient({ tokenProvider: new ZohoAuthService({ vault }) });
    const recordIds = sandbox.listRecordIds('Leads').slice(0, 10);
    for (const id of recordIds) await client.fetchTimeline('Leads', id);
    await Promise.all(recordIds.map((id) => client.fetchTimeline('Leads', id)));
    expect(cipher.decrypts).toBe(3); // access token, refresh token, client secret: once each
    expect(store.reads).toBe(1);
  });

  it('picks up a token another process wrote, without a restart; its own writes need no decrypting', async () => {
    sandbox = await startSandbox({ seed: 7 });
    home = tempHome();
    // Default stamp (recent writes not trusted): the realistic setting.
    const app = openVault(home.dir);
    await app.vault.write(connection(sandbox, sandbox.mintAccessToken().accessToken));
    const service = new ZohoAuthService({ vault: app.vault });
    const client = new ZohoClient({ tokenProvider: service });
    const id = sandbox.listRecordIds('Leads')[0]!;
    const first = await service.getToken();
    for (let index = 0; index < 5; index += 1) await client.fetchTimeline('Leads', id);
    expect(app.cipher.decrypts).toBe(0); // written by this process: known in clear already

    // The CLI, in another process on the same home folder, refreshes the token.
    const cli = openVault(home.dir);
    const stored = await cli.vault.read();
    expect(stored?.accessToken).toBe(first.accessToken);
    const renewed = sandbox.mintAccessToken().accessToken;
    await cli.vault.write({ ...stored!, accessToken: renewed, refreshTimes: [Date.now()] });

    expect((await service.getToken()).accessToken).toBe(renewed);
    expect((await app.vault.read())?.refreshTimes).toHaveLength(1);
    for (let index = 0; index < 5; index += 1) await client.fetchTimeline('Leads', id);
    expect(app.cipher.decrypts).toBe(3); // the new connection, once

    // Disconnected elsewhere: this process sees it too.
    cli.vault.wipe();
    expect(await app.vault.read()).toBeUndefined();
    await expect(service.getToken()).rejects.toMatchObject({ code: 'AUTH_NOT_CONNECTED' });
  });

  it('another instance’s write is noticed by the file stamp; an unchanged file is not read again', async () => {
    sandbox = await startSandbox({ seed: 7 });
    home = tempHome();
    const stamp = createFileStamp({ recentWriteMs: 0 });
    const a = openVault(home.dir, { storeStamp: stamp });
    const b = openVault(home.dir, { storeStamp: stamp });
    await a.vault.write(connection(sandbox, 'token-1'));
    expect((await b.vault.read())?.accessToken).toBe('token-1');
    const readsBefore = b.store.reads;
    expect((await b.vault.read())?.accessToken).toBe('token-1');
    expect(b.vault.readRecord()?.clientId).toBe('1000.client');
    expect(b.store.reads).toBe(readsBefore);
    await a.vault.write(connection(sandbox, 'token-2'));
    expect((await b.vault.read())?.accessToken).toBe('token-2');
    expect(b.store.reads).toBe(readsBefore + 1);
    // Returned objects are copies: changing one does not change what the vault holds.
    (await b.vault.read())!.refreshTimes.push(1);
    expect((await b.vault.read())?.refreshTimes).toEqual([]);
  });
});
