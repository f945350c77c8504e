import { expect, type BrowserContext, type Page } from '@playwright/test';
import { connectToDemo, openScreen } from './flows';

export const SAMPLE_RECORD = 'Leads/554023000001122039';

/** Connected to the demo workspace, the documented sample record (8 events) synced into the cache. */
export async function connectAndSyncSample(page: Page, context: BrowserContext): Promise<void> {
  await connectToDemo(page, context);
  await openScreen(page, 'Records');
  await page.getByLabel('Records to add').fill(SAMPLE_RECORD);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('record-row')).toHaveCount(1);
  await page.getByRole('button', { name: 'Sync all' }).click();
  await expect(page.getByTestId('sync-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
}

/** Exports a signed packet of everything cached from the Exports screen and waits until it is in the history. */
export async function exportPacket(page: Page): Promise<void> {
  await openScreen(page, 'Exports');
  await page.getByRole('button', { name: /^Export 1 record/ }).click();
  await expect(page.getByTestId('export-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(page.getByTestId('export-history-row').first()).toContainText('PACKET');
}
