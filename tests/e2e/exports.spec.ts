import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { test, expect } from './support/host';
import { connectToDemo, openScreen } from './support/flows';

test.describe('Exports screen', () => {
  test('exports a signed packet, PDF and CSV from the cache, verifies it, and catches a tampered copy', async ({ page, context, appHost }) => {
    await page.goto(appHost.appUrl);
    await connectToDemo(page, context);
    await openScreen(page, 'Records');
    await page.getByLabel('Records to add').fill('Leads/554023000001122039');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Sync all' }).click();
    await expect(page.getByTestId('sync-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });

    // A reviewer's note on one event travels into the exports (added over the same IPC the Review screen uses).
    const noted = await page.evaluate(async () => {
      const api = (globalThis as unknown as { auditor: { invoke(channel: string, input: object): Promise<{ ok: boolean; value: unknown }> } }).auditor;
      const added = await api.invoke('review:add-note', { eventId: '554023000003095038', text: 'Lead source changed via API — ask sales ops', tag: 'follow-up' });
      return added.ok;
    });
    expect(noted).toBe(true);

    await openScreen(page, 'Exports');
    await expect(page.getByLabel(/All cached records \(1, 8 events\)/)).toBeChecked();
    await page.getByLabel(/PDF report/).check();
    await page.getByLabel(/^CSV/).check();
    const fingerprint = (await page.getByTestId('signing-key-fingerprint').innerText()).trim();
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);

    await page.getByRole('button', { name: 'Export 1 record' }).click();
    await expect(page.getByTestId('export-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    await expect(page.getByTestId('export-progress')).toContainText('Exported 8 events');
    const row = page.getByTestId('export-history-row').first();
    await expect(row).toContainText('PACKET');
    await expect(row).toContainText('PDF');
    await expect(row).toContainText('CSV');
    await page.screenshot({ path: 'tests/artifacts/exports-done.png', animations: 'disabled' });

    await row.getByRole('button', { name: 'Verify' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('verification-verdict')).toContainText('Intact');
    await expect(dialog).toContainText('this installation’s key');
    await page.screenshot({ path: 'tests/artifacts/exports-verified.png', animations: 'disabled' });
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Where the packet was written (the host's home/exports), then a copy with one byte changed.
    const shown = await row
      .getByRole('button', { name: 'Show' })
      .click()
      .then(() => page.getByText(/Saved in /).innerText());
    const zipPath = shown.replace(/^Saved in /, '').replace(/\.(pdf|csv)$/, '.zip');
    const files = unzipSync(readFileSync(zipPath));
    const csv = files['events.csv']!;
    csv[20] = csv[20]! ^ 0x01;
    await page.getByLabel('Packet to verify').setInputFiles({ name: 'tampered.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) });
    await expect(dialog.getByTestId('verification-verdict')).toContainText('Not intact');
    await expect(dialog.getByTestId('verification-verdict')).toContainText('events.csv');

    // The note is in the CSV row of that event, and the flags column is filled by the review rules.
    const exportedCsv = readFileSync(zipPath.replace(/\.zip$/, '.csv'), 'utf8');
    const notedRow = exportedCsv.split('\r\n').find((line) => line.startsWith('554023000003095038,'));
    expect(notedRow).toContain('[follow-up] Lead source changed via API — ask sales ops');
  });
});
