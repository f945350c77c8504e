import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { test, expect } from './support/host';
import { connectToDemo, openScreen } from './support/flows';
import { writeAuditPacket } from '../../main/export/packet.js';
import { FileSigningKeyStore } from '../../main/export/signing-key-store.js';
import { buildEvents, exportInputOf } from '../unit/export/fixtures.js';

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
    await expect(dialog.getByTestId('verification-verdict')).toHaveAttribute('data-verdict', 'trusted');
    await expect(dialog.getByTestId('verification-verdict')).toContainText('Intact — signed by this installation');
    await expect(dialog.getByTestId('verification-completeness')).toContainText('The record was fetched completely');
    await expect(dialog.getByTestId('verification-completeness')).toContainText('8 events');
    await expect(dialog).toContainText('This installation’s own key signed it.');
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
    await expect(dialog.getByTestId('verification-verdict')).toHaveAttribute('data-verdict', 'not-intact');
    await expect(dialog.getByTestId('verification-verdict')).toContainText('Not intact');
    await expect(dialog.getByTestId('verification-verdict')).toContainText('events.csv');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The note is in the CSV row of that event, and the flags column is filled by the review rules.
    const exportedCsv = readFileSync(zipPath.replace(/\.zip$/, '.csv'), 'utf8');
    const notedRow = exportedCsv.split('\r\n').find((line) => line.startsWith('554023000003095038,'));
    expect(notedRow).toContain('[follow-up] Lead source changed via API — ask sales ops');
  });

  test('trusted signers: the own key listed, an unknown signer trusted from its verdict, named, then removed', async ({ page, context, appHost }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(appHost.appUrl);
    await connectToDemo(page, context);
    await openScreen(page, 'Exports');
    const own = (await page.getByTestId('signing-key-fingerprint').innerText()).trim();
    const rows = page.getByTestId('trusted-signer-row');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('this installation');
    await expect(rows.first()).toContainText(own);
    await expect(rows.first().getByRole('button', { name: /Remove/ })).toHaveCount(0);

    // A malformed fingerprint cannot be added; the own key again is refused with a reason.
    await page.getByRole('textbox', { name: 'Fingerprint' }).fill('abc123');
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Someone');
    await expect(page.getByText('64 hexadecimal characters (colons and spaces are fine)')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Trust signer' })).toBeDisabled();
    await page.getByRole('textbox', { name: 'Fingerprint' }).fill(own.replace(/(..)(?!$)/g, '$1:'));
    await page.getByRole('button', { name: 'Trust signer' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'already trusted, as "this installation"' })).toBeVisible();

    // A packet another installation signed: intact, but its signer is unknown here.
    const { packet, fingerprint } = await foreignPacket();
    await page.getByLabel('Packet to verify').setInputFiles({ name: 'from-ada.zip', mimeType: 'application/zip', buffer: packet });
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('verification-verdict')).toHaveAttribute('data-verdict', 'signer-unknown');
    await expect(dialog.getByTestId('verification-verdict')).toContainText('Intact but signer unknown');
    await expect(dialog.getByTestId('unknown-signer-fingerprint')).toContainText(fingerprint);
    await expect(dialog).toContainText('Ada Lovelace <ada@example.com>');
    await page.screenshot({ path: 'tests/artifacts/exports-signer-unknown-1440.png', animations: 'disabled' });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: 'tests/artifacts/exports-signer-unknown-1024.png', animations: 'disabled' });
    await dialog.getByRole('textbox', { name: 'Signer’s name' }).fill('Ada Lovelace, ACME finance');
    await dialog.getByRole('button', { name: 'Fingerprints match — trust' }).click();
    await expect(page.getByText('“Ada Lovelace, ACME finance” is now a trusted signer.')).toBeVisible();
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText('Ada Lovelace, ACME finance');
    await expect(rows.nth(1)).toContainText(fingerprint);

    // The same packet now verifies as signed by that name.
    await page.getByLabel('Packet to verify').setInputFiles({ name: 'from-ada.zip', mimeType: 'application/zip', buffer: packet });
    await expect(dialog.getByTestId('verification-verdict')).toHaveAttribute('data-verdict', 'trusted');
    await expect(dialog.getByTestId('verification-verdict')).toContainText('Intact — signed by Ada Lovelace, ACME finance');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'already trusted' })).toHaveCount(0); // the list changed: the old error went
    await page.getByRole('button', { name: 'Trust signer' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'tests/artifacts/exports-trusted-signers-1024.png', animations: 'disabled' });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('button', { name: 'Trust signer' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'tests/artifacts/exports-trusted-signers-1440.png', animations: 'disabled' });

    await rows.nth(1).getByRole('button', { name: 'Remove Ada Lovelace, ACME finance' }).click();
    await expect(rows).toHaveCount(1);
    // The command line reads the same list: after removal, only the own key.
    const listed = JSON.parse(execFileSync(process.execPath, ['bin/timeline-auditor.js', '--home', appHost.home, 'trust', 'list', '--json'], { encoding: 'utf8' })) as Array<{ fingerprint: string }>;
    expect(listed.map((signer) => signer.fingerprint)).toEqual([own]);
  });
});

/** An intact packet signed by another installation (a key of its own, in a home of its own). */
async function foreignPacket(): Promise<{ packet: Buffer; fingerprint: string }> {
  const home = mkdtempSync(join(tmpdir(), 'auditor-e2e-foreign-'));
  try {
    const keyStore = new FileSigningKeyStore(home);
    const path = join(home, 'packet.zip');
    await writeAuditPacket(exportInputOf(buildEvents(40)), path, {
      keyStore,
      signer: { zohoUser: { name: 'Ada Lovelace', email: 'ada@example.com' }, organisation: { orgId: '20071234567', dataCentre: 'EU' }, installation: { id: 'b4a1f3e2-0000-4000-8000-000000000001', hostname: 'ada-laptop' } },
    });
    return { packet: readFileSync(path), fingerprint: (await keyStore.identity()).fingerprint };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
