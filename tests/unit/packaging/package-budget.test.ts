import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
// @ts-expect-error -- a plain .mjs script without type declarations; its JSDoc types are checked by the assertions below.
import { APP_SIZE_BUDGET_BYTES, checkAppSize, summariseAppSize } from '../../../scripts/package-budget.mjs';

interface PackagedFile {
  path: string;
  size: number;
}
interface AppSizeSummary {
  totalBytes: number;
  groups: { name: string; bytes: number }[];
}
const budget = APP_SIZE_BUDGET_BYTES as number;
const summarise = summariseAppSize as (files: PackagedFile[]) => AppSizeSummary;
const check = checkAppSize as (summary: AppSizeSummary, budgetBytes?: number) => { ok: boolean; report: string[] };

const builderRequire = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const { getConfig } = builderRequire('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
};
const { getNodeModuleFileMatcher, excludedExts } = builderRequire('app-builder-lib/out/fileMatcher.js') as {
  getNodeModuleFileMatcher(appDir: string, destination: string, macroExpander: (pattern: string) => string, platformOptions: { files?: Configuration['files'] }, packager: { config: Configuration; debugLogger: { isEnabled: boolean } }): unknown;
  excludedExts: string;
};
/** electron-builder's copier for one installed package: its file filter plus its own default omissions (READMEs, tests, type declarations…). */
const { NodeModuleCopyHelper } = builderRequire('app-builder-lib/out/util/NodeModuleCopyHelper.js') as {
  NodeModuleCopyHelper: new (
    matcher: unknown,
    packager: { config: Configuration; appInfo: { type: string }; getWorkspaceRoot(): Promise<string> },
  ) => { collectNodeModules(module: { dir: string; name: string }, excludedExts: string[], destination: string): Promise<(string | undefined)[]> };
};

const projectDir = process.cwd();
const filesUnder = (folder: string): string[] =>
  readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
const appPath = (absolute: string): string =>
  absolute
    .slice(projectDir.length + 1)
    .split(sep)
    .join('/');

/**
 * What electron-builder would put into app.asar(.unpacked), found without packaging: out/ minus the
 * entries electron-builder.yml leaves out, and every installed production package of the lockfile
 * through electron-builder's own node_modules copier and electron-builder.yml's `files`. Close to
 * the real package, which `npm run package:check` builds and measures.
 */
async function estimatedAppFiles(): Promise<PackagedFile[]> {
  if (!existsSync(join(projectDir, 'out', 'main', 'index.js'))) throw new Error('out/ is missing: run `npm run build` (npm ci runs it through `prepare`)');
  const config = await getConfig(projectDir, null, null);
  const matcher = getNodeModuleFileMatcher(projectDir, join(projectDir, 'app'), (pattern) => pattern, {}, { config, debugLogger: { isEnabled: false } });
  const copier = new NodeModuleCopyHelper(matcher, { config, appInfo: { type: 'module' }, getWorkspaceRoot: () => Promise.resolve(projectDir) });
  // As electron-builder's getNodeModuleExcludedExts for a non-Windows target.
  const omittedExtensions = ['.o', '.obj', ...excludedExts.split(',').map((extension) => `.${extension}`), '.pdb', '.dll', '.exe'];
  const outFiles = filesUnder(join(projectDir, 'out'))
    .map(appPath)
    .filter((path) => path !== 'out/main/host.js' && path !== 'out/main/cli.js' && !path.startsWith('out/types/') && !path.endsWith('.map'));
  const lock = z.object({ packages: z.record(z.string(), z.object({ dev: z.boolean().optional() })) }).parse(JSON.parse(readFileSync('package-lock.json', 'utf8')));
  const production = Object.entries(lock.packages).filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev !== true && existsSync(join(projectDir, path)));
  const moduleFiles: string[] = [];
  for (const [packagePath] of production) {
    const collected = await copier.collectNodeModules({ dir: join(projectDir, packagePath), name: packagePath.slice(packagePath.lastIndexOf('node_modules/') + 'node_modules/'.length) }, omittedExtensions, packagePath);
    moduleFiles.push(...collected.filter((path): path is string => path !== undefined && statSync(path).isFile()));
  }
  return [...outFiles.map((path) => join(projectDir, path)), ...moduleFiles].map((absolute) => ({ path: appPath(absolute), size: statSync(absolute).size }));
}

describe('the package size budget', () => {
  const files: PackagedFile[] = [
    { path: 'out/main/index.js', size: 1_000_000 },
    { path: 'node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Regular.otf', size: 8_000_000 },
    { path: 'node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Bold.otf', size: 9_000_000 },
    { path: 'node_modules/pdfkit/js/pdfkit.js', size: 500_000 },
    { path: 'package.json', size: 3_000 },
  ];

  it('sums the files and names the largest parts by package or folder', () => {
    const summary = summarise(files);
    expect(summary.totalBytes).toBe(18_503_000);
    expect(summary.groups).toEqual([
      { name: 'node_modules/@embedpdf/fonts-sc', bytes: 17_000_000 },
      { name: 'out/main', bytes: 1_000_000 },
      { name: 'node_modules/pdfkit', bytes: 500_000 },
      { name: 'package.json', bytes: 3_000 },
    ]);
  });

  it('passes at the budget and fails one byte above it, saying by how much', () => {
    const summary = summarise(files);
    expect(check(summary, summary.totalBytes).ok).toBe(true);
    const over = check(summary, summary.totalBytes - 1);
    expect(over.ok).toBe(false);
    expect(over.report[0]).toMatch(/18\.5 MB .*budget 18\.5 MB — 0\.0 MB OVER/);
    expect(over.report[1]).toMatch(/17\.0 MB\s+node_modules\/@embedpdf\/fonts-sc/);
  });

  it('fails an oversized package against the real budget (every weight of the CJK fonts, as before)', () => {
    const everyWeight = Array.from({ length: 12 }, (_, index) => ({ path: `node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-${index}.otf`, size: 8_300_000 }));
    expect(check(summarise(everyWeight)).ok).toBe(false);
  });

  it('passes for this tree: out/ and the production packages electron-builder.yml keeps fit the budget', async () => {
    const summary = summarise(await estimatedAppFiles());
    const result = check(summary, budget);
    expect(result.report[0], result.report.join('\n')).toMatch(/budget 85\.0 MB$/);
    expect(result.ok, result.report.join('\n')).toBe(true);
    // Not vacuous: the estimate holds the PDF's CJK fonts and the app's own bundles.
    expect(summary.groups.find((group) => group.name === 'node_modules/@embedpdf/fonts-sc')?.bytes).toBeGreaterThan(16_000_000);
    expect(summary.groups.some((group) => group.name === 'out/renderer')).toBe(true);
  });
});
