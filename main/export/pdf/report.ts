import { SYSTEM_ACTOR, type ReviewFlag } from '../../../preload/contract.js';
import { actionLabel, FLAG_LABELS, moduleLabel, sourceLabel } from '../../../preload/labels.js';
/**
 * The PDF audit report (pdfkit): cover page with the scope, summary tables, two vector heatmaps, then
 * the events with every field change — every event up to PDF_EVENT_LIST_LIMIT, beyond that the first
 * PDF_EVENT_LIST_LIMIT, the cover saying so (the summary and heatmaps always cover every event; the
 * CSV and events.json hold every event). Pages are streamed to the destination as they are finished
 * (no page buffering), so memory does not grow with the pages; hence "Page N" without "of M".
 * Every page's footer carries the packet digest (see packet.ts: SHA-256 of events.json ‖ events.csv ‖ users.json).
 */
import { createWriteStream } from 'node:fs';
import { writeAtomically } from '../../core/atomic-file.js';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import PDFDocument from 'pdfkit';
import type { JsonValue, ZohoUser } from '../../zoho/models.js';
import { iterateEvents, userNames } from '../csv-export.js';
import type { PacketReview } from '../../review/review-work.js';
import { drawReviewSection } from './review-section.js';
import { controlTotalsOf, CoverageCollector, coverageSummary, type ControlTotals, type RecordCompleteness, type RecordCoverage } from '../completeness.js';
import { StatsCollector, type CountRow, type ExportStats, type HeatmapData } from '../stats.js';
import type { ExportEvent, ExportEventSource, ExportRunOptions, ExportScope } from '../types.js';
import { zoneClock, type ZoneClock } from '../../core/zoned-time.js';
import { discardStream, renderAutomation, renderValue, throwIfAborted } from '../values.js';
import { RichText, type TextStyle } from './rich-text.js';
import { batchPageContent } from './content-batching.js';
import { drained } from '../../core/drained.js';

const A4: [number, number] = [595.28, 841.89];
const MARGIN_X = 50;
const TOP = 62;
const BOTTOM_GAP = 58;

const INK = '#1b1f24';
const MUTED = '#5f6b76';
const RULE = '#c9d0d6';
const FAINT = '#eef1f4';
const ACCENT = '#1f4e79';
const FLAG = '#9a5b00';

const body: TextStyle = { size: 9, weight: 'regular', color: INK };
const bodyBold: TextStyle = { size: 9, weight: 'bold', color: INK };
const small: TextStyle = { size: 7.5, weight: 'regular', color: MUTED };
const smallBold: TextStyle = { size: 7.5, weight: 'bold', color: MUTED };
const h1: TextStyle = { size: 16, weight: 'bold', color: ACCENT };
const h2: TextStyle = { size: 11.5, weight: 'bold', color: ACCENT };

export interface PdfReportInput {
  scope: ExportScope;
  events: ExportEventSource;
  users: readonly ZohoUser[];
  /** Each record's sync state (completeness.recordKeyOf keys), for the coverage table. */
  completeness: ReadonlyMap<string, RecordCompleteness>;
  /** Review state, sign-offs and the review log's head (issue 14): a "Review" page when present. */
  review?: PacketReview | undefined;
  /** The org's plural module labels by API name (Zoho's modules API, cached at sync); absent → preload/labels.ts names. */
  moduleLabels?: Readonly<Record<string, string>>;
}

/** Numbers as a reader writes them: 16,082. */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** "1 event", "16,082 events": every count the report prints in words agrees with its number. */
export function countOf(value: number, singular: string, plural = `${singular}s`): string {
  return `${formatCount(value)} ${value === 1 ? singular : plural}`;
}

/** A flag's plain name (preload/labels.ts); a flag this version does not know stays as it was stored. */
function flagWords(flag: string): string {
  return Object.prototype.hasOwnProperty.call(FLAG_LABELS, flag) ? FLAG_LABELS[flag as ReviewFlag] : flag;
}

/**
 * The most events a report lists one by one. 10,000 events make ~1,450 A4 pages (~5 MiB) in about
 * 10 s — already more than anyone reads page by page, and the size the report's time target (≤ 15 s)
 * is set for. A larger scope is summarised whole (tables, heatmaps) and lists its first 10,000 events;
 * rendering 13,000+ pages would only add time and memory, while the CSV and events.json hold every event.
 */
export const PDF_EVENT_LIST_LIMIT = 10_000;

export interface PdfReportOptions extends ExportRunOptions {
  /** The most events listed one by one (PDF_EVENT_LIST_LIMIT by default); tests use small numbers. */
  eventListLimit?: number;
  /** Shown in every footer; null for a report made outside a packet. */
  packetDigest: string | null;
  /** Pre-computed statistics (the packet computes them while writing the CSV); computed here when absent. */
  stats?: ExportStats;
  /** Pre-computed coverage and control totals (with `stats`); computed here when absent. */
  completeness?: { coverage: RecordCoverage[]; controlTotals: ControlTotals };
  /** Product name on the cover. */
  productName?: string;
}

export interface PdfResult {
  pages: number;
  /** Events listed one by one (all of them up to the list limit). */
  events: number;
  /** Events the report summarises (every event of the export). */
  summarised: number;
}

/** The document's title (shown by viewers instead of the file name): what it is and what it covers. */
function reportTitle(scope: ExportScope): string {
  const subject = scope.case?.reference != null ? `case ${scope.case.reference}` : countOf(scope.records.length, 'record');
  return `Timeline audit report: ${subject}`;
}

function formatRange(scope: ExportScope, clock: ZoneClock): string {
  if (scope.timeRange === null) return 'All time';
  return `${clock.at(scope.timeRange.from).iso} to ${clock.at(scope.timeRange.to).iso}`;
}

/** Structure types of a tagged PDF (ISO 32000 §14.8.4) the report uses. */
type StructureType = 'H1' | 'H2' | 'H3' | 'P' | 'Table' | 'TR' | 'TH' | 'TD' | 'Sect' | 'Figure' | 'Note';

/** XMP (which pdfkit writes from the info dictionary unescaped) takes no markup characters. */
function xmpSafe(text: string): string {
  return text.replace(/</g, '(').replace(/>/g, ')').replace(/&/g, 'and');
}

