import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { batchPageContent } from '../../../main/export/pdf/content-batching.js';
import { RichText } from '../../../main/export/pdf/rich-text.js';

/** A document of many pages of mixed text, shapes and colours; the same bytes every time for the same `batched`. */
async function documentBytes(batched: boolean): Promise<Buffer> {
  const doc = new PDFDocument({ autoFirstPage: false, size: 'A4', margin: 0, compress: false, info: { CreationDate: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) } });
  if (batched) batchPageContent(doc);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  const text = new RichText(doc);
  const words = ['2023-04-16T21:41:12+01:00', 'Björn Lee', '太郎 山田', 'شركة الاختبار', '🐉', '“=1+1”', 'x'.repeat(300)];
  for (let page = 0; page < 12; page += 1) {
    doc.addPage();
    text.resetFontState();
    for (let line = 0; line < 60; line += 1) {
      // Enough operators per page to pass the gathering's chunk size more than once.
      text.draw(`${words[(page + line) % words.length]} ${page}.${line} ${words[line % words.length]}`, 40, 20 + line * 13, 500, { size: 9, weight: line % 3 === 0 ? 'bold' : 'regular', color: line % 2 === 0 ? '#111111' : '#aa2200' });
      doc.rect(30, 20 + line * 13, 4, 4).fill('#336699');
    }
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

describe('gathered page content', () => {
  it('writes the same bytes as pdfkit writing each operator on its own', async () => {
    const plain = await documentBytes(false);
    const batched = await documentBytes(true);
    // Not a trivially small document: many operators per page, uncompressed so they can be read.
    expect(plain.length).toBeGreaterThan(200_000);
    expect(plain.toString('latin1')).toContain(' Tf\n');
    expect(batched.equals(plain)).toBe(true);
  });
});
