/** Utf8Chunks: the bytes are exactly Buffer.from(text), however the text and buffers are cut. */
import { describe, expect, it } from 'vitest';
import { Utf8Chunks } from '../../../main/core/utf8-chunks.js';

const PIECES = ['a', 'Chloé', 'Nguyễn', '🚀', ',', '\r\n', '"quoted"', 'x'.repeat(37), '中文', '\u{1F469}\u200D\u{1F4BB}'];

function randomText(seed: number, pieces: number): string[] {
  let state = seed;
  const next = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: pieces }, () => PIECES[Math.floor(next() * PIECES.length)]!.repeat(1 + Math.floor(next() * 3)));
}

const joined = (chunks: Uint8Array[]): Buffer => Buffer.concat(chunks.map((chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));

describe('Utf8Chunks', () => {
  for (const size of [4, 5, 7, 16, 64, 1024]) {
    it(`gives UTF-8 of the text in order, no character split across buffers (buffers of ${size} bytes)`, () => {
      const texts = randomText(size, 300);
      const chunks = new Utf8Chunks(size);
      const out: Uint8Array[] = [];
      texts.forEach((text, index) => {
        chunks.add(text);
        if (index % 7 === 0 && chunks.hasReady) out.push(...chunks.takeReady());
      });
      out.push(...chunks.takeAll());
      expect(joined(out).equals(Buffer.from(texts.join(''), 'utf8'))).toBe(true);
      for (const chunk of out) {
        expect(chunk.length).toBeLessThanOrEqual(size);
        expect(() => new TextDecoder('utf-8', { fatal: true }).decode(chunk)).not.toThrow();
      }
      expect(chunks.takeAll()).toEqual([]);
    });
  }

  it('copies bytes in between texts, in order', () => {
    const chunks = new Utf8Chunks(8);
    chunks.add('héllo');
    const foreign = Buffer.from('🚀 and more than eight bytes', 'utf8');
    chunks.addBytes(foreign);
    foreign.fill(0); // copied, not kept
    chunks.add('end');
    expect(joined(chunks.takeAll()).toString('utf8')).toBe('héllo🚀 and more than eight bytesend');
  });

  it('fills a recycled buffer again instead of allocating, and only one of its own size', () => {
    const chunks = new Utf8Chunks(4);
    chunks.add('abcd');
    chunks.add('e');
    const [first] = chunks.takeReady();
    expect(Buffer.from(first!).toString()).toBe('abcd');
    chunks.recycle(new Uint8Array(16)); // not one of its size: ignored
    chunks.recycle(first!);
    chunks.add('fgh');
    chunks.add('i');
    const [second, third] = chunks.takeAll();
    expect(Buffer.from(second!).toString()).toBe('efgh');
    expect(Buffer.from(third!).toString()).toBe('i');
    expect(third!.buffer).toBe(first!.buffer);
  });
});
