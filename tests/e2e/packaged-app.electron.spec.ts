import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { browse } from '../integration/auth/support';
import { ELECTRON_MISSING_REASON, electronUnderTest, type ElectronUnderTest } from './support/electron-binary';

/**
 * The packaged app's main job, in the real Electron (the packaged build when
 * TIMELINE_AUDITOR_PACKAGED_APP is set, as in CI on Windows and macOS): connect to the demo workspace
 * through the Connect screen, sync, and — once the exports channel exists — export a packet and
 * verify it. Each test gets its own user-data folder.
 */
const target = electronUnderTest();
if (target === null) console.log(`[skipped] packaged-app.electron.spec.ts: ${ELECTRON_MISSING_REASON}`);

/** The page's globals these checks use (the Node project has no DOM library). */
interface PageGlobals {
  document: { addEventListener(type: 'securitypolicyviolation', listener: (event: { effectiveDirective: string; blockedURI: string; sourceFile: string; lineNumber: number }) => void): void };
  navigator: { clipboard: { writeText(text: string): Promise<void>; readText(): Promise<string> } };
}

type InvokeResult = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

interface RunningApp {
  app: ElectronApplication;
  page: Page;
  userData: string;
  /** URLs the app handed to the system browser (recorded instead of opening one on the test machine). */
  openedExternally(): Promise<string[]>;
}

async function launchApp(under: ElectronUnderTest, userData: string): Promise<RunningApp> {
  const app = await electron.launch({ executablePath: under.executablePath, args: [...under.appArgs, `--user-data-dir=${userData}`] });
  const recording = await app.evaluate(({ shell }) => {
    const opened: string[] = [];
    const record = async (url: string): Promise<void> => void opened.push(url);
    Object.defineProperty(globalThis, '__openedExternally', { value: opened, configurable: true });
    Object.defineProperty(shell, 'openExternal', { value: record, configurable: true, writable: true });
    return shell.openExternal === record;
  });
  expect(recording, 'shell.openExternal could be replaced in the main process, so no real browser opens').toBe(true);
  const page = await app.firstWindow();
  return {
    app,
    page,
    userData,
    openedExternally: () => app.evaluate(() => [...((globalThis as { __openedExternally?: string[] }).__openedExternally ?? [])]),
  };
}

function invoke(page: Page, channel: string, input: object): Promise<InvokeResult> {
  return page.evaluate(([name, body]) => (globalThis as unknown as { auditor: { invoke(c: string, i: object): Promise<InvokeResult> } }).auditor.invoke(name, body), [channel, input] as const);
}

