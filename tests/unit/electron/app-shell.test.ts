import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, MessageBoxOptions, OpenDialogOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { requestChannelNames, type EventEnvelope, type IpcResult } from '../../../preload/contract.js';
import { CONTENT_SECURITY_POLICY, devContentSecurityPolicy } from '../../../main/core/content-security-policy.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import { AesGcmScryptCipher } from '../../../main/auth/aes-gcm-scrypt-cipher.js';
import { APP_USER_MODEL_ID, startElectronMain, startElectronShell, type ElectronShellApis, type ShellWindow } from '../../../main/electron/app-shell.js';
import { appCliPlatformPorts, cliArguments, macCliLinkCommand } from '../../../main/electron/cli-mode.js';
import { APP_VERSION } from '../../../main/core/app-info.js';
import { VAULT_SALT_FILE } from '../../../main/auth/node-vault.js';
import { Writable } from 'node:stream';
import { selectSafeStorageCipher, type CipherSelection, type SafeStorageLike } from '../../../main/electron/safe-storage-cipher.js';
import type { PermissionDecider, SenderFrame } from '../../../main/electron/security.js';
import { fileURLToPath } from 'node:url';
import { sourceDataWorkerEntry } from '../../../main/data/spawners.js';

/**
 * A typed stand-in for the Electron APIs the shell uses — the one place in the project where a
 * stand-in is used, because the Electron binary cannot run here. It records what the shell asked for.
 */
class ElectronStandIn {
  readonly windows: Array<ShellWindow & { options: BrowserWindowConstructorOptions; loaded: string; sent: EventEnvelope[] }> = [];
  readonly ipc = new Map<string, (event: { senderFrame: SenderFrame | null }, input: unknown) => Promise<IpcResult<unknown>>>();
  readonly appListeners = new Map<string, () => void>();
  readonly opened: string[] = [];
  readonly headers = new Map<string, string>();
  menu: MenuItemConstructorOptions[] = [];
  webContentsListener: Parameters<ElectronShellApis['app']['onWebContentsCreated']>[0] | null = null;
  decidePermission: PermissionDecider | null = null;
  sandboxEnabled = false;
  quitCalls = 0;
  lockRequests = 0;
  exitCodes: number[] = [];
  dockHidden = false;
  hardwareAccelerationDisabled = false;
  appUserModelIds: string[] = [];
  /** Whether the stand-in system browser takes a URL (false: shell.openExternal rejects). */
  browserOpens = true;
  packaged = true;
  willQuit: Parameters<ElectronShellApis['app']['onWillQuit']>[0] | null = null;
  /** What the stand-in "open file" dialog answers (null: the user cancelled). */
  chosenFile: string | null = null;
  dialogs: OpenDialogOptions[] = [];
  messageBoxes: MessageBoxOptions[] = [];
  /** The button the stand-in message box answers with. */
  messageBoxResponse = 0;
  clipboardTexts: string[] = [];
  /** How secrets are protected; default: a real cipher standing in for a keyring-backed safeStorage. */
  selectCipher: (home: string) => CipherSelection = (home) => ({ protection: 'keyring', cipher: AesGcmScryptCipher.open('stand-in passphrase', join(home, 'salt.json')) });

  constructor(
    private readonly lockGranted = true,
    readonly home = mkdtempSync(join(tmpdir(), 'auditor-shell-')),
  ) {}

