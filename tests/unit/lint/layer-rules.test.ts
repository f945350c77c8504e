// The layer rules in eslint.config.js are regexes over import strings: this runs the real config on
// one-line snippets placed (in memory) in each folder, so a rule that stops matching fails here.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

// The snippets are not on disk, so the type-aware parser has no program for them; the layer rules do not need one.
const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfig: [{ files: ['**/*.{ts,tsx}'], ...tseslint.configs.disableTypeChecked }],
});

const LAYER_RULES = new Set(['no-restricted-imports', '@typescript-eslint/no-restricted-imports', 'layers/dynamic-imports']);

async function layerViolations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = value;\n`, { filePath });
  if (result === undefined) throw new Error(`ESLint returned nothing for ${filePath}`);
  const fatal = result.messages.filter((message) => message.fatal === true);
  if (fatal.length > 0) throw new Error(`${filePath}: ${fatal.map((message) => message.message).join('; ')}`);
  return result.messages.filter((message) => message.ruleId !== null && LAYER_RULES.has(message.ruleId)).map((message) => message.message);
}

const valueImport = (source: string): string => `import value from '${source}';`;

const CAPABILITIES = ['auth', 'cache', 'data', 'demo', 'export', 'records', 'review', 'sandbox', 'settings', 'sync', 'updates', 'zoho'];
const LOWER_LAYERS = ['core', ...CAPABILITIES];
const ROOT_AND_SHELLS = ['app', 'cli', 'host', 'electron'];

type Case = [file: string, code: string];

const forbidden: Case[] = [
  // electron outside main/electron
  ...[...LOWER_LAYERS, 'app', 'cli', 'host'].map((folder): Case => [`main/${folder}/some-file.ts`, valueImport('electron')]),
  ['main/export/pdf/some-file.ts', valueImport('electron')],
  ['renderer/records/Some.tsx', valueImport('electron')],
  ['preload/api.ts', valueImport('electron')],
  ['bench/some-bench.ts', valueImport('electron')],
  ['tests/unit/some.test.ts', valueImport('electron')],
  ['main/cache/some-file.ts', valueImport('electron/main')],
  // Node built-ins and main/ in the renderer
  ...['node:fs', 'fs', 'fs/promises', 'path', 'node:path', 'crypto', 'worker_threads', 'node:worker_threads', 'os', 'child_process', 'events'].map((source): Case => ['renderer/review/Some.tsx', valueImport(source)]),
  ['renderer/review/Some.tsx', valueImport('../../main/core/errors.js')],
  ['renderer/review/Some.tsx', valueImport('../../main/cache/index')],
  ['renderer/main.tsx', valueImport('../main/zoho/models.js')],
  ['renderer/review/Some.tsx', valueImport('../../preload/api')],
  ['renderer/review/Some.tsx', valueImport('../../preload/index.js')],
  ['renderer/review/Some.tsx', valueImport('../../preload/browser-bridge')],
  ['renderer/review/Some.tsx', 'import type { Thing } from "../../main/cache/index.js"; const value: Thing = 1;'],
  // preload must not import main/
  ['preload/contract.ts', valueImport('../main/core/errors.js')],
  ['preload/index.ts', valueImport('../main/core/errors.js')],
  // lower layers must not import the composition root or a shell
  ...LOWER_LAYERS.flatMap((layer) => ROOT_AND_SHELLS.map((target): Case => [`main/${layer}/some-file.ts`, valueImport(`../${target}/index.js`)])),
  ['main/export/pdf/some-file.ts', valueImport('../../app/index.js')],
  ['main/sync/some-file.ts', `export { other } from '../app/services.js'; const value = 1;`],
  // dynamic imports (lazy loading) are held to the same rules
  ['main/cache/some-file.ts', "const value = await import('../app/index.js');"],
  ['main/zoho/some-file.ts', "const value = await import('electron');"],
  ['main/core/some-file.ts', 'const value = await import(`../zoho/client.js`);'],
  ['renderer/review/Some.tsx', "const value = await import('node:fs');"],
  ['renderer/review/Some.tsx', "const value = await import('../../main/export/csv-export.js');"],
  ['renderer/review/Some.tsx', "const value = await import('../../preload/browser-bridge');"],
  ['renderer/main.tsx', valueImport('../preload/api.js')],
  ['renderer/main.tsx', valueImport('node:fs')],
  ['renderer/main.tsx', valueImport('fs')],
  ['main/cache/some-file.ts', 'import type { Thing } from "../app/index.js"; const value: Thing = 1;'],
  // main/core is the lowest layer: no capability either
  ...CAPABILITIES.map((capability): Case => ['main/core/some-file.ts', valueImport(`../${capability}/index.js`)]),
  // the composition root must not import a shell
  ...['cli', 'host', 'electron'].map((shell): Case => ['main/app/some-file.ts', valueImport(`../${shell}/index.js`)]),
];

const allowed: Case[] = [
  ['main/electron/main.ts', valueImport('electron')],
  ['electron.vite.config.ts', valueImport('electron-vite')],
  ['main/cli/some-file.ts', valueImport('electron-store')],
  ['preload/index.ts', valueImport('electron')],
  ['tests/unit/electron/some.test.ts', 'import type { MenuItemConstructorOptions } from "electron"; const value: MenuItemConstructorOptions = {};'],
  ['renderer/review/Some.tsx', valueImport('../../preload/contract')],
  ['renderer/review/Some.tsx', valueImport('../../preload/contract.js')],
  ['renderer/review/Some.tsx', valueImport('../../preload/labels')],
  ['renderer/review/Some.tsx', valueImport('@mui/material')],
  ['renderer/review/Some.tsx', valueImport('../components/time')],
  ['renderer/review/Some.tsx', valueImport('./review-model')],
  ['renderer/app/Some.tsx', valueImport('../../assets/licenses.json')],
  ['preload/api.ts', valueImport('./contract.js')],
  ['main/cache/some-file.ts', valueImport('../core/errors.js')],
  ['main/cache/some-file.ts', valueImport('../zoho/models.js')],
  ['main/cache/some-file.ts', valueImport('node:fs')],
  ['main/export/pdf/some-file.ts', valueImport('../../core/clock.js')],
  ['main/core/some-file.ts', valueImport('../../preload/contract.js')],
  ['main/core/some-file.ts', valueImport('./clock.js')],
  ['main/core/some-file.ts', valueImport('node:crypto')],
  ['main/app/some-file.ts', valueImport('../cache/index.js')],
  ['main/app/some-file.ts', valueImport('../core/clock.js')],
  ['main/cli/some-file.ts', valueImport('../app/index.js')],
  ['main/host/some-file.ts', valueImport('../app/index.js')],
  ['main/electron/some-file.ts', valueImport('../app/index.js')],
  ['tests/integration/some.test.ts', valueImport('../../main/app/index.js')],
  ['main/cli/some-file.ts', "const value = await import('../app/index.js');"],
  ['main/cli/some-file.ts', "const value = await import('./commands/export.js');"],
  ['main/electron/some-file.ts', "const value = await import('electron');"],
  ['renderer/review/Some.tsx', "const value = await import('./ActivityPanel');"],
  ['renderer/main.tsx', "const value = await import('../preload/browser-bridge');"],
  ['renderer/main.tsx', valueImport('../preload/contract')],
];

describe('layer rules (eslint.config.js)', () => {
  it.each(forbidden)('%s: reports %s', async (file, code) => {
    expect(await layerViolations(file, code)).toHaveLength(1);
  });

  it.each(allowed)('%s: allows %s', async (file, code) => {
    expect(await layerViolations(file, code)).toEqual([]);
  });
});

describe('recursive mkdir is refused in the app’s code (it spins forever under /proc)', () => {
  async function mkdirViolations(filePath: string, code: string): Promise<number> {
    const [result] = await eslint.lintText(code, { filePath });
    return result!.messages.filter((message) => message.ruleId === 'no-restricted-syntax' && message.message.includes('make-directory')).length;
  }
  it.each([
    ['main/export/some-file.ts', "import { mkdirSync } from 'node:fs'; mkdirSync('x', { recursive: true });"],
    ['main/cli/some-file.ts', "import fs from 'node:fs/promises'; await fs.mkdir('x', { mode: 0o700, recursive: true });"],
  ])('%s: reports %s', async (file, code) => {
    expect(await mkdirViolations(file, code)).toBe(1);
  });
  it.each([
    ['main/export/some-file.ts', "import { mkdirSync } from 'node:fs'; mkdirSync('x');"],
    ['main/core/make-directory.ts', "import { mkdirSync } from 'node:fs'; mkdirSync('x', { recursive: true });"],
    ['tests/unit/some.test.ts', "import { mkdirSync } from 'node:fs'; mkdirSync('x', { recursive: true });"],
  ])('%s: allows %s', async (file, code) => {
    expect(await mkdirViolations(file, code)).toBe(0);
  });
});
