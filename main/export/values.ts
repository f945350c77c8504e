/**
 * How values and times look in exports: deterministic text for any JSON value, ISO 8601 times in the
 * export's time zone, and the spreadsheet formula-injection rule.
 */
import { AuditorError } from '../core/errors.js';
import { describePathfinder } from '../zoho/automation.js';
import type { JsonValue } from '../zoho/models.js';

// ---- time zones: the one time model lives in main/core/zoned-time.ts ------------------------------

export { assertTimeZone, formatOffset, ZoneClock, type ZonedTime } from '../core/zoned-time.js';

// ---- values ------------------------------------------------------------------------------------

function isPlainObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] ?? null)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A field value as a person reads it. null → '' (blank); strings as they are; numbers and booleans
 * in JSON spelling; a lookup {name, id} → "name (id)"; arrays (multi-select picklists, …) → items
 * joined with "; "; any other object → canonical JSON (sorted keys). Deterministic by construction.
 */
export function renderValue(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return value.map((item) => (isPlainObject(item) || Array.isArray(item) ? renderNested(item) : renderValue(item))).join('; ');
  return renderNested(value);
}

function renderNested(value: JsonValue): string {
  if (isPlainObject(value)) {
    const name = value['name'] ?? value['display_value'];
    const id = value['id'];
    const keys = Object.keys(value);
    const lookupShaped = keys.every((key) => key === 'name' || key === 'id' || key === 'display_value' || key === 'email');
    if (lookupShaped && typeof name === 'string' && (typeof id === 'string' || typeof id === 'number')) return `${name} (${String(id)})`;
  }
  return canonicalJson(value);
}

/**
 * Zoho's automation_details in words: a Pathfinder (CommandCenter) step as its state ("Pathfinder:
 * Proposal review (…)"), a rule as "type: rule (id)"; any other shape as canonical JSON. The packet's
 * events.json keeps the object as Zoho sent it.
 */
export function renderAutomation(details: JsonValue | undefined): string {
  if (!isPlainObject(details)) return renderValue(details);
  const pathfinder = describePathfinder(details);
  if (pathfinder !== null) return pathfinder;
  const type = details['type'];
  const rule = details['rule'];
  if (typeof type === 'string' && isPlainObject(rule) && typeof rule['name'] === 'string') {
    const ruleId = rule['id'];
    const extraKeys = Object.keys(details).filter((key) => key !== 'type' && key !== 'rule');
    const ruleKeys = Object.keys(rule).filter((key) => key !== 'name' && key !== 'id');
    if (extraKeys.length === 0 && ruleKeys.length === 0) {
      return `${type}: ${rule['name']}${typeof ruleId === 'string' ? ` (${ruleId})` : ''}`;
    }
  }
  return canonicalJson(details);
}

// ---- spreadsheet formula injection -------------------------------------------------------------

const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/** = + - @ TAB CR by char code (checked for every cell, so no one-character strings are made). */
function isTrigger(code: number): boolean {
  return code === 0x3d || code === 0x2b || code === 0x2d || code === 0x40 || code === 0x09 || code === 0x0d;
}

/**
 * OWASP "CSV injection": a cell that starts with = + - @ tab or carriage return is prefixed with a
 * single quote so spreadsheets show it as text instead of running it. The packet's events.json keeps
 * the value untouched.
 */
export function neutraliseCell(text: string): string {
  if (text.length === 0) return text;
  const first = text.charCodeAt(0);
  // A value that already looks neutralised ('=…) gets a quote too, so restoreCell is exact.
  if (isTrigger(first) || (first === 0x27 && text.length > 1 && isTrigger(text.charCodeAt(1)))) return `'${text}`;
  return text;
}

/** The inverse, for readers of our CSV: drops the quote neutraliseCell added. */
export function restoreCell(text: string): string {
  if (text.length > 1 && text[0] === "'" && (FORMULA_TRIGGERS.has(text[1] as string) || (text[1] === "'" && text.length > 2 && FORMULA_TRIGGERS.has(text[2] as string)))) return text.slice(1);
  return text;
}

// ---- cancellation ------------------------------------------------------------------------------

export class ExportCancelledError extends AuditorError {
  constructor() {
    super('EXPORT_CANCELLED', 'The export was cancelled.', { hint: 'Start it again when you are ready; nothing was kept from the cancelled run.' });
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new ExportCancelledError();
}

/**
 * Closes a half-written output of a cancelled or failed export. Writes still in flight then fail with
 * ERR_STREAM_DESTROYED; that is expected (the file is deleted), so the error is absorbed here instead
 * of surfacing as an uncaught exception.
 */
export function discardStream(stream: NodeJS.WritableStream & { destroy(): unknown }): void {
  stream.on('error', () => undefined);
  stream.destroy();
}
