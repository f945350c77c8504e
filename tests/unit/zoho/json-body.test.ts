/**
 * Evidence is the text Zoho sent: arrayElementTexts cuts each event's own characters out of the body
 * (escapes, spacing and number spelling as sent), and parseTimelinePage stores that text when it is
 * given the body's source.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTimelinePage } from '../../../main/zoho/index.js';
import { arrayElementTexts, exactJsonText, parseZohoBody } from '../../../main/zoho/json-body.js';

const sampleText = readFileSync(new URL('./fixtures/doc-sample-timeline.json', import.meta.url), 'utf8');

describe('arrayElementTexts', () => {
  it('gives each element of the top-level key exactly as written, whatever its strings hold', () => {
    const elements = ['{ "s": "brackets ] } [ { and , commas", "q": "a \\"quoted\\" word \\\\" }', '\t"plain text"', '12345678901234567890123', '-1.5e+10', '[ [], {}, [ "]" ] ]', 'null', 'true', '{"deep":{"deeper":[{"x":"\\u005D"}]}}'];
    const text = `\r\n { "before": {"__timeline": ["not this one"]}, "note": "\\"__timeline\\": [1]",\n  "__timeline" :\n[ ${elements.join(' ,\n ')} ] ,"info":{} }  `;
    expect(() => parseZohoBody(text)).not.toThrow();
    expect(arrayElementTexts(text, '__timeline')).toEqual(elements.map((element) => element.trim()));
  });

  it('finds a key written with escapes, takes the last of equal repeated keys, and says undefined when there is no such array', () => {
    expect(arrayElementTexts('{"\\u005f_timeline":[1, 2]}', '__timeline')).toEqual(['1', '2']);
    expect(arrayElementTexts('{"__timeline":[1],"__timeline":[1 ]}', '__timeline')).toEqual(['1']);
    expect(arrayElementTexts('{"__timeline":[]}', '__timeline')).toEqual([]);
    expect(arrayElementTexts('{"__timeline":{"a":1}}', '__timeline')).toBeUndefined();
    expect(arrayElementTexts('{"info":{}}', '__timeline')).toBeUndefined();
    expect(arrayElementTexts('[{"__timeline":[1]}]', '__timeline')).toBeUndefined();
  });
});

describe('parseTimelinePage with the body as received', () => {
  /** The documented sample re-spelt: every "a" in a string as \u0061, every "/" as \/, four-space indents. */
  const respelt = sampleText.replace(/"(?:[^"\\]|\\.)*"/g, (token) => token.replaceAll('a', '\\u0061').replaceAll('/', '\\/')).replaceAll('  ', '    ');

  it("stores each event's own characters as its evidence, and the same values as before", () => {
    expect(respelt).toContain('\\u0061udited_time');
    const body = parseZohoBody(respelt);
    const page = parseTimelinePage(body, 'Leads/554023000001122039', respelt);
    const plain = parseTimelinePage(parseZohoBody(sampleText), 'Leads/554023000001122039');
    expect(page.entries).toHaveLength(plain.entries.length);
    page.entries.forEach((entry, index) => {
      const own = entry.rawText!;
      // A slice of what was received, not a re-serialisation of it …
      expect(respelt).toContain(own);
      expect(own).toContain('\\u0061');
      expect(own.startsWith('{') && own.endsWith('}')).toBe(true);
      // … holding exactly the value Zoho sent.
      expect(exactJsonText(parseZohoBody(own))).toBe(plain.entries[index]!.rawText);
      expect(entry.event).toEqual(plain.entries[index]!.event);
    });
    // Without the source text the evidence is lossless-json's text of the parsed object (as before).
    expect(parseTimelinePage(body, 'x').entries[0]!.rawText).toBe(plain.entries[0]!.rawText);
  });

  it('refuses a page whose text does not hold the events that were read, rather than guess which text is whose', () => {
    const body = parseZohoBody(sampleText);
    const other = sampleText.replace(/"__timeline"\s*:\s*\[/, '"__timeline": [ {"id":"1"}, ');
    expect(() => parseTimelinePage(body, 'Leads/554023000001122039', other)).toThrow(/holds \d+ events where \d+ were read/);
  });
});