/**
 * The report's writer. The PDF is tagged (PDF/UA-style): a Document structure whose headings,
 * paragraphs, tables (rows, header and data cells), figures (heatmaps, with a text alternative) and
 * per-event sections carry the content in reading order; page headers and footers are artifacts.
 * Content is marked one leaf at a time (`tag`); a leaf that runs onto a new page is closed before
 * the page break and continued after the new page's chrome, so nothing is left unmarked.
 */
class ReportWriter {
  readonly doc: PDFKit.PDFDocument;
  readonly text: RichText;
  readonly root: PDFKit.PDFStructureElement;
  y = TOP;
  page = 0;
  private width = A4[0];
  private height = A4[1];
  private section = '';
  /** The leaf whose content is being drawn (marked content is open for it). */
  private open: { element: PDFKit.PDFStructureElement; type: StructureType } | null = null;

  constructor(
    private readonly scope: ExportScope,
    private readonly digest: string | null,
    private readonly productName: string,
  ) {
    this.doc = new PDFDocument({
      autoFirstPage: false,
      bufferPages: false,
      size: 'A4',
      margin: 0,
      compress: true,
      info: {
        Title: xmpSafe(reportTitle(scope)),
        Author: xmpSafe(scope.generatedBy),
        Creator: `${productName} ${scope.appVersion}`,
        Producer: `${productName} ${scope.appVersion} (pdfkit)`,
        Subject: 'Zoho CRM change history',
        CreationDate: new Date(scope.generatedAt),
      },
      // Tagged, in English, titled by its title (not its file name) in viewers; PDF/UA identification in XMP.
      lang: 'en',
      tagged: true,
      displayTitle: true,
      pdfVersion: '1.7',
      ...({ subset: 'PDF/UA' } as Record<string, string>),
    });
    this.text = new RichText(this.doc);
    batchPageContent(this.doc);
    releaseWrittenStructureElements(this.doc);
    this.root = this.doc.struct('Document');
    this.doc.addStructure(this.root);
  }

  /** Draws inside a new structure element of `type` under `parent`; returns what `draw` returns. */
  tag<T>(type: StructureType, draw: () => T, parent: PDFKit.PDFStructureElement = this.root, options: PDFKit.Mixins.StructureElementOptions = {}): T {
    const element = this.doc.struct(type, options);
    parent.add(element);
    const outer = this.open;
    if (outer !== null) this.doc.endMarkedContent();
    this.open = { element, type };
    element.add(this.doc.markStructureContent(type));
    try {
      return draw();
    } finally {
      this.doc.endMarkedContent();
      this.open = outer;
      element.end();
      if (outer !== null) outer.element.add(this.doc.markStructureContent(outer.type));
    }
  }

  /** Draws more content of an element already in the structure (a table cell continued on a new page). */
  markInto(element: PDFKit.PDFStructureElement, type: StructureType, draw: () => void): void {
    const outer = this.open;
    if (outer !== null) this.doc.endMarkedContent();
    this.open = { element, type };
    element.add(this.doc.markStructureContent(type));
    try {
      draw();
    } finally {
      this.doc.endMarkedContent();
      this.open = outer;
      if (outer !== null) outer.element.add(this.doc.markStructureContent(outer.type));
    }
  }

  /** A structure element that holds others (a table, a row, an event's section); ended when `fill` returns. */
  group<T>(type: StructureType, fill: (element: PDFKit.PDFStructureElement) => T, parent: PDFKit.PDFStructureElement = this.root, options: PDFKit.Mixins.StructureElementOptions = {}): T {
    const element = this.doc.struct(type, options);
    parent.add(element);
    try {
      return fill(element);
    } finally {
      element.end();
    }
  }

  /** Draws decoration (rules, fills, repeated table headers) as an artifact, outside the structure. */
  artifact(draw: () => void): void {
    const outer = this.open;
    if (outer !== null) this.doc.endMarkedContent();
    this.doc.markContent('Artifact', { type: 'Layout' });
    draw();
    this.doc.endMarkedContent();
    if (outer !== null) outer.element.add(this.doc.markStructureContent(outer.type));
  }

  /** Text as a paragraph (or another leaf type); returns the y below it. */
  paragraph(text: string, x: number, top: number, width: number, style: TextStyle, options: { lineHeight?: number; maxLines?: number; align?: 'left' | 'right' | 'auto' } = {}, type: StructureType = 'P'): number {
    return this.tag(type, () => this.text.draw(text, x, top, width, style, options));
  }

  get contentWidth(): number {
    return this.width - 2 * MARGIN_X;
  }

  get bottom(): number {
    return this.height - BOTTOM_GAP;
  }

  newPage(layout: 'portrait' | 'landscape' = 'portrait', section = this.section): void {
    this.section = section;
    if (this.page > 0 && this.page % FONT_LAYOUT_PAGES === 0) forgetFontLayouts(this.doc);
    // A leaf running onto the next page: its marked content ends here and goes on after the chrome.
    const open = this.open;
    if (open !== null) this.doc.endMarkedContent();
    this.doc.addPage({ size: 'A4', layout, margin: 0 });
    this.text.resetFontState();
    [this.width, this.height] = layout === 'portrait' ? A4 : [A4[1], A4[0]];
    this.page += 1;
    this.doc.markContent('Artifact', { type: 'Pagination' });
    this.drawChrome();
    this.doc.endMarkedContent();
    if (open !== null) open.element.add(this.doc.markStructureContent(open.type));
    this.y = TOP;
  }

  get layout(): 'portrait' | 'landscape' {
    return this.width < this.height ? 'portrait' : 'landscape';
  }

  /**
   * Starts a section on a new page — unless the current page is the same way round and holds only
   * the tail of the previous section (less than half of it used): then the section follows on it,
   * and no near-empty page is left behind.
   */
  startSection(layout: 'portrait' | 'landscape', section: string): void {
    const tail = this.page > 1 && this.layout === layout && this.y - TOP < (this.bottom - TOP) / 2;
    if (!tail) {
      this.newPage(layout, section);
      return;
    }
    this.section = section;
    this.y += 18;
  }

