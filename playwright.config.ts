import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './tests/e2e/support/chromium';

// End-to-end tests drive the real renderer in Debian's Chromium (no browser download), served by the
// loopback host with the real main-process services. Electron tests (`*.electron.spec.ts`) need a
// real Electron binary and skip, saying so, where it cannot be installed.
export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'tests/artifacts/playwright',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 1360, height: 860 },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
});
