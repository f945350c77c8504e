/**
 * Zoho response bodies read without losing a digit.
 *
 * Zoho documents its ids as "long" and some orgs send them as bare JSON numbers; `JSON.parse` turns
 * 5540230000031234567 into 5540230000031234000 (a double keeps ~15-17 digits). lossless-json (maintained,
 * no dependencies) parses every number into a LosslessNumber that keeps the exact text, and its
 * `stringify` writes that text back unchanged, so an event's evidence text carries the digits Zoho
 * sent. The schemas in ./models.ts turn the numbers into what the app needs: ids into the exact
 * decimal string, counts into safe JS numbers (an unsafe count is refused by name).
 */
import { isLosslessNumber, isSafeNumber, LosslessNumber, parse, stringify } from 'lossless-json';

export { isLosslessNumber, LosslessNumber };

/** Parses a 2xx body. Every JSON number arrives as a LosslessNumber. Throws SyntaxError on anything that is not JSON. */
export function parseZohoBody(text: string): unknown {
  return parse(text, null, (digits) => new LosslessNumber(digits));
}

/** JSON text of a value parsed by parseZohoBody: numbers written with exactly the text Zoho sent. */
export function exactJsonText(value: unknown, indent?: number): string {
  const text = stringify(value, null, indent);
  if (text === undefined) throw new TypeError('not a JSON value');
  return text;
}

/**
 * The value for the typed model: numbers a double holds exactly become JS numbers; a number it cannot
 * hold (more digits than a double keeps) becomes the exact decimal text, so a display never shows
 * digits Zoho did not send. (The raw evidence text keeps it a JSON number with its own text.)
 * Objects and arrays without any LosslessNumber inside are returned as they are, not copied.
 */
export function toModelJson(value: unknown): unknown {
  if (isLosslessNumber(value)) return isSafeNumber(value.value) ? Number(value.value) : value.value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const converted = toModelJson(item);
      if (converted !== item) (copy ??= [...(value as unknown[])])[index] = converted;
    });
    return copy ?? value;
  }
  if (typeof value === 'object' && value !== null) {
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const converted = toModelJson(item);
      if (converted !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = converted;
    }
    return copy ?? value;
  }
  return value;
}

const JSON_WHITESPACE = new Set([' ', '\t', '\n', '\r']);

function skipWhitespace(text: string, at: number): number {
  let index = at;
  while (index < text.length && JSON_WHITESPACE.has(text.charAt(index))) index += 1;
  return index;
}

/** Index just past the string literal starting at `at` (which is its opening quote). */
function skipString(text: string, at: number): number {
  let index = at + 1;
  while (index < text.length) {
    const char = text.charAt(index);
    if (char === '\\') index += 2;
    else if (char === '"') return index + 1;
    else index += 1;
  }
  throw new SyntaxError('unterminated string');
}

/** Index just past the JSON value starting at `at` (string, object, array, number or literal). */
function skipValue(text: string, at: number): number {
  const first = text.charAt(at);
  if (first === '"') return skipString(text, at);
  if (first === '{' || first === '[') {
    let depth = 0;
    let index = at;
    while (index < text.length) {
      const char = text.charAt(index);
      if (char === '"') {
        index = skipString(text, index);
        continue;
      }
      if (char === '{' || char === '[') depth += 1;
      else if (char === '}' || char === ']') {
        depth -= 1;
        if (depth === 0) return index + 1;
      }
      index += 1;
    }
    throw new SyntaxError('unterminated object or array');
  }
  let index = at;
  while (index < text.length && !JSON_WHITESPACE.has(text.charAt(index)) && !',]}'.includes(text.charAt(index))) index += 1;
  if (index === at) throw new SyntaxError(`unexpected "${first}" at ${at}`);
  return index;
}

/**
 * The exact source text of each element of the array under `key` in the top-level object of `text` —
 * the characters Zoho sent for each event, escapes and spacing included (what the audit keeps as
 * evidence). `text` must already have parsed as JSON (parseZohoBody). Where a key repeats, the last one
 * counts, as for the parsed value. undefined when the top level is not an object or `key` does not hold
 * an array.
 */
export function arrayElementTexts(text: string, key: string): string[] | undefined {
  let index = skipWhitespace(text, 0);
  if (text.charAt(index) !== '{') return undefined;
  index = skipWhitespace(text, index + 1);
  let found: string[] | undefined;
  while (index < text.length && text.charAt(index) !== '}') {
    const keyEnd = skipString(text, index);
    const name = JSON.parse(text.slice(index, keyEnd)) as string;
    index = skipWhitespace(text, keyEnd);
    if (text.charAt(index) !== ':') throw new SyntaxError(`expected ":" at ${index}`);
    index = skipWhitespace(text, index + 1);
    const valueEnd = skipValue(text, index);
    if (name === key) found = text.charAt(index) === '[' ? elementTexts(text, index) : undefined;
    index = skipWhitespace(text, valueEnd);
    if (text.charAt(index) === ',') index = skipWhitespace(text, index + 1);
  }
  return found;
}

function elementTexts(text: string, arrayStart: number): string[] {
  const elements: string[] = [];
  let index = skipWhitespace(text, arrayStart + 1);
  while (text.charAt(index) !== ']') {
    const end = skipValue(text, index);
    elements.push(text.slice(index, end));
    index = skipWhitespace(text, end);
    if (text.charAt(index) === ',') index = skipWhitespace(text, index + 1);
    else if (text.charAt(index) !== ']') throw new SyntaxError(`expected "," or "]" at ${index}`);
  }
  return elements;
}
