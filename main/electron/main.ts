/**
 * The Electron entry: the only module that imports `electron` at run time. It adapts Electron's APIs
 * to the narrow shapes app-shell.ts uses; everything else is shared with the CLI and the loopback host.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, safeStorage, session, shell } from 'electron';
import electronUpdater from 'electron-updater';
import { configuredUpdaterPort } from './app-updater-port.js';
import { startElectronMain } from './app-shell.js';
import { createElectronStore } from './electron-kv-store.js';
import { selectSafeStorageCipher } from './safe-storage-cipher.js';
import { AesGcmScryptCipher } from '../auth/aes-gcm-scrypt-cipher.js';
import { VAULT_SALT_FILE } from '../auth/node-vault.js';

const rendererFile = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
const here = import.meta.url; // a variable base: the bundler must not treat the worker as an asset

startElectronMain(
  {
    app: {
      isPackaged: app.isPackaged,
      enableSandbox: () => app.enableSandbox(),
      requestSingleInstanceLock: () => app.requestSingleInstanceLock(),
      quit: () => app.quit(),
      exit: (code) => app.exit(code),
      hideDock: () => app.dock?.hide(),
      disableHardwareAcceleration: () => app.disableHardwareAcceleration(),
      setAppUserModelId: (id) => app.setAppUserModelId(id),
      whenReady: () => app.whenReady(),
      getPath: (name) => app.getPath(name),
      on: (event, listener) => void app.on(event as 'activate', listener),
      onWillQuit: (listener) => void app.on('will-quit', (event) => listener(() => event.preventDefault())),
      onWebContentsCreated: (listener) =>
        void app.on('web-contents-created', (_event, contents) =>
          listener({
            setWindowOpenHandler: (handler) => contents.setWindowOpenHandler(handler),
            onWillNavigate: (navigate) => {
              contents.on('will-navigate', (event) => navigate(event.url, () => event.preventDefault()));
              contents.on('will-redirect', (event) => navigate(event.url, () => event.preventDefault()));
            },
            onWillAttachWebview: (attach) => void contents.on('will-attach-webview', (event) => attach(() => event.preventDefault())),
          }),
        ),
    },
    createWindow: (options) => new BrowserWindow(options),
    allWindows: () => BrowserWindow.getAllWindows(),
    ipcMain,
    session: {
      setPermissionHandlers: (decide) => {
        session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) => callback(decide({ permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame })));
        // A check without a requesting URL (Chromium leaves it out for some permissions) is denied.
        session.defaultSession.setPermissionCheckHandler((_contents, permission, _origin, details) => details.requestingUrl !== undefined && decide({ permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame }));
      },
      setResponseHeader: (name, value) =>
        session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
          callback({ responseHeaders: { ...details.responseHeaders, [name]: [value] } });
        }),
    },
    openExternal: (url) => shell.openExternal(url),
    createStore: createElectronStore,
    // After 'ready' (app-shell calls it then): safeStorage's backend is known only from then on.
    createCipher: (home) => selectSafeStorageCipher(safeStorage, process.platform, (passphrase) => AesGcmScryptCipher.open(passphrase, join(home, VAULT_SALT_FILE))),
    setApplicationMenu: (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)),
    showItemInFolder: (path) => shell.showItemInFolder(path),
    showOpenDialog: (options) => {
      const window = BrowserWindow.getFocusedWindow();
      return window === null ? dialog.showOpenDialog(options) : dialog.showOpenDialog(window, options);
    },
    showMessageBox: (options) => {
      const window = BrowserWindow.getFocusedWindow();
      return window === null ? dialog.showMessageBox(options) : dialog.showMessageBox(window, options);
    },
    writeClipboardText: (text) => clipboard.writeText(text),
    // Updates (issue 15): electron-updater on the feed set at build time; null when the build has none.
    updater: configuredUpdaterPort(app, process.resourcesPath, () => electronUpdater.autoUpdater),
  },
  {
    rendererFile,
    rendererFileUrl: pathToFileURL(rendererFile).href,
    preloadFile: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
    dataWorkerFile: fileURLToPath(new URL('./data-worker.js', here)),
    macCliShimFile: join(process.resourcesPath, 'bin', 'timeline-auditor'),
    devServerUrl: process.env['ELECTRON_RENDERER_URL'],
    devCspNonce: process.env['TIMELINE_AUDITOR_DEV_CSP_NONCE'], // set by electron.vite.config.ts for `npm run dev`
    platform: process.platform,
  },
  process.argv,
  () => {
    // Only for `--cli`: Ctrl-C cancels the running command (the desktop app keeps Electron's own handling).
    const interrupt = new AbortController();
    process.once('SIGINT', () => interrupt.abort(new DOMException('Interrupted', 'AbortError')));
    return { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: interrupt.signal };
  },
);
