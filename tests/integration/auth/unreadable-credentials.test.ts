/**
 * A home folder whose stored Zoho connection was encrypted under another passphrase: the app must
 * say the credentials cannot be read (never "Connected … renewed automatically"), and Disconnect must
 * report that it erased unreadable credentials without revoking anything — not a plain success.
 * Real services on a temp home: the composition root, the AES-256-GCM/scrypt cipher, the IPC handlers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/app/core.js';
import { createIpcHandlers } from '../../../main/app/ipc-handlers.js';
import { nodePlatformPorts } from '../../../main/app/node-platform.js';
import { approveDemoConsent } from '../../../main/demo/approve-consent.js';
import { DEMO_CLIENT, startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import { AesGcmScryptCipher } from '../../../main/auth/aes-gcm-scrypt-cipher.js';
import { PassphraseRequiredCipher } from '../../../main/auth/passphrase-required-cipher.js';
import { TokenVault } from '../../../main/auth/token-vault.js';
import { ZohoAuthService } from '../../../main/auth/zoho-auth-service.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import { connectWithBrowser, startHarness } from './harness.js';

let sandbox: Sandbox;
let home: string;

beforeAll(async () => {
  sandbox = await startSandbox({ recordsPerModule: 1 });
  home = mkdtempSync(join(tmpdir(), 'ta-unreadable-'));
  const first = createCore(nodePlatformPorts({ shell: 'browser', home, env: { TIMELINE_AUDITOR_PASSPHRASE: 'the passphrase used to connect' } }));
  try {
    await first.auth.connect({ clientId: DEMO_CLIENT.clientId, clientSecret: DEMO_CLIENT.clientSecret, target: { accountsUrl: sandbox.url }, port: 0, openBrowser: (url) => approveDemoConsent(url) });
    expect((await createIpcHandlers(first)['auth:status']({})).state).toBe('connected');
  } finally {
    await first.close();
  }
});
afterAll(async () => {
  await sandbox.close();
  rmSync(home, { recursive: true, force: true });
});

describe('stored credentials that another passphrase encrypted', () => {
  it('show as unreadable with the reason, and Disconnect erases them reporting that nothing could be revoked', async () => {
    const core = createCore(nodePlatformPorts({ shell: 'browser', home, env: { TIMELINE_AUDITOR_PASSPHRASE: 'a different passphrase' } }));
    try {
      const handlers = createIpcHandlers(core);
      const status = await handlers['auth:status']({});
      expect(status.state).toBe('unreadable');
      expect(status.unreadableReason).toMatch(/cannot be decrypted/);
      // The non-secret part is still shown, so the person knows which connection it was.
      expect(status.accountsServer).toBe(sandbox.url);

      const result = await handlers['auth:disconnect']({});
      expect(result.wasConnected).toBe(true);
      expect(result.revoked).toBe(false);
      expect(result.credentialsUnreadable).toMatch(/cannot be decrypted/);
      // Zoho was never asked (nothing to revoke with): no Zoho error is invented.
      expect(result.revokeError).toBeNull();
      expect(sandbox.stats().revoked).toBe(0);
      expect((await handlers['auth:status']({})).state).toBe('disconnected');
    } finally {
      await core.close();
    }
  });
});

describe('checkedStatus on the token vault', () => {
  it('a wrong passphrase is unreadable; no passphrase chosen yet (no keyring) is not, so the Connect screen can ask for one', async () => {
    const harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    try {
      await connectWithBrowser(harness);
      expect((await harness.service.checkedStatus()).state).toBe('connected');
      const store = (): ReturnType<typeof createJsonFileStore> => createJsonFileStore(harness.home, 'zoho-vault');
      const wrong = new ZohoAuthService({ vault: new TokenVault(store(), AesGcmScryptCipher.open('not the passphrase', join(harness.home, 'zoho-vault.salt.json'))) });
      expect(await wrong.checkedStatus()).toMatchObject({ state: 'unreadable', unreadable: { message: 'The stored Zoho connection cannot be decrypted.' } });
      const noKeyring = new ZohoAuthService({ vault: new TokenVault(store(), new PassphraseRequiredCipher((passphrase) => AesGcmScryptCipher.open(passphrase, join(harness.home, 'zoho-vault.salt.json')))) });
      expect(await noKeyring.checkedStatus()).toMatchObject({ state: 'connected', cipherKind: 'safeStorage-basic_text' });
    } finally {
      await harness.close();
    }
  });
});