  private drawChrome(): void {
    const doc = this.doc;
    const right = this.width - MARGIN_X;
    if (this.page > 1) {
      this.text.draw('Timeline audit report', MARGIN_X, 30, 200, smallBold, { align: 'left' });
      const org = `${this.section}${this.section === '' ? '' : '  ·  '}Org ${this.scope.orgId} · ${this.scope.dataCentre}`;
      this.text.draw(org, right - 360, 30, 360, small, { align: 'right', maxLines: 1 });
      doc.moveTo(MARGIN_X, 44).lineTo(right, 44).lineWidth(0.5).strokeColor(RULE).stroke();
    }
    const footerY = this.height - 40;
    doc
      .moveTo(MARGIN_X, footerY - 6)
      .lineTo(right, footerY - 6)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
    const digestText = this.digest === null ? 'Standalone report: not part of a signed audit packet.' : `Packet digest (SHA-256): ${this.digest}`;
    this.text.draw(digestText, MARGIN_X, footerY, this.contentWidth - 60, small, { align: 'left', maxLines: 1 });
    this.text.draw(`Page ${this.page}`, right - 60, footerY, 60, smallBold, { align: 'right' });
  }

  ensure(space: number): boolean {
    if (this.y + space <= this.bottom) return false;
    this.newPage('portrait');
    return true;
  }

  rule(y: number, color = RULE, width = 0.5, from = MARGIN_X, to = this.width - MARGIN_X): void {
    this.artifact(() => this.doc.moveTo(from, y).lineTo(to, y).lineWidth(width).strokeColor(color).stroke());
  }

  /** A heading, kept on a page with `keepWithNext` points of what follows (a table's header and first rows). */
  heading(text: string, style: TextStyle = h1, keepWithNext = 40): void {
    this.ensure(style.size * 1.8 + keepWithNext);
    this.y = this.paragraph(text, MARGIN_X, this.y, this.contentWidth, style, { align: 'left' }, style === h1 ? 'H1' : 'H2') + style.size * 0.4;
  }

  /** A table with a header row, right-aligned numeric columns and rules; continues on new pages. */
  table(columns: Array<{ title: string; width: number; numeric?: boolean }>, rows: string[][]): void {
    const lineHeight = body.size * 1.35;
    const rowHeight = (row: readonly string[]): number => Math.max(...columns.map((column, index) => this.text.layout(row[index] ?? '', body, column.width - 8, 3).length)) * lineHeight + 5;
    this.group('Table', (table) => {
      // The header row is structure once; repeated on a continuation page it is decoration.
      const drawHeader = (repeat: boolean): void => {
        const draw = (cell: (column: (typeof columns)[number], x: number) => void): void => {
          let x = MARGIN_X;
          for (const column of columns) {
            cell(column, x);
            x += column.width;
          }
        };
        this.artifact(() =>
          this.doc
            .rect(MARGIN_X, this.y - 2, this.contentWidth, lineHeight + 5)
            .fillColor(FAINT)
            .fill(),
        );
        const title = (column: (typeof columns)[number], x: number): void => {
          this.text.draw(column.title, x + 4, this.y + 1, column.width - 8, bodyBold, { align: column.numeric === true ? 'right' : 'left', maxLines: 1 });
        };
        if (repeat) this.artifact(() => draw(title));
        else this.group('TR', (tr) => draw((column, x) => this.tag('TH', () => title(column, x), tr)), table);
        this.y += lineHeight + 5;
        this.rule(this.y - 2, INK, 0.7);
      };
      // The header never stands alone at the foot of a page: it goes with the first row.
      this.ensure(lineHeight + 10 + (rows[0] === undefined ? 0 : rowHeight(rows[0])));
      drawHeader(false);
      for (const row of rows) {
        const laid = columns.map((column, index) => this.text.layout(row[index] ?? '', body, column.width - 8, 3));
        const height = Math.max(...laid.map((lines) => lines.length)) * lineHeight + 5;
        if (this.y + height > this.bottom) {
          this.newPage('portrait');
          drawHeader(true);
        }
        let x = MARGIN_X;
        this.group(
          'TR',
          (tr) =>
            columns.forEach((column, index) => {
              this.tag('TD', () => this.text.drawLines(laid[index] ?? [], x + 4, this.y + 1, column.width - 8, body, lineHeight, column.numeric === true ? 'right' : 'auto'), tr);
              x += column.width;
            }),
          table,
        );
        this.y += height;
        this.rule(this.y - 2);
      }
    });
    this.y += 14;
  }

  keyValues(pairs: Array<[string, string]>, keyWidth = 130): void {
    const lineHeight = 10.5 * 1.4;
    const valueStyle: TextStyle = { size: 10.5, weight: 'regular', color: INK };
    const keyStyle: TextStyle = { size: 10.5, weight: 'bold', color: MUTED };
    this.group('Table', (table) => {
      for (const [key, value] of pairs) {
        const lines = this.text.layout(value, valueStyle, this.contentWidth - keyWidth, 12);
        this.ensure(lines.length * lineHeight + 6);
        this.group(
          'TR',
          (tr) => {
            this.tag('TH', () => this.text.draw(key, MARGIN_X, this.y, keyWidth - 10, keyStyle, { align: 'left', lineHeight }), tr);
            // 'auto': a right-to-left value (an Arabic case reference) sits at the right of its column.
            this.y = this.tag('TD', () => this.text.drawLines(lines, MARGIN_X + keyWidth, this.y, this.contentWidth - keyWidth, valueStyle, lineHeight, 'auto'), tr) + 5;
          },
          table,
        );
        this.rule(this.y - 2, FAINT);
      }
    });
  }

