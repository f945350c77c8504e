/**
 * The desktop app's start-up, written against the few Electron APIs it uses (ElectronShellApis) so a
 * test can run it with a typed stand-in and check every security rule on the window it creates.
 * main.ts passes the real `electron` module.
 */
import { join } from 'node:path';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, MessageBoxOptions, OpenDialogOptions } from 'electron';
import { applicationMenuTemplate } from './menu.js';
import { EVENT_ENVELOPE_CHANNEL, type EventEnvelope } from '../../preload/contract.js';
import { createCore, type Core } from '../app/core.js';
import { machinePolicyPath } from '../policy/admin-policy.js';
import { createIpcHandlers } from '../app/ipc-handlers.js';
import { CONTENT_SECURITY_POLICY, devContentSecurityPolicy } from '../core/content-security-policy.js';
import { systemClock } from '../core/clock.js';
import { workerThreadSpawner } from '../data/spawners.js';
import { pathToFileURL } from 'node:url';
import type { KeyValueStore } from '../core/kv-store.js';
import { registerIpcHandlers, type IpcMainLike } from './ipc.js';
import type { PassphraseChoice, SecretCipher } from '../core/cipher.js';
import type { CipherSelection } from './safe-storage-cipher.js';
import type { UpdaterPort } from '../updates/update-service.js';
import { connectionCostProbe } from '../updates/connection-cost.js';
import { createSenderCheck, ExternalUrlPolicy, hardenWebContents, mainWindowOptions, permissionDecider, type GuardedWebContents, type PermissionDecider } from './security.js';
import { cliArguments, MAC_CLI_LINK, macCliLinkCommand, runAppCli, type CliProcessIo } from './cli-mode.js';

/**
 * Windows' AppUserModelID: electron-builder.yml's appId (tests/unit/packaging checks they agree). The
 * NSIS installer gives the Start-menu shortcut this id; the running app must carry the same, or its
 * taskbar button, jump list and notifications are not grouped with the shortcut.
 */
export const APP_USER_MODEL_ID = 'com.timeline-auditor.app';

export interface ShellWindow {
  readonly webContents: { send(channel: string, payload: EventEnvelope): void };
  once(event: 'ready-to-show', listener: () => void): void;
  on(event: 'closed', listener: () => void): void;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  loadFile(path: string): Promise<void>;
  loadURL(url: string): Promise<void>;
}

export interface ElectronShellApis {
  app: {
    readonly isPackaged: boolean;
    enableSandbox(): void;
    requestSingleInstanceLock(): boolean;
    quit(): void;
    /** Ends the process with this code at once (the CLI mode). */
    exit(code: number): void;
    /** macOS: app.dock?.hide() (the CLI mode shows no Dock icon). */
    hideDock(): void;
    disableHardwareAcceleration(): void;
    /** Windows only (app.setAppUserModelId). */
    setAppUserModelId(id: string): void;
    whenReady(): Promise<void>;
    getPath(name: 'userData' | 'documents' | 'logs'): string;
    on(event: 'second-instance' | 'activate' | 'window-all-closed', listener: () => void): void;
    /** 'will-quit': `preventQuit` holds the quit back (the listener quits again when it is done). */
    onWillQuit(listener: (preventQuit: () => void) => void): void;
    onWebContentsCreated(listener: (contents: GuardedWebContents) => void): void;
  };
  createWindow(options: BrowserWindowConstructorOptions): ShellWindow;
  allWindows(): ShellWindow[];
  ipcMain: IpcMainLike;
  session: {
    /** Installs `decide` as both the permission request and the permission check handler. */
    setPermissionHandlers(decide: PermissionDecider): void;
    setResponseHeader(name: string, value: string): void;
  };
  /** shell.openExternal: settles when the system browser took the URL, rejects when it could not. */
  openExternal(url: string): Promise<void>;
  createStore(name: string): KeyValueStore;
  /** safeStorage as a SecretCipher, or the passphrase cipher (its salt in `home`) where there is no keyring; called once the app is ready. */
  createCipher(home: string): CipherSelection;
  setApplicationMenu(template: MenuItemConstructorOptions[]): void;
  showItemInFolder(path: string): void;
  /** The system "open file" dialog (attached to the focused window). */
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  /** A message box (attached to the focused window): the index of the button chosen. */
  showMessageBox(options: MessageBoxOptions): Promise<{ response: number }>;
  /** Writes text to the system clipboard from main (Electron's clipboard module). */
  writeClipboardText(text: string): Promise<void>;
  /** electron-updater on the build-time feed (app-updater-port.ts); null or absent: updates not configured. */
  updater?: UpdaterPort | null;
}

