import type { Page } from '@playwright/test';
import { test, expect } from './support/host';
import { choose, connectToDemo, openScreen, syncWholeModule } from './support/flows';
import type { AuditorApi, LocalFilterGroupInput } from '../../preload/contract';

/** window.auditor inside the page (this file is type-checked without the DOM library). */
type PageGlobals = { auditor: AuditorApi };

/** Asks main directly (the same IPC the screen uses) how many events a filter matches. */
async function countInCache(page: Page, filter: LocalFilterGroupInput): Promise<number> {
  return page.evaluate(async (input) => {
    const result = await (globalThis as unknown as PageGlobals).auditor.invoke('review:summary', { filter: input, timeZone: 'UTC' });
    if (!result.ok) throw new Error(result.error.message);
    return result.value.events;
  }, filter);
}

/** Picks an option in one of the builder's Material selects. */
test.describe('Review screen', () => {
  test('filters, heatmaps, event detail, record as of a time and notes over a synced module', async ({ page, context, appHost }) => {
    test.setTimeout(120_000);
    await page.goto(appHost.appUrl);
    await connectToDemo(page, context);

    await syncWholeModule(page, 'Leads');

    await openScreen(page, 'Review');
    const strip = page.getByTestId('summary-strip');
    const table = page.getByTestId('event-table');
    const everything = await countInCache(page, { combinator: 'and', rules: [] });
    expect(everything).toBeGreaterThan(100);
    await expect(strip).toHaveAttribute('data-events', String(everything));
    await expect(table).toHaveAttribute('data-total', String(everything));
    await expect(page.getByTestId('event-row').first()).toBeVisible();
    // Virtualised: far fewer rows in the DOM than events.
    expect(await page.getByTestId('event-row').count()).toBeLessThan(80);
    await page.screenshot({ path: 'tests/artifacts/review-events.png', animations: 'disabled' });

    // ---- a local filter with a nested group: action is "updated" AND (source is crm_ui OR source is workflow), in the filter panel
    await page.getByRole('button', { name: 'Edit filter' }).click();
    const builder = page.getByTestId('local-filter');
    await builder.getByRole('button', { name: '+ Condition' }).first().click();
    const firstRule = builder.locator('.rule').first();
    await choose(page, firstRule.locator('.rule-fields [role="combobox"]'), 'Action');
    await choose(page, firstRule.locator('.rule-value [role="combobox"]'), 'Updated');
    await builder.getByRole('button', { name: '+ Group' }).first().click();
    const inner = builder.locator('.ruleGroup .ruleGroup').first();
    await choose(page, inner.locator('.ruleGroup-combinators [role="combobox"]').first(), /OR/i);
    for (const source of ['CRM web/app', 'Workflow rule']) {
      await inner.getByRole('button', { name: '+ Condition' }).click();
      const rule = inner.locator('.rule').last();
      await choose(page, rule.locator('.rule-fields [role="combobox"]'), 'Source');
      await choose(page, rule.locator('.rule-value [role="combobox"]'), source);
    }
    const updatedVia = async (source: string): Promise<number> =>
      countInCache(page, {
        combinator: 'and',
        rules: [
          { field: 'action', operator: '=', value: 'updated' },
          { field: 'source', operator: '=', value: source },
        ],
      });
    const nestedExpected = (await updatedVia('crm_ui')) + (await updatedVia('workflow'));
    expect(nestedExpected).toBeGreaterThan(0);
    expect(nestedExpected).toBeLessThan(everything);
    await expect(strip).toHaveAttribute('data-events', String(nestedExpected));
    await expect(table).toHaveAttribute('data-total', String(nestedExpected));
    await expect(page.getByTestId('filter-chip')).toHaveCount(2);
    await expect(page.getByTestId('filter-chip').nth(1)).toContainText('Source is CRM web/app or Source is Workflow rule');
    await page.screenshot({ path: 'tests/artifacts/review-local-filter.png', animations: 'disabled' });
    // Closed, the filter stays active and visible as chips.
    await page.getByRole('button', { name: 'Done' }).click();
    // Cells: review state, then the columns (time, user, source, action …).
    const actions = await page.getByTestId('event-row').locator('td:nth-child(5)').allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['Updated']));
    await expect(page.getByTestId('local-filter')).toHaveCount(0);
    await expect(table).toHaveAttribute('data-total', String(nestedExpected));

    // ---- a heatmap cell narrows the table to exactly its events
    await page.getByRole('tab', { name: 'Activity' }).click();
    const heatmap = page.getByTestId('heatmap-User × source');
    // Keyboard: focus the heatmap, the arrow key moves to the first cell and shows its count.
    await heatmap.focus();
    await page.keyboard.press('ArrowRight');
    const tooltip = heatmap.getByTestId('heatmap-tooltip');
    await expect(tooltip).toContainText(/\d+ events?/);
    const cellCount = Number(await tooltip.getAttribute('data-count'));
    const cellUser = (await tooltip.getAttribute('data-y'))!;
    // The axis says the source in words; the tooltip carries Zoho's code.
    const cellSource = (await tooltip.getAttribute('data-code'))!;
    expect(cellCount).toBeGreaterThan(0);
    // The pointer over the same cell shows the same count.
    const cursor = (await heatmap.getByTestId('heatmap-cursor').boundingBox())!;
    await page.mouse.move(cursor.x + cursor.width / 2, cursor.y + cursor.height / 2);
    await expect(tooltip).toHaveAttribute('data-count', String(cellCount));
    await expect(tooltip).toHaveAttribute('data-y', cellUser);
    await page.screenshot({ path: 'tests/artifacts/review-activity.png', animations: 'disabled' });
    await page.mouse.click(cursor.x + cursor.width / 2, cursor.y + cursor.height / 2);
    await expect(page.getByTestId('filter-chip')).toHaveCount(3);
    await expect(strip).toHaveAttribute('data-events', String(cellCount));
    // The click shows the table, narrowed to the cell.
    await expect(page.getByRole('tab', { name: 'Events' })).toHaveAttribute('aria-selected', 'true');
    await expect(table).toHaveAttribute('data-total', String(cellCount));
    const users = await page.getByTestId('event-row').locator('td:nth-child(3)').allTextContents();
    expect(users.length).toBeGreaterThan(0);
    expect(users.length).toBeLessThanOrEqual(cellCount);
    expect(new Set(users)).toEqual(new Set([cellUser.replace(/ \(\d{4}\)$/, '')]));
    // The same count, independently from the cache: the nested filter AND the cell's user and source.
    const facets = await page.evaluate(async () => {
      const result = await (globalThis as unknown as PageGlobals).auditor.invoke('review:facets', {});
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    });
    const cellUserId = facets.users.find((user) => user.name === cellUser.replace(/ \(\d{4}\)$/, ''))!.id;
    const nested: LocalFilterGroupInput = {
      combinator: 'and',
      rules: [
        { field: 'action', operator: '=', value: 'updated' },
        {
          combinator: 'or',
          rules: [
            { field: 'source', operator: '=', value: 'crm_ui' },
            { field: 'source', operator: '=', value: 'workflow' },
          ],
        },
      ],
    };
    expect(await countInCache(page, { combinator: 'and', rules: [nested, { field: 'user', operator: '=', value: cellUserId }, { field: 'source', operator: '=', value: cellSource }] })).toBe(cellCount);
    await page.screenshot({ path: 'tests/artifacts/review-heatmap-filtered.png', animations: 'disabled' });

    // ---- keyboard: select the first row, move down and back, Enter opens the detail
    await table.focus();
    await page.keyboard.press('ArrowDown');
    if (cellCount > 1) {
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowUp');
    }
    await expect(page.locator('[data-testid="event-row"][aria-selected="true"]')).toHaveCount(1);
    const selectedId = await page.locator('[data-testid="event-row"][aria-selected="true"]').getAttribute('data-event-id');
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('event-detail');
    await expect(detail).toBeVisible();
    await expect(detail).toContainText(selectedId!);
    await expect(detail).toContainText('Profile');
    await expect(detail.getByTestId('detail-original-time')).toHaveText(/[+-]\d{2}:\d{2}$/);
    await detail.getByRole('button', { name: 'Raw JSON' }).click();
    const raw = await page.getByTestId('raw-json').textContent();
    const stored = await page.evaluate(async (eventId) => {
      const result = await (globalThis as unknown as PageGlobals).auditor.invoke('review:raw', { eventId });
      return result.ok ? result.value.raw : null;
    }, selectedId!);
    expect(raw).toBe(stored);
    expect(JSON.parse(raw!).id).toBe(selectedId);
    await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();
    await page.screenshot({ path: 'tests/artifacts/review-event-detail.png', animations: 'disabled' });

    // ---- a reviewer note, shown in the detail and the table
    await detail.getByLabel('Add a note').fill('Confirmed with the sales lead: expected bulk update.');
    await detail.getByLabel('Tag').click();
    await page.getByRole('option', { name: 'reviewed' }).click();
    await detail.getByRole('button', { name: 'Save note' }).click();
    await expect(detail.getByTestId('detail-note')).toHaveCount(1);
    await expect(detail.getByTestId('detail-note')).toContainText('expected bulk update');
    await expect(page.locator(`[data-event-id="${selectedId}"]`).getByTestId('row-notes')).toHaveText('1');
    const withNote = await countInCache(page, { combinator: 'and', rules: [{ field: 'note', operator: 'contains', value: 'bulk update' }] });
    expect(withNote).toBe(1);
    await page.screenshot({ path: 'tests/artifacts/review-note.png', animations: 'disabled' });

    // ---- the record as it was at that event, stepping back and forth
    await detail.getByRole('button', { name: 'Record as of this event' }).click();
    const asOf = page.getByTestId('record-as-of');
    await expect(asOf.getByTestId('as-of-field').first()).toBeVisible();
    const position = asOf.getByTestId('as-of-position');
    const text = (await position.textContent())!;
    const match = /Event (\d+) of (\d+)/.exec(text);
    expect(match).not.toBeNull();
    const index = Number(match![1]);
    const total = Number(match![2]);
    if (index < total) {
      await asOf.getByRole('button', { name: 'Next event' }).click();
      await expect(position).toHaveText(`Event ${index + 1} of ${total}`);
      await asOf.getByRole('button', { name: 'Previous event' }).click();
    }
    await expect(position).toHaveText(`Event ${index} of ${total}`);
    await page.screenshot({ path: 'tests/artifacts/review-record-as-of.png', animations: 'disabled' });

    // The documented sample lead at a chosen time: before its first event every value is an "earlier" one.
    await asOf.getByRole('combobox', { name: 'Record' }).fill('554023000001122039');
    await page.getByRole('option').first().click();
    await expect(asOf.getByRole('combobox', { name: 'Record' })).toHaveValue(/Leads\/554023000001122039$/);
    await expect(position).toHaveText(/of 8$/);
    await asOf.getByLabel('As of').fill('2000-01-01 00:00');
    await asOf.getByRole('button', { name: 'Show' }).click();
    await expect(position).toHaveText('Before the first event');
    await expect(asOf.getByTestId('as-of-moment')).toHaveText('Before its first recorded event');
    await asOf.getByRole('button', { name: 'Next event' }).click();
    await expect(position).toHaveText('Event 1 of 8');

    // (The Zoho filter builder moved to Records: it governs what a fetch asks Zoho for.)

    // ---- flag rules: only deletions, recomputed, then the flag filter finds exactly the deleted events
    await page.getByRole('tab', { name: 'Events' }).click();
    await page.getByRole('button', { name: 'Clear all' }).click();
    await page.getByRole('button', { name: 'Flag rules' }).click();
    const rulesDialog = page.getByRole('dialog');
    for (const rule of ['Changes outside working hours', 'Mass changes by one user', 'Changes through the API by a person’s account', 'Owner changes', 'Changes to sensitive fields']) {
      await rulesDialog.getByLabel(rule).uncheck();
    }
    await expect(page.getByRole('dialog')).toContainText('Mass changes by one user');
    await page.screenshot({ path: 'tests/artifacts/review-flag-rules.png', animations: 'disabled' });
    await page.getByRole('button', { name: 'Save and recompute' }).click();
    const deletions = await countInCache(page, { combinator: 'and', rules: [{ field: 'action', operator: '=', value: 'deleted' }] });
    await expect(page.getByTestId('review-notice')).toContainText(`Flags recomputed: ${deletions} events flagged`);
    expect(await countInCache(page, { combinator: 'and', rules: [{ field: 'flag', operator: '=', value: 'deletion' }] })).toBe(deletions);
    expect(await countInCache(page, { combinator: 'and', rules: [{ field: 'flag', operator: 'notNull' }] })).toBe(deletions);
  });

  test('a CommandCenter (Pathfinder) step reads as its state in the table and the detail', async ({ page, context, appHost }) => {
    test.setTimeout(120_000);
    await page.goto(appHost.appUrl);
    await connectToDemo(page, context);
    await syncWholeModule(page, 'Leads');

    await openScreen(page, 'Review');
    // The sandbox puts journey steps on orchestration updates.
    const steps = await countInCache(page, { combinator: 'and', rules: [{ field: 'source', operator: '=', value: 'orchestration' }] });
    expect(steps).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Edit filter' }).click();
    const builder = page.getByTestId('local-filter');
    await builder.getByRole('button', { name: '+ Condition' }).first().click();
    const rule = builder.locator('.rule').first();
    await choose(page, rule.locator('.rule-fields [role="combobox"]'), 'Source');
    await choose(page, rule.locator('.rule-value [role="combobox"]'), 'Orchestration (CommandCenter)');
    await page.getByRole('button', { name: 'Done' }).click();
    const table = page.getByTestId('event-table');
    await expect(table).toHaveAttribute('data-total', String(steps));
    const row = page.getByTestId('event-row').first();
    await expect(row.locator('.pill.auto')).toHaveText(/^Pathfinder: (First contact|Qualification call|Proposal review|Closed)$/);
    const pill = (await row.locator('.pill.auto').textContent()) ?? '';
    // As a reviewer does it from the keyboard: the first row, Enter opens its detail.
    await table.focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.locator('[data-testid="event-row"][aria-selected="true"]')).toHaveText(new RegExp(pill));
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('event-detail');
    await expect(detail).toBeVisible();
    await expect(detail).toContainText(`${pill} (Lead to proposal journey`);
    await page.screenshot({ path: 'tests/artifacts/review-pathfinder.png', animations: 'disabled' });
  });
});
