import { describe, expect, it } from 'vitest';
import { foldMarks, ftsMatchExpression, indexableText } from '../../../main/cache/search-text.js';

describe('full-text search text preparation', () => {
  it('quotes every term as a phrase and ANDs them, the last one as a prefix', () => {
    expect(ftsMatchExpression('acme rockets')).toBe('"acme" AND "rockets" *');
    expect(ftsMatchExpression('acme rockets', { prefixLastTerm: false })).toBe('"acme" AND "rockets"');
  });

  it('turns FTS5 syntax typed by a person into plain text', () => {
    expect(ftsMatchExpression('NEAR(a b) OR NOT x*')).toBe('"NEAR(a" AND "b)" AND "OR" AND "NOT" AND "x*" *');
    expect(ftsMatchExpression('say "hi"')).toBe('"say" AND """hi""" *');
    expect(ftsMatchExpression('{old_values}:zylker ^start')).toBe('"{old_values}:zylker" AND "^start" *');
  });

  it('returns null when nothing searchable was typed', () => {
    for (const text of ['', '   ', '"', '*', '""" *', '( ) - + : ^', '\u0301']) expect(ftsMatchExpression(text)).toBeNull();
  });

  it('splits CJK characters and symbols into single-character tokens so substrings are found', () => {
    expect(indexableText('担当者山田')).toBe(' 担  当  者  山  田 ');
    expect(ftsMatchExpression('山田')).toBe('"山  田" *');
    expect(indexableText('Launch🚀Co')).toBe('Launch 🚀 Co');
  });

  it('folds accents and combining marks the same way for indexing and querying', () => {
    expect(foldMarks('Müller Nguyễn غدًا')).toBe('Muller Nguyen غدا');
    expect(indexableText('Lefèvre')).toBe('Lefevre');
    expect(ftsMatchExpression('lefèvre')).toBe('"lefevre" *');
  });

  it('indexes nothing for missing values', () => {
    expect(indexableText(null)).toBe('');
    expect(indexableText(undefined)).toBe('');
  });
});

describe('control characters', () => {
  it('become separators inside the phrase (a NUL would otherwise end the FTS5 expression)', () => {
    expect(ftsMatchExpression('x\u0000y')).toBe('"x y" *');
    expect(ftsMatchExpression('a\u0007')).toBe('"a" *');
  });
});
