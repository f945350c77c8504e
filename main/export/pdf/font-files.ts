/**
 * The font files the PDF report loads: one table, read by the font library (fonts.ts) and by the
 * packaging checks (tests/unit/packaging/fonts-packaged.test.ts, scripts/check-package.mjs), so the
 * installer carries exactly these files of the font packages and nothing the report never opens.
 * The packages ship every weight and italic (about 90 MB); the report draws regular and bold only.
 */
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';

/** A font file inside an npm package; `file` is relative to the package folder, with `/`. */
export interface PackagedFontFile {
  readonly packageName: string;
  readonly file: string;
}

export interface PdfFontFamily {
  /** Prefix of the names registered with pdfkit (e.g. "sans" → "sans-regular", "sans-bold"). */
  readonly key: string;
  readonly regular: PackagedFontFile;
  readonly bold: PackagedFontFile;
  /** Right-to-left script font (drawn word by word in visual order). */
  readonly rtl: boolean;
}

const embedpdf = (packageName: string, file: string): PackagedFontFile => ({ packageName, file: `fonts/${file}` });
const EMOJI = '@expo-google-fonts/noto-emoji';

/** Fallback order: a character goes to the first family that has it (see fonts.ts). */
export const PDF_FONT_FAMILIES: readonly PdfFontFamily[] = [
  { key: 'sans', regular: embedpdf('@embedpdf/fonts-latin', 'NotoSans-Regular.ttf'), bold: embedpdf('@embedpdf/fonts-latin', 'NotoSans-Bold.ttf'), rtl: false },
  { key: 'arabic', regular: embedpdf('@embedpdf/fonts-arabic', 'NotoNaskhArabic-Regular.ttf'), bold: embedpdf('@embedpdf/fonts-arabic', 'NotoNaskhArabic-Bold.ttf'), rtl: true },
  { key: 'hebrew', regular: embedpdf('@embedpdf/fonts-hebrew', 'NotoSansHebrew-Regular.ttf'), bold: embedpdf('@embedpdf/fonts-hebrew', 'NotoSansHebrew-Bold.ttf'), rtl: true },
  { key: 'hans', regular: embedpdf('@embedpdf/fonts-sc', 'NotoSansHans-Regular.otf'), bold: embedpdf('@embedpdf/fonts-sc', 'NotoSansHans-Bold.otf'), rtl: false },
  { key: 'korean', regular: embedpdf('@embedpdf/fonts-kr', 'NotoSansKR-Regular.otf'), bold: embedpdf('@embedpdf/fonts-kr', 'NotoSansKR-Bold.otf'), rtl: false },
  { key: 'emoji', regular: { packageName: EMOJI, file: '400Regular/NotoEmoji_400Regular.ttf' }, bold: { packageName: EMOJI, file: '700Bold/NotoEmoji_700Bold.ttf' }, rtl: false },
];

/** Every file in the table (regular and bold of each family). */
export function pdfFontFiles(): PackagedFontFile[] {
  return PDF_FONT_FAMILIES.flatMap((family) => [family.regular, family.bold]);
}

// Not named `require`: the bundler declares its own `require` shim in the same module scope.
const resolveFromHere = createRequire(import.meta.url);

/** The installed folder of a package, found from its entry point: the @embedpdf packages export only
 * that (not package.json), and their font files sit beside it. Works inside app.asar too. */
export function packageFolder(packageName: string): string {
  const entry = resolveFromHere.resolve(packageName);
  const marker = `${sep}node_modules${sep}${packageName.split('/').join(sep)}${sep}`;
  const at = entry.lastIndexOf(marker);
  if (at < 0) throw new Error(`${packageName} resolved outside a node_modules folder: ${entry}`);
  return entry.slice(0, at + marker.length - 1);
}

export function fontFilePath(font: PackagedFontFile): string {
  return join(packageFolder(font.packageName), ...font.file.split('/'));
}
