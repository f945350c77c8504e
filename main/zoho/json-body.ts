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