  apis(): ElectronShellApis {
    return {
      app: {
        isPackaged: this.packaged,
        enableSandbox: () => void (this.sandboxEnabled = true),
        requestSingleInstanceLock: () => {
          this.lockRequests += 1;
          return this.lockGranted;
        },
        quit: () => void this.quitCalls++,
        exit: (code) => void this.exitCodes.push(code),
        hideDock: () => void (this.dockHidden = true),
        disableHardwareAcceleration: () => void (this.hardwareAccelerationDisabled = true),
        setAppUserModelId: (id) => {
          // Recorded with the number of windows at the time: it must come before the first one.
          this.appUserModelIds.push(`${id} before window ${this.windows.length + 1}`);
        },
        whenReady: () => Promise.resolve(),
        getPath: () => this.home,
        on: (event, listener) => void this.appListeners.set(event, listener),
        onWillQuit: (listener) => void (this.willQuit = listener),
        onWebContentsCreated: (listener) => void (this.webContentsListener = listener),
      },
      createWindow: (options) => {
        const window = {
          options,
          loaded: '',
          sent: [] as EventEnvelope[],
          webContents: { send: (_channel: string, payload: EventEnvelope) => void window.sent.push(payload) },
          once: () => undefined,
          on: () => undefined,
          show: () => undefined,
          focus: () => undefined,
          restore: () => undefined,
          isMinimized: () => false,
          loadFile: async (path: string) => void (window.loaded = path),
          loadURL: async (url: string) => void (window.loaded = url),
        };
        this.windows.push(window);
        return window;
      },
      allWindows: () => this.windows,
      ipcMain: { handle: (channel, listener) => void this.ipc.set(channel, listener) },
      session: {
        setPermissionHandlers: (decide) => void (this.decidePermission = decide),
        setResponseHeader: (name, value) => void this.headers.set(name, value),
      },
      openExternal: (url) => {
        if (!this.browserOpens) return Promise.reject(new Error('No application is associated with this URL'));
        this.opened.push(url);
        return Promise.resolve();
      },
      createStore: (name) => createJsonFileStore(this.home, name),
      // A real cipher stands in for safeStorage (which needs Electron).
      createCipher: (home) => this.selectCipher(home),
      setApplicationMenu: (template) => void (this.menu = template),
      showItemInFolder: () => undefined,
      showMessageBox: (options) => {
        this.messageBoxes.push(options);
        return Promise.resolve({ response: this.messageBoxResponse });
      },
      writeClipboardText: (text) => {
        this.clipboardTexts.push(text);
        return Promise.resolve();
      },
      showOpenDialog: (options) => {
        this.dialogs.push(options);
        return Promise.resolve(this.chosenFile === null ? { canceled: true, filePaths: [] } : { canceled: false, filePaths: [this.chosenFile] });
      },
    };
  }
}

const paths = {
  rendererFile: '/opt/Timeline Auditor/resources/app.asar/out/renderer/index.html',
  rendererFileUrl: 'file:///opt/Timeline%20Auditor/resources/app.asar/out/renderer/index.html',
  preloadFile: '/opt/Timeline Auditor/resources/app.asar/out/preload/index.cjs',
  devServerUrl: 'http://localhost:5173',
  devCspNonce: 'ZGV2LW5vbmNl',
  macCliShimFile: "/Applications/Timeline Auditor's.app/Contents/Resources/bin/timeline-auditor",
  platform: 'win32' as const,
  dataWorkerFile: fileURLToPath(sourceDataWorkerEntry()),
};

async function startShell(lockGranted = true, selectCipher?: ElectronStandIn['selectCipher'], changes: { packaged?: boolean; platform?: NodeJS.Platform } = {}) {
  const electron = new ElectronStandIn(lockGranted);
  if (selectCipher !== undefined) electron.selectCipher = selectCipher;
  if (changes.packaged !== undefined) electron.packaged = changes.packaged;
  const shell = startElectronShell(electron.apis(), { ...paths, platform: changes.platform ?? paths.platform });
  await shell.ready;
  return { electron, shell };
}

