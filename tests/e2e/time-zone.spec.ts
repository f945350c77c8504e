import { test, expect } from './support/host';
import { connectToDemo } from './support/flows';

test.describe('Time zone setting', () => {
  test("names the organisation's zone read at sign-in, and what `org` resolves to", async ({ page, context, appHost }) => {
    await page.goto(appHost.appUrl);
    const screens = page.getByRole('navigation', { name: 'Screens' });
    await screens.getByRole('button', { name: /^Settings/ }).click();
    // Not connected: `org` has no organisation to name, and says what it falls back to.
    await expect(page.getByLabel(/The Zoho organisation's zone/)).toBeVisible();
    await expect(page.getByText("The Zoho organisation's zone (not connected: UTC until you connect)")).toBeVisible();

    await connectToDemo(page, context);

    await screens.getByRole('button', { name: /^Settings/ }).click();
    // The demo organisation's zone (the sandbox's GET /crm/v8/org) has daylight saving.
    await expect(page.getByText("The Zoho organisation's zone (Europe/Berlin)")).toBeVisible();
    // A controlled radio: the choice is saved in main first, then shown checked.
    await page.getByLabel(/The Zoho organisation's zone/).click();
    await expect(page.getByLabel(/The Zoho organisation's zone/)).toBeChecked();
    await expect(page.getByTestId('resolved-time-zone')).toContainText("Europe/Berlin (the organisation's zone)");
  });
});
