import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** assets/licenses.json, written by scripts/licenses.mjs at `npm run build`, shown in the About dialog. */
interface LicenseEntry {
  name: string;
  version: string;
  license: string;
}
const licenses = JSON.parse(readFileSync('assets/licenses.json', 'utf8')) as LicenseEntry[];
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const installedVersion = (name: string): string => (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;

describe('the third-party licenses list', () => {
  it('matches what is installed (npm run build regenerates it)', () => {
    const check = spawnSync(process.execPath, ['scripts/licenses.mjs', '--check'], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('lists every production dependency at its installed version, with a license', () => {
    for (const name of Object.keys(manifest.dependencies)) {
      expect(licenses.find((entry) => entry.name === name)?.version, name).toBe(installedVersion(name));
    }
    for (const entry of licenses) expect(entry.license, `${entry.name}@${entry.version}`).not.toBe('UNKNOWN');
  });

  it('leaves out development-only tools', () => {
    const developmentOnly = Object.keys(manifest.devDependencies).filter((name) => !(name in manifest.dependencies));
    expect(developmentOnly).toEqual(expect.arrayContaining(['electron', 'vitest', 'electron-builder']));
    for (const name of ['electron', 'vitest', 'electron-builder', 'typescript', '@playwright/test']) {
      expect(
        licenses.some((entry) => entry.name === name),
        name,
      ).toBe(false);
    }
  });

  it('is sorted by name and has each name@version once', () => {
    const keys = licenses.map((entry) => `${entry.name}@${entry.version}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(licenses.map((entry) => entry.name)).toEqual([...licenses.map((entry) => entry.name)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });
});