describe('the Electron shell (typed stand-in)', () => {
  it('creates its window with every security option of the checklist', async () => {
    const { electron } = await startShell();
    expect(electron.windows).toHaveLength(1);
    const preferences = electron.windows[0]!.options.webPreferences!;
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: paths.preloadFile,
    });
    expect(electron.sandboxEnabled).toBe(true);
    expect(electron.decidePermission).not.toBeNull();
    expect(electron.headers.get('Content-Security-Policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });

  it('loads the packaged renderer file, never the dev server, once packaged', async () => {
    const { electron } = await startShell();
    expect(electron.windows[0]!.loaded).toBe(paths.rendererFile);
  });

  it('quits when another instance holds the single-instance lock', async () => {
    const { electron } = await startShell(false);
    expect(electron.quitCalls).toBe(1);
    expect(electron.windows).toHaveLength(0);
    expect(electron.ipc.size).toBe(0);
  });

  it('on quit, holds the quit back until the core is closed (the cache closed cleanly), then quits once', async () => {
    const { electron, shell } = await startShell();
    const services = (await shell.ready)!;
    let closes = 0;
    const close = services.close.bind(services);
    services.close = async () => {
      closes += 1;
      await close();
    };
    let prevented = 0;
    electron.willQuit!(() => void prevented++);
    expect(prevented).toBe(1);
    await expect.poll(() => electron.quitCalls).toBe(1);
    expect(closes).toBe(1);
    // The second will-quit (from that quit) goes through.
    electron.willQuit!(() => void prevented++);
    expect(prevented).toBe(1);
  });

  it('denies new windows, opens only allowed URLs externally, blocks navigation and webviews', async () => {
    const { electron, shell } = await startShell();
    let windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
    let navigate: ((url: string, preventDefault: () => void) => void) | null = null;
    let attach: ((preventDefault: () => void) => void) | null = null;
    electron.webContentsListener!({
      setWindowOpenHandler: (handler) => void (windowOpenHandler = handler),
      onWillNavigate: (listener) => void (navigate = listener),
      onWillAttachWebview: (listener) => void (attach = listener),
    });
    expect(windowOpenHandler!({ url: 'https://accounts.zoho.eu/oauth/v2/auth' })).toEqual({ action: 'deny' });
    expect(windowOpenHandler!({ url: 'http://evil.example/' })).toEqual({ action: 'deny' });
    expect(windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(windowOpenHandler!({ url: 'http://127.0.0.1:4000/oauth/v2/auth' })).toEqual({ action: 'deny' });
    expect(electron.opened).toEqual(['https://accounts.zoho.eu/oauth/v2/auth']);
    shell.externalUrls.allowOrigin('http://127.0.0.1:4000'); // the demo workspace's accounts server
    windowOpenHandler!({ url: 'http://127.0.0.1:4000/oauth/v2/auth' });
    expect(electron.opened).toEqual(['https://accounts.zoho.eu/oauth/v2/auth', 'http://127.0.0.1:4000/oauth/v2/auth']);

    const prevented: string[] = [];
    navigate!('https://evil.example/phish', () => prevented.push('remote'));
    navigate!('file:///tmp/other.html', () => prevented.push('other file'));
    navigate!(`${paths.rendererFileUrl}#/review`, () => prevented.push('app'));
    expect(prevented).toEqual(['remote', 'other file']);
    let webviewPrevented = false;
    attach!(() => void (webviewPrevented = true));
    expect(webviewPrevented).toBe(true);
  });

  it('registers exactly the contract channels, each refusing frames that are not the app page', async () => {
    const { electron } = await startShell();
    expect([...electron.ipc.keys()].sort()).toEqual([...requestChannelNames].sort());
    const versions = electron.ipc.get('app:versions')!;
    const fromApp = await versions({ senderFrame: { url: `${paths.rendererFileUrl}#/connect`, parent: null } }, {});
    expect(fromApp).toMatchObject({ ok: true, value: { shell: 'electron', productName: 'Timeline Auditor' } });
    for (const senderFrame of [
      { url: 'https://evil.example/', parent: null },
      { url: paths.rendererFileUrl, parent: {} }, // an iframe inside the app page
      { url: 'file:///tmp/evil.html', parent: null },
      { url: 'http://localhost:5173/', parent: null }, // the dev server, when packaged
      null,
    ]) {
      expect(await versions({ senderFrame }, {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
  });

  it('installs the platform menu, whose app items reach the renderer as events', async () => {
    const { electron } = await startShell();
    const labels = electron.menu.map((item) => item.label);
    expect(labels).toEqual(['&File', '&Edit', '&View', '&Help']); // Windows: Alt-key mnemonics
    const help = electron.menu.find((item) => item.label === '&Help')!.submenu as MenuItemConstructorOptions[];
    const about = help.find((item) => item.id === 'about')!;
    (about.click as () => void)();
    expect(electron.windows[0]!.sent).toContainEqual({ channel: 'app:menu-command', payload: { command: 'about' } });
    // Reload and developer tools are not offered in the packaged app.
    const view = electron.menu.find((item) => item.label === '&View')!.submenu as MenuItemConstructorOptions[];
    expect(view.map((item) => item.role)).not.toContain('toggleDevTools');
  });

  it('verify takes a packet the user chose in the system dialog: the renderer gets a token, never the path', async () => {
    const { electron, shell } = await startShell();
    const frame = { senderFrame: { url: paths.rendererFileUrl, parent: null } };
    const choose = electron.ipc.get('export:choose-packet')!;
    expect(await choose(frame, {})).toEqual({ ok: true, value: null }); // cancelled
    expect(electron.dialogs[0]).toMatchObject({
      properties: ['openFile'],
      filters: [
        { name: 'Audit packet', extensions: ['zip'] },
        { name: 'All files', extensions: ['*'] },
      ],
    });
    const notAPacket = join(mkdtempSync(join(tmpdir(), 'auditor-chosen-')), 'holiday photos.zip');
    writeFileSync(notAPacket, 'not a zip');
    electron.chosenFile = notAPacket;
    const chosen = (await choose(frame, {})) as IpcResult<{ fileToken: string; name: string }>;
    if (!chosen.ok) throw new Error(chosen.error.message);
    expect(chosen.value.name).toBe('holiday photos.zip');
    expect(JSON.stringify(chosen.value)).not.toContain(notAPacket);
    const verify = electron.ipc.get('export:verify')!;
    expect(await verify(frame, { fileToken: chosen.value.fileToken })).toMatchObject({ ok: true, value: { verdict: { kind: 'not-intact', file: '(packet)' } } });
    // A chosen file is the user's own: verify never deletes it.
    expect(existsSync(notAPacket)).toBe(true);
    await (await shell.ready)?.close();
  });

  it('validates input on every channel and pushes events to every window', async () => {
    const { electron } = await startShell();
    const frame = { senderFrame: { url: paths.rendererFileUrl, parent: null } };
    const update = electron.ipc.get('settings:update')!;
    expect(await update(frame, { theme: 'neon' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await update(frame, 'not an object')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await update(frame, { theme: 'dark', extra: true })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await update(frame, { theme: 'dark' })).toMatchObject({ ok: true, value: { theme: 'dark' } });
    expect(electron.windows[0]!.sent).toEqual([{ channel: 'settings:changed', payload: { theme: 'dark', timeZone: { kind: 'local' } } }]);
  });

  it("on Linux without a keyring the Connect screen's passphrase channel is validated, and afterwards secrets are AES-256-GCM/scrypt", async () => {
    const noKeyring: SafeStorageLike = {
      getSelectedStorageBackend: () => 'basic_text',
      isAsyncEncryptionAvailable: () => Promise.resolve(true),
      encryptStringAsync: () => Promise.reject(new Error('basic_text must never be used')),
      decryptStringAsync: () => Promise.reject(new Error('basic_text must never be used')),
    };
    const { electron, shell } = await startShell(true, (home) => selectSafeStorageCipher(noKeyring, 'linux', (passphrase) => AesGcmScryptCipher.open(passphrase, join(home, 'zoho-vault.salt.json'))));
    const frame = { senderFrame: { url: paths.rendererFileUrl, parent: null } };
    const status = electron.ipc.get('auth:status')!;
    expect(await status(frame, {})).toMatchObject({ ok: true, value: { state: 'disconnected', cipherKind: 'safeStorage-basic_text' } });
    const usePassphrase = electron.ipc.get('auth:use-passphrase')!;
    for (const input of [{ passphrase: 'short' }, { passphrase: 'long enough', extra: true }, { passphrase: 12345678 }, {}]) {
      expect(await usePassphrase(frame, input)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(await status(frame, {})).toMatchObject({ ok: true, value: { cipherKind: 'safeStorage-basic_text' } });
    expect(await usePassphrase(frame, { passphrase: 'correct horse battery' })).toMatchObject({ ok: true, value: { state: 'disconnected', cipherKind: 'aes-256-gcm-scrypt' } });
    expect(electron.windows[0]!.sent).toContainEqual({ channel: 'auth:status-changed', payload: expect.objectContaining({ cipherKind: 'aes-256-gcm-scrypt' }) as unknown });
    await (await shell.ready)?.close();
  });
});

/** A writable that keeps what was written (the CLI's stdout/stderr in the app). */
function capture(): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return Object.assign(stream, { text: () => Buffer.concat(chunks).toString('utf8') });
}

async function runAppCli(args: string[], electron = new ElectronStandIn(true, join(mkdtempSync(join(tmpdir(), 'auditor-app-cli-')), 'userData')), env: NodeJS.ProcessEnv = {}) {
  const stdout = capture();
  const stderr = capture();
  const started = startElectronMain(electron.apis(), paths, ['C:\\Program Files\\Timeline Auditor\\Timeline Auditor.exe', ...args], () => ({ stdout, stderr, env, signal: new AbortController().signal }));
  if (started.mode !== 'cli') throw new Error(`expected the CLI mode, got ${started.mode}`);
  const exitCode = await started.exitCode;
  return { electron, exitCode, stdout: stdout.text(), stderr: stderr.text() };
}

describe('the installed app as a CLI (`"Timeline Auditor" --cli …`, typed stand-in)', () => {
  it('finds the CLI switch anywhere before the command (packaged: after the exe; dev: after the app folder) and nothing without it', () => {
    expect(cliArguments(['Timeline Auditor.exe', '--cli', 'verify', 'a.zip'])).toEqual(['verify', 'a.zip']);
    expect(cliArguments(['electron', '.', '--cli', '--home', '/tmp/h', 'status'])).toEqual(['--home', '/tmp/h', 'status']);
    expect(cliArguments(['Timeline Auditor.exe', '--cli'])).toEqual([]);
    expect(cliArguments(['Timeline Auditor.exe'])).toBeNull();
    expect(cliArguments(['Timeline Auditor.exe', '--cli-ish'])).toBeNull();
  });

  it('runs `--cli --version` headless: the version on stdout, exit code 0, no window, no lock, no Dock icon', async () => {
    const { electron, exitCode, stdout, stderr } = await runAppCli(['--cli', '--version']);
    expect(exitCode).toBe(0);
    expect(stdout).toBe(`${APP_VERSION}\n`);
    expect(stderr).toBe('');
    expect(electron.exitCodes).toEqual([0]);
    expect(electron.windows).toHaveLength(0);
    expect(electron.lockRequests).toBe(0);
    expect(electron.ipc.size).toBe(0);
    expect(electron.menu).toEqual([]);
    expect(electron.dockHidden).toBe(true);
    expect(electron.hardwareAccelerationDisabled).toBe(true);
  });

  it('exits with the command’s own code: verify of a damaged packet is 1, an unknown command 2', async () => {
    const packet = join(mkdtempSync(join(tmpdir(), 'auditor-app-cli-packet-')), 'audit-packet.zip');
    writeFileSync(packet, 'not a zip');
    const damaged = await runAppCli(['--cli', 'verify', packet, '--json']);
    expect(damaged.exitCode).toBe(1);
    expect(damaged.electron.exitCodes).toEqual([1]);
    expect(JSON.parse(damaged.stdout)).toMatchObject({ verdict: { kind: 'not-intact' }, exitCode: 1 });
    expect(damaged.electron.windows).toHaveLength(0);

    const unknown = await runAppCli(['--cli', 'frobnicate']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.electron.exitCodes).toEqual([2]);
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
  });

  it('uses the app’s home (userData) unless --home or TIMELINE_AUDITOR_HOME says otherwise', async () => {
    const appHome = new ElectronStandIn(true, join(mkdtempSync(join(tmpdir(), 'auditor-app-cli-')), 'userData'));
    const { exitCode, stdout } = await runAppCli(['--cli', 'status', '--json'], appHome);
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ state: 'disconnected' });
    expect(existsSync(appHome.home)).toBe(true);

    const elsewhere = join(mkdtempSync(join(tmpdir(), 'auditor-app-cli-env-')), 'home');
    const fromEnv = new ElectronStandIn(true, join(mkdtempSync(join(tmpdir(), 'auditor-app-cli-')), 'userData'));
    expect((await runAppCli(['--cli', 'status'], fromEnv, { TIMELINE_AUDITOR_HOME: elsewhere })).exitCode).toBe(0);
    expect(existsSync(elsewhere)).toBe(true);
    expect(existsSync(fromEnv.home)).toBe(false);
  });

  it('keeps secrets with the app’s cipher, so a vault the app wrote opens in its CLI (and without a keyring, with the passphrase from the environment)', async () => {
    const electron = new ElectronStandIn();
    const appCipher = electron.apis().createCipher(electron.home).cipher;
    const written = await appCipher.encrypt('1000.refresh-token');
    const cliPorts = appCliPlatformPorts(electron.apis(), electron.home, {}, paths.dataWorkerFile);
    expect(cliPorts.shell).toBe('cli');
    expect(await cliPorts.cipher.decrypt(written)).toBe('1000.refresh-token');

    // Linux without a keyring: the app's Connect screen takes a passphrase; headless, the environment gives the same one.
    const noKeyring: SafeStorageLike = {
      getSelectedStorageBackend: () => 'basic_text',
      isAsyncEncryptionAvailable: () => Promise.resolve(true),
      encryptStringAsync: () => Promise.reject(new Error('basic_text must never be used')),
      decryptStringAsync: () => Promise.reject(new Error('basic_text must never be used')),
    };
    electron.selectCipher = (home) => selectSafeStorageCipher(noKeyring, 'linux', (passphrase) => AesGcmScryptCipher.open(passphrase, join(home, VAULT_SALT_FILE)));
    const appPassphraseCipher = AesGcmScryptCipher.open('correct horse battery', join(electron.home, VAULT_SALT_FILE));
    const sealed = await appPassphraseCipher.encrypt('1000.other-token');
    const headless = appCliPlatformPorts(electron.apis(), electron.home, { TIMELINE_AUDITOR_PASSPHRASE: 'correct horse battery' }, paths.dataWorkerFile);
    expect(await headless.cipher.decrypt(sealed)).toBe('1000.other-token');
    const withoutPassphrase = appCliPlatformPorts(electron.apis(), electron.home, {}, paths.dataWorkerFile);
    await expect(withoutPassphrase.cipher.decrypt(sealed)).rejects.toThrow();
  });

  it('without --cli starts the desktop app as before (lock, window)', () => {
    const electron = new ElectronStandIn();
    const started = startElectronMain(electron.apis(), paths, ['Timeline Auditor.exe'], () => {
      throw new Error('the desktop app must not take the CLI’s streams');
    });
    expect(started.mode).toBe('window');
    expect(electron.lockRequests).toBe(1);
  });
});

describe('Electron shell fixes (issue 15)', () => {
  it('grants the app page only clipboard-sanitized-write (the Copy buttons); everything else, and every other page or sub-frame, is denied', async () => {
    const { electron } = await startShell();
    const decide = electron.decidePermission!;
    const appPage = `${paths.rendererFileUrl}#/review`;
    expect(decide({ permission: 'clipboard-sanitized-write', requestingUrl: appPage, isMainFrame: true })).toBe(true);
    for (const permission of ['clipboard-read', 'notifications', 'media', 'geolocation', 'openExternal', 'fullscreen', 'unknown']) {
      expect(decide({ permission, requestingUrl: appPage, isMainFrame: true }), permission).toBe(false);
    }
    expect(decide({ permission: 'clipboard-sanitized-write', requestingUrl: appPage, isMainFrame: false })).toBe(false);
    expect(decide({ permission: 'clipboard-sanitized-write', requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(decide({ permission: 'clipboard-sanitized-write', requestingUrl: 'file:///tmp/other.html', isMainFrame: true })).toBe(false);
    expect(decide({ permission: 'clipboard-sanitized-write', requestingUrl: 'http://localhost:5173/', isMainFrame: true })).toBe(false); // the dev server, when packaged
  });

  it('Windows: sets the installer’s AppUserModelId before the first window; other platforms do not', async () => {
    const windows = await startShell();
    expect(windows.electron.appUserModelIds).toEqual(['com.timeline-auditor.app before window 1']);
    expect(APP_USER_MODEL_ID).toBe('com.timeline-auditor.app');
    const mac = await startShell(true, undefined, { platform: 'darwin' });
    expect(mac.electron.appUserModelIds).toEqual([]);
  });

  it('hands the loopback flow shell.openExternal’s promise: it rejects when the browser cannot open the URL or the URL is not allowed', async () => {
    const { electron, shell } = await startShell();
    const browser = (await shell.ready)!.ports.browser;
    await expect(browser.openExternal('https://accounts.zoho.eu/oauth/v2/auth')).resolves.toBeUndefined();
    expect(electron.opened).toEqual(['https://accounts.zoho.eu/oauth/v2/auth']);
    await expect(browser.openExternal('http://evil.example/')).rejects.toThrow(/not an allowed URL/);
    electron.browserOpens = false;
    await expect(browser.openExternal('https://accounts.zoho.com/oauth/v2/auth')).rejects.toThrow(/No application/);
    // A link in the page whose opening fails: denied, and the rejection is handled (vitest fails on an unhandled one).
    let windowOpenHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
    electron.webContentsListener!({ setWindowOpenHandler: (handler) => void (windowOpenHandler = handler), onWillNavigate: () => undefined, onWillAttachWebview: () => undefined });
    expect(windowOpenHandler!({ url: 'https://www.zoho.com/' })).toEqual({ action: 'deny' });
    await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('npm run dev: the dev window’s CSP header admits the dev server’s nonce for scripts; packaged, the policy is unchanged', async () => {
    const dev = await startShell(true, undefined, { packaged: false });
    expect(dev.electron.windows[0]!.loaded).toBe(paths.devServerUrl);
    expect(dev.electron.headers.get('Content-Security-Policy')).toBe(devContentSecurityPolicy(paths.devCspNonce));
    expect(devContentSecurityPolicy(paths.devCspNonce)).toContain(`script-src 'self' 'nonce-${paths.devCspNonce}';`);
    expect(devContentSecurityPolicy(paths.devCspNonce)).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(() => devContentSecurityPolicy("x'; script-src *")).toThrow();
    const packaged = await startShell();
    expect(packaged.electron.headers.get('Content-Security-Policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('macOS: the app menu offers the command that links the timeline-auditor shim (never links it itself); Copy puts it on the clipboard', async () => {
    const { electron } = await startShell(true, undefined, { platform: 'darwin' });
    const appMenu = electron.menu[0]!.submenu as MenuItemConstructorOptions[];
    const offer = appMenu.find((item) => item.id === 'command-line-tool')!;
    expect(offer.label).toBe('Install “timeline-auditor” Command…');
    const command = macCliLinkCommand(paths.macCliShimFile);
    // The path is quoted for the shell, its own quote included.
    expect(command).toBe("sudo mkdir -p /usr/local/bin && sudo ln -sf '/Applications/Timeline Auditor'\\''s.app/Contents/Resources/bin/timeline-auditor' /usr/local/bin/timeline-auditor");

    electron.messageBoxResponse = 1; // Close
    (offer.click as () => void)();
    await expect.poll(() => electron.messageBoxes.length).toBe(1);
    expect(electron.messageBoxes[0]!.detail).toContain(command);
    expect(electron.clipboardTexts).toEqual([]);

    electron.messageBoxResponse = 0; // Copy Command
    (offer.click as () => void)();
    await expect.poll(() => electron.clipboardTexts).toEqual([command]);

    // Not on Windows (the installer puts the shim on the PATH), not in development.
    const windows = await startShell();
    expect(JSON.stringify(windows.electron.menu)).not.toContain('command-line-tool');
    const development = await startShell(true, undefined, { platform: 'darwin', packaged: false });
    expect(JSON.stringify(development.electron.menu)).not.toContain('command-line-tool');
  });
});
