/**
 * Multi-font text layout for pdfkit: per-character font fallback, line wrapping (at spaces, between
 * CJK characters, and inside over-long words), and word-level bidi reordering so Arabic and Hebrew
 * read right to left. pdfkit (through fontkit) shapes and reverses the glyphs inside one RTL run.
 */
import { FontLibrary, isNeutral, isRtl, isStrongLtr, type FontWeight } from './fonts.js';
import { composeIndependentRuns, type PdfkitEmbeddedFont } from './composed-runs.js';

export interface TextStyle {
  size: number;
  weight: FontWeight;
  color: string;
}

interface Run {
  text: string;
  face: number;
  width: number;
}

interface Word {
  runs: Run[];
  width: number;
  spaceBefore: boolean;
  /** 'rtl' | 'ltr' | 'neutral' by its first strong character. */
  direction: 'rtl' | 'ltr' | 'neutral';
}

export interface Line {
  words: Word[];
  width: number;
  rtlBase: boolean;
}

const ELLIPSIS = '…';
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;
const ASCII_LETTER_OR_DIGIT = /[0-9A-Za-z]/;

function isBreakAnywhere(codePoint: number): boolean {
  // CJK ideographs, kana, Hangul, full-width forms: a line may break between any two of them.
  return (codePoint >= 0x2e80 && codePoint <= 0x9fff) || (codePoint >= 0xac00 && codePoint <= 0xd7af) || (codePoint >= 0xf900 && codePoint <= 0xfaff) || (codePoint >= 0xff00 && codePoint <= 0xffef) || (codePoint >= 0x20000 && codePoint <= 0x2fa1f);
}

/** Tabs become spaces; other control characters (except newline) are shown as nothing. */
function clean(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, '    ')
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '');
}

/** Splits a space-free word into direction groups when it mixes RTL letters with anything else. */
function splitByDirection(chars: string[]): string[][] {
  const kinds = chars.map((char) => {
    const codePoint = char.codePointAt(0) ?? 0x20;
    return isRtl(codePoint) ? 'r' : isStrongLtr(codePoint) ? 'l' : 'n';
  });
  if (!kinds.includes('r') || kinds.every((kind) => kind !== 'l' && kind !== 'n')) return [chars];
  // Neutrals between two RTL letters belong to the RTL group ("حداد-علي").
  const firstRtl = kinds.indexOf('r');
  const lastRtl = kinds.lastIndexOf('r');
  for (let index = firstRtl; index <= lastRtl; index += 1) if (kinds[index] === 'n') kinds[index] = 'r';
  const groups: string[][] = [];
  let previous = '';
  chars.forEach((char, index) => {
    const kind = kinds[index] as string;
    if (kind === previous) (groups[groups.length - 1] as string[]).push(char);
    else groups.push([char]);
    previous = kind;
  });
  return groups;
}

const LETTER = /\p{L}/u;

/**
 * A paragraph's direction, as the Unicode bidi algorithm finds it (rules P2–P3): its first strong
 * letter. Digits are weak: "12 שלום" and "٣ شارع" are right-to-left paragraphs (right-aligned in a
 * cell), "12 Main St" a left-to-right one.
 */
export function paragraphIsRtl(chars: readonly string[]): boolean {
  for (const char of chars) {
    const codePoint = char.codePointAt(0) ?? 0x20;
    if (isRtl(codePoint) && LETTER.test(char)) return true;
    if (!isRtl(codePoint) && LETTER.test(char)) return false;
  }
  return false;
}

export class RichText {
  private readonly widths = new Map<string, Map<number, Map<string, number>>>();
  private widthCount = 0;
  private readonly fonts = FontLibrary.shared();
  private currentFont = '';
  private currentSize = -1;

  constructor(private readonly doc: PDFKit.PDFDocument) {
    // The library's parsed fonts, not their paths: pdfkit would read and parse each file again for
    // every document (~30 MB of font files twice in memory while a report is drawn). pdfkit takes
    // any object with fontkit's `layout` as the font itself; each document still embeds its own subset.
    for (const face of this.fonts.allFaces()) doc.registerFont(face.name, face.font as unknown as PDFKit.Mixins.PDFFontSource);
  }

