import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The environment variable naming the PACKAGED app's executable, as `npm run package:e2e` makes it
 * (dist/win-unpacked/Timeline Auditor.exe, dist/mac-arm64/Timeline Auditor.app/Contents/MacOS/Timeline
 * Auditor; `node scripts/packaged-app-path.mjs` prints it). Set, the *.electron.spec.ts tests launch
 * that: asar, fuses and native modules as users get them — except the nodeCliInspect fuse, which
 * package:e2e leaves on because Playwright drives Electron through --inspect.
 */
export const PACKAGED_APP_ENV = 'TIMELINE_AUDITOR_PACKAGED_APP';

/** What a spec launches: the packaged app (its own app.asar) or the development Electron on this folder. */
export interface ElectronUnderTest {
  executablePath: string;
  /** The app to load: none for the packaged app, the project folder for the development Electron. */
  appArgs: string[];
  packaged: boolean;
}

/**
 * The packaged app if TIMELINE_AUDITOR_PACKAGED_APP is set (it must exist then: a wrong path fails
 * rather than skips), else the development Electron if installed, else null — without
 * `require('electron')`, which would try to download it. It cannot be downloaded on this
 * project's build machines (the download goes to GitHub); the Windows/macOS CI jobs have it.
 */
export function electronUnderTest(): ElectronUnderTest | null {
  const packagedApp = process.env[PACKAGED_APP_ENV];
  if (packagedApp !== undefined && packagedApp !== '') {
    if (!existsSync(packagedApp)) throw new Error(`${PACKAGED_APP_ENV}=${packagedApp} does not exist: build it with \`npm run package:e2e\` or unset the variable.`);
    return { executablePath: packagedApp, appArgs: [], packaged: true };
  }
  const packageDirectory = join(process.cwd(), 'node_modules', 'electron');
  const pathFile = join(packageDirectory, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(packageDirectory, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? { executablePath: binary, appArgs: ['.'], packaged: false } : null;
}

/**
 * The executable the Electron specs launch (the packaged app when TIMELINE_AUDITOR_PACKAGED_APP is
 * set, see electronUnderTest), or null. A packaged app ignores the `.` older specs pass as app path.
 */
export function installedElectronBinary(): string | null {
  return electronUnderTest()?.executablePath ?? null;
}

export const ELECTRON_MISSING_REASON = 'needs the Electron binary, which cannot be downloaded on this machine (its download goes to GitHub); runs in the Windows/macOS CI workflow';
