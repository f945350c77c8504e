/**
 * The report's embedded fonts and per-character fallback. Every glyph in the PDF comes from a font
 * file shipped with the app (OFL Noto families from npm), embedded as a subset by pdfkit:
 *   Noto Sans (Latin, Greek, Cyrillic, Vietnamese) → Noto Naskh Arabic → Noto Sans Hebrew →
 *   Noto Sans Hans (Chinese + Japanese kana) → Noto Sans KR (Hangul) → Noto Emoji (monochrome).
 * A character goes to the first font in that order that has it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { openSync, type Font } from 'fontkit';

export type FontWeight = 'regular' | 'bold';

export interface FontFace {
  /** Name registered with pdfkit (e.g. "sans-bold"). */
  readonly name: string;
  readonly path: string;
  readonly font: Font;
  /** Right-to-left script font (drawn word by word in visual order). */
  readonly rtl: boolean;
}

interface FaceSpec {
  key: string;
  regular: string;
  bold: string;
  rtl: boolean;
}

// Not named `require`: the bundler declares its own `require` shim in the same module scope.
const resolveFromHere = createRequire(import.meta.url);

function packageDir(name: string): string {
  // The @embedpdf packages export only their entry point; the font files sit beside dist/.
  return dirname(dirname(resolveFromHere.resolve(name)));
}

function specs(): FaceSpec[] {
  const latin = join(packageDir('@embedpdf/fonts-latin'), 'fonts');
  const arabic = join(packageDir('@embedpdf/fonts-arabic'), 'fonts');
  const hebrew = join(packageDir('@embedpdf/fonts-hebrew'), 'fonts');
  const hans = join(packageDir('@embedpdf/fonts-sc'), 'fonts');
  const korean = join(packageDir('@embedpdf/fonts-kr'), 'fonts');
  const emoji = dirname(resolveFromHere.resolve('@expo-google-fonts/noto-emoji/package.json'));
  return [
    { key: 'sans', regular: join(latin, 'NotoSans-Regular.ttf'), bold: join(latin, 'NotoSans-Bold.ttf'), rtl: false },
    { key: 'arabic', regular: join(arabic, 'NotoNaskhArabic-Regular.ttf'), bold: join(arabic, 'NotoNaskhArabic-Bold.ttf'), rtl: true },
    { key: 'hebrew', regular: join(hebrew, 'NotoSansHebrew-Regular.ttf'), bold: join(hebrew, 'NotoSansHebrew-Bold.ttf'), rtl: true },
    { key: 'hans', regular: join(hans, 'NotoSansHans-Regular.otf'), bold: join(hans, 'NotoSansHans-Bold.otf'), rtl: false },
    { key: 'korean', regular: join(korean, 'NotoSansKR-Regular.otf'), bold: join(korean, 'NotoSansKR-Bold.otf'), rtl: false },
    { key: 'emoji', regular: join(emoji, '400Regular', 'NotoEmoji_400Regular.ttf'), bold: join(emoji, '700Bold', 'NotoEmoji_700Bold.ttf'), rtl: false },
  ];
}

const LETTER_OR_NUMBER = /[\p{L}\p{N}\p{M}]/u;

/** Characters without a direction or script of their own (spaces, punctuation, symbols, emoji):
 * they take the font of the text around them when it has them, and the direction of their neighbours. */
export function isNeutral(codePoint: number): boolean {
  if (codePoint < 0x80) return !((codePoint >= 0x30 && codePoint <= 0x39) || (codePoint >= 0x41 && codePoint <= 0x5a) || (codePoint >= 0x61 && codePoint <= 0x7a));
  return !LETTER_OR_NUMBER.test(String.fromCodePoint(codePoint));
}

/** Strong right-to-left characters (Hebrew, Arabic and their presentation forms). */
export function isRtl(codePoint: number): boolean {
  return (codePoint >= 0x0590 && codePoint <= 0x08ff) || (codePoint >= 0xfb1d && codePoint <= 0xfdff) || (codePoint >= 0xfe70 && codePoint <= 0xfeff);
}

/** Strong left-to-right for our purposes: letters and digits of every other script. */
export function isStrongLtr(codePoint: number): boolean {
  return !isRtl(codePoint) && !isNeutral(codePoint);
}

export class FontLibrary {
  private static sharedInstance: FontLibrary | undefined;
  private readonly faces: Record<FontWeight, FontFace[]>;
  private readonly choice: Record<FontWeight, Map<number, number>> = { regular: new Map(), bold: new Map() };

  static shared(): FontLibrary {
    FontLibrary.sharedInstance ??= new FontLibrary();
    return FontLibrary.sharedInstance;
  }

  private constructor() {
    const all = specs();
    const load = (weight: FontWeight): FontFace[] =>
      all.map((spec) => {
        const path = weight === 'regular' ? spec.regular : spec.bold;
        return { name: `${spec.key}-${weight}`, path, font: openSync(path), rtl: spec.rtl };
      });
    this.faces = { regular: load('regular'), bold: load('bold') };
  }

  /** Every face, for registering with a pdfkit document. */
  allFaces(): FontFace[] {
    return [...this.faces.regular, ...this.faces.bold];
  }

  primary(weight: FontWeight): FontFace {
    return this.faces[weight][0] as FontFace;
  }

  /** Index (into faces(weight)) of the font that draws this character; 0 (Noto Sans, a visible box) if none has it. */
  faceIndexFor(codePoint: number, weight: FontWeight): number {
    const cache = this.choice[weight];
    let index = cache.get(codePoint);
    if (index === undefined) {
      index = this.faces[weight].findIndex((face) => face.font.hasGlyphForCodePoint(codePoint));
      if (index < 0) index = 0;
      cache.set(codePoint, index);
    }
    return index;
  }

  face(index: number, weight: FontWeight): FontFace {
    return this.faces[weight][index] ?? this.primary(weight);
  }

  covers(index: number, codePoint: number, weight: FontWeight): boolean {
    return this.faces[weight][index]?.font.hasGlyphForCodePoint(codePoint) === true;
  }
}
