/**
 * Ids, times and amounts fill a report's event pages, and nearly every one is drawn once: fontkit
 * shaped each in full (script, GSUB and GPOS lookups) — the largest single cost of drawing a
 * 10,000-event report. In Noto Sans the characters they are made of do not interact: no kerning,
 * ligature or contextual form between any two of them. For such a string the shaped run *is* the runs
 * of its characters side by side, so it is put together from those (each shaped once).
 *
 * Which characters qualify is checked for the font when first used: every ordered pair of candidates
 * is shaped and compared with its two characters shaped alone (glyph ids, advances and offsets);
 * a character in any pair that differs is left to fontkit. tests/unit/export/composed-runs.test.ts
 * compares every triple and long random strings with fontkit's own shaping for the fonts shipped.
 */
import type { Font, Glyph, GlyphPosition } from 'fontkit';

/** What a run is to pdfkit: glyphs, their (scaled) positions and the total advance. */
export interface PdfRun {
  glyphs: Glyph[];
  positions: GlyphPosition[];
  advanceWidth: number;
}

/** The part of pdfkit's EmbeddedFont this uses (the class is internal to pdfkit). */
export interface PdfkitEmbeddedFont {
  font: Font;
  layoutRun(text: string, features?: unknown): PdfRun;
}

/** Characters of ids, times, amounts and the space pdfkit keeps at the end of each word. */
export const COMPOSABLE_CANDIDATES = '0123456789:-.+/,()%# TZ';

const independentByFont = new WeakMap<Font, ReadonlySet<string>>();
const installed = new WeakSet<object>();

/** Makes `embedded` put runs of independent characters together instead of shaping them; once per font object. */
export function composeIndependentRuns(embedded: PdfkitEmbeddedFont): void {
  if (installed.has(embedded)) return;
  installed.add(embedded);
  const independent = independentCharacters(embedded.font);
  if (independent.size === 0) return;
  const shape = embedded.layoutRun.bind(embedded);
  const single = new Map<string, PdfRun>();
  embedded.layoutRun = (text, features) => {
    if (features !== undefined || text.length < 2 || !madeOf(text, independent)) return shape(text, features);
    const glyphs: Glyph[] = [];
    const positions: GlyphPosition[] = [];
    let advanceWidth = 0;
    for (const character of text) {
      let run = single.get(character);
      if (run === undefined) {
        run = shape(character);
        single.set(character, run);
      }
      // pdfkit copies a position before changing it (word spacing), so runs may share them.
      glyphs.push(run.glyphs[0]!);
      positions.push(run.positions[0]!);
      advanceWidth += run.positions[0]!.xAdvance;
    }
    return { glyphs, positions, advanceWidth };
  };
}

/** The candidates that shape to one glyph alone and to the same two glyphs, placed the same, beside any other. */
export function independentCharacters(font: Font): ReadonlySet<string> {
  const known = independentByFont.get(font);
  if (known !== undefined) return known;
  const alone = new Map<string, { id: number; position: GlyphPosition }>();
  for (const character of COMPOSABLE_CANDIDATES) {
    const run = font.layout(character);
    if (run.glyphs.length === 1 && run.glyphs[0]!.id !== 0) alone.set(character, { id: run.glyphs[0]!.id, position: run.positions[0]! });
  }
  const clashes: Array<[string, string]> = [];
  for (const first of alone.keys()) {
    for (const second of alone.keys()) {
      const run = font.layout(first + second);
      const expected = [alone.get(first)!, alone.get(second)!];
      const same = run.glyphs.length === 2 && expected.every((glyph, index) => run.glyphs[index]!.id === glyph.id && samePosition(run.positions[index]!, glyph.position));
      if (!same) clashes.push([first, second]);
    }
  }
  // Leave out the character in most clashes until none is left (in Noto Sans: "T", kerned with "-", "." and ",").
  const characters = new Set(alone.keys());
  for (;;) {
    const counts = new Map<string, number>();
    for (const [first, second] of clashes) {
      if (!characters.has(first) || !characters.has(second)) continue;
      counts.set(first, (counts.get(first) ?? 0) + 1);
      if (second !== first) counts.set(second, (counts.get(second) ?? 0) + 1);
    }
    if (counts.size === 0) break;
    const [worst] = [...counts].reduce((most, entry) => (entry[1] > most[1] ? entry : most));
    characters.delete(worst);
  }
  independentByFont.set(font, characters);
  return characters;
}

function samePosition(a: GlyphPosition, b: GlyphPosition): boolean {
  return a.xAdvance === b.xAdvance && a.yAdvance === b.yAdvance && a.xOffset === b.xOffset && a.yOffset === b.yOffset;
}

function madeOf(text: string, characters: ReadonlySet<string>): boolean {
  for (let index = 0; index < text.length; index++) if (!characters.has(text.charAt(index))) return false;
  return true;
}
