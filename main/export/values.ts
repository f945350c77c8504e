/**
 * How values and times look in exports: deterministic text for any JSON value, ISO 8601 times in the
 * export's time zone, and the spreadsheet formula-injection rule.
 */
import { IANAZone } from 'luxon';
import { AuditorError } from '../core/errors.js';
import type { JsonValue } from '../zoho/models.js';

// ---- time zones --------------------------------------------------------------------------------

export function assertTimeZone(zone: string): void {
  if (zone === 'UTC') return;
  if (!IANAZone.isValidZone(zone)) {
    throw new AuditorError('EXPORT_BAD_TIME_ZONE', `"${zone}" is not a time zone this app knows.`, {
      hint: 'Use an IANA time zone name such as Europe/Berlin, America/New_York or Asia/Kolkata, or UTC.',
    });
  }
}

export interface LocalTime {
  /** 2023-06-08T07:32:21+01:00 (milliseconds only when not zero). */
  iso: string;
  /** Offset from UTC in minutes. */
  offsetMinutes: number;
  /** 0 = Monday … 6 = Sunday, in the zone. */
  weekday: number;
  hour: number;
  /** yyyy-mm-dd in the zone. */
  date: string;
}

const OFFSET_BUCKET_MS = 15 * 60_000;

/**
 * Converts instants to local times in one zone. Offsets come from luxon (IANA rules) and are cached per
 * 15-minute slice — every real offset change happens on such a boundary — so a million rows cost a
 * million Date operations, not a million luxon DateTimes.
 */
export class ZoneClock {
  private readonly zone: IANAZone | null;
  private readonly offsets = new Map<number, number>();

  constructor(readonly zoneName: string) {
    assertTimeZone(zoneName);
    this.zone = zoneName === 'UTC' ? null : IANAZone.create(zoneName);
  }

  offsetAt(ms: number): number {
    if (this.zone === null) return 0;
    const bucket = Math.floor(ms / OFFSET_BUCKET_MS);
    let offset = this.offsets.get(bucket);
    if (offset === undefined) {
      if (this.offsets.size > 50_000) this.offsets.clear();
      offset = this.zone.offset(ms);
      this.offsets.set(bucket, offset);
    }
    return offset;
  }

  local(ms: number): LocalTime {
    const offsetMinutes = this.offsetAt(ms);
    const shifted = new Date(ms + offsetMinutes * 60_000);
    const text = shifted.toISOString();
    const wall = shifted.getUTCMilliseconds() === 0 ? text.slice(0, 19) : text.slice(0, 23);
    return {
      iso: `${wall}${formatOffset(offsetMinutes)}`,
      offsetMinutes,
      weekday: (shifted.getUTCDay() + 6) % 7,
      hour: shifted.getUTCHours(),
      date: text.slice(0, 10),
    };
  }

  /** Just the ISO text of local(ms) — the CSV needs nothing else, once per row. */
  iso(ms: number): string {
    const offsetMinutes = this.offsetAt(ms);
    const text = new Date(ms + offsetMinutes * 60_000).toISOString();
    return `${ms % 1000 === 0 ? text.slice(0, 19) : text.slice(0, 23)}${formatOffset(offsetMinutes)}`;
  }

  /** Zoho's audited_time (with its own offset) re-expressed in this zone; unparseable text is returned as is. */
  fromZoho(text: string): LocalTime | null {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : this.local(ms);
  }
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
}

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

/** Zoho's automation_details ({type, rule: {name, id}} in practice; shape undocumented) in words. */
export function renderAutomation(details: JsonValue | undefined): string {
  if (!isPlainObject(details)) return renderValue(details);
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
