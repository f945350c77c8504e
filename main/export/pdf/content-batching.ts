/**
 * pdfkit writes every content operator of a page ("BT", "/F1 9 Tf", "<0012> Tj", …) as a Uint8Array
 * of its own, made by a loop over its characters, and joins them when the page ends: at 10,000 events
 * (1,447 pages) that was ~0.75 s of the report's ~10 s, plus the collection of millions of small
 * arrays. Here a page's operators are gathered as text and handed to pdfkit as one chunk per
 * CONTENT_CHUNK characters (and at the page's end), encoded natively. The bytes are the same: pdfkit
 * ends each operator with a newline, and so does the joined text (tests/unit/export/content-batching.test.ts
 * compares whole documents).
 */

/** Characters of operators gathered before they are handed over (a page of events is ~40,000). */
const CONTENT_CHUNK = 64 * 1024;

/** The part of pdfkit's page content stream (an internal PDFReference) this uses. */
interface PdfkitContentStream {
  write(chunk: string | Uint8Array): void;
  end(chunk?: string | Uint8Array): void;
}

const batched = new WeakSet<object>();

/** Makes every page `doc` adds from now on gather its content operators (call once, before the first page). */
export function batchPageContent(doc: PDFKit.PDFDocument): void {
  if (batched.has(doc)) return;
  batched.add(doc);
  doc.on('pageAdded', () => gatherWrites((doc as unknown as { page: { content: PdfkitContentStream } }).page.content));
}

function gatherWrites(content: PdfkitContentStream): void {
  const write = content.write.bind(content);
  const end = content.end.bind(content);
  let pending: string[] = [];
  let pendingLength = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    // pdfkit would write each as `operator + "\n"` in Latin-1 (its binary strings hold byte values only).
    const text = `${pending.join('\n')}\n`;
    pending = [];
    pendingLength = 0;
    write(Buffer.from(text, 'latin1'));
  };
  content.write = (chunk) => {
    if (typeof chunk !== 'string') {
      flush();
      write(chunk);
      return;
    }
    pending.push(chunk);
    pendingLength += chunk.length;
    if (pendingLength >= CONTENT_CHUNK) flush();
  };
  content.end = (chunk) => {
    // As pdfkit's own end(chunk): an empty string adds nothing.
    if (chunk !== undefined && chunk !== '') content.write(chunk);
    flush();
    end();
  };
}
