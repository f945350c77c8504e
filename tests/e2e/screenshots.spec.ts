import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect } from './support/host';
import { connectToDemo, openScreen } from './support/flows';
import { exportPacket } from './support/workspace';

const DIRECTORY = 'tests/artifacts/screenshots';
const VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
] as const;

/**
 * Every screen of the app frame, Connect, Records, Exports and Settings (and their dialogs) at the two
 * sizes the issue names, for a person to open and look at: tests/artifacts/screenshots/NAME-WxH.png.
 */
for (const viewport of VIEWPORTS) {
  const size = `${viewport.width}x${viewport.height}`;
  const shoot = async (page: Page, name: string): Promise<void> => {
    await page.mouse.move(viewport.width - 2, viewport.height - 2); // no hover tooltip in the picture
    await page.waitForTimeout(400); // transitions end
    await page.screenshot({ path: `${DIRECTORY}/${name}-${size}.png`, animations: 'disabled' });
  };

  test(`screens at ${size}`, async ({ page, context, appHost }) => {
    mkdirSync(DIRECTORY, { recursive: true });
    await page.setViewportSize(viewport);
    await page.goto(appHost.appUrl);
    await expect(page.getByRole('button', { name: 'Open demo workspace' })).toBeVisible();
    await shoot(page, 'connect-disconnected');
    await openScreen(page, 'Settings');
    await shoot(page, 'settings');
    await page.getByRole('button', { name: 'About' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await shoot(page, 'about-dialog');
    await page.keyboard.press('Escape');

    await connectToDemo(page, context);
    await shoot(page, 'connect-connected');
    await openScreen(page, 'Records');
    await shoot(page, 'records-empty');
    await connectAndSyncSampleFromRecords(page);
    await shoot(page, 'records-synced');
    await page.getByRole('button', { name: 'Fetch with filters…' }).click();
    await expect(page.getByTestId('zoho-filter-builder')).toBeVisible();
    await shoot(page, 'records-fetch-with-filters');
    await page.getByRole('button', { name: 'Fetch with filters…' }).click();

    await openScreen(page, 'Exports');
    await shoot(page, 'exports-empty');
    await exportPacket(page);
    await shoot(page, 'exports-with-packet');
    await page.getByTestId('export-history-row').first().getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByRole('dialog').getByTestId('verification-verdict')).toBeVisible();
    await shoot(page, 'exports-verify-dialog');
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

    // The other sidebar state than this width's default.
    await page.getByTestId('sidebar-toggle').click();
    await openScreen(page, 'Records');
    await shoot(page, 'records-synced-sidebar-toggled');
  });
}

async function connectAndSyncSampleFromRecords(page: Page): Promise<void> {
  await page.getByLabel('Records to add').fill('Leads/554023000001122039');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('record-row')).toHaveCount(1);
  await page.getByRole('button', { name: 'Sync all' }).click();
  await expect(page.getByTestId('sync-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
}
