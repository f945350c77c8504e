/**
 * electron-updater's AppUpdater as the update service's UpdaterPort. The AppUpdater is injected
 * (main.ts passes `autoUpdater`; the loopback test an NsisUpdater on a stand-in app), so the same
 * adapter is what the test drives.
 *
 * What electron-updater verifies (docs/security.md, "Updates"): the downloaded file's sha512 against
 * latest.yml (every platform); on Windows the installer's Authenticode signature against
 * `publisherName` from app-update.yml (electron-builder writes the signing certificate's subject
 * there); on macOS Squirrel.Mac refuses an app whose code signature does not match the running one's.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppUpdater, ProgressInfo } from 'electron-updater';
import type { UpdaterPort } from '../updates/update-service.js';

/** The settings the update service relies on: nothing downloads or installs behind its back. */
export function configureAppUpdater(updater: AppUpdater): void {
  // The service decides when to download (consent on a metered or unknown connection).
  updater.autoDownload = false;
  // A downloaded update installs when the user quits the app.
  updater.autoInstallOnAppQuit = true;
  updater.allowDowngrade = false;
  // The NSIS installer is a full installer; a web installer would fetch a second, separately checked package.
  updater.disableWebInstaller = true;
}

export function appUpdaterPort(updater: AppUpdater): UpdaterPort {
  configureAppUpdater(updater);
  return {
    check: async () => {
      const result = await updater.checkForUpdates();
      if (result === null || !result.isUpdateAvailable) return null;
      const info = result.updateInfo;
      return { version: info.version, sizeBytes: info.files[0]?.size ?? null };
    },
    download: async (onProgress) => {
      const listener = (progress: ProgressInfo): void => onProgress(progress.percent);
      updater.on('download-progress', listener);
      try {
        await updater.downloadUpdate();
      } finally {
        updater.off('download-progress', listener);
      }
    },
    // Not silent: the user sees the installer finish; then the app starts again.
    quitAndInstall: () => updater.quitAndInstall(false, true),
  };
}

/**
 * The updater, or null when this build has no feed: electron-builder writes resources/app-update.yml
 * only when TIMELINE_AUDITOR_UPDATE_URL was set at build time (scripts/electron-builder.mjs), and an
 * unpackaged app (npm run dev) never updates itself.
 */
export function configuredUpdaterPort(app: { isPackaged: boolean }, resourcesPath: string, updater: () => AppUpdater): UpdaterPort | null {
  if (!app.isPackaged || !existsSync(join(resourcesPath, 'app-update.yml'))) return null;
  return appUpdaterPort(updater());
}
