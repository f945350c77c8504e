import { readdirSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import type { Configuration } from 'electron-builder';
import { openSync } from 'fontkit';
import { describe, expect, it } from 'vitest';
import { fontFilePath, packageFolder, pdfFontFiles, PDF_FONT_FAMILIES } from '../../../main/export/pdf/font-files.js';

/**
 * The font files electron-builder.yml packages are exactly the ones the PDF loads (the table in
 * main/export/pdf/font-files.ts): every one the report opens is packaged, no other font file of
 * the font packages is. The yml's `files` are evaluated by electron-builder's own matcher for
 * node_modules (app-builder-lib, as installed); scripts/check-package.mjs checks the same on a real
 * package.
 */
const builderRequire = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
const { getConfig } = builderRequire('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: Configuration | null): Promise<Configuration>;
};
const { getNodeModuleFileMatcher } = builderRequire('app-builder-lib/out/fileMatcher.js') as {
  getNodeModuleFileMatcher(
    appDir: string,
    destination: string,
    macroExpander: (pattern: string) => string,
    platformOptions: { files?: Configuration['files'] },
    packager: { config: Configuration; debugLogger: { isEnabled: boolean } },
  ): { createFilter(): (file: string, stat: Stats & { moduleFullFilePath?: string }) => boolean };
};

const projectDir = process.cwd();
const config = await getConfig(projectDir, null, null);
const filter = getNodeModuleFileMatcher(projectDir, join(projectDir, 'app'), (pattern) => pattern, {}, { config, debugLogger: { isEnabled: false } }).createFilter();

/** Whether electron-builder copies this file of an installed package into the app. */
function packaged(packageName: string, file: string): boolean {
  const absolute = join(packageFolder(packageName), ...file.split('/'));
  const stat = Object.assign(statSync(absolute), { moduleFullFilePath: `node_modules/${packageName}/${file}` });
  return filter(absolute, stat);
}

const FONT_FILE = /\.(?:ttf|otf|ttc|woff2?)$/i;
const filesUnder = (folder: string): string[] => readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((path) => statSync(join(folder, path)).isFile());

const loaded = pdfFontFiles();
const fontPackages = [...new Set(loaded.map((font) => font.packageName))];
/** Every font file the font packages ship, as "package/file". */
const shipped = fontPackages.flatMap((packageName) =>
  filesUnder(packageFolder(packageName))
    .filter((path) => FONT_FILE.test(path))
    .map((path) => ({ packageName, file: path.split(sep).join('/') })),
);
const key = (font: { packageName: string; file: string }): string => `${font.packageName}/${font.file}`;

describe('the font files in the package', () => {
  it('includes every font file the PDF loads', () => {
    expect(loaded.length).toBe(PDF_FONT_FAMILIES.length * 2);
    expect(loaded.filter((font) => !packaged(font.packageName, font.file)).map(key)).toEqual([]);
  });

  it('leaves out every other font file of the font packages (other weights, italics)', () => {
    const loadedKeys = new Set(loaded.map(key));
    const unused = shipped.filter((font) => !loadedKeys.has(key(font)));
    expect(unused.length).toBeGreaterThan(20); // the packages do ship many more weights than the PDF uses
    expect(unused.filter((font) => packaged(font.packageName, font.file)).map(key)).toEqual([]);
  });

  it('the table names real files (the font packages still ship them under these paths)', () => {
    const shippedKeys = new Set(shipped.map(key));
    expect(loaded.map(key).filter((name) => !shippedKeys.has(name))).toEqual([]);
    expect(relative(packageFolder('@embedpdf/fonts-latin'), fontFilePath(loaded[0] ?? { packageName: '', file: '' }))).toBe(join('fonts', 'NotoSans-Regular.ttf'));
  });

  it('keeps a font for every script evidence values are drawn in, in both weights', () => {
    // Latin, Greek, Cyrillic, Arabic, Hebrew, Chinese, Japanese kana, Hangul, emoji.
    const samples = ['A', 'Ω', 'Ж', 'ب', 'א', '中', 'か', '한', '😀'].map((text) => text.codePointAt(0) ?? 0);
    for (const weight of ['regular', 'bold'] as const) {
      const fonts = PDF_FONT_FAMILIES.map((family) => openSync(fontFilePath(family[weight])));
      const missing = samples.filter((codePoint) => !fonts.some((font) => font.hasGlyphForCodePoint(codePoint))).map((codePoint) => String.fromCodePoint(codePoint));
      expect({ weight, missing }).toEqual({ weight, missing: [] });
    }
  });
});