/** The dialog verify's "Choose a packet file…" opens: one .zip; main keeps the path, the renderer gets a token. */
export const PACKET_OPEN_DIALOG: OpenDialogOptions = {
  title: 'Choose an audit packet to verify',
  buttonLabel: 'Verify',
  properties: ['openFile'],
  filters: [
    { name: 'Audit packet', extensions: ['zip'] },
    { name: 'All files', extensions: ['*'] },
  ],
};

export interface ShellPaths {
  rendererFile: string;
  rendererFileUrl: string;
  preloadFile: string;
  /** out/main/data-worker.js: the data worker (a worker thread of the main process). */
  dataWorkerFile: string;
  /** The macOS `timeline-auditor` shim (Contents/Resources/bin) in the packaged app; undefined elsewhere. */
  macCliShimFile: string | undefined;
  /** ELECTRON_RENDERER_URL during `npm run dev`; ignored when packaged. */
  devServerUrl: string | undefined;
  /** The dev server's CSP nonce (electron.vite.config.ts); the dev window's header allows scripts carrying it. */
  devCspNonce: string | undefined;
  platform: NodeJS.Platform;
}

export interface RunningShell {
  /** Resolves once the first window is created (or at once when another instance holds the lock). */
  ready: Promise<Core | null>;
  externalUrls: ExternalUrlPolicy;
}

/** What the Electron entry started: the headless CLI (`--cli`) or the desktop app. */
export type ElectronMain = { mode: 'cli'; exitCode: Promise<number> } | { mode: 'window'; shell: RunningShell };

/**
 * The Electron entry's first decision, before any window or single-instance logic: `--cli` runs the
 * CLI's command and exits with its code; anything else starts the desktop app.
 */
export function startElectronMain(electron: ElectronShellApis, paths: ShellPaths, argv: readonly string[], cliIo: () => CliProcessIo): ElectronMain {
  const cliArgs = cliArguments(argv);
  if (cliArgs !== null) return { mode: 'cli', exitCode: runAppCli(electron, cliArgs, cliIo(), paths.dataWorkerFile) };
  return { mode: 'window', shell: startElectronShell(electron, paths) };
}