  private use(faceName: string, size: number): void {
    if (this.currentFont !== faceName) {
      this.doc.font(faceName);
      composeIndependentRuns((this.doc as unknown as { _font: PdfkitEmbeddedFont })._font);
      this.currentFont = faceName;
    }
    if (this.currentSize !== size) {
      this.doc.fontSize(size);
      this.currentSize = size;
    }
  }

  /** pdfkit's font state may be changed by others (e.g. a page added); forget what we assumed. */
  resetFontState(): void {
    this.currentFont = '';
    this.currentSize = -1;
  }

  private measure(text: string, faceName: string, size: number): number {
    // Keyed face → size → text: a key joined from all three cost a new string (hashed afresh) per call.
    let bySize = this.widths.get(faceName);
    if (bySize === undefined) this.widths.set(faceName, (bySize = new Map<number, Map<string, number>>()));
    let byText = bySize.get(size);
    if (byText === undefined) bySize.set(size, (byText = new Map<string, number>()));
    let width = byText.get(text);
    if (width === undefined) {
      this.use(faceName, size);
      width = this.doc.widthOfString(text);
      if (this.widthCount >= 50_000) {
        this.widths.clear();
        this.widthCount = 0;
        return width;
      }
      byText.set(text, width);
      this.widthCount += 1;
    }
    return width;
  }

  private faceName(index: number, weight: FontWeight): string {
    return this.fonts.face(index, weight).name;
  }

  private spaceWidth(style: TextStyle): number {
    return this.measure(' ', this.faceName(0, style.weight), style.size);
  }

  private makeWord(chars: string[], spaceBefore: boolean, style: TextStyle): Word {
    if (this.fonts.primaryCoversAscii(style.weight)) {
      const text = chars.join('');
      if (PRINTABLE_ASCII.test(text)) return this.asciiWord(text, spaceBefore, style);
    }
    return this.mixedWord(chars, spaceBefore, style);
  }

  /**
   * Most words of a report (ids, times, English) are printable ASCII, all drawn by the primary font:
   * one run, which mixedWord would find character by character (tests/unit/export/rich-text.test.ts
   * compares the two).
   */
  private asciiWord(text: string, spaceBefore: boolean, style: TextStyle): Word {
    const width = this.oneFontWordWidth(text, 0, style);
    return { runs: [{ text, face: 0, width }], width, spaceBefore, direction: ASCII_LETTER_OR_DIGIT.test(text) ? 'ltr' : 'neutral' };
  }

  /**
   * A word in one font is drawn inside its line's text, which pdfkit lays out word by word with the
   * space that follows ("word "), caching each: measured the same way, that layout is done once, not
   * once to measure and again to draw (10,000 events: ~5 s of a PDF's ~20 s).
   */
  private oneFontWordWidth(text: string, face: number, style: TextStyle): number {
    const faceName = this.faceName(face, style.weight);
    return Math.max(0, this.measure(`${text} `, faceName, style.size) - this.measure(' ', faceName, style.size));
  }

  /** A word's runs (per-character font fallback), direction and width. */
  private mixedWord(chars: string[], spaceBefore: boolean, style: TextStyle): Word {
    const runs: Run[] = [];
    let direction: Word['direction'] = 'neutral';
    let current: { text: string; face: number } | null = null;
    for (const char of chars) {
      const codePoint = char.codePointAt(0) ?? 0x20;
      if (direction === 'neutral') {
        if (isRtl(codePoint)) direction = 'rtl';
        else if (isStrongLtr(codePoint)) direction = 'ltr';
      }
      const keep: boolean = current !== null && isNeutral(codePoint) && this.fonts.covers(current.face, codePoint, style.weight);
      const face: number = keep && current !== null ? current.face : this.fonts.faceIndexFor(codePoint, style.weight);
      if (current !== null && current.face === face) current.text += char;
      else {
        if (current !== null) runs.push({ ...current, width: 0 });
        current = { text: char, face };
      }
    }
    if (current !== null) runs.push({ ...current, width: 0 });
    let width = 0;
    const only = runs.length === 1 ? runs[0] : undefined;
    if (only !== undefined && only.text !== ' ') {
      only.width = this.oneFontWordWidth(only.text, only.face, style);
      return { runs, width: only.width, spaceBefore, direction };
    }
    for (const run of runs) {
      run.width = this.measure(run.text, this.faceName(run.face, style.weight), style.size);
      width += run.width;
    }
    return { runs, width, spaceBefore, direction };
  }

