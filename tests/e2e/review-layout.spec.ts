import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from '@playwright/test';
import { test, expect } from './support/host';
import { choose, connectToDemo, openScreen, syncWholeModule } from './support/flows';
import type { AuditorApi, LocalFilterGroupInput } from '../../preload/contract';

/** window.auditor inside the page (this file is type-checked without the DOM library). */
type PageGlobals = { auditor: AuditorApi };
type Box = { top: number; bottom: number; left: number; right: number };

async function countInCache(page: Page, filter: LocalFilterGroupInput): Promise<number> {
  return page.evaluate(async (input) => {
    const result = await (globalThis as unknown as PageGlobals).auditor.invoke('review:summary', { filter: input, timeZone: 'UTC' });
    if (!result.ok) throw new Error(result.error.message);
    return result.value.events;
  }, filter);
}

async function syncLeadsAndOpenReview(page: Page, context: BrowserContext, appUrl: string): Promise<number> {
  await page.goto(appUrl);
  await connectToDemo(page, context);
  await syncWholeModule(page, 'Leads');
  await openScreen(page, 'Review');
  const everything = await countInCache(page, { combinator: 'and', rules: [] });
  await expect(page.getByTestId('event-table')).toHaveAttribute('data-total', String(everything));
  await expect(page.getByTestId('event-row').first()).toBeVisible();
  return everything;
}

/** Table rows drawn with data whose whole height is inside both the table's scroll box and the window. */
async function rowsFullyVisible(page: Page): Promise<number> {
  return page.evaluate(() => {
    type Element = { getBoundingClientRect(): Box; querySelector(s: string): Element | null; querySelectorAll(s: string): ArrayLike<Element> };
    const doc = (globalThis as unknown as { document: { querySelector(s: string): Element | null } }).document;
    const height = (globalThis as unknown as { innerHeight: number }).innerHeight;
    const table = doc.querySelector('[data-testid="event-table"]');
    if (table === null) return 0;
    const box = table.getBoundingClientRect();
    const header = table.querySelector('thead')?.getBoundingClientRect().bottom ?? box.top;
    return Array.from(table.querySelectorAll('[data-testid="event-row"]')).filter((row) => {
      const rect = row.getBoundingClientRect();
      return rect.top >= header - 0.5 && rect.bottom <= Math.min(box.bottom, height) + 0.5;
    }).length;
  });
}

