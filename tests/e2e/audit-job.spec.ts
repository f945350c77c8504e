/**
 * The reviewer's whole job on the demo workspace, as issue 14 states it: filter, mark events with the
 * keyboard, follow one up, sign off a saved view, export its packet, verify it (the review log's chain
 * included) — and a tampered review log is caught, in a packet and in the cache file itself.
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { test, expect } from './support/host';
import { choose, connectToDemo, openScreen, syncWholeModule } from './support/flows';
import { cacheFilePath } from '../../main/cache/location.js';

const SCREENSHOTS = 'tests/artifacts/screenshots';
const VIEW = 'Lead updates, Q4';

test.describe('The reviewer’s whole job', () => {
  test('filter, keyboard marks, a follow-up, sign-off of a saved view, its packet exported and verified; a tampered review log is caught', async ({ page, context, appHost }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(appHost.appUrl);
    await connectToDemo(page, context);

    await syncWholeModule(page, 'Leads');

    // ---- filter: Action is Updated, saved as a view
    await openScreen(page, 'Review');
    const table = page.getByTestId('event-table');
    const progress = page.getByTestId('review-progress');
    await page.getByRole('button', { name: 'Edit filter' }).click();
    const builder = page.getByTestId('local-filter');
    await builder.getByRole('button', { name: '+ Condition' }).first().click();
    const rule = builder.locator('.rule').first();
    await choose(page, rule.locator('.rule-fields [role="combobox"]'), /^Action$/);
    await choose(page, rule.locator('.rule-value [role="combobox"]'), /^Updated$/);
    await page.getByRole('button', { name: 'Done', exact: true }).click();
    const total = Number(await progress.getAttribute('data-total'));
    expect(total).toBeGreaterThan(5);
    await expect(table).toHaveAttribute('data-total', String(total));
    await page.getByRole('button', { name: 'Save…' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill(VIEW);
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);

    // ---- the keyboard: two reviewed, one followed up
    await table.focus();
    await page.keyboard.press('j');
    await page.keyboard.press('r');
    await page.keyboard.press('r');
    await page.keyboard.press('f');
    await expect(progress).toHaveAttribute('data-reviewed', '2');
    await expect(progress).toHaveAttribute('data-follow-up', '1');
    await expect(page.locator('[data-testid="event-row"][data-review-state="follow_up"]')).toHaveCount(1);

    // ---- sign off the saved view (events remain unreviewed: a reason is required)
    await page.getByRole('button', { name: 'Sign off…' }).click();
    const signOff = page.getByRole('dialog', { name: 'Sign off a review' });
    await signOff.getByLabel('Statement').fill('Reviewed the sampled lead updates of Q4; one is followed up with sales operations.');
    await signOff.getByLabel('Name').fill('Dana Reviewer');
    await signOff.getByLabel('Role').fill('Compliance officer');
    await signOff.getByLabel('Why sign off with unreviewed events').fill('A sample was agreed with the auditor; the rest are routine updates.');
    await signOff.getByRole('button', { name: 'Sign off' }).click();
    await expect(signOff.getByTestId('sign-off-result')).toContainText('Dana Reviewer, Compliance officer');
    await signOff.getByRole('button', { name: 'Done' }).click();

    // ---- export the view's packet from the Review screen
    await page.getByRole('button', { name: 'Export…' }).click();
    const exportDialog = page.getByRole('dialog', { name: 'Export what you are looking at' });
    await expect(exportDialog).toContainText(`The saved view “${VIEW}”`);
    await exportDialog.getByLabel('Case reference').fill('AUD-2026-121');
    await exportDialog.getByRole('button', { name: 'Export', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Exports' })).toBeVisible();
    await expect(page.getByTestId('export-progress')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });

    // ---- verify it: intact, the review log's chain recomputed, the sign-off read back
    const row = page.getByTestId('export-history-row').first();
    await row.getByRole('button', { name: 'Verify' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('verification-verdict')).toHaveAttribute('data-verdict', 'trusted');
    const review = dialog.getByTestId('verification-review');
    await expect(review).toHaveAttribute('data-chain', 'intact');
    await expect(review).toContainText('Chain intact');
    await expect(review).toContainText(`2 of ${total.toLocaleString('en-US')} events reviewed, 1 for follow-up`);
    await expect(review).toContainText('Dana Reviewer, Compliance officer');
    await expect(review).toContainText(VIEW);
    await page.screenshot({ path: `${SCREENSHOTS}/audit-job-verified-1440x900.png`, animations: 'disabled' });
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: `${SCREENSHOTS}/audit-job-verified-1024x700.png`, animations: 'disabled' });
    await page.setViewportSize({ width: 1440, height: 900 });
    await dialog.getByRole('button', { name: 'Close' }).click();

    // ---- a packet whose log entry was edited: not intact, the entry named
    const shown = await row
      .getByRole('button', { name: 'Show' })
      .click()
      .then(() => page.getByText(/Saved in /).innerText());
    const zipPath = shown.replace(/^Saved in /, '').replace(/\.(pdf|csv)$/, '.zip');
    const files = unzipSync(readFileSync(zipPath));
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as { review: { log: { entries: Array<{ seq: number; actor: string }> } } };
    expect(manifest.review.log.entries.length).toBeGreaterThanOrEqual(3);
    manifest.review.log.entries[0]!.actor = 'Mallory';
    files['manifest.json'] = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
    await page.getByLabel('Packet to verify').setInputFiles({ name: 'tampered-log.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) });
    await expect(dialog.getByTestId('verification-verdict')).toHaveAttribute('data-verdict', 'not-intact');
    await expect(dialog.getByTestId('verification-review')).toHaveAttribute('data-chain', 'broken');
    await expect(dialog.getByTestId('verification-review')).toContainText('BROKEN at entry #1');
    await page.screenshot({ path: `${SCREENSHOTS}/audit-job-tampered-log-1440x900.png`, animations: 'disabled' });
    await dialog.getByRole('button', { name: 'Close' }).click();

    // ---- the cache's own log edited outside the app: the log says where, and no export is made from it
    const outside = new Database(cacheFilePath(appHost.home));
    for (const { name } of outside.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'review_log'").all()) outside.exec(`DROP TRIGGER "${name}"`);
    outside.prepare("UPDATE review_log SET actor = 'Mallory' WHERE seq = 2").run();
    outside.close();
    await openScreen(page, 'Review');
    // Back from Exports, the screen shows what the reviewer was looking at: the view, its count, their marks.
    await expect(page.getByTestId('event-table')).toHaveAttribute('data-total', String(total));
    await expect(page.getByTestId('review-progress')).toHaveAttribute('data-reviewed', '2');
    await page.getByRole('button', { name: 'Review log' }).click();
    const log = page.getByRole('dialog', { name: 'Review log' });
    await expect(log.getByTestId('review-log-chain')).toHaveAttribute('data-intact', 'false');
    await expect(log.getByTestId('review-log-chain')).toContainText('2');
    await page.screenshot({ path: `${SCREENSHOTS}/audit-job-broken-log-1440x900.png`, animations: 'disabled' });
    await log.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Export…' }).click();
    const again = page.getByRole('dialog', { name: 'Export what you are looking at' });
    await expect(again).toContainText(`The saved view “${VIEW}”`);
    await again.getByRole('button', { name: 'Export', exact: true }).click();
    await expect(again).toContainText('The review log in the cache does not verify: entry 2');
    await page.screenshot({ path: `${SCREENSHOTS}/audit-job-export-refused-1440x900.png`, animations: 'disabled' });
    await again.getByRole('button', { name: 'Cancel' }).click();
    await openScreen(page, 'Exports');
    await expect(page.getByTestId('export-history-row')).toHaveCount(1);
  });
});