  /** Splits a word that is wider than the line into pieces that fit. */
  private splitWord(chars: string[], spaceBefore: boolean, maxWidth: number, style: TextStyle): Word[] {
    const pieces: Word[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = start + 1;
      let best = this.makeWord(chars.slice(start, end), pieces.length === 0 && spaceBefore, style);
      while (end < chars.length) {
        const candidate = this.makeWord(chars.slice(start, end + 1), pieces.length === 0 && spaceBefore, style);
        if (candidate.width > maxWidth) break;
        best = candidate;
        end += 1;
      }
      pieces.push(best);
      start = end;
    }
    return pieces;
  }

  /** Wraps text into lines no wider than maxWidth; with maxLines, the last kept line ends in "…". */
  layout(text: string, style: TextStyle, maxWidth: number, maxLines = Number.POSITIVE_INFINITY): Line[] {
    const lines: Line[] = [];
    const space = this.spaceWidth(style);
    for (const paragraph of clean(text).split('\n')) {
      const chars = [...paragraph];
      const rtlBase = paragraphIsRtl(chars);
      // Words: split at spaces, and around every CJK character.
      const words: Word[] = [];
      let pending: string[] = [];
      let spaceBefore = false;
      const pushWord = (part: string[], before: boolean): void => {
        const word = this.makeWord(part, before && words.length > 0, style);
        if (word.width > maxWidth) words.push(...this.splitWord(part, before && words.length > 0, maxWidth, style));
        else words.push(word);
      };
      const flush = (): void => {
        if (pending.length === 0) return;
        // Around right-to-left letters, leading/trailing punctuation and LTR letters are separate
        // (glued) pieces, so the bidi step can place them: “محمد” keeps its quotes on the right sides.
        for (const [index, part] of splitByDirection(pending).entries()) pushWord(part, index === 0 && spaceBefore);
        pending = [];
        spaceBefore = false;
      };
      for (const char of chars) {
        const codePoint = char.codePointAt(0) ?? 0x20;
        if (char === ' ') {
          flush();
          spaceBefore = true;
        } else if (isBreakAnywhere(codePoint)) {
          flush();
          pending = [char];
          flush();
        } else pending.push(char);
      }
      flush();
      let line: Line = { words: [], width: 0, rtlBase };
      for (const word of words) {
        const gap = line.words.length > 0 && word.spaceBefore ? space : 0;
        if (line.words.length > 0 && line.width + gap + word.width > maxWidth) {
          lines.push(line);
          line = { words: [{ ...word, spaceBefore: false }], width: word.width, rtlBase };
        } else {
          line.words.push(line.words.length === 0 ? { ...word, spaceBefore: false } : word);
          line.width += gap + word.width;
        }
      }
      lines.push(line);
    }
    if (lines.length > maxLines) {
      const kept = lines.slice(0, Math.max(1, maxLines));
      const last = kept[kept.length - 1] as Line;
      const ellipsis = this.makeWord([ELLIPSIS], false, style);
      while (last.words.length > 1 && last.width + ellipsis.width > maxWidth) {
        const removed = last.words.pop() as Word;
        last.width -= removed.width + (removed.spaceBefore ? space : 0);
      }
      last.words.push(ellipsis);
      last.width += ellipsis.width;
      return kept;
    }
    return lines;
  }

  /** Words of a line in visual (left-to-right drawing) order, with the gap before each. */
  private visualOrder(line: Line, space: number): Array<{ word: Word; gap: number }> {
    const words = line.words;
    const strong = words.map((word) => word.direction);
    const levels = words.map((word, index) => {
      if (word.direction === 'rtl') return 1;
      if (word.direction === 'ltr') return line.rtlBase ? 2 : 0;
      // Neutral: takes the level of its strong neighbours when they agree, else the base.
      let before: string | undefined;
      for (let look = index - 1; look >= 0 && before === undefined; look -= 1) if (strong[look] !== 'neutral') before = strong[look];
      let after: string | undefined;
      for (let look = index + 1; look < words.length && after === undefined; look += 1) if (strong[look] !== 'neutral') after = strong[look];
      const base = line.rtlBase ? 'rtl' : 'ltr';
      const side = before === after && before !== undefined ? before : base;
      return side === 'rtl' ? 1 : line.rtlBase ? 2 : 0;
    });
    const order = words.map((_, index) => index);
    const maxLevel = Math.max(0, ...levels);
    for (let level = maxLevel; level >= 1; level -= 1) {
      let start = 0;
      while (start < order.length) {
        if ((levels[order[start] as number] as number) < level) {
          start += 1;
          continue;
        }
        let end = start;
        while (end + 1 < order.length && (levels[order[end + 1] as number] as number) >= level) end += 1;
        const reversed = order.slice(start, end + 1).reverse();
        order.splice(start, reversed.length, ...reversed);
        start = end + 1;
      }
    }
    return order.map((logical, position) => {
      if (position === 0) return { word: words[logical] as Word, gap: 0 };
      const previous = order[position - 1] as number;
      const low = Math.min(previous, logical);
      const high = Math.max(previous, logical);
      let gap = 0;
      for (let index = low + 1; index <= high; index += 1) if (words[index]?.spaceBefore === true) gap = space;
      return { word: words[logical] as Word, gap };
    });
  }

