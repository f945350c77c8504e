import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { FontLibrary } from '../../../main/export/pdf/fonts.js';
import { RichText, type TextStyle } from '../../../main/export/pdf/rich-text.js';

/** The two ways RichText makes a word (private: reached here to compare them). */
interface WordMakers {
  asciiWord(text: string, spaceBefore: boolean, style: TextStyle): unknown;
  mixedWord(chars: string[], spaceBefore: boolean, style: TextStyle): unknown;
}

function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('printable ASCII words', () => {
  it('are drawn by the primary font in both weights (what the short cut relies on)', () => {
    expect(FontLibrary.shared().primaryCoversAscii('regular')).toBe(true);
    expect(FontLibrary.shared().primaryCoversAscii('bold')).toBe(true);
  });

  it('made by the short cut are the words the per-character loop makes: runs, widths, direction', () => {
    const makers = new RichText(new PDFDocument({ autoFirstPage: false })) as unknown as WordMakers;
    const next = random(3);
    const words = ['2023-04-16T21:41:12+01:00', '554023005000455668', '(12.5%)', '+1', '---', '=1+1', 'AVATAR', 'calc!A0', '"Danger"', '@SUM(1)', 'x'];
    for (let index = 0; index < 2_000; index++) {
      const length = 1 + Math.floor(next() * 24);
      words.push(Array.from({ length }, () => String.fromCharCode(0x21 + Math.floor(next() * 94))).join(''));
    }
    for (const weight of ['regular', 'bold'] as const) {
      for (const size of [7.5, 9, 13]) {
        const style: TextStyle = { size, weight, color: '#000000' };
        for (const text of words) {
          if (!/^[\x21-\x7e]+$/.test(text)) continue;
          const spaceBefore = text.length % 2 === 0;
          expect(makers.asciiWord(text, spaceBefore, style), `${weight} ${size} ${text}`).toEqual(makers.mixedWord([...text], spaceBefore, style));
        }
      }
    }
  });

  it('a word with any other character still goes through the loop (its fallback fonts kept)', () => {
    const text = new RichText(new PDFDocument({ autoFirstPage: false }));
    const [line] = text.layout('Björn 太郎 abc', { size: 9, weight: 'regular', color: '#000000' }, 1_000);
    const faces = line!.words.map((word) => word.runs.map((run) => run.face));
    // "Björn" in the primary font, the ideographs in the Chinese one (its own word), "abc" primary.
    expect(faces[0]).toEqual([0]);
    expect(faces.flat().some((face) => face > 0)).toBe(true);
  });
});
