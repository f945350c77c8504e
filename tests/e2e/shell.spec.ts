import { test, expect } from './support/host';

test.describe('app shell in Chromium, wired to the real main-process services', () => {
  test('navigates the screens, calls app:versions over IPC and keeps settings across reloads', async ({ page, appHost }) => {
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));

    await page.goto(appHost.appUrl);
    await expect(page.getByRole('heading', { name: 'Timeline Auditor' })).toBeVisible();
    // The secret leaves the address bar once read.
    expect(page.url()).not.toContain('auditor-secret');

    for (const name of ['Records', 'Review', 'Exports', 'Settings', 'Connect']) {
      await page
        .getByRole('navigation', { name: 'Screens' })
        .getByRole('button', { name: new RegExp(`^${name}`) })
        .click();
      await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
    }

    // A real IPC round trip: the About dialog shows what main reports about itself.
    await page.getByRole('button', { name: 'About' }).click();
    const dialog = page.getByRole('dialog', { name: 'About Timeline Auditor' });
    await expect(dialog.getByTestId('version-version')).toHaveText('0.1.0');
    await expect(dialog.getByTestId('version-shell')).toHaveText('Browser (development host)');
    await expect(dialog.getByTestId('version-nodejs')).toHaveText(process.versions.node);
    await dialog.getByRole('button', { name: /Open-source licenses \(\d+ packages\)/ }).click();
    const licenses = dialog.getByRole('table', { name: 'Open-source licenses' });
    await expect(licenses.getByRole('row', { name: /^react \d+\.\d+\.\d+ MIT$/ })).toBeVisible();
    await page.screenshot({ path: 'tests/artifacts/shell-about.png', animations: 'disabled' });
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Settings go through main and survive a reload (stored in the host's home folder).
    await page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('button', { name: /^Settings/ })
      .click();
    // The radios show what main stored, so they change once the round trip is done.
    await page.getByRole('radio', { name: 'Dark', exact: true }).click();
    await expect(page.getByRole('radio', { name: 'Dark', exact: true })).toBeChecked();
    await page.getByRole('radio', { name: 'UTC', exact: true }).click();
    await expect(page.getByRole('radio', { name: 'UTC', exact: true })).toBeChecked();
    await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(16, 20, 24)');
    await page.reload();
    await expect(page.getByRole('radio', { name: 'Dark', exact: true })).toBeChecked();
    await expect(page.getByRole('radio', { name: 'UTC', exact: true })).toBeChecked();
    await page.screenshot({ path: 'tests/artifacts/shell-settings-dark.png', animations: 'disabled' });

    expect(consoleErrors).toEqual([]);
  });

  test('the IPC endpoint refuses a caller without the secret, and bad input gets a typed error', async ({ request, appHost }) => {
    const anonymous = await request.post(`${appHost.origin}/__auditor/ipc/app:versions`, { data: {} });
    expect(anonymous.status()).toBe(401);

    const secret = new URL(appHost.appUrl).hash.replace('#auditor-secret=', '');
    const headers = { authorization: `Bearer ${secret}` };
    const bad = await request.post(`${appHost.origin}/__auditor/ipc/settings:update`, { data: { theme: 'purple' }, headers });
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const unknown = await request.post(`${appHost.origin}/__auditor/ipc/fs:readFile`, { data: {}, headers });
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  });
});
