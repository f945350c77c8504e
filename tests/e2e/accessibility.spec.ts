import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './support/host';
import { connectToDemo, openScreen } from './support/flows';
import { connectAndSyncSample, exportPacket } from './support/workspace';

/** axe-core over what is on screen now: no serious or critical violation (each named with where it is). */
async function expectAccessible(page: Page, what: string): Promise<void> {
  // Let MUI's transitions end: axe then sees the final colours, not a fade's.
  await page.waitForTimeout(400);
  const results = await new AxeBuilder({ page }).analyze();
  const blocking = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(
    blocking.map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} — ${violation.nodes
          .slice(0, 5)
          .map((node) => `${node.target.join(' ')} (${node.failureSummary?.split('\n').slice(1, 2).join('') ?? ''})`)
          .join('; ')}`,
    ),
    `${what}: serious or critical axe violations`,
  ).toEqual([]);
}

test.describe('Accessibility (axe-core): Connect, Records, Exports, Settings, About', () => {
  test('Connect disconnected and connected, Settings, About', async ({ page, context, appHost }) => {
    await page.goto(appHost.appUrl);
    await expect(page.getByRole('button', { name: 'Open demo workspace' })).toBeVisible();
    await expectAccessible(page, 'Connect (disconnected)');

    await openScreen(page, 'Settings');
    await expectAccessible(page, 'Settings');

    await page.getByRole('button', { name: 'About' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await expectAccessible(page, 'About dialog');
    await page.keyboard.press('Escape');

    await connectToDemo(page, context);
    await expectAccessible(page, 'Connect (connected)');

    // The narrow window's icon-only sidebar too.
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.reload();
    await expect(page.locator('#screens-sidebar')).toHaveAttribute('data-collapsed', 'true');
    await expectAccessible(page, 'Connect (connected, sidebar collapsed)');
  });

  test('Records with records and the sync panel, fetch with filters, Exports with a packet, the verify dialog and trusted signers', async ({ page, context, appHost }) => {
    await page.goto(appHost.appUrl);
    await connectAndSyncSample(page, context);
    await expectAccessible(page, 'Records (synced, sync panel)');
    await page.getByRole('button', { name: 'Fetch with filters…' }).click();
    await expect(page.getByTestId('zoho-filter-builder')).toBeVisible();
    await expectAccessible(page, 'Records (fetch with filters)');
    await page.locator('[data-record="Leads/554023000001122039"]').getByRole('button', { name: 'Open timeline' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await expectAccessible(page, 'Records (timeline dialog)');
    await page.keyboard.press('Escape');

    await exportPacket(page);
    await expect(page.getByTestId('trusted-signer-row').first()).toBeVisible();
    await expectAccessible(page, 'Exports (packet in history, trusted signers)');
    await page.getByTestId('export-history-row').first().getByRole('button', { name: 'Verify' }).click();
    await expect(page.getByRole('dialog').getByTestId('verification-verdict')).toBeVisible();
    await expectAccessible(page, 'Exports (verify dialog)');
  });
});
