import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { ConnectionStatusView } from '../../preload/contract';
import { test, expect, startAppHost } from './support/host';
import { connectToDemo } from './support/flows';

// The host as the desktop app is on Linux without a keyring (safeStorage's basic_text backend), and no passphrase in the environment.
const NO_KEYRING = { TIMELINE_AUDITOR_TEST_NO_KEYRING: '1' };
const VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
];
const PASSPHRASE = 'correct horse battery';

async function authStatus(page: Page): Promise<ConnectionStatusView> {
  const result = await page.evaluate(() => (globalThis as unknown as { auditor: { invoke(c: string, i: object): Promise<{ ok: boolean; value: unknown }> } }).auditor.invoke('auth:status', {}));
  expect(result.ok).toBe(true);
  return result.value as ConnectionStatusView;
}

type AppHostProcess = Awaited<ReturnType<typeof startAppHost>>;

async function stop(host: AppHostProcess): Promise<void> {
  if (host.process.exitCode !== null || host.process.signalCode !== null) return;
  const exited = new Promise((resolve) => host.process.once('exit', resolve));
  host.process.kill('SIGTERM');
  await exited;
}

async function screenshots(page: Page, name: string): Promise<void> {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: `tests/artifacts/screenshots/${name}-${viewport.width}x${viewport.height}.png`, animations: 'disabled' });
  }
  await page.setViewportSize(VIEWPORTS[0]!);
}

test.describe('Connect without a system keyring (Linux, safeStorage basic_text)', () => {
  test('secrets wait for a passphrase typed twice; with it the demo connects; after a restart a wrong one is refused, the right one unlocks, and a lost one can be given up', async ({ page, context }) => {
    const home = mkdtempSync(join(tmpdir(), 'auditor-e2e-no-keyring-'));
    const first = await startAppHost(home, '', NO_KEYRING);
    let second: AppHostProcess | undefined;
    let third: AppHostProcess | undefined;
    try {
      await page.setViewportSize(VIEWPORTS[0]!);
      await page.goto(first.appUrl);
      const card = page.getByTestId('passphrase-card');
      await expect(card.getByRole('heading', { name: 'Protect your Zoho sign-in with a passphrase' })).toBeVisible();
      await expect(card).toContainText('This computer has no system keyring');
      await expect(card).toContainText('falls back to its basic_text backend');
      await expect(card).toContainText('Timeline Auditor does not store them that way');
      await expect(card).toContainText('encrypted with AES-256-GCM under a key derived from it');
      // Nothing else to connect with until a passphrase protects the tokens.
      await expect(page.getByRole('button', { name: 'Open demo workspace' })).toHaveCount(0);
      expect(await authStatus(page)).toMatchObject({ state: 'disconnected', cipherKind: 'safeStorage-basic_text' });

      const protect = card.getByRole('button', { name: 'Protect with this passphrase' });
      await expect(protect).toBeDisabled();
      await card.getByLabel('Passphrase', { exact: true }).fill('short');
      await expect(card).toContainText('Use at least 8 characters.');
      await expect(protect).toBeDisabled();
      await card.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
      await card.getByLabel('Passphrase again').fill('correct horse battery!');
      await expect(card).toContainText('The two passphrases differ.');
      await expect(card.getByLabel('Passphrase again')).toHaveAttribute('aria-invalid', 'true');
      await expect(protect).toBeDisabled();
      await screenshots(page, 'connect-no-keyring-passphrases-differ');

      await card.getByLabel('Passphrase again').fill(PASSPHRASE);
      await expect(card).not.toContainText('The two passphrases differ.');
      await protect.click();
      await expect(card).toHaveCount(0);
      expect(await authStatus(page)).toMatchObject({ state: 'disconnected', cipherKind: 'aes-256-gcm-scrypt' });

      await connectToDemo(page, context);
      await expect(page.getByTestId('connected-card')).toContainText('Encrypted (AES-256-GCM, key from your passphrase)');
      expect(await authStatus(page)).toMatchObject({ state: 'connected', cipherKind: 'aes-256-gcm-scrypt', demo: true });

      await stop(first);

      // Restarted on the same home: the passphrase is never stored, so it is asked for again — once, checked against the stored connection.
      second = await startAppHost(home, '', NO_KEYRING);
      await page.goto(second.appUrl);
      await expect(card.getByRole('heading', { name: 'Enter your passphrase to use the Zoho connection' })).toBeVisible();
      await expect(card.getByLabel('Passphrase again')).toHaveCount(0);
      await expect(page.getByTestId('connected-card')).toHaveCount(0);
      // Not 'unreadable': the connection is there, waiting for its passphrase.
      expect(await authStatus(page)).toMatchObject({ state: 'connected', cipherKind: 'safeStorage-basic_text' });
      await screenshots(page, 'connect-no-keyring-unlock');

      await card.getByLabel('Passphrase', { exact: true }).fill('the wrong passphrase');
      await card.getByRole('button', { name: 'Unlock' }).click();
      const refusal = card.getByRole('alert');
      await expect(refusal).toContainText('The passphrase was not accepted');
      await expect(refusal).toContainText('This passphrase does not match the one the stored Zoho connection was protected with.');
      await expect(refusal).not.toContainText('TIMELINE_AUDITOR_PASSPHRASE');
      expect(await authStatus(page)).toMatchObject({ state: 'connected', cipherKind: 'safeStorage-basic_text' });
      await screenshots(page, 'connect-no-keyring-wrong-passphrase');

      await card.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
      await card.getByRole('button', { name: 'Unlock' }).click();
      await expect(page.getByTestId('connected-card')).toContainText('Encrypted (AES-256-GCM, key from your passphrase)');
      await expect(card).toHaveCount(0);
      expect(await authStatus(page)).toMatchObject({ state: 'connected', cipherKind: 'aes-256-gcm-scrypt' });
      await stop(second);

      // A lost passphrase is not a dead end: the stored connection can be removed, and a new passphrase chosen.
      third = await startAppHost(home, '', NO_KEYRING);
      await page.goto(third.appUrl);
      await expect(card).toContainText('If it is lost, remove the stored connection and connect to Zoho again');
      await card.getByRole('button', { name: 'Remove stored connection' }).click();
      await expect(page.getByTestId('disconnect-notice')).toContainText('Zoho access was not revoked');
      await expect(card.getByRole('heading', { name: 'Protect your Zoho sign-in with a passphrase' })).toBeVisible();
      await expect(card.getByLabel('Passphrase again')).toBeVisible();
      expect(await authStatus(page)).toMatchObject({ state: 'disconnected', cipherKind: 'safeStorage-basic_text' });
      await screenshots(page, 'connect-no-keyring-connection-removed');
    } finally {
      for (const host of [first, second, third]) if (host !== undefined) await stop(host);
      rmSync(home, { recursive: true, force: true });
    }
  });
});
