#!/usr/bin/env node
// `npm start` / `npm run dev` check this first: where Electron's binary was never downloaded (an
// offline or locked-down install, a CI image, a machine that cannot run it) electron-vite would end
// in "Error: Electron uninstall" and a stack trace. This says what happened and what to do instead.
// It reads the same files electron-vite does and never triggers the download itself.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Why the Electron binary cannot be started, or null when it is there. */
export function electronBinaryProblem(electronModuleDir, env = process.env) {
  const fromEnv = env.ELECTRON_EXEC_PATH;
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? null : `ELECTRON_EXEC_PATH points at ${fromEnv}, which does not exist.`;
  if (electronModuleDir === null) return 'the electron package is not installed (node_modules/electron is missing).';
  const pathFile = join(electronModuleDir, 'path.txt');
  if (!existsSync(pathFile)) return "Electron's binary was never downloaded (its install script did not run or could not download it).";
  const binary = join(electronModuleDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? null : `Electron's binary is missing: ${binary}`;
}

export function adviceFor(problem) {
  return [
    `Timeline Auditor cannot start as a desktop app here: ${problem}`,
    '',
    'What to do:',
    '  • npm run dev:browser   runs the same app in your browser, no Electron needed.',
    '  • Or fetch Electron again where its download can succeed: npm rebuild electron',
    '    (behind a proxy set HTTPS_PROXY; with an internal mirror set ELECTRON_MIRROR).',
    '',
  ].join('\n');
}

function electronModuleDir() {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problem = electronBinaryProblem(electronModuleDir());
  if (problem !== null) {
    process.stderr.write(adviceFor(problem));
    process.exit(1);
  }
}
