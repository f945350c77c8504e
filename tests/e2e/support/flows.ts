import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test';

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

/** Records → Whole module → add every record of `module` → Sync all, waiting until the sync is done. */
export async function syncWholeModule(page: Page, module: string): Promise<void> {
  await openScreen(page, 'Records');
  await page.getByRole('tab', { name: 'Whole module' }).click();
  await page.getByRole('button', { name: new RegExp(`^Add all records of ${module}`) }).click();
  await expect(page.getByTestId('add-records-result')).toContainText(/Added \d+ records/);
  await page.getByRole('button', { name: 'Sync all' }).click();
  await expect(page.getByTestId('sync-progress')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
}

/** Picks an option of an MUI select (a string matches the option's whole name) and waits for the list to close. */
export async function choose(page: Page, select: Locator, option: string | RegExp): Promise<void> {
  await select.click();
  await page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
  await expect(page.getByRole('listbox')).toHaveCount(0);
}
