import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { COMPOSABLE_CANDIDATES, composable, composeIndependentRuns, compositionOf, type PdfkitEmbeddedFont, type PdfRun } from '../../../main/export/pdf/composed-runs.js';
import { FontLibrary, type FontWeight } from '../../../main/export/pdf/fonts.js';

/** pdfkit's font object for a face of the report, in a fresh document (its own layout cache). */
function embeddedFont(weight: FontWeight): PdfkitEmbeddedFont {
  const face = FontLibrary.shared().primary(weight);
  const doc = new PDFDocument({ autoFirstPage: true });
  doc.registerFont(face.name, face.font as unknown as PDFKit.Mixins.PDFFontSource);
  doc.font(face.name);
  return (doc as unknown as { _font: PdfkitEmbeddedFont })._font;
}

const plain = (run: PdfRun) => ({
  ids: run.glyphs.map((glyph) => glyph.id),
  positions: run.positions.map(({ xAdvance, yAdvance, xOffset, yOffset }) => ({ xAdvance, yAdvance, xOffset, yOffset })),
  advanceWidth: run.advanceWidth,
});

/** A seeded generator: the same strings every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('runs put together from their characters are the runs fontkit shapes (the fonts shipped)', () => {
  for (const weight of ['regular', 'bold'] as const) {
    it(`Noto Sans ${weight}: every triple and 3,000 longer strings of the candidates; others still shaped`, () => {
      const composed = embeddedFont(weight);
      composeIndependentRuns(composed);
      const shaped = embeddedFont(weight);
      const composition = compositionOf(composed.font);
      const characters = [...composition.characters];
      // Ids, times and amounts are what this is for: their characters must all qualify in this font.
      for (const character of '0123456789:-.+TZ ') expect(characters).toContain(character);
      const strings: string[] = [];
      for (const a of characters) for (const b of characters) for (const c of characters) strings.push(a + b + c);
      const next = random(weight === 'regular' ? 7 : 11);
      for (let index = 0; index < 3_000; index++) {
        const length = 4 + Math.floor(next() * 30);
        strings.push(Array.from({ length }, () => characters[Math.floor(next() * characters.length)]).join(''));
      }
      strings.push('2023-04-16T21:41:12+01:00 ', '554023005000455668 ', '(12.5%) ', '12-T.T,T-', 'T-T');
      for (const text of strings) expect(plain(composed.layoutRun(text)), text).toEqual(plain(shaped.layoutRun(text)));
      // A word with a letter outside the set goes to fontkit as before (kerning such as "AV" kept).
      expect(plain(composed.layoutRun('AVATAR 12'))).toEqual(plain(shaped.layoutRun('AVATAR 12')));
    });
  }

  it('an event time is put together, not shaped; a string with an interacting pair is shaped', () => {
    const embedded = embeddedFont('regular');
    const shapedTexts: string[] = [];
    const shape = embedded.layoutRun.bind(embedded);
    embedded.layoutRun = (text, features) => {
      shapedTexts.push(text);
      return shape(text, features);
    };
    composeIndependentRuns(embedded);
    const composition = compositionOf(embedded.font);
    // Noto Sans kerns "T" after a hyphen: the pair is known, and only strings holding it go to fontkit.
    expect(composition.interactingPairs.has('-T')).toBe(true);
    expect(composable('2023-04-16T21:41:12.250+01:00 ', composition)).toBe(true);
    expect(composable('A-T', composition)).toBe(false);
    expect(composable('12-T', composition)).toBe(false);
    embedded.layoutRun('2023-04-16T21:41:12+01:00 ');
    embedded.layoutRun('2023-04-16T21:41:13+01:00 ');
    embedded.layoutRun('12-T');
    expect(shapedTexts.filter((text) => text.length > 1)).toEqual(['12-T']);
  });

  it('a candidate that interacts with another in a font is left to shaping', () => {
    // "f" and "i" form a ligature in Noto Sans: with them as candidates, neither may be composed.
    const font = FontLibrary.shared().primary('regular').font;
    expect(font.layout('fi').glyphs).toHaveLength(1);
    expect(COMPOSABLE_CANDIDATES).not.toContain('f');
  });
});