  heatmap(data: HeatmapData, legendNote: string): void {
    const doc = this.doc;
    this.heading(data.title, h2);
    if (data.cells.length === 0) {
      this.y = this.paragraph('No events with a valid time.', MARGIN_X, this.y, this.contentWidth, body) + 10;
      return;
    }
    const labelWidth = 150;
    const columns = data.columnLabels.length;
    // The grid is one figure; its text alternative says what it shows (the CSV holds every value).
    const busiest = data.max;
    const alt = `${data.title}: ${countOf(data.rowLabels.length, 'row')} (${data.rowLabels.join(', ')}) by ${countOf(columns, 'column')}; the busiest cell holds ${countOf(busiest, 'event')}. ${legendNote}`;
    this.tag(
      'Figure',
      () => {
        const gridWidth = this.contentWidth - labelWidth;
        const cellWidth = gridWidth / columns;
        const cellHeight = Math.min(14, Math.max(9, (this.bottom - this.y - 110) / Math.max(1, data.rowLabels.length)));
        const left = MARGIN_X + labelWidth;
        // Column groups (weekdays / months) above the grid.
        let x = left;
        for (const group of data.columnGroups) {
          const span = group.span * cellWidth;
          this.text.draw(group.label, x + 2, this.y, Math.max(8, span - 4), smallBold, { align: 'left', maxLines: 1 });
          x += span;
        }
        this.y += 12;
        // Column labels: every label when they fit, else every n-th.
        const longest = Math.max(1, ...data.columnLabels.map((label) => label.length));
        const needed = Math.max(1, Math.ceil((longest * 3.4 + 5) / cellWidth));
        const firstSpan = data.columnGroups[0]?.span ?? columns;
        // Prefer a step that divides the group (hours 0, 6, 12, 18 of each day).
        const labelEvery = [1, 2, 3, 4, 6, 8, 12, 24].find((step) => step >= needed && firstSpan % step === 0) ?? needed;
        data.columnLabels.forEach((label, column) => {
          if (column % labelEvery !== 0) return;
          this.text.draw(label, left + column * cellWidth, this.y, Math.max(cellWidth * labelEvery, 10), { ...small, size: 6 }, { align: 'left', maxLines: 1 });
        });
        this.y += 10;
        const top = this.y;
        data.rowLabels.forEach((label, row) => {
          const y = top + row * cellHeight;
          this.text.draw(label, MARGIN_X, y + (cellHeight - 9) / 2, labelWidth - 8, { ...body, size: 7.5 }, { align: 'left', maxLines: 1 });
          const values = data.cells[row] ?? [];
          values.forEach((value, column) => {
            doc
              .rect(left + column * cellWidth, y, cellWidth, cellHeight)
              .fillColor(heatColour(value, data.max))
              .fill();
          });
        });
        const gridBottom = top + data.rowLabels.length * cellHeight;
        // Grid: thin white separators between rows, darker lines between column groups.
        doc.lineWidth(0.4).strokeColor('#ffffff');
        for (let row = 1; row < data.rowLabels.length; row += 1)
          doc
            .moveTo(left, top + row * cellHeight)
            .lineTo(left + gridWidth, top + row * cellHeight)
            .stroke();
        x = left;
        doc.lineWidth(0.6).strokeColor(MUTED);
        for (const group of data.columnGroups) {
          doc.moveTo(x, top).lineTo(x, gridBottom).stroke();
          x += group.span * cellWidth;
        }
        doc
          .moveTo(left + gridWidth, top)
          .lineTo(left + gridWidth, gridBottom)
          .stroke();
        doc
          .rect(left, top, gridWidth, gridBottom - top)
          .lineWidth(0.6)
          .strokeColor(MUTED)
          .stroke();
        this.y = gridBottom + 12;
        // Legend: a stepped scale from 0 to the maximum.
        const steps = 6;
        this.text.draw('Events per cell:', MARGIN_X, this.y + 1, labelWidth - 8, small, { align: 'left' });
        for (let step = 0; step < steps; step += 1) {
          const value = data.max === 0 ? 0 : Math.round((data.max * step) / (steps - 1));
          const lx = left + step * 58;
          doc.rect(lx, this.y, 14, 10).fillColor(heatColour(value, data.max)).fill();
          doc.rect(lx, this.y, 14, 10).lineWidth(0.4).strokeColor(RULE).stroke();
          this.text.draw(formatCount(value), lx + 18, this.y + 1, 38, small, { align: 'left' });
        }
        this.y += 16;
      },
      this.root,
      { alt },
    );
    this.y = this.paragraph(legendNote, MARGIN_X, this.y, this.contentWidth, small, { align: 'left' }) + 16;
  }
}

/**
 * pdfkit caches the glyph layout of every distinct word each embedded font has set, for the life of
 * the document: with event ids, times and values nearly every word is new, and at 10,000 events the
 * cache held ~80 MB. Emptied every FONT_LAYOUT_PAGES pages it stays a few MB; emptied at every page
 * the labels and names every page repeats were laid out again each time (10k events: 11 s → 20 s).
 * (`layoutCache` is pdfkit's own field on its embedded fonts, reached through `_fontFamilies`; both
 * absent → nothing to do.)
 */
const FONT_LAYOUT_PAGES = 50;

/** What of a pdfkit object reference this file touches (pdfkit's own class is internal). */
interface WrittenReference {
  data: Record<string, unknown> | null;
  buffer: unknown[];
}

const NO_CHUNKS = Object.freeze([]) as unknown as unknown[];

/**
 * pdfkit keeps every structure element's dictionary after writing it: the page's parent tree (written
 * at the end) points at it, but needs only its object number. With ~10 elements per listed event that
 * is ~100,000 dictionaries — kids, page, attributes, strings — about half of what a 10,000-event
 * report holds live. Once written, a dictionary keeps only S and P: pdfkit still asks a written
 * child whether it has a parent (P) before writing the parent; nothing reads the rest again.
 */
function releaseWrittenStructureElements(doc: PDFKit.PDFDocument): void {
  const internals = doc as unknown as { _refEnd(reference: WrittenReference): void };
  const referenceWritten = internals._refEnd.bind(doc);
  internals._refEnd = (reference) => {
    referenceWritten(reference);
    const data = reference.data;
    // A structure element's dictionary: S, its type, and no /Type (the tree root, pages and fonts have one).
    if (data === null || data['S'] === undefined || data['Type'] !== undefined) return;
    reference.data = { S: data['S'], P: data['P'] };
    reference.buffer = NO_CHUNKS;
  };
}

function forgetFontLayouts(doc: PDFKit.PDFDocument): void {
  const families = (doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: Record<string, unknown> }> })._fontFamilies;
  if (families === undefined) return;
  for (const font of Object.values(families)) {
    const old = font.layoutCache;
    if (old === undefined) continue;
    // Words with a digit are ids, times and amounts — nearly all seen once; the rest (labels, actions,
    // sources, user and module names) recur on every page and would be laid out again after each
    // emptying (~1.5 s of a 10,000-event PDF). Kept while the cache stays small.
    const kept = Object.create(null) as Record<string, unknown>;
    let count = 0;
    for (const word in old) {
      if (count >= KEPT_LAYOUTS || /\d/.test(word)) continue;
      kept[word] = old[word];
      count += 1;
    }
    font.layoutCache = kept;
  }
}

