import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './support/host';
import { choose, connectToDemo, openScreen, syncWholeModule } from './support/flows';
import type { AuditorApi, LocalFilterGroupInput, RequestChannel, RequestInput, RequestOutput } from '../../preload/contract';

/** window.auditor inside the page (this file is type-checked without the DOM library). */
type PageGlobals = { auditor: AuditorApi };

/** Asks main directly (the same IPC the screen uses), to check the screen against the cache. */
async function ask<C extends RequestChannel>(page: Page, channel: C, input: RequestInput<C>): Promise<RequestOutput<C>> {
  const answer: unknown = await page.evaluate(
    async ([name, value]) => {
      const result = await (globalThis as unknown as PageGlobals).auditor.invoke(name as C, value as RequestInput<C>);
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    },
    [channel, input] as const,
  );
  return answer as RequestOutput<C>;
}

/** An attribute of every element a locator matches, in document order. */
async function attributes(locator: Locator, name: string): Promise<Array<string | null>> {
  return Promise.all((await locator.all()).map((element) => element.getAttribute(name)));
}

const SCREENSHOTS = 'tests/artifacts/screenshots';

/** Serious and critical axe-core violations inside `selector` (this spec's parts of the screen). */
async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include(selector).analyze();
  return result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

test.describe('Review work', () => {
  test('marks events with the keyboard, follows one up, signs off a saved view (a reason while some are unreviewed), bulk-marks the filter and reads the review log', async ({ page, context, appHost }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(appHost.appUrl);
    await connectToDemo(page, context);

    await syncWholeModule(page, 'Leads');

    await openScreen(page, 'Review');
    const table = page.getByTestId('event-table');
    const progress = page.getByTestId('review-progress');

    // ---- filter: Action is updated
    const filter: LocalFilterGroupInput = { combinator: 'and', rules: [{ field: 'action', operator: '=', value: 'updated' }] };
    const total = (await ask(page, 'review:summary', { filter, timeZone: 'UTC' })).events;
    expect(total).toBeGreaterThan(5);
    // The builder is either shown under the chips or opens in a side panel ("Edit filter" … "Done"), where the
    // Review layout work (issue 14) puts it; the action reads "updated" or, in plain words, "Updated".
    const builder = page.getByTestId('local-filter');
    if ((await builder.count()) === 0) await page.getByRole('button', { name: 'Edit filter' }).click();
    await builder.getByRole('button', { name: '+ Condition' }).first().click();
    const rule = builder.locator('.rule').first();
    await choose(page, rule.locator('.rule-fields [role="combobox"]'), 'Action');
    await choose(page, rule.locator('.rule-value [role="combobox"]'), /^updated$/i);
    const panelDone = page.getByRole('button', { name: 'Done', exact: true });
    if (await panelDone.isVisible()) await panelDone.click();
    await expect(table).toHaveAttribute('data-total', String(total));
    await expect(progress).toHaveAttribute('data-total', String(total));
    await expect(progress).toHaveAttribute('data-reviewed', '0');
    await expect(progress).toHaveText(`0 of ${total.toLocaleString('en-US')} reviewed`);
    await expect(page.getByTestId('event-row').first()).toHaveAttribute('data-review-state', 'unreviewed');
    // The keys are shown on screen: on the mark buttons (named with their key) and in the hint.
    for (const [state, key] of [
      ['reviewed', 'r'],
      ['needs follow-up', 'f'],
      ['unreviewed', 'u'],
    ] as const) {
      await expect(page.getByRole('button', { name: `Mark the selected event ${state} (${key})` }).locator('kbd')).toHaveText(key);
    }

    // ---- save it as a view (the sign-off's scope)
    await page.getByRole('button', { name: 'Save…' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Updates to review');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('review-notice')).toContainText('Saved “Updates to review”');
    await expect(page.getByRole('dialog')).toHaveCount(0);

    // ---- keyboard: j selects the first row; r, r mark two reviewed and advance; f follows the third up
    const rows = page.getByTestId('event-row');
    const ids = (await attributes(rows, 'data-event-id')).slice(0, 5);
    expect(ids).toHaveLength(5);
    const row = (index: number): Locator => page.locator(`[data-testid="event-row"][data-event-id="${ids[index]}"]`);
    await table.focus();
    await page.keyboard.press('j');
    await expect(row(0)).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('r');
    await expect(row(0)).toHaveAttribute('data-review-state', 'reviewed');
    await expect(row(1)).toHaveAttribute('aria-selected', 'true');
    await expect(progress).toHaveAttribute('data-reviewed', '1');
    await page.keyboard.press('r');
    await page.keyboard.press('f');
    await expect(row(1)).toHaveAttribute('data-review-state', 'reviewed');
    await expect(row(2)).toHaveAttribute('data-review-state', 'follow_up');
    await expect(row(2).getByTestId('row-review-state')).toContainText('Needs follow-up');
    await expect(row(3)).toHaveAttribute('aria-selected', 'true');
    await expect(row(3)).toHaveAttribute('data-review-state', 'unreviewed');
    await expect(progress).toHaveText(`2 of ${total.toLocaleString('en-US')} reviewed`);
    await expect(progress).toHaveAttribute('data-follow-up', '1');
    await expect(page.getByTestId('review-progress-detail')).toContainText('1 needs follow-up');
    expect(await seriousViolations(page, '[data-testid="review-work-bar"]')).toEqual([]);
    // The review-state pills (the rest of the table is checked with the screen's layout).
    expect(await seriousViolations(page, '[data-testid="row-review-state"]')).toEqual([]);
    // k goes back one row.
    await page.keyboard.press('k');
    await expect(row(2)).toHaveAttribute('aria-selected', 'true');
    // Main agrees with the screen.
    await expect.poll(async () => ask(page, 'review:progress', { filter, timeZone: 'UTC' })).toEqual({ total, reviewed: 2, followUp: 1, unreviewed: total - 3 });
    await page.screenshot({ path: `${SCREENSHOTS}/review-work-marked-1440x900.png`, animations: 'disabled' });
    await page.setViewportSize({ width: 1024, height: 700 });
    await expect(progress).toBeVisible();
    await page.screenshot({ path: `${SCREENSHOTS}/review-work-marked-1024x700.png`, animations: 'disabled' });
    await page.setViewportSize({ width: 1440, height: 900 });

    // ---- sign off the saved view: refused while events are unreviewed, until a reason is given
    await page.getByRole('button', { name: 'Sign off…' }).click();
    const signOff = page.getByRole('dialog', { name: 'Sign off a review' });
    await expect(signOff).toBeVisible();
    await expect(signOff.getByTestId('sign-off-scope-progress')).toHaveAttribute('data-unreviewed', String(total - 3));
    await expect(signOff.getByTestId('sign-off-scope-progress')).toContainText(`2 of ${total.toLocaleString('en-US')} reviewed`);
    await signOff.getByLabel('Statement').fill('Checked every update to leads in the period; one needs a follow-up with sales.');
    await signOff.getByLabel('Name').fill('Dana Reviewer');
    await signOff.getByLabel('Role').fill('Compliance officer');
    await expect(signOff.getByLabel('Why sign off with unreviewed events')).toBeVisible();
    await signOff.getByRole('button', { name: 'Sign off' }).click();
    await expect(signOff).toContainText('say why unreviewed events are acceptable');
    expect(await ask(page, 'review:sign-offs', {})).toHaveLength(0);
    // The same refusal from main itself (not only the dialog's check).
    const refused = await page.evaluate(async () => {
      const result = await (globalThis as unknown as PageGlobals).auditor.invoke('review:sign-off', {
        scope: { kind: 'view', name: 'Updates to review' },
        statement: 'Signing off without saying why.',
        name: 'Dana Reviewer',
        role: 'Compliance officer',
        unreviewedReason: null,
        timeZone: 'UTC',
      });
      return result.ok ? null : result.error.code;
    });
    expect(refused).toBe('SIGN_OFF_UNREVIEWED');
    await page.screenshot({ path: `${SCREENSHOTS}/review-work-sign-off-refused-1440x900.png`, animations: 'disabled' });
    expect(await seriousViolations(page, '[role="dialog"]')).toEqual([]);
    await signOff.getByLabel('Why sign off with unreviewed events').fill('Routine field updates by the sales team; sampled, the rest follow next quarter.');
    await signOff.getByRole('button', { name: 'Sign off' }).click();
    await expect(signOff.getByTestId('sign-off-result')).toContainText('Dana Reviewer, Compliance officer');
    await expect(signOff.getByTestId('sign-off-result')).toContainText(`2 of ${total.toLocaleString('en-US')} reviewed`);
    const signOffs = await ask(page, 'review:sign-offs', {});
    expect(signOffs).toHaveLength(1);
    expect(signOffs[0]!.scope).toEqual({ kind: 'view', name: 'Updates to review' });
    expect(signOffs[0]!.unreviewedReason).toContain('sampled');
    expect(signOffs[0]!.progress).toEqual({ total, reviewed: 2, followUp: 1, unreviewed: total - 3 });
    await page.screenshot({ path: `${SCREENSHOTS}/review-work-signed-off-1440x900.png`, animations: 'disabled' });
    await signOff.getByRole('button', { name: 'Done' }).click();
    await expect(signOff).toHaveCount(0);
    // The r, f, u, j and k typed into the dialog's fields marked and moved nothing.
    await expect(row(2)).toHaveAttribute('aria-selected', 'true');
    await expect(row(2)).toHaveAttribute('data-review-state', 'follow_up');
    await expect(row(3)).toHaveAttribute('data-review-state', 'unreviewed');
    expect(await ask(page, 'review:progress', { filter, timeZone: 'UTC' })).toEqual({ total, reviewed: 2, followUp: 1, unreviewed: total - 3 });

    // ---- bulk: mark the whole filtered set reviewed, through the confirm that shows the count
    await page.getByRole('button', { name: 'Mark all filtered' }).click();
    await page.getByRole('menuitem', { name: /as reviewed/ }).click();
    const confirm = page.getByRole('dialog', { name: `Mark ${total.toLocaleString('en-US')} events as reviewed?` });
    await expect(confirm).toBeVisible();
    await expect(confirm.getByTestId('bulk-mark-count')).toHaveAttribute('data-expected', String(total));
    await expect(confirm).toContainText(`${(total - 2).toLocaleString('en-US')} of them change`);
    await page.screenshot({ path: `${SCREENSHOTS}/review-work-bulk-confirm-1440x900.png`, animations: 'disabled' });
    await confirm.getByRole('button', { name: `Mark ${total.toLocaleString('en-US')} events` }).click();
    await expect(confirm).toHaveCount(0);
    await expect(progress).toHaveText(`${total.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} reviewed`);
    await expect(page.getByTestId('review-progress-detail')).toHaveText('all reviewed');
    await expect(row(2)).toHaveAttribute('data-review-state', 'reviewed');
    expect(await ask(page, 'review:progress', { filter, timeZone: 'UTC' })).toEqual({ total, reviewed: total, followUp: 0, unreviewed: 0 });

    // ---- the pointer's way: select a row, the follow-up button marks it and moves on
    await row(3).click();
    await page.getByRole('button', { name: 'Mark the selected event needs follow-up (f)' }).click();
    await expect(row(3)).toHaveAttribute('data-review-state', 'follow_up');
    await expect(row(4)).toHaveAttribute('aria-selected', 'true');
    await expect(progress).toHaveAttribute('data-reviewed', String(total - 1));
    await expect(progress).toHaveAttribute('data-follow-up', '1');

    // ---- progress per saved view and per record
    await page.getByRole('button', { name: 'Progress by view' }).click();
    const overview = page.getByRole('dialog', { name: 'Review progress by view and record' });
    await expect(overview.locator('[data-testid="progress-view"][data-name="Updates to review"]')).toHaveAttribute('data-reviewed', String(total - 1));
    await expect(overview.getByTestId('progress-record').first()).toBeVisible();
    expect(await seriousViolations(page, '[role="dialog"]')).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/review-work-progress-1440x900.png`, animations: 'disabled' });
    await overview.getByRole('button', { name: 'Close' }).click();

    // ---- the review log: the keyboard marks, the sign-off and the bulk mark, newest first, chain intact
    await page.getByRole('button', { name: 'Review log' }).click();
    const log = page.getByRole('dialog', { name: 'Review log' });
    await expect(log.getByTestId('review-log-chain')).toHaveAttribute('data-intact', 'true');
    const entries = log.getByTestId('review-log-entry');
    await expect(entries.first()).toHaveAttribute('data-action', 'state_changed');
    await expect(entries.first()).toContainText('Marked 1 event for follow-up');
    const actions = await attributes(entries, 'data-action');
    expect(actions.slice(0, 3)).toEqual(['state_changed', 'bulk_state_changed', 'signed_off']);
    expect(actions.filter((action) => action === 'state_changed')).toHaveLength(4);
    const seqs = (await attributes(entries, 'data-seq')).map(Number);
    // Newest first, no gaps.
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(seqs[seqs.length - 1]).toBe(1);
    expect(seqs[0]! - seqs[seqs.length - 1]!).toBe(seqs.length - 1);
    await expect(log.getByTestId('review-log-chain')).toContainText(`Head: entry #${seqs[0]}`);
    await page.screenshot({ path: `${SCREENSHOTS}/review-work-log-1440x900.png`, animations: 'disabled' });
    expect(await seriousViolations(page, '[role="dialog"]')).toEqual([]);
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.screenshot({ path: `${SCREENSHOTS}/review-work-log-1024x700.png`, animations: 'disabled' });
    await log.getByRole('button', { name: 'Close' }).click();

    // ---- sign off records: the first tracked record, its own events (not only the filter's) in scope
    const overviewNow = await ask(page, 'review:progress-overview', { timeZone: 'UTC' });
    const firstRecord = overviewNow.records[0]!;
    await page.getByRole('button', { name: 'Sign off…' }).click();
    const recordsSignOff = page.getByRole('dialog', { name: 'Sign off a review' });
    await recordsSignOff.getByRole('radio', { name: 'Records' }).check();
    await recordsSignOff.getByRole('combobox', { name: 'Records' }).click();
    await page.getByRole('option').first().click();
    // Away from the list (Esc would close the dialog too once the list has closed).
    await recordsSignOff.getByRole('heading', { name: 'Sign off a review' }).click();
    await expect(recordsSignOff).toBeVisible();
    await expect(recordsSignOff.getByTestId('sign-off-scope-progress')).toHaveAttribute('data-unreviewed', String(firstRecord.progress.unreviewed));
    await recordsSignOff.getByLabel('Statement').fill('Checked this lead’s history end to end.');
    await recordsSignOff.getByLabel('Role').fill('Compliance officer');
    if (firstRecord.progress.unreviewed > 0) await recordsSignOff.getByLabel('Why sign off with unreviewed events').fill('Only its updates were in the review’s scope.');
    await recordsSignOff.getByRole('button', { name: 'Sign off' }).click();
    await expect(recordsSignOff.getByTestId('sign-off-result')).toBeVisible();
    const allSignOffs = await ask(page, 'review:sign-offs', {});
    expect(allSignOffs).toHaveLength(2);
    expect(allSignOffs.map((entry) => entry.scope)).toContainEqual({ kind: 'records', records: [{ module: firstRecord.module, recordId: firstRecord.recordId }] });
    await page.screenshot({ path: `${SCREENSHOTS}/review-work-records-sign-off-1024x700.png`, animations: 'disabled' });
    await recordsSignOff.getByRole('button', { name: 'Done' }).click();
    await page.screenshot({ path: `${SCREENSHOTS}/review-work-done-1024x700.png`, animations: 'disabled' });
  });
});
