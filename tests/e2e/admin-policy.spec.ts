import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startAppHost } from './support/host';

const FINGERPRINT = 'c3'.repeat(32);

test.describe('admin policy in the interface', () => {
  test('locked Connect fields, no demo, a policy signer that cannot be removed, problems in Settings, and Copy diagnostics', async ({ page }) => {
    const folder = mkdtempSync(join(tmpdir(), 'auditor-policy-e2e-'));
    const policyFile = join(folder, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ dataCentre: 'eu', clientId: '1000.ADMINLOCKED', redirectPort: 'eighty', disableDemoWorkspace: true, trustedSigners: [{ fingerprint: FINGERPRINT, name: 'Compliance office' }] }));
    const host = await startAppHost(join(folder, 'home'), 'e2e passphrase', { TIMELINE_AUDITOR_POLICY_FILE: policyFile });
    try {
      await page.goto(host.appUrl);
      await expect(page.getByRole('heading', { level: 2, name: 'Connect' })).toBeVisible();
      const form = page.getByRole('form', { name: 'Connect to Zoho CRM' });
      await expect(form.getByLabel('Client ID')).toBeDisabled();
      await expect(form.getByLabel('Client ID')).toHaveValue('1000.ADMINLOCKED');
      // Data centre and client ID carry the lock; the port's value in the file was malformed, so it stays free.
      await expect(form.getByRole('img', { name: 'Set by your administrator' })).toHaveCount(2);
      await expect(form.getByLabel('Redirect port')).toBeEnabled();
      await expect(page.getByTestId('demo-disabled')).toContainText('turned off by your administrator');
      await expect(page.getByRole('button', { name: 'Open demo workspace' })).toHaveCount(0);
      await page.screenshot({ path: 'tests/artifacts/admin-policy-connect.png', animations: 'disabled' });

      await page
        .getByRole('navigation', { name: 'Screens' })
        .getByRole('button', { name: /^Exports/ })
        .click();
      const row = page.getByTestId('trusted-signer-row').filter({ hasText: 'Compliance office' });
      await expect(row.getByTestId('policy-signer')).toBeVisible();
      await expect(row.getByRole('button', { name: /Remove/ })).toHaveCount(0);

      await page
        .getByRole('navigation', { name: 'Screens' })
        .getByRole('button', { name: /^Settings/ })
        .click();
      const card = page.getByTestId('admin-policy');
      await expect(card).toContainText(policyFile);
      await expect(card.getByTestId('policy-problems')).toContainText('redirectPort');
      await expect(card.getByRole('row', { name: /Demo workspace/ })).toContainText('turned off');
      await page.screenshot({ path: 'tests/artifacts/admin-policy-settings.png', animations: 'disabled' });

      await page.getByRole('button', { name: 'About' }).click();
      const dialog = page.getByRole('dialog', { name: 'About Timeline Auditor' });
      await dialog.getByRole('button', { name: 'Copy diagnostics' }).click();
      const text = dialog.getByTestId('diagnostics-text');
      await expect(text).toHaveValue(/Timeline Auditor 0\.1\.0 \(browser\)/);
      await expect(text).toHaveValue(/Admin policy: applied/);
      await expect(text).toHaveValue(/Last log lines:/);
      await expect(text).not.toHaveValue(/e2e passphrase/);
      await expect(dialog.getByTestId('diagnostics-status')).toBeVisible();
    } finally {
      host.process.kill('SIGTERM');
      await new Promise((resolve) => host.process.once('exit', resolve));
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