/** Layouts of digit-free words kept per font when the cache is emptied (a few hundred KB). */
const KEPT_LAYOUTS = 2_000;

/** White → deep blue; zero stays white so empty hours read as empty. */
function heatColour(value: number, max: number): string {
  if (value <= 0 || max <= 0) return '#f7f9fb';
  const t = Math.sqrt(value / max);
  const from = [0xd6, 0xe6, 0xf4];
  const to = [0x08, 0x30, 0x6b];
  const mix = from.map((start, index) => Math.round(start + ((to[index] as number) - start) * t));
  return `#${mix.map((part) => part.toString(16).padStart(2, '0')).join('')}`;
}

function percent(count: number, total: number): string {
  return total === 0 ? '0%' : `${((count / total) * 100).toFixed(1)}%`;
}

/** How much of the export the report lists one by one. */
export interface ReportCoverage {
  /** Events in the export (every one counted in the summary and heatmaps). */
  events: number;
  /** Events listed one by one: all of them, or the first `listed` in the export's order. */
  listed: number;
  /** Part of a signed audit packet (events.csv and events.json beside it) or a report on its own. */
  inPacket: boolean;
}

export function reportCoverage(events: number, limit: number, inPacket: boolean): ReportCoverage {
  return { events, listed: Math.min(events, Math.max(0, Math.trunc(limit))), inPacket };
}

/**
 * What the report covers, in words — null when it lists every event. Said on the cover and where the
 * listing starts and stops, so no reader takes the listed events for the whole export.
 */
export function reportCoverageStatement(coverage: ReportCoverage): string | null {
  if (coverage.listed >= coverage.events) return null;
  const all = formatCount(coverage.events);
  const listed = formatCount(coverage.listed);
  const where = coverage.inPacket ? 'events.csv and events.json in this audit packet hold every event, with every field change' : 'export the events as CSV or an audit packet for every event, with every field change';
  return `This report summarises all ${all} events of the export (the summary tables and heatmaps count every one) and lists the first ${listed} of them one by one, oldest first; ${where}.`;
}

/** The coverage statement as a block at the writer's position (nothing when every event is listed). */
function drawCoverageStatement(writer: ReportWriter, coverage: ReportCoverage): void {
  const statement = reportCoverageStatement(coverage);
  if (statement === null) return;
  const style: TextStyle = { size: 10.5, weight: 'bold', color: FLAG };
  const lines = writer.text.layout(statement, style, writer.contentWidth - 16);
  const lineHeight = style.size * 1.4;
  writer.ensure(lines.length * lineHeight + 16);
  const top = writer.y;
  writer.artifact(() =>
    writer.doc
      .rect(MARGIN_X, top, 3, lines.length * lineHeight + 6)
      .fillColor(FLAG)
      .fill(),
  );
  writer.y = writer.tag('P', () => writer.text.drawLines(lines, MARGIN_X + 12, top + 3, writer.contentWidth - 16, style, lineHeight, 'left')) + 12;
}

/** Table rows: the row's name in words (`words`), its code or id as sent, the count and the share. */
function countRows(rows: CountRow[], total: number, words: (row: CountRow) => string): string[][] {
  return rows.map((row) => [words(row), row.key, formatCount(row.count), percent(row.count, total)]);
}

async function computeStats(input: PdfReportInput, options: ExportRunOptions): Promise<{ stats: ExportStats; completeness: { coverage: RecordCoverage[]; controlTotals: ControlTotals } }> {
  const collector = new StatsCollector(input.scope.timeZone, input.users);
  const coverage = new CoverageCollector(input.scope.records);
  let count = 0;
  for await (const event of iterateEvents(input.events)) {
    throwIfAborted(options.signal);
    collector.add(event);
    coverage.add(event);
    count += 1;
    if (count % 1000 === 0) options.onProgress?.({ eventsDone: count, phase: 'counting' });
  }
  const stats = collector.finish();
  return { stats, completeness: { coverage: coverage.finish(input.completeness), controlTotals: controlTotalsOf(stats) } };
}

/** What pdfkit may have produced and not yet handed to the file before drawing waits (bytes). */
const OUTPUT_BACKLOG_BYTES = 512 * 1024;

/**
 * Waits until the report's output is mostly in the file. pdfkit pushes every chunk it makes
 * regardless of backpressure; through pipe() the file then takes only ~16 KiB per 'drain', so
 * waiting for one drain now and then let the backlog grow with the report — at 10,000 listed events
 * ~170 MB of small Buffers waited in the document's own queue (a heap snapshot of the 1M-event PDF).
 */
