import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, OpenDialogOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { requestChannelNames, type EventEnvelope, type IpcResult } from '../../../preload/contract.js';
import { CONTENT_SECURITY_POLICY } from '../../../main/core/content-security-policy.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import { AesGcmScryptCipher } from '../../../main/auth/aes-gcm-scrypt-cipher.js';
import { startElectronShell, type ElectronShellApis, type ShellWindow } from '../../../main/electron/app-shell.js';
import { selectSafeStorageCipher, type CipherSelection, type SafeStorageLike } from '../../../main/electron/safe-storage-cipher.js';
import type { SenderFrame } from '../../../main/electron/security.js';
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
  permissionsDenied = false;
  sandboxEnabled = false;
  quitCalls = 0;
  willQuit: Parameters<ElectronShellApis['app']['onWillQuit']>[0] | null = null;
  /** What the stand-in "open file" dialog answers (null: the user cancelled). */
  chosenFile: string | null = null;
  dialogs: OpenDialogOptions[] = [];
  /** How secrets are protected; default: a real cipher standing in for a keyring-backed safeStorage. */
  selectCipher: (home: string) => CipherSelection = (home) => ({ protection: 'keyring', cipher: AesGcmScryptCipher.open('stand-in passphrase', join(home, 'salt.json')) });

  constructor(
    private readonly lockGranted = true,
    private readonly home = mkdtempSync(join(tmpdir(), 'auditor-shell-')),
  ) {}

  apis(): ElectronShellApis {
    return {
      app: {
        isPackaged: true,
        enableSandbox: () => void (this.sandboxEnabled = true),
        requestSingleInstanceLock: () => this.lockGranted,
        quit: () => void this.quitCalls++,
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
        denyAllPermissionRequests: () => void (this.permissionsDenied = true),
        setResponseHeader: (name, value) => void this.headers.set(name, value),
      },
      openExternal: (url) => void this.opened.push(url),
      createStore: (name) => createJsonFileStore(this.home, name),
      // A real cipher stands in for safeStorage (which needs Electron).
      createCipher: () => this.selectCipher(this.home),
      setApplicationMenu: (template) => void (this.menu = template),
      showItemInFolder: () => undefined,
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
  platform: 'win32' as const,
  dataWorkerFile: fileURLToPath(sourceDataWorkerEntry()),
};

async function startShell(lockGranted = true, selectCipher?: ElectronStandIn['selectCipher']) {
  const electron = new ElectronStandIn(lockGranted);
  if (selectCipher !== undefined) electron.selectCipher = selectCipher;
  const shell = startElectronShell(electron.apis(), paths);
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
    expect(electron.permissionsDenied).toBe(true);
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
