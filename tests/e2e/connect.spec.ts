import { test, expect } from './support/host';

test.describe('Connect screen', () => {
  test('connects to the demo workspace through the loopback OAuth flow and disconnects', async ({ page, context, appHost }) => {
    await page.goto(appHost.appUrl);
    await expect(page.getByRole('heading', { level: 2, name: 'Connect' })).toBeVisible();
    await page.screenshot({ path: 'tests/artifacts/connect-disconnected.png', animations: 'disabled' });

    await page.getByRole('button', { name: 'Open demo workspace' }).click();
    const waiting = page.getByTestId('waiting-for-browser');
    await expect(waiting).toBeVisible();
    // The person approves in "their browser": the link the app shows leads to the sandbox's consent page.
    const link = page.getByTestId('authorization-link');
    const authorizationUrl = await link.getAttribute('href');
    expect(authorizationUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/v2\/auth\?/);
    const parameters = new URL(authorizationUrl!).searchParams;
    expect(parameters.get('code_challenge_method')).toBe('S256');
    expect(parameters.get('access_type')).toBe('offline');
    expect(parameters.get('prompt')).toBe('consent');
    expect(parameters.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const consent = await context.newPage();
    await consent.goto(authorizationUrl!);
    await consent.getByRole('button', { name: 'Accept' }).click();
    await expect(consent.locator('body')).toContainText(/return to Timeline Auditor/i);
    await consent.close();

    const card = page.getByTestId('connected-card');
    await expect(card).toBeVisible();
    await expect(card.getByText('Demo workspace', { exact: true })).toBeVisible();
    await expect(card.getByRole('row', { name: /API domain/ })).toContainText('http://127.0.0.1:');
    await expect(card.getByRole('row', { name: /Stored credentials/ })).toContainText('AES-256-GCM');
    await page.screenshot({ path: 'tests/artifacts/connect-connected.png', animations: 'disabled' });

    // The connection survives a reload (it lives in main, not in the page).
    await page.reload();
    await expect(page.getByTestId('connected-card')).toBeVisible();

    await page.getByRole('button', { name: 'Disconnect' }).click();
    await expect(page.getByText(/Zoho revoked the app’s access/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Open demo workspace' })).toBeVisible();
  });

  test('a denied consent is explained, and a cancelled sign-in leaves the app ready to try again', async ({ page, context, appHost }) => {
    await page.goto(appHost.appUrl);
    await page.getByRole('button', { name: 'Open demo workspace' }).click();
    const authorizationUrl = await page.getByTestId('authorization-link').getAttribute('href');
    const consent = await context.newPage();
    await consent.goto(authorizationUrl!);
    await consent.getByRole('button', { name: 'Deny' }).click();
    // Close the tab only once the browser has followed the redirect to the app's loopback callback.
    await consent.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?.*error=access_denied/);
    await consent.waitForLoadState();
    await consent.close();
    await expect(page.getByRole('alert').filter({ hasText: 'Could not connect' })).toBeVisible();

    await page.getByRole('button', { name: 'Open demo workspace' }).click();
    await expect(page.getByTestId('waiting-for-browser')).toBeVisible();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('alert').filter({ hasText: /cancelled/i })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Open demo workspace' })).toBeEnabled();
  });

  test('the Connect form checks its input before anything is sent', async ({ page, appHost }) => {
    await page.goto(appHost.appUrl);
    const form = page.getByRole('form', { name: 'Connect to Zoho CRM' });
    await expect(form.getByRole('button', { name: 'Connect' })).toBeDisabled();
    await form.getByLabel('Client ID').fill('1000.ABC');
    await form.getByLabel('Client secret').fill('s3cret');
    await form.getByLabel('Redirect port').fill('80');
    await expect(form.getByText('Use a port from 1024 to 65535.')).toBeVisible();
    await expect(form.getByRole('button', { name: 'Connect' })).toBeDisabled();
  });
});