  /** Draws laid-out lines from (x, top); returns the y below the last line. */
  drawLines(lines: readonly Line[], x: number, top: number, width: number, style: TextStyle, lineHeight: number, align: 'left' | 'right' | 'auto' = 'auto'): number {
    const space = this.spaceWidth(style);
    const ascent = style.size * 0.93;
    let y = top;
    this.doc.fillColor(style.color);
    for (const line of lines) {
      const rightAligned = align === 'right' || (align === 'auto' && line.rtlBase);
      let cursor = rightAligned ? x + width - line.width : x;
      // A left-to-right line in one font (most lines) is one piece of text with its spaces: fewer
      // text operators, and the text a screen reader takes reads as words.
      const face = line.words[0]?.runs[0]?.face;
      if (face !== undefined && line.words.every((word) => word.direction !== 'rtl' && word.runs.every((run) => run.face === face))) {
        const text = line.words.map((word, index) => `${index > 0 && word.spaceBefore ? ' ' : ''}${word.runs.map((run) => run.text).join('')}`).join('');
        this.use(this.faceName(face, style.weight), style.size);
        // Ended by a space like every other word of it, so its last word is the layout measured
        // (makeWord) and cached ("word "), not laid out again; the space draws nothing.
        this.doc.text(`${text} `, cursor, y + ascent, { lineBreak: false, baseline: 'alphabetic', textWidth: line.width } as PDFKit.Mixins.TextOptions);
        y += lineHeight;
        continue;
      }
      for (const { word, gap } of this.visualOrder(line, space)) {
        cursor += gap;
        const runs = word.direction === 'rtl' ? [...word.runs].reverse() : word.runs;
        runs.forEach((run, index) => {
          const faceName = this.faceName(run.face, style.weight);
          this.use(faceName, style.size);
          // Words are placed one by one, so the spaces between them would exist only as distance: the
          // text a screen reader or a copy takes (tagged content) would run them together. A word after
          // a gap gets its space drawn into the gap, as text of its own: one layout for every space
          // (" word" for each word would double pdfkit's per-word layout cache).
          if (index === 0 && gap > 0) {
            const spaceFace = this.faceName(0, style.weight);
            this.use(spaceFace, style.size);
            this.doc.text(' ', cursor - gap, y + ascent, { lineBreak: false, baseline: 'alphabetic', textWidth: gap, wordCount: 1 } as PDFKit.Mixins.TextOptions);
            this.use(faceName, style.size);
          }
          this.doc.text(run.text, cursor, y + ascent, { lineBreak: false, baseline: 'alphabetic', textWidth: run.width, wordCount: 1 } as PDFKit.Mixins.TextOptions);
          cursor += run.width;
        });
      }
      y += lineHeight;
    }
    return y;
  }

  /** Lays out and draws; returns the y below the text. */
  draw(text: string, x: number, top: number, width: number, style: TextStyle, options: { lineHeight?: number; maxLines?: number; align?: 'left' | 'right' | 'auto' } = {}): number {
    const lines = this.layout(text, style, width, options.maxLines);
    return this.drawLines(lines, x, top, width, style, options.lineHeight ?? style.size * 1.35, options.align ?? 'auto');
  }

  height(text: string, style: TextStyle, width: number, lineHeight = style.size * 1.35, maxLines?: number): number {
    return this.layout(text, style, width, maxLines).length * lineHeight;
  }

  width(text: string, style: TextStyle): number {
    return this.layout(text, style, Number.POSITIVE_INFINITY)[0]?.width ?? 0;
  }
}
