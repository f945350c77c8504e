/**
 * The Electron adapter: the only module that imports `electron` at run time. It creates the hardened
 * window, registers the IPC contract and hands Electron's facilities (userData, safeStorage, shell)
 * to the same services the CLI and the loopback host use.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { EVENT_ENVELOPE_CHANNEL } from '../../preload/contract.js';
import { createAppServices, createIpcHandlers } from '../core/app-services.js';
import { CONTENT_SECURITY_POLICY } from '../core/content-security-policy.js';
import { createElectronStore } from './electron-kv-store.js';
import { registerIpcHandlers } from './ipc.js';
import { createSenderCheck, ExternalUrlPolicy, hardenWebContents, mainWindowOptions } from './security.js';

const rendererDevUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const rendererFile = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
const appPageUrl = rendererDevUrl ?? pathToFileURL(rendererFile).href;
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));

const externalUrls = new ExternalUrlPolicy();
const isTrustedSender = createSenderCheck(appPageUrl);
const isAppUrl = (url: string): boolean => isTrustedSender({ url, parent: null });

app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;

  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(
      {
        setWindowOpenHandler: (handler) => contents.setWindowOpenHandler(handler),
        onWillNavigate: (listener) => {
          contents.on('will-navigate', (event) => listener(event.url, () => event.preventDefault()));
          contents.on('will-redirect', (event) => listener(event.url, () => event.preventDefault()));
        },
        onWillAttachWebview: (listener) => contents.on('will-attach-webview', (event) => listener(() => event.preventDefault())),
      },
      isAppUrl,
      (url) => void shell.openExternal(url),
      externalUrls,
    );
  });

  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    });

    const services = createAppServices({
      shell: 'electron',
      home: app.getPath('userData'),
      settingsStore: createElectronStore('settings'),
    });
    registerIpcHandlers(ipcMain, createIpcHandlers(services), isTrustedSender);
    services.events.subscribe((envelope) => {
      for (const window of BrowserWindow.getAllWindows()) window.webContents.send(EVENT_ENVELOPE_CHANNEL, envelope);
    });

    const openMainWindow = (): void => {
      const window = new BrowserWindow(mainWindowOptions(preloadPath));
      mainWindow = window;
      window.once('ready-to-show', () => window.show());
      window.on('closed', () => {
        if (mainWindow === window) mainWindow = null;
      });
      void (rendererDevUrl !== undefined ? window.loadURL(rendererDevUrl) : window.loadFile(rendererFile));
    };
    openMainWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