export function startElectronShell(electron: ElectronShellApis, paths: ShellPaths): RunningShell {
  const devServerUrl = electron.app.isPackaged ? undefined : paths.devServerUrl;
  const appPageUrl = devServerUrl ?? paths.rendererFileUrl;
  const isTrustedSender = createSenderCheck(appPageUrl);
  const isAppUrl = (url: string): boolean => isTrustedSender({ url, parent: null });
  const externalUrls = new ExternalUrlPolicy();

  electron.app.enableSandbox();
  if (!electron.app.requestSingleInstanceLock()) {
    // Another Timeline Auditor is running; it is told (second-instance) and comes to the front.
    electron.app.quit();
    return { ready: Promise.resolve(null), externalUrls };
  }

  let mainWindow: ShellWindow | null = null;
  electron.app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  electron.app.onWebContentsCreated((contents) => hardenWebContents(contents, isAppUrl, electron.openExternal, externalUrls));
  electron.app.on('window-all-closed', () => {
    if (paths.platform !== 'darwin') electron.app.quit();
  });

  const ready = electron.app.whenReady().then(() => {
    electron.session.setPermissionHandlers(permissionDecider(isTrustedSender));
    const devCspNonce = devServerUrl === undefined ? undefined : paths.devCspNonce;
    electron.session.setResponseHeader('Content-Security-Policy', devCspNonce === undefined ? CONTENT_SECURITY_POLICY : devContentSecurityPolicy(devCspNonce));
    // Before the first window, so its taskbar button belongs to the installer's shortcut.
    if (paths.platform === 'win32') electron.app.setAppUserModelId(APP_USER_MODEL_ID);

    const services = createCore({
      shell: 'electron',
      paths: { home: electron.app.getPath('userData'), exportsFolder: join(electron.app.getPath('documents'), 'Timeline Auditor'), logs: electron.app.getPath('logs') },
      // Issue 15: the machine-wide admin policy (docs/admin.md).
      policyFile: machinePolicyPath(process.platform, process.env),
      openStore: (name) => electron.createStore(name),
      ...portsOf(electron.createCipher(electron.app.getPath('userData'))),
      clock: systemClock,
      workers: workerThreadSpawner(pathToFileURL(paths.dataWorkerFile)),
      browser: {
        // Returned, so the loopback flow awaits it and its "open it by hand" fallback runs when it fails.
        openExternal: (url) => (externalUrls.isAllowed(url) ? electron.openExternal(url) : Promise.reject(new Error(`Not opened in the browser (not an allowed URL): ${url}`))),
        allowExternalOrigin: (origin) => externalUrls.allowOrigin(origin),
        revealInFolder: (path) => {
          electron.showItemInFolder(path);
          return true;
        },
        choosePacketFile: async () => {
          const chosen = await electron.showOpenDialog(PACKET_OPEN_DIALOG);
          return chosen.canceled ? null : (chosen.filePaths[0] ?? null);
        },
      },
      updates: { updater: electron.updater ?? null, connectionCost: connectionCostProbe(paths.platform) },
    });
    // Updates: a check now and every few hours; stopped when the app quits.
    const updateChecks = new AbortController();
    if (electron.updater) void services.updates.runScheduledChecks(updateChecks.signal);
    registerIpcHandlers(electron.ipcMain, createIpcHandlers(services), isTrustedSender);
    const menuCommand = (command: 'about' | 'licenses' | 'settings') => () => services.events.emit('app:menu-command', { command });
    const shimFile = paths.platform === 'darwin' && electron.app.isPackaged ? paths.macCliShimFile : undefined;
    const offerCommandLineTool = shimFile === undefined ? {} : { offerCommandLineTool: () => void offerMacCommandLineTool(electron, shimFile).catch(() => undefined) }; // a dialog that failed to show: nothing to offer;
    electron.setApplicationMenu(
      applicationMenuTemplate(paths.platform, { showAbout: menuCommand('about'), showSettings: menuCommand('settings'), showLicenses: menuCommand('licenses'), ...offerCommandLineTool }, { developerTools: !electron.app.isPackaged }),
    );
    services.events.subscribe((envelope) => {
      for (const window of electron.allWindows()) window.webContents.send(EVENT_ENVELOPE_CHANNEL, envelope);
    });

    const openMainWindow = (): void => {
      const window = electron.createWindow(mainWindowOptions(paths.preloadFile));
      mainWindow = window;
      window.once('ready-to-show', () => window.show());
      window.on('closed', () => {
        if (mainWindow === window) mainWindow = null;
      });
      void (devServerUrl !== undefined ? window.loadURL(devServerUrl) : window.loadFile(paths.rendererFile));
    };
    openMainWindow();
    electron.app.on('activate', () => {
      if (electron.allWindows().length === 0) openMainWindow();
    });
    // Close the core before the process ends: the data worker checkpoints and closes the cache cleanly
    // (no unclean-shutdown integrity check at the next start), and a running export or sync is cancelled.
    let closed = false;
    electron.app.onWillQuit((preventQuit) => {
      if (closed) return;
      preventQuit();
      closed = true;
      updateChecks.abort();
      void services.close().finally(() => electron.app.quit());
    });
    return services;
  });
  return { ready, externalUrls };
}

/** The cipher ports for the composition root: the passphrase choice only where secrets need one. */
function portsOf(selection: CipherSelection): { cipher: SecretCipher; passphraseChoice?: PassphraseChoice } {
  return selection.protection === 'passphrase-required' ? { cipher: selection.cipher, passphraseChoice: selection.passphraseChoice } : { cipher: selection.cipher };
}

/** The dialog behind macOS's "Install “timeline-auditor” Command…": the command to run, and Copy. */
export const COPY_COMMAND_BUTTON = 0;

async function offerMacCommandLineTool(electron: ElectronShellApis, shimFile: string): Promise<void> {
  const command = macCliLinkCommand(shimFile);
  const { response } = await electron.showMessageBox({
    type: 'info',
    message: 'Use Timeline Auditor from Terminal',
    detail: `To run timeline-auditor in Terminal (and in scheduled jobs, see docs/scheduling.md), link it to ${MAC_CLI_LINK} by running this command in Terminal; it asks for your administrator password:\n\n${command}`,
    buttons: ['Copy Command', 'Close'],
    defaultId: COPY_COMMAND_BUTTON,
    cancelId: 1,
  });
  if (response === COPY_COMMAND_BUTTON) await electron.writeClipboardText(command);
}
