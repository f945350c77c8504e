import { expect, type BrowserContext, type Page } from '@playwright/test';

/** Connects the app to the demo workspace as a person would: the button, then Accept on the consent page. */
export async function connectToDemo(page: Page, context: BrowserContext): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: /^Connect/ })
    .click();
  await page.getByRole('button', { name: 'Open demo workspace' }).click();
  const authorizationUrl = await page.getByTestId('authorization-link').getAttribute('href');
  expect(authorizationUrl).not.toBeNull();
  const consent = await context.newPage();
  await consent.goto(authorizationUrl!);
  await consent.getByRole('button', { name: 'Accept' }).click();
  await expect(consent.locator('body')).toContainText(/return to Timeline Auditor/i);
  await consent.close();
  await expect(page.getByTestId('connected-card')).toBeVisible();
}

export async function openScreen(page: Page, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: new RegExp(`^${name}`) })
    .click();
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
}
