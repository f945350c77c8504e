import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completenessOf, type RecordCompleteness } from '../../../main/export/completeness.js';
import { COVERAGE_TABLE_LIMIT, exportPdfFile } from '../../../main/export/pdf/report.js';
import type { ExportEvent } from '../../../main/export/types.js';
import { buildEvents, exportInputOf, testScope } from '../../unit/export/fixtures.js';

let dir: string;
let events: ExportEvent[];
let text: string;
let pages: number;
const DIGEST = 'c0ffee'.repeat(10) + 'abcd';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'export-pdf-'));
  events = buildEvents(160);
  const result = await exportPdfFile(exportInputOf(events), join(dir, 'report.pdf'), { packetDigest: DIGEST });
  pages = result.pages;
  text = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'report.pdf'), '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  // Keep a few rendered pages for people to look at (tests/artifacts is git-ignored).
  const artifacts = join(process.cwd(), 'tests', 'artifacts', 'export');
  await mkdir(artifacts, { recursive: true });
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '6', join(dir, 'report.pdf'), join(dir, 'page')]);
  // Cover, the user × hour-of-week heatmap and the first events page.
  const wanted = new Map([
    ['page-01.png', 'report-cover.png'],
    ['page-04.png', 'report-heatmap.png'],
    ['page-06.png', 'report-events.png'],
  ]);
  for (const name of await readdir(dir)) {
    const target = wanted.get(name);
    if (target !== undefined) await copyFile(join(dir, name), join(artifacts, target));
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('report.pdf', () => {
  it('contains every event id', () => {
    const missing = events.map((event) => event.entry.event.id).filter((id) => !text.includes(id));
    expect(missing).toEqual([]);
    expect(pages).toBeGreaterThan(10);
  });

  it('shows the scope on the cover and the digest and page number in every footer', () => {
    for (const expected of ['Timeline Audit Report', 'Europe/Berlin', '20071234567', 'https://www.zohoapis.eu', 'Ana Compliance <ana@zylker.example>', 'source is crm_ui or workflow', 'Timeline Auditor 0.1.0']) {
      expect(text).toContain(expected);
    }
    const footers = text.split('\f').filter((page) => page.trim() !== '');
    expect(footers).toHaveLength(pages);
    footers.forEach((page, index) => {
      expect(page).toContain(`Packet digest (SHA-256): ${DIGEST}`);
      expect(page).toContain(`Page ${index + 1}`);
    });
  });

  it('has the summary tables and heatmap legends', () => {
    for (const heading of ['Events by user', 'Events by source', 'Events by action', 'Events by user and hour of the week', 'Events per cell:']) expect(text).toContain(heading);
    expect(text).toMatch(/Events by source and (day|week|month|year)/);
  });

  it('keeps CJK, Arabic, Hebrew and emoji text (embedded fonts, per-run fallback)', () => {
    for (const sample of ['佐藤 美咲', '山田', '株式会社ゾーホー', '서울', 'ليلى', 'حداد', 'مرحبا', 'بكم', 'חברת', 'בדיקה', 'שלום', 'עולם', '🚀', '🎉', 'Müller', 'Chloé Lefèvre']) expect(text).toContain(sample);
    const fonts = execFileSync('pdffonts', [join(dir, 'report.pdf')], { encoding: 'utf8' })
      .split('\n')
      .slice(2)
      .filter((line) => line.trim() !== '');
    expect(fonts.length).toBeGreaterThanOrEqual(4);
    for (const line of fonts) expect(line).toMatch(/\byes\s+yes\s+yes\b/); // embedded, subset, with ToUnicode
    expect(fonts.join('\n')).toMatch(/NotoSansHans/);
    expect(fonts.join('\n')).toMatch(/NotoNaskhArabic/);
    expect(fonts.join('\n')).toMatch(/NotoEmoji/);
  });

  it('shows every field change old → new, flags and notes', () => {
    const odd = text.slice(text.indexOf('Event 554023000009100001'));
    expect(odd).toContain('1500.5');
    expect(odd).toContain('EMEA; 北美');
    expect(odd).toContain('Acme 🚀 (554023000000777001)');
    expect(text).toContain('Flags: suspicious, follow-up');
    expect(text).toContain('Note by Reviewer Ana');
  });

  it('says when a report is not part of a packet', async () => {
    const path = join(dir, 'standalone.pdf');
    await exportPdfFile(exportInputOf(events.slice(0, 5), testScope({ timeRange: null, filterDescription: null, filter: { kind: 'none' } })), path, { packetDigest: null });
    const standalone = execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
    expect(standalone).toContain('Standalone report: not part of a signed audit packet.');
    expect(standalone).toContain('All time');
  });

  it('stops on abort and leaves no file', async () => {
    const controller = new AbortController();
    const phases: string[] = [];
    let passes = 0;
    // The report reads the events twice (statistics, then pages); abort half-way through the pages.
    const source = async function* (): AsyncGenerator<ExportEvent> {
      passes += 1;
      for (const [index, event] of events.entries()) {
        if (passes === 2 && index === 100) controller.abort();
        yield event;
      }
    };
    const promise = exportPdfFile(exportInputOf(events, testScope(), { source }), join(dir, 'cancelled.pdf'), {
      packetDigest: null,
      signal: controller.signal,
      onProgress: (progress) => phases.push(progress.phase),
    });
    await expect(promise).rejects.toMatchObject({ code: 'EXPORT_CANCELLED' });
    expect(passes).toBe(2);
    expect((await readdir(dir)).filter((name) => name.startsWith('cancelled'))).toEqual([]);
  });
});

describe('report.pdf when the organisation zone could not be read', () => {
  it('names the fallback on the cover instead of a bare "UTC"', async () => {
    const fallbackDir = await mkdtemp(join(tmpdir(), 'export-pdf-fallback-'));
    try {
      const label = "UTC (the organisation's zone could not be read: reading it from Zoho failed)";
      const scope = testScope({ timeZone: 'UTC', timeZoneLabel: label });
      await exportPdfFile(exportInputOf(buildEvents(5), scope), join(fallbackDir, 'report.pdf'), { packetDigest: null });
      const cover = execFileSync('pdftotext', ['-enc', 'UTF-8', '-l', '1', join(fallbackDir, 'report.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(cover).toContain("the organisation's zone could not be read");
      expect(cover).toContain('daylight saving followed');
    } finally {
      await rm(fallbackDir, { recursive: true, force: true });
    }
  });
});

describe('report.pdf of a scope larger than the event list limit', () => {
  it('lists the first events only, says so on the cover and in the listing, and still counts every event', async () => {
    const capDir = await mkdtemp(join(tmpdir(), 'export-pdf-cap-'));
    try {
      const all = buildEvents(60);
      let yielded = 0;
      let passes = 0;
      const source = async function* (): AsyncGenerator<ExportEvent> {
        passes += 1;
        for (const event of all) {
          yielded += 1;
          yield event;
        }
      };
      const path = join(capDir, 'capped.pdf');
      const result = await exportPdfFile(exportInputOf(all, testScope(), { source }), path, { packetDigest: DIGEST, eventListLimit: 25 });
      expect(result).toMatchObject({ events: 25, summarised: all.length });
      // The statistics pass read everything; the listing stopped after 25 (plus the one that told it to stop).
      expect(passes).toBe(2);
      expect(yielded).toBe(all.length + 26);
      const capped = execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
      const flat = capped.replace(/\s+/g, ' ');
      const statement = `This report summarises all ${all.length} events of the export (the summary tables and heatmaps count every one) and lists the first 25 of them one by one, oldest first; events.csv and events.json in this audit packet hold every event, with every field change.`;
      const cover = execFileSync('pdftotext', ['-enc', 'UTF-8', '-l', '1', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(cover).toContain(statement);
      expect(flat).toContain(`Events (first 25 of ${all.length})`);
      expect(flat.split(statement).length - 1).toBe(3); // cover, start and end of the listing
      expect(flat).toContain(`${all.length} events, `); // the cover's count is every event
      const listed = all.filter((event) => capped.includes(`Event ${event.entry.event.id}`));
      expect(listed.map((event) => event.entry.event.id)).toEqual(all.slice(0, 25).map((event) => event.entry.event.id));

      // A standalone report points to the CSV or a packet instead.
      const standalonePath = join(capDir, 'standalone.pdf');
      await exportPdfFile(exportInputOf(all), standalonePath, { packetDigest: null, eventListLimit: 10 });
      const standalone = execFileSync('pdftotext', ['-enc', 'UTF-8', '-l', '1', standalonePath, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(standalone).toContain('lists the first 10 of them one by one, oldest first; export the events as CSV or an audit packet for every event');
    } finally {
      await rm(capDir, { recursive: true, force: true });
    }
  });

  it('says nothing of the kind when every event is listed', () => {
    expect(text.replace(/\s+/g, ' ')).not.toContain('This report summarises all');
    expect(text).toContain(`Events (${events.length})`);
  });
});

describe('report.pdf: system actions (Zoho sends done_by null)', () => {
  it('names them "By System" and counts them under System, never as an id', async () => {
    const few = buildEvents(6, 7).map((event, index) => (index === 2 ? { ...event, entry: { event: { ...event.entry.event, done_by: null }, raw: { ...event.entry.raw, done_by: null } } } : event));
    const systemId = few[2]!.entry.event.id;
    const file = join(dir, 'system.pdf');
    await exportPdfFile(exportInputOf(few), file, { packetDigest: DIGEST });
    const pdf = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 16 << 20 });
    const block = pdf.slice(pdf.indexOf(`Event ${systemId}`));
    expect(block).toMatch(/^Event \d+\s+By System\s+·/);
    expect(pdf.slice(pdf.indexOf('Events by user'))).toContain('System');
  });
});

describe('report.pdf of a scope with more records than the coverage table shows', () => {
  it('names the records not fetched completely and points to the manifest for the rest', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'export-pdf-coverage-'));
    try {
      const many = Array.from({ length: COVERAGE_TABLE_LIMIT + 50 }, (_, index) => ({ module: 'Leads', recordId: `5540230000090${String(index).padStart(5, '0')}`, name: `Lead ${index}` }));
      const incomplete = new Map<string, RecordCompleteness>([
        [`Leads/${many[120]!.recordId}`, { complete: false, reason: 'fetch-failed', detail: 'Its last fetch failed (ZOHO_SERVER_ERROR): boom. Nothing of that fetch is cached.', fetchedAt: null, pages: 0 }],
        [`Leads/${many[130]!.recordId}`, completenessOf(undefined)],
      ]);
      const path = join(dir, 'report.pdf');
      await exportPdfFile(exportInputOf(buildEvents(20), testScope({ records: many }), { incomplete }), path, { packetDigest: null });
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-l', '3', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(text).toMatch(/This export covers \d+ records: the table below names each not fetched completely\./);
      expect(text).toContain(many[120]!.recordId);
      expect(text).toContain(many[130]!.recordId);
      expect(text).toContain('manifest.json (`coverage`)');
      // Complete records are not listed one by one.
      expect(text).not.toContain(`(${many[125]!.recordId})`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('report.pdf: words, numbers, layout and accessibility', () => {
  const pdfText = (file: string, args: string[] = []): string => execFileSync('pdftotext', ['-enc', 'UTF-8', ...args, file, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });

  it('agrees in number everywhere ("1 event", never "1 events") and writes thousands with separators', async () => {
    const plurals = await mkdtemp(join(tmpdir(), 'export-pdf-words-'));
    try {
      const [one] = events.filter((event) => (event.entry.event.field_history ?? []).length === 1 && event.flags.length === 0 && event.notes.length === 0);
      const single = join(plurals, 'single.pdf');
      await exportPdfFile(exportInputOf([{ ...one!, flags: ['deletion'], notes: [{ author: 'Ana', text: 'seen', at: 0 }] }], testScope({ records: [] })), single, { packetDigest: null });
      const flat = pdfText(single).replace(/\s+/g, ' ');
      expect(flat).toContain('1 event, 1 field change');
      expect(flat).toContain('1 flagged event, 1 event with notes');
      expect(flat).toContain('events.json holds 1 object;');
      expect(flat).not.toMatch(/\b1 (events|field changes|records|objects|rows|columns)\b/);
      // The 160-event report too: no count disagrees with its noun.
      expect(text.replace(/\s+/g, ' ')).not.toMatch(/(^|[^\d,.])1 (events|field changes|records|objects|flagged events)\b/);

      // Over a thousand events: every count written 1,234 (listing only a few keeps the test quick).
      const many = buildEvents(1_300);
      expect(many.length).toBeGreaterThan(1_000);
      const big = join(plurals, 'big.pdf');
      await exportPdfFile(exportInputOf(many), big, { packetDigest: null, eventListLimit: 3 });
      const bigText = pdfText(big).replace(/\s+/g, ' ');
      const total = many.length.toLocaleString('en-US');
      expect(total).toMatch(/^\d,\d{3}$/);
      expect(bigText).toContain(`${total} events, `);
      expect(bigText).toContain(`Events (first 3 of ${total})`);
      expect(bigText).toContain(`${total} (events.json holds ${total} objects`);
      // No bare four-digit count in the summary tables (ids and years are not counts: look at the Events column cells).
      const summary = bigText.slice(bigText.indexOf('Events by user'), bigText.indexOf('Events by action'));
      expect(summary).not.toMatch(/ \d{4,} \d+\.\d%/);
      expect(summary).toMatch(/ \d{1,3}(,\d{3})* \d+\.\d%/);
    } finally {
      await rm(plurals, { recursive: true, force: true });
    }
  });

  it('names sources, actions, modules and flags in plain words, codes beside them, never a flag id', async () => {
    const worded = await mkdtemp(join(tmpdir(), 'export-pdf-labels-'));
    try {
      const some = events.slice(0, 12).map((event, index) => ({ ...event, flags: index === 2 ? ['off_hours', 'api_by_person'] : event.flags }));
      const file = join(worded, 'labels.pdf');
      await exportPdfFile({ ...exportInputOf(some), moduleLabels: { Leads: 'Prospects', Contacts: 'People' } }, file, { packetDigest: null });
      const flat = pdfText(file).replace(/\s+/g, ' ');
      expect(flat).toContain('Flags: Outside working hours, API used by a person');
      expect(flat).not.toMatch(/\boff_hours\b|\bapi_by_person\b/);
      // The org's labels (from the cache) for modules; the standard name where the org sent none.
      expect(flat).toContain('Prospects / Patricia Boyle (554023000001122039)');
      expect(flat).toContain('People / 佐藤 美咲');
      expect(flat).toContain('Deals / ');
      // Sources and actions in words in the summary, with Zoho's code in its own column.
      const bySource = flat.slice(flat.indexOf('Events by source'), flat.indexOf('Events by action'));
      expect(bySource).toContain('Zoho code');
      expect(bySource).toMatch(/CRM web\/app crm_ui \d/);
      expect(flat).toMatch(/source CRM web\/app \(crm_ui\)/);
      expect(flat).toMatch(/\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2} (Updated|Created|Tag added)/);
      expect(flat).toMatch(/By action (Updated|Created) \d/);
    } finally {
      await rm(worded, { recursive: true, force: true });
    }
  });

  it('leaves no near-empty page: a short section follows on the page holding the previous one’s tail', async () => {
    // Ten events of three records: the cover's coverage tables run onto page 2 with the control
    // totals only; the summary follows on that page instead of leaving it near-empty.
    const short = join(dir, 'short.pdf');
    const result = await exportPdfFile(exportInputOf(buildEvents(3)), short, { packetDigest: null });
    const pages = pdfText(short)
      .split('\f')
      .filter((page) => page.trim() !== '');
    expect(pages).toHaveLength(result.pages);
    const second = pages[1] ?? '';
    expect(second).toContain('Control totals');
    expect(second).toContain('Events by user');
    expect(second).toContain('Events by action');
    // The control totals' heading stays with its table (never alone at the foot of the cover).
    expect(pages[0]).not.toContain('Control totals');
    // Every page holds more than a header, a few lines and a footer.
    for (const page of pages)
      expect(
        page
          .trim()
          .split('\n')
          .filter((line) => line.trim() !== '').length,
      ).toBeGreaterThan(12);
  });

  it('right-aligns right-to-left values in their cells (a paragraph’s direction is its first letter; digits are weak)', async () => {
    const rtl = await mkdtemp(join(tmpdir(), 'export-pdf-rtl-'));
    try {
      const file = join(rtl, 'rtl.pdf');
      await exportPdfFile(exportInputOf(events.slice(0, 3), testScope({ case: { reference: '12 ملف التدقيق', purpose: 'Quarterly review', reviewer: null } })), file, { packetDigest: null });
      const boxes = execFileSync('pdftotext', ['-bbox', '-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' });
      const words = [...boxes.matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)].map((match) => ({ xMin: Number(match[1]), xMax: Number(match[2]), text: match[3]! }));
      const right = Math.max(...words.filter((word) => word.text === 'التدقيق' || word.text === '12' || word.text === 'ملف').map((word) => word.xMax));
      const purpose = words.find((word) => word.text === 'Quarterly');
      // The page's right margin is at 545 pt; a left-aligned value would end near the left of its column.
      expect(right).toBeGreaterThan(535);
      expect(purpose!.xMin).toBeLessThan(200);
    } finally {
      await rm(rtl, { recursive: true, force: true });
    }
  });

  it('is a tagged PDF in English with a title, a structure tree and the page furniture as artifacts', () => {
    const file = join(dir, 'report.pdf');
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    expect(info).toMatch(/^Title:\s+Timeline audit report: \d+ records$/m);
    const raw = execFileSync('cat', [file]).toString('latin1');
    const catalog = /\/Type \/Catalog([\s\S]*?)>>/.exec(raw)?.[1] ?? '';
    expect(catalog).toMatch(/\/MarkInfo \d+ 0 R/);
    expect(catalog).toMatch(/\/StructTreeRoot \d+ 0 R/);
    expect(catalog).toContain('/Lang (en)');
    expect(catalog).toMatch(/\/ViewerPreferences \d+ 0 R/);
    expect(raw).toMatch(/\/Marked true/);
    expect(raw).toMatch(/\/DisplayDocTitle true/);
    expect(raw).toContain('pdfuaid:part');
    const structure = execFileSync('pdfinfo', ['-struct-text', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(structure.split('\n')[0]).toBe('Document');
    for (const element of ['H1', 'H2', 'H3', 'Table', 'TR', 'TH', 'TD', 'P', 'Sect', 'Figure']) expect(structure).toMatch(new RegExp(`^\\s+${element}\\b`, 'm'));
    // The tagged text reads as words — a line ends with the space that separates it from the next,
    // so words at a line break do not run together — and the footer (an artifact) is not in it.
    expect(structure).toContain('"Timeline Audit Report "');
    expect(structure).toContain('"Events by user "');
    expect(structure).not.toContain('Packet digest (SHA-256)');
  });
});
