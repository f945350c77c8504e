/**
 * The report's embedded fonts and per-character fallback. Every glyph in the PDF comes from a font
 * file shipped with the app (OFL Noto families from npm), embedded as a subset by pdfkit:
 *   Noto Sans (Latin, Greek, Cyrillic, Vietnamese) → Noto Naskh Arabic → Noto Sans Hebrew →
 *   Noto Sans Hans (Chinese + Japanese kana) → Noto Sans KR (Hangul) → Noto Emoji (monochrome).
 * A character goes to the first font in that order that has it. Which files those are (and so what
 * the installer packages) is the table in font-files.ts.
 */
import { openSync, type Font } from 'fontkit';
import { fontFilePath, PDF_FONT_FAMILIES } from './font-files.js';

export type FontWeight = 'regular' | 'bold';

export interface FontFace {
  /** Name registered with pdfkit (e.g. "sans-bold"). */
  readonly name: string;
  readonly path: string;
  readonly font: Font;
  /** Right-to-left script font (drawn word by word in visual order). */
  readonly rtl: boolean;
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
  private readonly asciiInPrimary: Partial<Record<FontWeight, boolean>> = {};

  static shared(): FontLibrary {
    FontLibrary.sharedInstance ??= new FontLibrary();
    return FontLibrary.sharedInstance;
  }

  private constructor() {
    const load = (weight: FontWeight): FontFace[] =>
      PDF_FONT_FAMILIES.map((family) => {
        const path = fontFilePath(family[weight]);
        return { name: `${family.key}-${weight}`, path, font: openSync(path), rtl: family.rtl };
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

  /** Whether every printable ASCII character is drawn by the primary font (faceIndexFor gives 0 for each). */
  primaryCoversAscii(weight: FontWeight): boolean {
    let covers = this.asciiInPrimary[weight];
    if (covers === undefined) {
      covers = true;
      for (let codePoint = 0x21; codePoint <= 0x7e && covers; codePoint += 1) covers = this.faceIndexFor(codePoint, weight) === 0;
      this.asciiInPrimary[weight] = covers;
    }
    return covers;
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
