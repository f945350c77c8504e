import { test, expect } from './support/host';
import { connectToDemo, openScreen } from './support/flows';
import type { AuditorApi } from '../../preload/contract';

test.describe('Flag rules dialog', () => {
  test('refuses hour 25 and a made-up zone in words, offers IANA zones, saves a night shift', async ({ page, context, appHost }) => {
    test.setTimeout(120_000);
    await page.goto(appHost.appUrl);
    await connectToDemo(page, context);
    await openScreen(page, 'Review');
    await page.getByRole('button', { name: 'Flag rules' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('flagged now');

    // Typed 25 stays 25, with the field's message (no silent clamping to 23).
    const from = dialog.getByLabel('From hour (0–23)');
    await from.fill('25');
    await expect(from).toHaveValue('25');
    await expect(dialog).toContainText('the start hour must be a whole number from 0 to 23');
    await from.fill('22');
    await dialog.getByLabel('To hour (0–23)').fill('6');
    await expect(dialog).toContainText('A night shift: 22:00 to 6:00 the next morning');

    // The zone: a made-up one is refused in words; the list offers real ones.
    const zone = dialog.getByRole('combobox', { name: 'Time zone' });
    await zone.fill('Mars/Olympus');
    await expect(dialog).toContainText('“Mars/Olympus” is not a time zone');
    await zone.fill('Europe/Ber');
    await page.getByRole('option', { name: 'Europe/Berlin', exact: true }).click();
    await expect(zone).toHaveValue('Europe/Berlin');
    await expect(dialog).not.toContainText('is not a time zone');
    await dialog.getByLabel('Changes outside working hours').check();
    await page.screenshot({ path: 'tests/artifacts/review-flag-rules-night-shift.png', animations: 'disabled' });
    await dialog.getByRole('button', { name: 'Save and recompute' }).click();
    await expect(page.getByTestId('review-notice')).toContainText(/Flags recomputed: [\d,]+ events? flagged/);

    // Saved as given: the rules main holds now.
    const saved = await page.evaluate(async () => {
      const result = await (globalThis as unknown as { auditor: AuditorApi }).auditor.invoke('review:rules', {});
      if (!result.ok) throw new Error(result.error.message);
      return result.value.offHours;
    });
    expect(saved).toMatchObject({ enabled: true, startHour: 22, endHour: 6, timeZone: 'Europe/Berlin' });
  });
});