/** Connect screen → demo workspace → consent approved by a fetch-based "browser" → connected. */
async function connectToDemoWorkspace({ page, openedExternally }: RunningApp): Promise<void> {
  await expect(page.getByRole('heading', { level: 2, name: 'Connect' })).toBeVisible();
  await page.getByRole('button', { name: 'Open demo workspace' }).click();
  await expect(page.getByTestId('waiting-for-browser')).toBeVisible();
  const authorizationUrl = await page.getByTestId('authorization-link').getAttribute('href');
  expect(authorizationUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/v2\/auth\?/);
  // The app asked the system browser to open exactly the page it shows.
  await expect.poll(openedExternally).toEqual([authorizationUrl]);

  const visit = await browse(authorizationUrl!, { decision: 'approve' });
  expect(visit.lastUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
  expect(visit.body).toMatch(/return to Timeline Auditor/i);

  const card = page.getByTestId('connected-card');
  await expect(card).toBeVisible();
  await expect(card.getByText('Demo workspace', { exact: true })).toBeVisible();
  // In the desktop app tokens are sealed with the OS (DPAPI / Keychain), not a passphrase.
  await expect(card.getByRole('row', { name: /Stored credentials/ })).toContainText("Encrypted with this computer's secure storage");
}

test.describe('the packaged desktop app', () => {
  test.skip(target === null, ELECTRON_MISSING_REASON);

  let userData = '';
  test.beforeEach(() => {
    userData = mkdtempSync(join(tmpdir(), 'auditor-electron-'));
  });
  test.afterEach(() => {
    rmSync(userData, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  test('connects to the demo workspace through the Connect screen', async () => {
    const running = await launchApp(target!, userData);
    try {
      const { app, page } = running;
      expect(await app.evaluate(({ app: electronApp }) => electronApp.isPackaged)).toBe(target!.packaged);
      expect(realpathSync(await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData')))).toBe(realpathSync(userData));
      expect(await invoke(page, 'app:versions', {})).toMatchObject({ ok: true, value: { shell: 'electron', productName: 'Timeline Auditor' } });
      await connectToDemoWorkspace(running);
      await page.screenshot({ path: 'tests/artifacts/electron-connected.png' });
    } finally {
      await running.app.close();
    }
  });

  test('syncs the demo workspace into the offline cache, which survives a restart', async () => {
    test.setTimeout(180_000);
    const first = await launchApp(target!, userData);
    let eventsAfterSync: number;
    try {
      await connectToDemoWorkspace(first);
      // The Records screen is being built; its IPC channels (the same ones it will call) exist.
      const added = await invoke(first.page, 'records:add-module', { module: 'Leads' });
      expect(added).toMatchObject({ ok: true });
      expect((added as { value: { added: number } }).value.added).toBeGreaterThan(0);
      expect(await invoke(first.page, 'sync:start', { mode: 'full' })).toMatchObject({ ok: true });
      await expect.poll(async () => ((await invoke(first.page, 'sync:status', {})) as { value: { state: string } | null }).value?.state, { timeout: 120_000 }).toBe('done');
      const progress = (await invoke(first.page, 'sync:status', {})) as { value: { recordsFailed: number; eventsWritten: number } };
      expect(progress.value.recordsFailed).toBe(0);
      expect(progress.value.eventsWritten).toBeGreaterThan(0);
      const overview = (await invoke(first.page, 'records:overview', {})) as { value: { records: Array<{ freshness: string }>; cache: { events: number } } };
      expect(overview.value.records.length).toBeGreaterThan(0);
      expect(overview.value.records.every((record) => record.freshness === 'fresh')).toBe(true);
      eventsAfterSync = overview.value.cache.events;
      expect(eventsAfterSync).toBeGreaterThan(0);
    } finally {
      await first.app.close();
    }

    // better-sqlite3 (unpacked from the asar, rebuilt for Electron) reopens the cache; the
    // connection comes back from the OS-encrypted vault.
    const second = await launchApp(target!, userData);
    try {
      await expect(second.page.getByTestId('connected-card')).toBeVisible();
      const overview = (await invoke(second.page, 'records:overview', {})) as { value: { cache: { events: number } } };
      expect(overview.value.cache.events).toBe(eventsAfterSync);
    } finally {
      await second.app.close();
    }
  });

  test('exports a signed audit packet that verifies', async () => {
    test.setTimeout(180_000);
    const running = await launchApp(target!, userData);
    try {
      await connectToDemoWorkspace(running);
      expect(await invoke(running.page, 'records:add', { text: 'Leads/554023000001122039', defaultModule: null, format: 'paste' })).toMatchObject({ ok: true });
      expect(await invoke(running.page, 'sync:start', { mode: 'full' })).toMatchObject({ ok: true });
      await expect.poll(async () => ((await invoke(running.page, 'sync:status', {})) as { value: { state: string } | null }).value?.state, { timeout: 120_000 }).toBe('done');
      // The Exports screen's channel: a packet (with its PDF and CSV inside) into Documents/Timeline Auditor.
      const started = (await invoke(running.page, 'export:start', { records: [{ module: 'Leads', recordId: '554023000001122039' }], formats: ['packet'] })) as { ok: boolean };
      expect(started.ok).toBe(true);
      await expect.poll(async () => ((await invoke(running.page, 'export:history', {})) as { value: Array<{ files: Array<{ format: string; path: string }> }> }).value.length, { timeout: 120_000 }).toBe(1);
      const history = (await invoke(running.page, 'export:history', {})) as { value: Array<{ id: string; files: Array<{ format: string; path: string }> }> };
      const packetPath = history.value[0]!.files.find((file) => file.format === 'packet')!.path;
      // The app verifies its own packet, and so does the project's verifier outside the app.
      expect(await invoke(running.page, 'export:verify', { exportId: history.value[0]!.id })).toMatchObject({ ok: true, value: { verdict: { kind: 'trusted', trustedAs: 'this-installation' } } });
      const { verifyPacket } = await import('../../main/export/verify.js');
      expect((await verifyPacket(packetPath)).ok).toBe(true);
    } finally {
      await running.app.close();
    }
  });

  test('the meta Content-Security-Policy holds: no securitypolicyviolation while the app starts and its screens open', async () => {
    const running = await launchApp(target!, userData);
    try {
      const { app, page } = running;
      // Recorded from document start on: the listener is installed before any app script runs, then the window reloads.
      await app.context().addInitScript(() => {
        const violations: string[] = [];
        Object.defineProperty(globalThis, '__cspViolations', { value: violations });
        (globalThis as unknown as PageGlobals).document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`));
      });
      const refused: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
      });
      await page.reload();
      await expect(page.getByRole('heading', { level: 2, name: 'Connect' })).toBeVisible();
      await connectToDemoWorkspace(running);
      const violations = await page.evaluate(() => (globalThis as { __cspViolations?: string[] }).__cspViolations ?? ['the recorder was not installed']);
      expect(violations).toEqual([]);
      expect(refused).toEqual([]);
    } finally {
      await running.app.close();
    }
  });

  test('Copy buttons can write the clipboard (the one permission the app page has)', async () => {
    const running = await launchApp(target!, userData);
    try {
      const { app, page } = running;
      await page.bringToFront();
      const written = await page.evaluate(() =>
        (globalThis as unknown as PageGlobals).navigator.clipboard.writeText('timeline-auditor clipboard check').then(
          () => 'written',
          (error: unknown) => String(error),
        ),
      );
      expect(written).toBe('written');
      expect(await app.evaluate(({ clipboard }) => clipboard.readText())).toBe('timeline-auditor clipboard check');
      // Reading stays denied.
      expect(
        await page.evaluate(() =>
          (globalThis as unknown as PageGlobals).navigator.clipboard.readText().then(
            () => 'read',
            (error: unknown) => (error as Error).name,
          ),
        ),
      ).toBe('NotAllowedError');
    } finally {
      await running.app.close();
    }
  });
});

test.describe('the installed app as a CLI (`--cli`, and the timeline-auditor shim)', () => {
  test.skip(target === null, ELECTRON_MISSING_REASON);
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

  test('runs a command headless with its output on stdout and its exit code', () => {
    const home = mkdtempSync(join(tmpdir(), 'auditor-electron-cli-'));
    try {
      const run = (args: string[]) => spawnSync(target!.executablePath, [...target!.appArgs, '--cli', ...args], { encoding: 'utf8', timeout: 60_000 });
      const shown = run(['--version']);
      expect(shown.stdout).toBe(`${version}\n`);
      expect(shown.status).toBe(0);
      const status = run(['--home', home, 'status', '--json']);
      expect(status.status).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ state: 'disconnected' });
      const unknown = run(['frobnicate']);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain('Unknown command "frobnicate"');
    } finally {
      rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    }
  });

  test('the shim the installer ships runs the same CLI', () => {
    test.skip(!target!.packaged || (process.platform !== 'win32' && process.platform !== 'darwin'), 'the shims are in the Windows and macOS packages');
    const executableDir = dirname(target!.executablePath);
    const shim = process.platform === 'win32' ? join(executableDir, 'resources', 'bin', 'timeline-auditor.cmd') : join(executableDir, '..', 'Resources', 'bin', 'timeline-auditor');
    expect(existsSync(shim), shim).toBe(true);
    const shown = process.platform === 'win32' ? spawnSync('cmd.exe', ['/d', '/c', shim, '--version'], { encoding: 'utf8', timeout: 60_000 }) : spawnSync(shim, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    expect(shown.stdout.trim()).toBe(version);
    expect(shown.status).toBe(0);
    const failing = process.platform === 'win32' ? spawnSync('cmd.exe', ['/d', '/c', shim, 'frobnicate'], { encoding: 'utf8', timeout: 60_000 }) : spawnSync(shim, ['frobnicate'], { encoding: 'utf8', timeout: 60_000 });
    expect(failing.status).toBe(2);
  });
});
