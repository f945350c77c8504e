import { _electron as electron, expect, test } from '@playwright/test';
import { ELECTRON_MISSING_REASON, installedElectronBinary } from './support/electron-binary';

const electronBinary = installedElectronBinary();
if (electronBinary === null) console.log(`[skipped] shell.electron.spec.ts: ${ELECTRON_MISSING_REASON}`);

test.describe('the desktop app in a real Electron', () => {
  test.skip(electronBinary === null, ELECTRON_MISSING_REASON);

  test('opens the hardened window and answers app:versions through the preload', async () => {
    const app = await electron.launch({ executablePath: electronBinary!, args: ['.'] });
    try {
      const page = await app.firstWindow();
      await expect(page.getByRole('heading', { name: 'Timeline Auditor' })).toBeVisible();
      // No Node in the page, and only the contract's API on window.auditor.
      expect(await page.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual(['undefined', 'undefined']);
      expect(await page.evaluate(() => Object.keys((globalThis as unknown as { auditor: object }).auditor).sort())).toEqual(['invoke', 'on']);
      const versions = await page.evaluate(() => (globalThis as unknown as { auditor: { invoke(c: string, i: object): Promise<unknown> } }).auditor.invoke('app:versions', {}));
      expect(versions).toMatchObject({ ok: true, value: { shell: 'electron' } });
      await page.getByRole('button', { name: 'About' }).click();
      await expect(page.getByTestId('version-shell')).toHaveText('Desktop app');
      await page.screenshot({ path: 'tests/artifacts/electron-about.png' });
    } finally {
      await app.close();
    }
  });
});