async function catchUpWithOutput(doc: PDFKit.PDFDocument, destination: Writable): Promise<void> {
  const source = doc as unknown as Readable;
  while (source.readableLength > OUTPUT_BACKLOG_BYTES || destination.writableNeedDrain) {
    if (destination.writableNeedDrain) await drained(destination);
    else {
      // The file asks for nothing yet the queue is long: let the pipe flow again.
      source.resume();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}

/** Writes the report into `destination` (ended when done). */
export async function writePdfReport(input: PdfReportInput, destination: Writable, options: PdfReportOptions): Promise<PdfResult> {
  const computed = options.stats !== undefined && options.completeness !== undefined ? { stats: options.stats, completeness: options.completeness } : await computeStats(input, options);
  const { stats, completeness } = computed;
  const scope = input.scope;
  const clock = zoneClock(scope.timeZone);
  const names = userNames(input.users);
  const productName = options.productName ?? 'Timeline Auditor';
  const writer = new ReportWriter(scope, options.packetDigest, productName);
  const coverage = reportCoverage(stats.events, options.eventListLimit ?? PDF_EVENT_LIST_LIMIT, options.packetDigest !== null);
  const doc = writer.doc;
  doc.pipe(destination);
  const done = finished(destination);
  let events = 0;
  try {
    // ---- cover
    writer.newPage('portrait', '');
    writer.y = 120;
    writer.y = writer.paragraph('Timeline Audit Report', MARGIN_X, writer.y, writer.contentWidth, { size: 28, weight: 'bold', color: ACCENT }, { align: 'left' }, 'H1');
    writer.y = writer.paragraph('Change history of Zoho CRM records', MARGIN_X, writer.y + 2, writer.contentWidth, { size: 13, weight: 'regular', color: MUTED }, { align: 'left' }) + 18;
    writer.rule(writer.y, ACCENT, 1.5);
    writer.y += 18;
    const modules = (apiName: string): string => moduleLabel(apiName, input.moduleLabels);
    const recordList = scope.records.slice(0, 12).map((record) => `${modules(record.module)} / ${record.name ?? '(name unknown)'} (${record.recordId})`);
    if (scope.records.length > 12) recordList.push(`… and ${countOf(scope.records.length - 12, 'more record')}`);
    const caseLines: Array<[string, string]> = [];
    if (scope.case?.reference != null) caseLines.push(['Case reference', scope.case.reference]);
    if (scope.case?.purpose != null) caseLines.push(['Purpose', scope.case.purpose]);
    if (scope.case?.reviewer != null) caseLines.push(['Reviewer', scope.case.reviewer]);
    const viewName = scope.filter.kind === 'view' && scope.filter.viewName !== null ? `Saved view “${scope.filter.viewName}”: ` : '';
    writer.keyValues([
      ...caseLines,
      ['Completeness', coverageSummary(completeness.coverage)],
      ['Records', recordList.length === 0 ? '(none)' : recordList.join('\n')],
      ['Filter', scope.filterDescription === null ? 'None (all events)' : `${viewName}${scope.filterDescription}`],
      ['Time range', formatRange(scope, clock)],
      ['Time zone', `${scope.timeZoneLabel ?? scope.timeZone} (all times in this report, daylight saving followed)`],
      ['Events', `${countOf(stats.events, 'event')}, ${countOf(stats.fieldChanges, 'field change')}`],
      ['Events span', stats.firstTime === null || stats.lastTime === null ? '—' : `${clock.at(stats.firstTime).iso} to ${clock.at(stats.lastTime).iso}`],
      ['Reviewer marks', `${countOf(stats.flagged, 'flagged event')}, ${countOf(stats.withNotes, 'event')} with notes`],
      ['Zoho data centre', scope.dataCentre],
      ['Organisation ID', scope.orgId],
      ['API domain', scope.apiDomain],
      ['Generated by', scope.generatedBy],
      ['Generated at', clock.at(scope.generatedAt).iso],
      ['Application', `${productName} ${scope.appVersion}`],
      ['Packet digest', options.packetDigest ?? 'None — this report was exported on its own, not inside a signed audit packet.'],
    ]);
    writer.y += 14;
    drawCoverageStatement(writer, coverage);
    const explanation =
      options.packetDigest === null
        ? 'This report was exported on its own. For evidence that can be verified, export an audit packet: it bundles this report with the raw events and a signed manifest.'
        : "This report is part of a signed audit packet. The packet digest above is the SHA-256 of events.json, events.csv and users.json joined in that order; manifest.json in the packet lists it and is signed with the installation's Ed25519 key. Verify the packet with `timeline-auditor verify PACKET.zip` or the steps in the packet documentation.";
    writer.y = writer.paragraph(explanation, MARGIN_X, writer.y, writer.contentWidth, { ...body, color: MUTED }, { align: 'left' }) + 14;
    drawCoverage(writer, completeness.coverage, completeness.controlTotals, clock, modules);
    if (input.review !== undefined) drawReviewSection(writer, input.review, clock);

    // ---- summary
    writer.startSection('portrait', 'Summary');
    writer.heading('Summary');
    const cw = writer.contentWidth;
    writer.heading('Events by user', h2);
    writer.table(
      [
        { title: 'User', width: cw * 0.42 },
        { title: 'User ID', width: cw * 0.3 },
        { title: 'Events', width: cw * 0.14, numeric: true },
        { title: 'Share', width: cw * 0.14, numeric: true },
      ],
      countRows(stats.byUser, stats.events, (row) => row.label),
    );
    writer.heading('Events by source', h2);
    writer.table(
      [
        { title: 'Source', width: cw * 0.42 },
        { title: 'Zoho code', width: cw * 0.3 },
        { title: 'Events', width: cw * 0.14, numeric: true },
        { title: 'Share', width: cw * 0.14, numeric: true },
      ],
      countRows(stats.bySource, stats.events, (row) => sourceLabel(row.key)),
    );
    writer.heading('Events by action', h2);
    writer.table(
      [
        { title: 'Action', width: cw * 0.42 },
        { title: 'Zoho code', width: cw * 0.3 },
        { title: 'Events', width: cw * 0.14, numeric: true },
        { title: 'Share', width: cw * 0.14, numeric: true },
      ],
      countRows(stats.byAction, stats.events, (row) => actionLabel(row.key)),
    );

    // ---- heatmaps (landscape, vector rectangles)
    writer.newPage('landscape', 'Activity');
    writer.heading('Activity');
    writer.heatmap(stats.userHourOfWeek, `Rows: the ${stats.userHourOfWeek.rowLabels.length} users with the most events (the rest grouped). Columns: hour of day (0–23) for each weekday, in ${scope.timeZone}. Darker means more events.`);
    // The second heatmap shares the page when it fits (few users and sources), else gets its own.
    if (writer.y + 120 + stats.sourceByDay.rowLabels.length * 11 > writer.bottom) writer.newPage('landscape', 'Activity');
    writer.heatmap({ ...stats.sourceByDay, rowLabels: stats.sourceByDay.rowLabels.map((source) => sourceLabel(source)) }, `Rows: sources of change. Columns: calendar periods in ${scope.timeZone}. Darker means more events.`);

    // ---- events
    writer.newPage('portrait', 'Events');
    writer.heading(coverage.listed < coverage.events ? `Events (first ${formatCount(coverage.listed)} of ${formatCount(coverage.events)})` : `Events (${formatCount(stats.events)})`);
    drawCoverageStatement(writer, coverage);
    writer.y =
      writer.paragraph(
        'Events appear in the order of the export. Each field change shows the value before and after the change; an empty value means the field was blank.',
        MARGIN_X,
        writer.y,
        writer.contentWidth,
        { ...body, color: MUTED },
        { align: 'left' },
      ) + 10;
    for await (const event of iterateEvents(input.events, coverage.listed < coverage.events ? { limit: coverage.listed } : {})) {
      throwIfAborted(options.signal);
      // Leaving the loop ends the pass (the cache read closes): the rest is in the summary and the CSV/JSON.
      if (events >= coverage.listed) break;
      drawEvent(writer, event, clock, names, modules);
      events += 1;
      if (events % 200 === 0) options.onProgress?.({ eventsDone: events, phase: 'pdf' });
      if (events % 20 === 0) await catchUpWithOutput(doc, destination);
    }
    if (events === 0 && coverage.events === 0) writer.paragraph('No events matched this export.', MARGIN_X, writer.y, writer.contentWidth, body);
    else if (events < coverage.events) {
      writer.y += 6;
      drawCoverageStatement(writer, { ...coverage, listed: events });
    }
  } catch (error) {
    doc.unpipe(destination);
    discardStream(destination);
    await done.catch(() => undefined);
    throw error;
  }
  doc.end();
  await done;
  options.onProgress?.({ eventsDone: events, phase: 'pdf' });
  return { pages: writer.page, events, summarised: stats.events };
}

/**
 * Coverage (one row per record: events in this report, whether its timeline was fetched whole, when,
 * in how many pages) and the control totals — what the manifest states, for a reader of the PDF.
 */
/** Coverage rows drawn in the report at most; the manifest always lists every record. */
export const COVERAGE_TABLE_LIMIT = 200;

function drawCoverage(writer: ReportWriter, allCoverage: readonly RecordCoverage[], totals: ControlTotals, clock: ZoneClock, modules: (apiName: string) => string): void {
  const cw = writer.contentWidth;
  writer.heading('Coverage', h2);
  const number = formatCount;
  // Thousands of records would make hundreds of pages nobody reads (and hold the layout in memory):
  // beyond COVERAGE_TABLE_LIMIT the table names the records NOT fetched completely (up to that many)
  // and says where the whole table is — manifest.json, which lists every record.
  let coverage = allCoverage;
  if (allCoverage.length > COVERAGE_TABLE_LIMIT) {
    const incomplete = allCoverage.filter((row) => !row.complete);
    coverage = incomplete.slice(0, COVERAGE_TABLE_LIMIT);
    const shown =
      incomplete.length === 0
        ? 'every one of them was fetched completely'
        : `the table below names ${coverage.length === incomplete.length ? 'each' : `the first ${number(coverage.length)} of the ${number(incomplete.length)}`} not fetched completely`;
    writer.y =
      writer.paragraph(
        `This export covers ${countOf(allCoverage.length, 'record')}: ${shown}. The coverage of every record (events, when and in how many pages it was fetched, first and last event) is in manifest.json (\`coverage\`) and the events themselves in events.csv and events.json.`,
        MARGIN_X,
        writer.y,
        writer.contentWidth,
        body,
        { align: 'left' },
      ) + 8;
  }
  if (coverage.length > 0)
    writer.table(
      [
        { title: 'Record', width: cw * 0.34 },
        { title: 'Events', width: cw * 0.1, numeric: true },
        { title: 'Fetched completely', width: cw * 0.3 },
        { title: 'Pages', width: cw * 0.08, numeric: true },
        { title: 'Events from – to', width: cw * 0.18 },
      ],
      coverage.map((row) => [
        `${modules(row.module)} / ${row.name ?? '(name unknown)'} (${row.recordId})`,
        number(row.events),
        row.complete
          ? `Yes, ${row.fetchedAt === null ? '' : clock.at(Date.parse(row.fetchedAt)).iso.replace(/\.\d+(?=[+\-Z])/, '')}${row.syncMode === 'incremental' ? ' (new events since the previous complete fetch)' : ''}`
          : `NO — ${row.reason ?? 'not fetched completely'}`,
        row.pages === null ? '—' : number(row.pages),
        row.firstEvent === null || row.lastEvent === null ? '—' : `${row.firstEvent.slice(0, 10)} – ${row.lastEvent.slice(0, 10)}`,
      ]),
    );
  writer.heading('Control totals', h2);
  const actions = Object.entries(totals.byAction)
    .map(([action, count]) => `${actionLabel(action)} ${number(count)}`)
    .join(', ');
  const sources = Object.entries(totals.bySource)
    .map(([source, count]) => `${sourceLabel(source)} ${number(count)}`)
    .join(', ');
  writer.keyValues([
    ['Events', `${number(totals.events)} (events.json holds ${countOf(totals.events, 'object')}; the coverage rows add up to it)`],
    ['Field changes', number(totals.fieldChanges)],
    ['By action', actions === '' ? '—' : actions],
    ['By source', sources === '' ? '—' : sources],
    ['Users', `${number(totals.byUser.length)} (events per user: Summary, and manifest.json)`],
  ]);
}

function drawEvent(writer: ReportWriter, event: ExportEvent, clock: ZoneClock, names: ReadonlyMap<string, string>, modules: (apiName: string) => string): void {
  writer.group('Sect', (section) => drawEventIn(writer, section, event, clock, names, modules));
}

function drawEventIn(writer: ReportWriter, section: PDFKit.PDFStructureElement, event: ExportEvent, clock: ZoneClock, names: ReadonlyMap<string, string>, modules: (apiName: string) => string): void {
  const timeline = event.entry.event;
  const width = writer.contentWidth;
  const text = writer.text;
  const local = clock.of(timeline.audited_time);
  const lineHeight = body.size * 1.4;
  const titleStyle: TextStyle = { size: 10, weight: 'bold', color: INK };
  const who = timeline.done_by === null ? SYSTEM_ACTOR : (timeline.done_by.name ?? names.get(timeline.done_by.id) ?? '(unknown user)');
  const record = `${modules(timeline.record.module.api_name)} “${timeline.record.name ?? ''}” (${timeline.record.id})`;
  // The source in words, its code as Zoho sent it beside it (the CSV carries the code alone).
  const source = timeline.source === null ? 'no source' : `source ${sourceLabel(timeline.source)} (${timeline.source})`;
  const details: string[] = [`By ${timeline.done_by === null ? who : `${who} (${timeline.done_by.id})`}  ·  ${source}  ·  ${record}`];
  if (timeline.related_record !== null) details.push(`Related to ${modules(timeline.related_record.module.api_name)} “${timeline.related_record.name ?? ''}” (${timeline.related_record.id})`);
  if (timeline.automation_details !== null) details.push(`Automation: ${renderAutomation(timeline.automation_details as JsonValue)}`);
  if (event.owner.module !== timeline.record.module.api_name || event.owner.recordId !== timeline.record.id) {
    details.push(`From the timeline of ${modules(event.owner.module)} ${event.owner.recordId}`);
  }
  const detailLines = details.map((line) => text.layout(line, { ...body, color: MUTED }, width, 4));
  const detailHeight = detailLines.reduce((sum, lines) => sum + lines.length * lineHeight, 0);
  const changes = timeline.field_history ?? [];
  const fieldWidth = width * 0.24;
  const valueWidth = (width - fieldWidth) / 2;
  const rowLayouts = changes.map((change) => {
    const label = change.field_label ?? change.api_name;
    const fieldText = change.field_label !== undefined && change.field_label !== null && change.field_label !== change.api_name ? `${label}\n${change.api_name}` : label;
    return [text.layout(fieldText, bodyBold, fieldWidth - 8), text.layout(renderValue(change._value.old), body, valueWidth - 10), text.layout(renderValue(change._value.new), body, valueWidth - 10)];
  });
  const firstRowHeight = rowLayouts.length === 0 ? 0 : Math.max(...(rowLayouts[0] ?? []).map((lines) => lines.length)) * lineHeight + 22;
  writer.ensure(20 + detailHeight + Math.min(firstRowHeight, 200));
  // Title line: time and action on the left, event id on the right.
  const idText = `Event ${timeline.id}`;
  const idWidth = text.width(idText, small) + 2;
  writer.tag('H3', () => text.draw(`${local?.iso ?? timeline.audited_time}   ${actionLabel(timeline.action)}`, MARGIN_X, writer.y, width - idWidth - 10, titleStyle, { align: 'left', maxLines: 1 }), section);
  writer.tag('P', () => text.draw(idText, MARGIN_X + width - idWidth, writer.y + 2, idWidth, small, { align: 'right' }), section);
  writer.y += 15;
  for (const lines of detailLines) writer.y = writer.tag('P', () => text.drawLines(lines, MARGIN_X, writer.y, width, { ...body, color: MUTED }, lineHeight, 'left'), section);
  writer.y += 3;
  if (changes.length > 0) {
    writer.group(
      'Table',
      (table) => {
        const drawHeader = (repeat: boolean): void => {
          writer.artifact(() => writer.doc.rect(MARGIN_X, writer.y, width, 13).fillColor(FAINT).fill());
          const titles: Array<[string, number, number]> = [
            ['Field', MARGIN_X + 4, fieldWidth - 8],
            ['Old value', MARGIN_X + fieldWidth + 5, valueWidth - 10],
            ['→ New value', MARGIN_X + fieldWidth + valueWidth + 5, valueWidth - 10],
          ];
          const draw = (title: [string, number, number]): void => void text.draw(title[0], title[1], writer.y + 2, title[2], smallBold, { align: 'left' });
          if (repeat) writer.artifact(() => titles.forEach(draw));
          else writer.group('TR', (tr) => titles.forEach((title) => writer.tag('TH', () => draw(title), tr)), table);
          writer.y += 15;
        };
        drawHeader(false);
        for (const layouts of rowLayouts) {
          const [field = [], before = [], after = []] = layouts;
          let offset = 0;
          const total = Math.max(field.length, before.length, after.length);
          writer.group(
            'TR',
            (tr) => {
              // One cell element per column; a row that runs onto the next page adds to the same cells.
              const cells = [writer.doc.struct('TD'), writer.doc.struct('TD'), writer.doc.struct('TD')];
              for (const cell of cells) tr.add(cell);
              // A row taller than the page continues on the next one, line by line.
              while (offset < total) {
                const room = Math.floor((writer.bottom - writer.y - 4) / lineHeight);
                if (room < 1 || (offset === 0 && room < Math.min(total, 3))) {
                  writer.newPage('portrait');
                  drawHeader(true);
                  continue;
                }
                const take = Math.min(room, total - offset);
                const top = writer.y;
                writer.markInto(cells[0]!, 'TD', () => text.drawLines(field.slice(offset, offset + take), MARGIN_X + 4, top, fieldWidth - 8, bodyBold, lineHeight, 'auto'));
                writer.markInto(cells[1]!, 'TD', () => text.drawLines(before.slice(offset, offset + take), MARGIN_X + fieldWidth + 5, top, valueWidth - 10, body, lineHeight, 'auto'));
                writer.markInto(cells[2]!, 'TD', () => text.drawLines(after.slice(offset, offset + take), MARGIN_X + fieldWidth + valueWidth + 5, top, valueWidth - 10, body, lineHeight, 'auto'));
                writer.y = top + take * lineHeight + 3;
                offset += take;
              }
              for (const cell of cells) cell.end();
            },
            table,
          );
          writer.rule(writer.y - 1, FAINT);
          writer.y += 1;
        }
      },
      section,
    );
  }
  if (event.flags.length > 0) {
    // The flags' plain names (preload/labels.ts), never their ids.
    const flagLines = text.layout(`Flags: ${event.flags.map(flagWords).join(', ')}`, { ...bodyBold, color: FLAG }, width);
    writer.ensure(flagLines.length * lineHeight);
    writer.y = writer.tag('P', () => text.drawLines(flagLines, MARGIN_X, writer.y + 2, width, { ...bodyBold, color: FLAG }, lineHeight, 'left'), section);
  }
  if (event.notes.length > 0) {
    for (const note of event.notes) {
      const noteLines = text.layout(`Note by ${note.author}, ${clock.at(note.at).iso}: ${note.text}`, { ...body, color: INK }, width - 12);
      writer.ensure(noteLines.length * lineHeight);
      writer.artifact(() =>
        writer.doc
          .rect(MARGIN_X, writer.y + 2, 2, noteLines.length * lineHeight - 2)
          .fillColor(FLAG)
          .fill(),
      );
      writer.y = writer.tag('Note', () => text.drawLines(noteLines, MARGIN_X + 8, writer.y + 2, width - 12, body, lineHeight, 'auto'), section);
    }
  }
  writer.y += 6;
  writer.rule(writer.y, RULE, 0.6);
  writer.y += 9;
}

/** Writes the report to a file (via a temporary name, so a cancelled export leaves nothing behind). */
export async function exportPdfFile(input: PdfReportInput, path: string, options: PdfReportOptions): Promise<PdfResult> {
  return writeAtomically(path, (partial) => writePdfReport(input, createWriteStream(partial), options));
}
