/**
 * Ids, times and amounts fill a report's event pages, and nearly every one is drawn once: fontkit
 * shaped each in full (script, GSUB and GPOS lookups) — the largest single cost of drawing a
 * 10,000-event report. In Noto Sans the characters they are made of do not interact: no kerning,
 * ligature or contextual form between any two of them. For such a string the shaped run *is* the runs
 * of its characters side by side, so it is put together from those (each shaped once).
 *
 * Which strings qualify is checked for the font when first used: every ordered pair of candidates is
 * shaped and compared with its two characters shaped alone (glyph ids, advances and offsets). A string
 * with a pair that differs (in Noto Sans "T" is kerned beside "-", "." and ",") is left to fontkit; the
 * same characters in other orders are not ("2023-04-16T21:41:12+01:00", the times of every event page,
 * whose "T" sits between digits). tests/unit/export/composed-runs.test.ts compares every triple and long
 * random strings with fontkit's own shaping for the fonts shipped.
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

/** How a font's candidates combine: those that shape alone to one glyph, and the ordered pairs of them that interact. */
export interface Composition {
  readonly characters: ReadonlySet<string>;
  /** Two-character strings ("-T") whose shaped run is not their characters' runs side by side. */
  readonly interactingPairs: ReadonlySet<string>;
}

const compositionByFont = new WeakMap<Font, Composition>();
const installed = new WeakSet<object>();

/** Makes `embedded` put runs of independent characters together instead of shaping them; once per font object. */
export function composeIndependentRuns(embedded: PdfkitEmbeddedFont): void {
  if (installed.has(embedded)) return;
  installed.add(embedded);
  const composition = compositionOf(embedded.font);
  if (composition.characters.size === 0) return;
  const shape = embedded.layoutRun.bind(embedded);
  const single = new Map<string, PdfRun>();
  embedded.layoutRun = (text, features) => {
    if (features !== undefined || text.length < 2 || !composable(text, composition)) return shape(text, features);
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

/** The candidates that shape alone to one glyph, and which ordered pairs of them shape otherwise than side by side. */
export function compositionOf(font: Font): Composition {
  const known = compositionByFont.get(font);
  if (known !== undefined) return known;
  const alone = new Map<string, { id: number; position: GlyphPosition }>();
  for (const character of COMPOSABLE_CANDIDATES) {
    const run = font.layout(character);
    if (run.glyphs.length === 1 && run.glyphs[0]!.id !== 0) alone.set(character, { id: run.glyphs[0]!.id, position: run.positions[0]! });
  }
  const interactingPairs = new Set<string>();
  for (const first of alone.keys()) {
    for (const second of alone.keys()) {
      const run = font.layout(first + second);
      const expected = [alone.get(first)!, alone.get(second)!];
      const same = run.glyphs.length === 2 && expected.every((glyph, index) => run.glyphs[index]!.id === glyph.id && samePosition(run.positions[index]!, glyph.position));
      if (!same) interactingPairs.add(first + second);
    }
  }
  const composition: Composition = { characters: new Set(alone.keys()), interactingPairs };
  compositionByFont.set(font, composition);
  return composition;
}

/** Whether `text` may be put together from its characters' runs: all of them candidates, no neighbours that interact. */
export function composable(text: string, composition: Composition): boolean {
  const { characters, interactingPairs } = composition;
  for (let index = 0; index < text.length; index++) {
    if (!characters.has(text.charAt(index))) return false;
    if (index > 0 && interactingPairs.size > 0 && interactingPairs.has(text.slice(index - 1, index + 1))) return false;
  }
  return true;
}

function samePosition(a: GlyphPosition, b: GlyphPosition): boolean {
  return a.xAdvance === b.xAdvance && a.yAdvance === b.yAdvance && a.xOffset === b.xOffset && a.yOffset === b.yOffset;
}