/** axe-core over the Review screen and its open panels: no serious or critical violations. */
async function expectAccessible(page: Page, state: string): Promise<void> {
  const result = await new AxeBuilder({ page }).include('main').include('.MuiDrawer-modal').include('.MuiPopover-root').analyze();
  const bad = result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(
    bad.map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .map((node) => node.target.join(' '))
          .slice(0, 3)
          .join(' | ')}`,
    ),
    `axe on the Review screen, ${state}`,
  ).toEqual([]);
}

test.describe('Review screen at 1440×900', () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test('a compact screen: at least 18 rows, the detail beside the table, plain words, accessible', async ({ page, context, appHost }) => {
    test.setTimeout(120_000);
    await syncLeadsAndOpenReview(page, context, appHost.appUrl);
    expect(await rowsFullyVisible(page)).toBeGreaterThanOrEqual(18);
    // One line of counts, not a row of cards.
    const strip = (await page.getByTestId('summary-strip').boundingBox())!;
    expect(strip.height).toBeLessThanOrEqual(32);
    await page.screenshot({ path: 'tests/artifacts/screenshots/review-1440x900.png', animations: 'disabled' });
    await expectAccessible(page, 'table');

    // Sources, actions and modules in plain words; Zoho's codes in the tooltip.
    const sources = await page.getByTestId('event-row').locator('td:nth-child(4)').allTextContents();
    expect(
      sources.some((text) => /^[a-z]+(_[a-z]+)+$/.test(text.trim())),
      `source cells: ${sources.join(', ')}`,
    ).toBe(false);
    const sourceTitle = await page.getByTestId('event-row').first().locator('td:nth-child(4)').getAttribute('title');
    expect(sourceTitle).toMatch(/\([a-z_]+\)/);

    // The detail opens beside the table: the table keeps its rows.
    await page.getByTestId('event-table').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const openedId = await page.locator('[data-testid="event-row"][aria-selected="true"]').getAttribute('data-event-id');
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('event-detail');
    await expect(detail).toContainText(openedId!);
    const tableBox = (await page.getByTestId('event-table').boundingBox())!;
    const detailBox = (await detail.boundingBox())!;
    expect(detailBox.x).toBeGreaterThanOrEqual(tableBox.x + tableBox.width - 1);
    expect(await rowsFullyVisible(page)).toBeGreaterThanOrEqual(18);
    // The review bar above the narrowed table fits: its count, the mark buttons and the actions side by side, none over another.
    const count = (await page.getByTestId('review-progress').boundingBox())!;
    const marks = (await page.getByRole('group', { name: 'Mark the selected event' }).boundingBox())!;
    const signOff = (await page.getByRole('button', { name: /Sign off/ }).boundingBox())!;
    expect(count.x + count.width).toBeLessThanOrEqual(marks.x);
    expect(signOff.x + signOff.width).toBeLessThanOrEqual(tableBox.x + tableBox.width + 1);
    await expect(detail.getByText(/^[A-Z]/).first()).toBeVisible();
    await page.screenshot({ path: 'tests/artifacts/screenshots/review-1440x900-detail.png', animations: 'disabled' });
    await expectAccessible(page, 'detail open');

    // Esc in the detail gives the keyboard back to the row it showed.
    await detail.getByLabel('Add a note').click();
    await page.keyboard.press('Escape');
    await expect(detail).toHaveCount(0);
    const focused = await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement?.getAttribute('data-event-id') ?? null);
    expect(focused).toBe(openedId);
    // …and the keyboard goes on from there.
    await page.keyboard.press('ArrowDown');
    await expect(page.locator('[data-testid="event-row"][aria-selected="true"]')).not.toHaveAttribute('data-event-id', openedId!);
  });

  test('heatmaps: readable labels, a cell click narrows the table and shows it', async ({ page, context, appHost }) => {
    test.setTimeout(120_000);
    await syncLeadsAndOpenReview(page, context, appHost.appUrl);
    await page.getByRole('tab', { name: 'Activity' }).click();
    for (const title of ['User × source', 'Source × day', 'User × hour of week']) {
      const heatmap = page.getByTestId(`heatmap-${title}`);
      await expect(heatmap.locator('.heatmap-axis-label').first()).toBeVisible();
      const frame = (await heatmap.boundingBox())!;
      for (const axis of ['x', 'y']) {
        const labels = await heatmap.locator(`.heatmap-axis-label[data-axis="${axis}"]`).evaluateAll((nodes) =>
          nodes.map((node) => {
            const element = node as unknown as { getBoundingClientRect(): Box; textContent: string; getAttribute(name: string): string | null };
            const rect = element.getBoundingClientRect();
            return { top: rect.top, bottom: rect.bottom, left: rect.left, right: rect.right, text: element.textContent, angle: Number(element.getAttribute('data-angle')), anchor: Number(element.getAttribute('data-anchor-x')) };
          }),
        );
        expect(labels.length, `${title} ${axis} labels`).toBeGreaterThan(0);
        for (const [index, label] of labels.entries()) {
          // Never cut: inside the heatmap's own box.
          expect(label.left, `${title} ${axis} "${label.text}" left`).toBeGreaterThanOrEqual(frame.x - 1);
          expect(label.right, `${title} ${axis} "${label.text}" right`).toBeLessThanOrEqual(frame.x + frame.width + 1);
          expect(label.bottom, `${title} ${axis} "${label.text}" bottom`).toBeLessThanOrEqual(frame.y + frame.height + 1);
          const next = labels[index + 1];
          if (next === undefined) continue;
          if (label.angle === 0) {
            // Level labels: their boxes do not meet.
            const overlapX = Math.min(label.right, next.right) - Math.max(label.left, next.left);
            const overlapY = Math.min(label.bottom, next.bottom) - Math.max(label.top, next.top);
            expect(overlapX > 1 && overlapY > 1, `${title} ${axis}: "${label.text}" overlaps "${next.text}"`).toBe(false);
          } else {
            // Turned labels are parallel lines: apart by at least a line of 11 px text.
            expect(Math.abs(next.anchor - label.anchor) * Math.sin((label.angle * Math.PI) / 180), `${title}: "${label.text}" and "${next.text}" apart`).toBeGreaterThanOrEqual(11);
          }
        }
      }
    }
    // Sources read as words on the heatmaps too.
    const sourceLabels = await page.getByTestId('heatmap-User × source').locator('.heatmap-axis-label[data-axis="x"]').allTextContents();
    expect(sourceLabels.length).toBeLessThanOrEqual(13);
    expect(sourceLabels.join(' ')).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    await page.screenshot({ path: 'tests/artifacts/screenshots/review-activity-1440x900.png', animations: 'disabled', fullPage: true });
    await expectAccessible(page, 'heatmap tab');

    // The tooltip stays on screen at the right edge.
    const heatmap = page.getByTestId('heatmap-User × source');
    const plot = (await heatmap.getByTestId('heatmap-plot').boundingBox())!;
    await page.mouse.move(plot.x + plot.width - 3, plot.y + 6);
    const tooltip = heatmap.getByTestId('heatmap-tooltip');
    if ((await tooltip.count()) > 0) {
      const tip = (await tooltip.boundingBox())!;
      expect(tip.x + tip.width).toBeLessThanOrEqual(1440);
    }

    // A click on a cell: the table, narrowed to it.
    await heatmap.focus();
    await page.keyboard.press('ArrowRight');
    await expect(tooltip).toContainText(/\d+ events?/);
    const cellCount = Number(await tooltip.getAttribute('data-count'));
    await page.keyboard.press('Enter');
    await expect(page.getByRole('tab', { name: 'Events' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('event-table')).toHaveAttribute('data-total', String(cellCount));
    await expect(page.getByTestId('event-row').first()).toBeVisible();
  });

  test('the filter panel: new conditions wait for a value, typed times name their zone, reversed ranges are refused, saved views show their dates', async ({ page, context, appHost }) => {
    test.setTimeout(120_000);
    const everything = await syncLeadsAndOpenReview(page, context, appHost.appUrl);
    await page.getByRole('button', { name: 'Edit filter' }).click();
    const builder = page.getByTestId('local-filter');
    await expect(builder).toBeVisible();
    // No inner scrolling box above the table: the builder is in a panel beside it.
    await expect(page.getByTestId('event-table')).toBeAttached();
    await builder.getByRole('button', { name: '+ Condition' }).first().click();
    await expect(builder.locator('.rule')).toHaveCount(1);
    await page.waitForTimeout(300);
    await expect(page.getByTestId('filter-chip')).toHaveCount(0);
    await expect(page.getByTestId('summary-strip')).toHaveAttribute('data-events', String(everything));
    await expectAccessible(page, 'filter panel open');

    // Source values in plain words.
    const rule = builder.locator('.rule').first();
    await choose(page, rule.locator('.rule-fields [role="combobox"]'), 'Source');
    await rule.locator('.rule-value [role="combobox"]').click();
    await expect(page.getByRole('option', { name: 'CRM web/app' })).toBeVisible();
    await page.keyboard.press('Escape');

    // Time between: ISO-like 24-hour inputs that say the zone.
    await choose(page, rule.locator('.rule-fields [role="combobox"]'), 'Time');
    await choose(page, rule.locator('.rule-operators [role="combobox"]'), 'between');
    const from = rule.getByLabel('From', { exact: true });
    const to = rule.getByLabel('To', { exact: true });
    await expect(from).toHaveAttribute('placeholder', 'yyyy-mm-dd hh:mm');
    await expect(rule).toContainText(/24-hour, (UTC|[A-Za-z_]+\/[A-Za-z_]+)/);
    // Reversed: refused where typed, the table stays as it was (no rows left loading).
    await from.fill('2030-01-02 00:00');
    await to.fill('2000-01-01 00:00');
    await expect(rule.getByRole('alert')).toContainText('ends before it starts');
    await page.screenshot({ path: 'tests/artifacts/screenshots/review-filter-panel-1440x900.png', animations: 'disabled' });
    await expect(page.getByTestId('filter-chip')).toHaveCount(0);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByTestId('event-table')).toHaveAttribute('data-total', String(everything));
    await expect(page.getByTestId('event-row').first()).toBeVisible();
    await expect(page.getByTestId('event-row-loading')).toHaveCount(0);

    // In order: applied, saved, cleared, re-applied — the inputs show the dates again.
    const first = await page.getByTestId('event-row').last().locator('td:nth-child(2)').textContent();
    const day = first!.slice(0, 10);
    await page.getByRole('button', { name: 'Edit filter' }).click();
    await from.fill(`${day} 00:00`);
    await to.fill('2030-01-01 00:00');
    await expect(page.getByTestId('filter-chip')).toHaveCount(1);
    await page.getByRole('button', { name: 'Done' }).click();
    const narrowed = Number(await page.getByTestId('summary-strip').getAttribute('data-events'));
    await page.getByRole('button', { name: 'Save…' }).click();
    await page.getByRole('dialog').getByLabel('Name').fill('Since that day');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'Clear all' }).click();
    await expect(page.getByTestId('filter-chip')).toHaveCount(0);
    await page.getByRole('button', { name: /^Saved/ }).click();
    await page.getByRole('menuitem', { name: /Since that day/ }).click();
    await expect(page.getByTestId('summary-strip')).toHaveAttribute('data-events', String(narrowed));
    await page.getByRole('button', { name: 'Edit filter' }).click();
    await expect(builder.getByLabel('From', { exact: true })).toHaveValue(`${day} 00:00`);
    await expect(builder.getByLabel('To', { exact: true })).toHaveValue('2030-01-01 00:00');
  });

  test('a note over 5,000 characters: counted, refused with a message, never dropped', async ({ page, context, appHost }) => {
    test.setTimeout(120_000);
    await syncLeadsAndOpenReview(page, context, appHost.appUrl);
    await page.getByTestId('event-row').first().dblclick();
    const detail = page.getByTestId('event-detail');
    const box = detail.getByLabel('Add a note');
    await box.fill('x'.repeat(5001));
    await expect(detail.getByTestId('note-counter')).toContainText('5,001 / 5,000');
    await expect(detail.getByTestId('note-counter')).toContainText('too many');
    await expect(detail.getByRole('button', { name: 'Save note' })).toBeDisabled();
    await box.fill('x'.repeat(5000));
    await expect(detail.getByRole('button', { name: 'Save note' })).toBeEnabled();
    await detail.getByRole('button', { name: 'Save note' }).click();
    await expect(detail.getByTestId('detail-note')).toHaveCount(1);
    // A refusal from main is said, and the note stays in the box.
    await page.route('**/__auditor/ipc/review%3Aadd-note', (route) => route.fulfill({ json: { ok: false, error: { code: 'CACHE_BUSY', message: 'The cache is busy.', hint: 'Try again in a moment.' } } }));
    await box.fill('Second thoughts');
    await detail.getByRole('button', { name: 'Save note' }).click();
    await expect(detail.getByTestId('note-problem')).toContainText('The note was not saved: The cache is busy. Try again in a moment.');
    await expect(box).toHaveValue('Second thoughts');
    await expect(detail.getByTestId('detail-note')).toHaveCount(1);
  });
});

test.describe('Review screen at 1024×700', () => {
  test.use({ viewport: { width: 1024, height: 700 } });

  test('at least 10 rows; the detail pane resizes from the keyboard and keeps its width', async ({ page, context, appHost }) => {
    test.setTimeout(120_000);
    await syncLeadsAndOpenReview(page, context, appHost.appUrl);
    expect(await rowsFullyVisible(page)).toBeGreaterThanOrEqual(10);
    await page.screenshot({ path: 'tests/artifacts/screenshots/review-1024x700.png', animations: 'disabled' });
    await page.getByTestId('event-row').first().dblclick();
    const handle = page.getByRole('separator', { name: 'Resize the event detail' });
    const before = Number(await handle.getAttribute('aria-valuenow'));
    await handle.focus();
    await page.keyboard.press('ArrowRight');
    await expect(handle).toHaveAttribute('aria-valuenow', String(before - 24));
    // Dragged narrower with the pointer.
    const grip = (await handle.boundingBox())!;
    await page.mouse.move(grip.x + grip.width / 2, grip.y + 100);
    await page.mouse.down();
    await page.mouse.move(grip.x + grip.width / 2 + 40, grip.y + 100, { steps: 4 });
    await page.mouse.up();
    await expect(handle).toHaveAttribute('aria-valuenow', String(before - 24 - 40));
    await page.screenshot({ path: 'tests/artifacts/screenshots/review-1024x700-detail.png', animations: 'disabled' });
    await page.getByRole('tab', { name: 'Activity' }).click();
    await expect(page.getByTestId('heatmap-User × source').locator('.heatmap-axis-label').first()).toBeVisible();
    await page.screenshot({ path: 'tests/artifacts/screenshots/review-activity-1024x700.png', animations: 'disabled' });
    await page.getByRole('tab', { name: 'Events' }).click();
    // Remembered: the next time the detail opens it has the same width.
    await page.reload();
    await openScreen(page, 'Review');
    await page.getByTestId('event-row').first().dblclick();
    await expect(page.getByRole('separator', { name: 'Resize the event detail' })).toHaveAttribute('aria-valuenow', String(before - 24 - 40));
  });
});
