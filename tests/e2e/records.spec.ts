import { test, expect } from './support/host';
import { connectToDemo, openScreen } from './support/flows';

test.describe('Records screen', () => {
  test('syncs records from the demo workspace with progress, then opens their timelines with the server offline', async ({ page, context, appHost }) => {
    await page.goto(appHost.appUrl);
    await connectToDemo(page, context);

    await openScreen(page, 'Records');
    // Paste: one bad line is reported with its line number and nothing is added.
    await page.getByLabel('Records to add').fill('Leads/554023000001122039\nnot-a-record');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByTestId('add-records-result')).toContainText('Line 2');
    await expect(page.getByTestId('record-row')).toHaveCount(0);

    await page.getByLabel('Records to add').fill('Leads/554023000001122039');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByTestId('add-records-result')).toContainText('Added 1 record');

    // A whole module from the demo's record listing.
    await page.getByRole('tab', { name: 'Whole module' }).click();
    await page.getByRole('button', { name: /^Add all records of Leads/ }).click();
    await expect(page.getByTestId('add-records-result')).toContainText(/Added \d+ records/);
    const rows = page.getByTestId('record-row');
    // The table reloads on records:changed, a moment after the result text: wait for it.
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
    const total = await rows.count();
    await expect(page.getByTestId('record-freshness').first()).toHaveText('Never synced');

    // Every state the progress bar renders is recorded as the DOM changes: a sync of a few records can
    // finish between two polls of a locator on a busy machine, so polling for "running" would be a race.
    // (A string: this project's tests compile without the DOM's types.)
    await page.evaluate(`{
      const seen = (window.syncStatesSeen = []);
      const note = () => {
        const state = document.querySelector('[data-testid="sync-progress"]')?.getAttribute('data-state');
        if (state && seen[seen.length - 1] !== state) seen.push(state);
      };
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
      note();
    }`);
    await page.getByRole('button', { name: 'Sync all' }).click();
    const progress = page.getByTestId('sync-progress');
    await expect(progress).toBeVisible();
    await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 45_000 });
    const statesSeen = await page.evaluate<string[]>('window.syncStatesSeen');
    expect(statesSeen.slice(-2)).toEqual(['running', 'done']);
    await expect(page.getByTestId('sync-progress-text')).toContainText(`${total} of ${total} records`);
    await expect(page.getByTestId('record-freshness').filter({ hasText: 'Fresh' })).toHaveCount(total);
    await page.screenshot({ path: 'tests/artifacts/records-synced.png', animations: 'disabled' });

    // Unplug: stop the demo workspace's server.
    await openScreen(page, 'Connect');
    await page.getByLabel(/Demo server online/).click();
    await expect(page.getByText(/Demo server offline/)).toBeVisible();

    await openScreen(page, 'Records');
    const sample = page.locator('[data-record="Leads/554023000001122039"]');
    await expect(sample).toContainText('8'); // the documented sample record has 8 events
    await sample.getByRole('button', { name: 'Open timeline' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('timeline-event')).toHaveCount(8);
    await expect(dialog).toContainText('Lead Source');
    await expect(dialog).toContainText('Employee Referral');
    await page.screenshot({ path: 'tests/artifacts/records-timeline-offline.png', animations: 'disabled' });
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Fetching while offline fails per record with a reason, and the cache is untouched.
    await page.getByRole('button', { name: /^Fetch new events/ }).click();
    await expect(progress).toHaveAttribute('data-state', /done|stopped/, { timeout: 45_000 });
    await expect(sample).toContainText('8');
  });
});
