import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * scripts/check-electron.mjs runs before `npm start` / `npm run dev`: without Electron's binary it
 * says what happened and what to do, instead of electron-vite's "Error: Electron uninstall" trace.
 */
function runCheck(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, ['scripts/check-electron.mjs'], { encoding: 'utf8', env: { ...process.env, ...env } });
}

/** electronBinaryProblem on a stand-in node_modules/electron folder (the same files electron-vite reads). */
function problemFor(moduleDir: string): string {
  const script = `import { electronBinaryProblem } from './scripts/check-electron.mjs'; process.stdout.write(JSON.stringify(electronBinaryProblem(${JSON.stringify(moduleDir)}, {})));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as string;
}

describe('npm start without the Electron binary', () => {
  it('explains the missing binary and offers dev:browser or a reinstall, exit code 1, no stack trace', () => {
    const result = runCheck({ ELECTRON_EXEC_PATH: join(tmpdir(), 'no-such-electron', 'electron') });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('cannot start as a desktop app here');
    expect(result.stderr).toContain('npm run dev:browser');
    expect(result.stderr).toContain('npm rebuild electron');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('stays silent and lets the start go on when the binary is there', () => {
    const result = runCheck({ ELECTRON_EXEC_PATH: process.execPath });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('reads electron’s path.txt and dist/ the way electron-vite does', () => {
    const moduleDir = mkdtempSync(join(tmpdir(), 'auditor-electron-module-'));
    expect(problemFor(moduleDir)).toMatch(/never downloaded/);
    writeFileSync(join(moduleDir, 'path.txt'), 'electron');
    expect(problemFor(moduleDir)).toMatch(/binary is missing/);
    mkdirSync(join(moduleDir, 'dist'));
    writeFileSync(join(moduleDir, 'dist', 'electron'), '');
    expect(problemFor(moduleDir)).toBeNull();
  });

  it('runs before both Electron scripts', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts['start']).toBe('node scripts/check-electron.mjs && electron-vite preview');
    expect(scripts['dev']).toBe('node scripts/check-electron.mjs && electron-vite dev');
  });
});
