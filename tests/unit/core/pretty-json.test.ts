import { describe, expect, it } from 'vitest';
import { prettyJsonBytes } from '../../../main/core/pretty-json.js';

const expected = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

describe('prettyJsonBytes is JSON.stringify(value, null, 2) + newline, byte for byte', () => {
  const cases: Array<[string, unknown]> = [
    ['a flat object', { a: 1, b: 'two', c: true, d: null }],
    ['empty containers, nested', { list: [], object: {}, deep: [[], [{}], { x: [] }] }],
    ['left out in objects, null in arrays', { gone: undefined, fn: () => 1, sym: Symbol('s'), kept: [undefined, () => 1, Symbol('t'), 3] }],
    ['toJSON and boxed primitives', { at: new Date(Date.UTC(2026, 11, 1, 2, 3, 4)), custom: { toJSON: (key: string) => `key ${key}` }, boxed: [Object(5), Object('s'), Object(false)] }],
    ['numbers as JSON writes them', { n: [0, -0, 1e21, 1.5e-7, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53 + 2] }],
    ['Unicode, escapes and lone surrogates', { 'ключ "q"': 'Zoë 張偉 عربي 😀 \u0000\u001f\n\t\\ \ud800 end', id: '554023000001122039' }],
    ['a top-level array', [1, { a: [2, 3] }, 'x']],
    ['a string alone', 'just text'],
  ];
  for (const [name, value] of cases) {
    it(name, () => {
      expect(prettyJsonBytes(value).toString('utf8')).toBe(expected(value));
    });
  }

  it('a manifest-sized value: 30,000 coverage rows with names in many scripts', () => {
    const coverage = Array.from({ length: 30_000 }, (_, index) => ({
      module: ['Leads', 'Contacts', 'Deals'][index % 3],
      recordId: `5540230051${String(index).padStart(8, '0')}`,
      name: index % 7 === 0 ? `張偉 ${index}` : `Record ${index}`,
      events: index,
      complete: index % 11 !== 0,
      reason: index % 11 === 0 ? 'fetch-failed' : undefined,
    }));
    const manifest = { format: 'x', coverage, counts: { events: 1_000_000 }, review: { log: [] } };
    expect(prettyJsonBytes(manifest).equals(Buffer.from(expected(manifest), 'utf8'))).toBe(true);
  });
});
