import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { test, expect, startAppHost } from './support/host';
import { connectToDemo, openScreen } from './support/flows';
import { connectAndSyncSample, exportPacket } from './support/workspace';

test.describe('App frame and guidance', () => {
  test('the sidebar collapses to named icons, stays so after a reload, and starts collapsed in a narrow window', async ({ page, appHost }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(appHost.appUrl);
    const nav = page.getByRole('navigation', { name: 'Screens' });
    const sidebar = page.locator('#screens-sidebar');
    await expect(sidebar).toHaveAttribute('data-collapsed', 'false');
    await expect(nav.getByText('Records')).toBeVisible();
    const mainWidth = async (): Promise<number> => (await page.getByRole('main').boundingBox())!.width;
    const expandedWidth = await mainWidth();

    await page.getByRole('button', { name: 'Collapse sidebar' }).click();
    await expect(sidebar).toHaveAttribute('data-collapsed', 'true');
    await expect(nav.getByText('Records')).toHaveCount(0);
    // Icons only, still named: keyboard and screen-reader users find the same buttons.
    await nav.getByRole('button', { name: 'Records', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Records' })).toBeVisible();
    await expect.poll(mainWidth).toBeGreaterThan(expandedWidth + 100);
    await nav.getByRole('button', { name: 'Exports', exact: true }).hover();
    await expect(page.getByRole('tooltip', { name: /^Exports —/ })).toContainText('Exports — CSV, PDF and signed audit packets');

    await page.reload();
    await expect(sidebar).toHaveAttribute('data-collapsed', 'true');
    await page.getByRole('button', { name: 'Expand sidebar' }).click();
    await expect(sidebar).toHaveAttribute('data-collapsed', 'false');
    await page.reload();
    await expect(sidebar).toHaveAttribute('data-collapsed', 'false');

    // A new window (no choice remembered) narrower than 1100 px starts with icons only.
    const narrow = await page
      .context()
      .browser()!
      .newPage({ viewport: { width: 1024, height: 700 } });
    await narrow.goto(appHost.appUrl);
    await expect(narrow.locator('#screens-sidebar')).toHaveAttribute('data-collapsed', 'true');
    await narrow.close();
  });

  test('after connecting, Connect and Records say what to do next, with a button that goes there', async ({ page, context, appHost }) => {
    await page.goto(appHost.appUrl);
    await connectToDemo(page, context);
    await openScreen(page, 'Review');
    await expect(page.getByTestId('next-step-empty-review')).toContainText('No events cached yet — add records and fetch them in Records');
    await openScreen(page, 'Connect');
    const next = page.getByTestId('next-step-records');
    await expect(next).toContainText('Next: add the records to audit');
    await next.getByRole('button', { name: 'Go to Records' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Records' })).toBeVisible();
    await expect(page.getByTestId('no-records')).toContainText('No records yet. Next: add the records to audit above');
    await page.getByLabel('Records to add').fill('Leads/554023000001122039');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    // The add's own answer first: a failure then says what went wrong, not only that a hint is missing.
    await expect(page.getByTestId('add-records-result')).toContainText(/Added 1 record/);
    await expect(page.getByTestId('next-step-sync')).toContainText('Next: fetch their timelines.');
    await page.getByRole('button', { name: 'Sync all' }).click();
    await expect(page.getByTestId('sync-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    await expect(page.getByTestId('next-step-sync')).toHaveCount(0);
    await page.getByTestId('next-step-review').getByRole('button', { name: 'Go to Review' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Review' })).toBeVisible();
    await expect(page.getByTestId('next-step-empty-review')).toHaveCount(0);
  });

  test('Records fetches with a Zoho filter: only the matching events, and the record says it is incomplete', async ({ page, context, appHost }) => {
    await page.goto(appHost.appUrl);
    await connectToDemo(page, context);
    await openScreen(page, 'Records');
    await page.getByLabel('Records to add').fill('Leads/554023000001122039');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Fetch with filters…' }).click();
    const panel = page.getByRole('region', { name: 'Fetch with filters' });
    const builder = panel.getByTestId('zoho-filter-builder');
    await builder.getByLabel('Field').click();
    await page.getByRole('option', { name: 'Source' }).click();
    await builder.getByLabel('Value', { exact: true }).click();
    await page.getByRole('option', { name: /API/ }).first().click();
    await expect(panel.getByTestId('fetch-filtered')).toBeEnabled();
    await panel.getByRole('button', { name: /Show the parameter/ }).click();
    await expect(panel.getByTestId('zoho-filter-json')).toContainText('"api_name":"source"');
    await panel.getByTestId('fetch-filtered').click();
    await expect(page.getByTestId('sync-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    const row = page.locator('[data-record="Leads/554023000001122039"]');
    await expect(row.getByTestId('record-filtered')).toHaveText('Filtered — incomplete');
    const filteredCount = Number((await row.locator('td').nth(3).innerText()).replace(/\D/g, ''));
    expect(filteredCount).toBeLessThan(8);

    // Synced again without a filter: whole (the documented 8 events), and no longer marked.
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Sync all' }).click();
    await expect(page.getByTestId('sync-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    await expect(row.getByTestId('record-filtered')).toHaveCount(0);
    await expect(row.locator('td').nth(3)).toHaveText('8');
  });

  test('the verify dialog lists each file once, even when the manifest fails twice over', async ({ page, context, appHost }) => {
    await page.goto(appHost.appUrl);
    await connectAndSyncSample(page, context);
    await exportPacket(page);
    const row = page.getByTestId('export-history-row').first();
    await row.getByRole('button', { name: 'Show' }).click();
    const zipPath = (await page.getByText(/Saved in /).innerText()).replace(/^Saved in /, '');
    // A naive tamper: events.csv edited and its hash updated in the manifest, which is not re-signed.
    const files = unzipSync(readFileSync(zipPath));
    const csv = Buffer.concat([Buffer.from(files['events.csv']!), Buffer.from('x,y\r\n')]);
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as { files: Array<{ name: string; size: number; sha256: string }> };
    manifest.files = manifest.files.map((file) => (file.name === 'events.csv' ? { ...file, size: csv.length, sha256: createHash('sha256').update(csv).digest('hex') } : file));
    const tampered = zipSync({ ...files, 'events.csv': new Uint8Array(csv), 'manifest.json': strToU8(JSON.stringify(manifest, null, 2)) });
    await page.getByLabel('Packet to verify').setInputFiles({ name: 'tampered.zip', mimeType: 'application/zip', buffer: Buffer.from(tampered) });
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('verification-verdict')).toHaveAttribute('data-verdict', 'not-intact');
    const fileRows = dialog.getByRole('table', { name: 'Files in the packet' }).getByRole('row');
    const names = await fileRows.locator('td:nth-child(2)').allInnerTexts();
    expect(names.filter((name) => name === 'manifest.json')).toHaveLength(1);
    expect(new Set(names).size).toBe(names.length);
  });

  test('credentials stored under another passphrase: Connect says they cannot be read, and removing them is a warning', async ({ page, context }) => {
    // A home connected under one passphrase …
    const first = await startAppHost();
    const firstPage = await context.newPage();
    await firstPage.goto(first.appUrl);
    await connectToDemo(firstPage, context);
    await firstPage.close();
    first.process.kill('SIGTERM');
    await new Promise((resolve) => first.process.once('exit', resolve));
    // … opened with another.
    const second = await startAppHost(first.home, 'another passphrase');
    try {
      await page.goto(second.appUrl);
      await expect(page.getByTestId('unreadable-credentials')).toContainText('The stored Zoho credentials cannot be read');
      await expect(page.getByTestId('unreadable-credentials')).toContainText('passphrase you used when you connected');
      await expect(page.getByTestId('connected-card')).toHaveCount(0);
      await expect(page.getByText(/renewed automatically/)).toHaveCount(0);
      for (const viewport of [
        { width: 1440, height: 900 },
        { width: 1024, height: 700 },
      ]) {
        await page.setViewportSize(viewport);
        await page.screenshot({ path: `tests/artifacts/screenshots/connect-unreadable-credentials-${viewport.width}x${viewport.height}.png`, animations: 'disabled' });
      }
      await openScreen(page, 'Records');
      await expect(page.getByTestId('reconnect-banner')).toContainText('cannot be read');
      await openScreen(page, 'Connect');
      await page.getByRole('button', { name: 'Remove stored credentials' }).click();
      const notice = page.getByTestId('disconnect-notice');
      await expect(notice).toContainText('Zoho access was not revoked');
      await expect(notice).toHaveClass(/MuiAlert-.*[Ww]arning/);
      await expect(page.getByTestId('unreadable-credentials')).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Open demo workspace' })).toBeVisible();
      await page.screenshot({ path: 'tests/artifacts/screenshots/connect-credentials-removed-1024x700.png', animations: 'disabled' });
    } finally {
      second.process.kill('SIGTERM');
      await new Promise((resolve) => second.process.once('exit', resolve));
    }
  });
});
