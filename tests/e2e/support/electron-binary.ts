import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Electron executable if it is installed, else null — without `require('electron')`, which would
 * try to download it. It cannot be downloaded on this project's build machines (the download goes to
 * GitHub); the CI workflow for Windows and macOS installs it and runs these tests for real.
 */
export function installedElectronBinary(): string | null {
  const packageDirectory = join(process.cwd(), 'node_modules', 'electron');
  const pathFile = join(packageDirectory, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(packageDirectory, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

export const ELECTRON_MISSING_REASON =
  'needs the Electron binary, which cannot be downloaded on this machine (its download goes to GitHub); runs in the Windows/macOS CI workflow';
