import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { test, expect } from './support/host';
import { connectToDemo, openScreen } from './support/flows';

test.describe('Export what the reviewer sees', () => {
  test('Review → Export view: the filter on screen becomes the packet’s scope; an incomplete record needs a confirm and is marked', async ({ page, context, appHost }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(appHost.appUrl);
    await connectToDemo(page, context);
    await openScreen(page, 'Records');
    // The second record does not exist in the workspace: its fetch fails, so its timeline is not complete.
    await page.getByLabel('Records to add').fill('Leads/554023000001122039\nLeads/554023999999999999');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Sync all' }).click();
    await expect(page.getByTestId('sync-progress')).toHaveAttribute('data-state', /done|failed/, { timeout: 30_000 });

    await openScreen(page, 'Review');
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export what you are looking at' });
    await expect(dialog).toContainText('The filter on screen');
    await dialog.getByLabel('Case reference').fill('AUD-2026-114');
    await dialog.getByLabel('Reviewer (name and role)').fill('Ana Ruiz, Compliance');
    await dialog.getByLabel('Purpose').fill('Q4 review of lead changes');
    await page.screenshot({ path: 'tests/artifacts/review-export-view.png', animations: 'disabled' });
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();

    const confirm = page.getByRole('dialog', { name: 'Some records were not fetched completely' });
    await expect(confirm.getByTestId('incomplete-message')).toContainText('Leads/554023999999999999');
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: 'tests/artifacts/review-export-incomplete.png', animations: 'disabled' });
    await page.setViewportSize({ width: 1440, height: 900 });
    await confirm.getByRole('button', { name: 'Export anyway, marked incomplete' }).click();

    await expect(page.getByRole('heading', { level: 2, name: 'Exports' })).toBeVisible();
    await expect(page.getByTestId('export-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    await expect(page.getByTestId('export-progress')).toContainText('1 of 2 records is marked incomplete');
    const row = page.getByTestId('export-history-row').first();
    await expect(row).toContainText('1 incomplete');
    await expect(row).toContainText('AUD-2026-114');
    await page.screenshot({ path: 'tests/artifacts/exports-incomplete-history.png', animations: 'disabled' });
    const shown = await row
      .getByRole('button', { name: 'Show' })
      .click()
      .then(() => page.getByText(/Saved in /).innerText());
    const manifest = JSON.parse(Buffer.from(unzipSync(readFileSync(shown.replace(/^Saved in /, '')))['manifest.json']!).toString('utf8')) as {
      case: unknown;
      query: { filter: { kind: string; viewName: string | null } };
      coverage: Array<{ recordId: string; complete: boolean; events: number; reason?: string }>;
    };
    expect(manifest.case).toEqual({ reference: 'AUD-2026-114', purpose: 'Q4 review of lead changes', reviewer: 'Ana Ruiz, Compliance' });
    expect(manifest.query.filter).toMatchObject({ kind: 'view', viewName: null });
    expect(manifest.coverage.find((row) => row.recordId === '554023000001122039')).toMatchObject({ complete: true, events: 8 });
    expect(manifest.coverage.find((row) => row.recordId === '554023999999999999')).toMatchObject({ complete: false, events: 0 });
  });
});
