/**
 * Zoho's event objects as the cache stored them, checked before an export uses them.
 *
 * The cache holds only objects that passed timelineEventSchema when they arrived (parseTimelinePage),
 * so at export time the check is about damage, not about Zoho: a cache whose bytes changed must not
 * turn into plausible evidence. `isTimelineEvent` accepts exactly what timelineEventSchema accepts
 * (tests/unit/export/stored-event.test.ts holds the two side by side over every field), in a
 * fraction of the time — zod took ~4.5 µs an event, most of a 15 s budget at a million events — and
 * without copying: the object the export reads IS the one events.json writes, so values stay exactly
 * as Zoho sent them. Anything it refuses is handed to zod for the precise reason.
 */
import { AuditorError } from '../core/errors.js';
import { parseZohoBody, toModelJson } from '../zoho/json-body.js';
import { formatIssuePath, timelineEventSchema, type JsonObject, type TimelineEntry, type TimelineEvent } from '../zoho/models.js';
import type { ExportEvent, StoredExportEvent, StoredExportPage } from './types.js';

type Unknown = Record<string, unknown>;

const ID = /^[0-9]+$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/;

function isObject(value: unknown): value is Unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const isId = (value: unknown): boolean => typeof value === 'string' && ID.test(value);
const isName = (value: unknown): boolean => value === null || typeof value === 'string';
const isOptional = (value: unknown, check: (value: unknown) => boolean): boolean => value === undefined || check(value);
const isOptionalNullable = (value: unknown, check: (value: unknown) => boolean): boolean => value === undefined || value === null || check(value);
const isText = (value: unknown): boolean => typeof value === 'string' && value.length > 0;

/** Every item, holes included (Array#every skips holes; zod sees them as undefined). */
function everyItem(list: readonly unknown[], check: (value: unknown) => boolean): boolean {
  for (let index = 0; index < list.length; index += 1) if (!check(list[index])) return false;
  return true;
}

function isRecordRef(value: unknown): boolean {
  if (!isObject(value)) return false;
  const module = value['module'];
  return isObject(module) && isText(module['api_name']) && isId(module['id']) && isOptionalNullable(module['name'], (name) => typeof name === 'string') && isName(value['name']) && isId(value['id']);
}

const isOptionalBoolean = (value: unknown): boolean => isOptionalNullable(value, (flag) => typeof flag === 'boolean');
const isOptionalString = (value: unknown): boolean => isOptionalNullable(value, (text) => typeof text === 'string');

/** automationDetailsSchema: type, rule {name, id}, pathfinder {state {id, name, trigger_type, is_last_state}, process_entry, process_exit}, all optional. */
function isAutomationDetails(value: unknown): boolean {
  if (!isObject(value)) return false;
  const rule = value['rule'];
  const pathfinder = value['pathfinder'];
  return (
    isOptionalString(value['type']) &&
    isOptionalNullable(rule, (ruleValue) => isObject(ruleValue) && isOptionalString(ruleValue['name']) && isOptionalNullable(ruleValue['id'], isId)) &&
    isOptionalNullable(
      pathfinder,
      (step) =>
        isObject(step) &&
        isOptionalBoolean(step['process_entry']) &&
        isOptionalBoolean(step['process_exit']) &&
        isOptionalNullable(step['state'], (state) => isObject(state) && isOptionalNullable(state['id'], isId) && isOptionalString(state['name']) && isOptionalString(state['trigger_type']) && isOptionalBoolean(state['is_last_state'])),
    )
  );
}

function isPickListValue(value: unknown): boolean {
  return (
    isObject(value) &&
    typeof value['display_value'] === 'string' &&
    typeof value['actual_value'] === 'string' &&
    isOptionalNullable(value['sequence_number'], (sequence) => typeof sequence === 'number') &&
    isOptionalNullable(value['colour_code'], (colour) => typeof colour === 'string') &&
    isOptional(value['id'], isId) &&
    isOptionalNullable(value['type'], (type) => typeof type === 'string')
  );
}

/** A JSON value (what JSON.parse can produce): anything but undefined, functions, symbols, bigints and non-finite numbers. */
function isJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (value === null) return true;
      if (Array.isArray(value)) return everyItem(value, isJson);
      return Object.values(value).every(isJson);
    default:
      return false;
  }
}

function isFieldChange(value: unknown): boolean {
  if (!isObject(value)) return false;
  const change = value['_value'];
  return (
    isText(value['api_name']) &&
    isObject(change) &&
    isJson(change['old']) &&
    isJson(change['new']) &&
    isOptional(value['id'], isId) &&
    isOptionalNullable(value['field_label'], (label) => typeof label === 'string') &&
    isOptionalNullable(value['enable_colour_code'], (flag) => typeof flag === 'boolean') &&
    isOptionalNullable(value['data_type'], (type) => typeof type === 'string') &&
    isOptionalNullable(value['pick_list_values'], (list) => Array.isArray(list) && everyItem(list, isPickListValue))
  );
}

/**
 * Exactly timelineEventSchema's rules for an object the schema takes as it is (ids already strings),
 * without building a copy. An object the schema would change (an id sent as a number) is refused
 * here and read by storedTimelineEntry's exact path instead.
 */
export function isTimelineEvent(value: unknown): value is TimelineEvent {
  if (!isObject(value)) return false;
  const doneBy = value['done_by'];
  const time = value['audited_time'];
  const history = value['field_history'];
  const related = value['related_record'];
  const automation = value['automation_details'];
  return (
    isId(value['id']) &&
    typeof time === 'string' &&
    DATE_TIME.test(time) &&
    !Number.isNaN(Date.parse(time)) &&
    isText(value['action']) &&
    isName(value['source']) &&
    (doneBy === null ||
      (isObject(doneBy) &&
        isId(doneBy['id']) &&
        isName(doneBy['name']) &&
        isOptionalNullable(doneBy['profile'], (profile) => isObject(profile) && typeof profile['name'] === 'string' && isId(profile['id'])) &&
        isOptionalNullable(doneBy['type__s'], (type) => typeof type === 'string'))) &&
    isRecordRef(value['record']) &&
    (related === null || isRecordRef(related)) &&
    (automation === null || isAutomationDetails(automation)) &&
    (history === null || (Array.isArray(history) && everyItem(history, isFieldChange))) &&
    isOptionalNullable(value['type'], isText) &&
    isOptionalNullable(value['extension'], isJson)
  );
}

/** A stored event that is not what the cache wrote: the file was damaged or changed behind the app's back. */
export class StoredEventDamagedError extends AuditorError {
  constructor(eventId: string, reason: string) {
    super('CACHE_DAMAGED', `The offline cache holds a damaged copy of event ${eventId}: ${reason}. Nothing was exported from it.`, {
      hint: 'Rebuild the cache with `timeline-auditor cache rebuild` (it keeps the damaged file and fetches the same records again), then export again.',
      details: { eventId, reason },
    });
    this.name = 'StoredEventDamagedError';
  }
}

/**
 * Zoho's object from the stored text, checked against the schema and against the row's own key and
 * time (the columns the cache indexed when it stored the same object).
 */
/**
 * A number token JSON.parse may not read exactly: 16 or more characters, or an exponent. (A string
 * containing such text only sends the event down the exact path, which is slower, never wrong.)
 */
const INEXACT_NUMBER = /[:,[]\s*-?[0-9](?:[0-9.]{15,}|[0-9.]*[eE])/;

/** A number anywhere in a parsed JSON value. */
function holdsNumber(value: unknown): boolean {
  if (typeof value === 'number') return true;
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) if (holdsNumber(value[index])) return true;
    return false;
  }
  for (const key in value) if (holdsNumber((value as Record<string, unknown>)[key])) return true;
  return false;
}

export function storedTimelineEntry(rawJson: string, row: { eventId: string; auditedAtMs: number }): TimelineEntry {
  let raw: unknown;
  try {
    raw = JSON.parse(rawJson);
  } catch {
    throw new StoredEventDamagedError(row.eventId, 'its stored JSON does not parse');
  }
  // JSON.parse reads a number inexactly only when its text is long or has an exponent; the text is
  // searched for one only when the object holds a number at all (most events hold none: the search
  // cost ~1.7 µs an event, the walk ~1 µs).
  const inexact = holdsNumber(raw) && INEXACT_NUMBER.test(rawJson);
  let event: TimelineEvent;
  let plain: JsonObject;
  if (!inexact && isTimelineEvent(raw)) {
    // One object for both: the export reads the same values events.json writes (no copy, no normalising).
    event = raw;
    plain = raw as unknown as JsonObject;
  } else {
    // Zoho sent ids as numbers, or numbers a double cannot hold: read the text exactly (json-body.ts);
    // the schema turns such a number into its decimal text, as it did when the event arrived.
    const exact = parseZohoBody(rawJson);
    const parsed = timelineEventSchema.safeParse(exact);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StoredEventDamagedError(row.eventId, issue === undefined ? 'it is not a timeline event' : `${formatIssuePath(issue.path)}: ${issue.message}`);
    }
    event = parsed.data;
    plain = toModelJson(exact) as JsonObject;
  }
  if (event.id !== row.eventId) throw new StoredEventDamagedError(row.eventId, `its stored object names event ${event.id}`);
  if (Date.parse(event.audited_time) !== row.auditedAtMs) throw new StoredEventDamagedError(row.eventId, `its stored time ${event.audited_time} differs from the indexed time`);
  // events.json carries the stored text itself: what Zoho sent, every number with its own digits.
  return { event, raw: plain, rawText: rawJson };
}

/** The export's event from its stored form: the text parsed and checked (storedTimelineEntry), the review's annotations carried over. */
export function exportEventOf(stored: StoredExportEvent): ExportEvent {
  return { entry: storedTimelineEntry(stored.rawJson, stored), owner: stored.owner, flags: stored.flags, notes: stored.notes };
}

/** UTF-8 as stored; bytes that are not UTF-8 are damage, refused (not replaced by U+FFFD). The BOM is kept as text. */
const storedText = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A stored page's events, once every column has one entry per event (a bug otherwise, refused by name). */
export function checkedPageSize(page: Omit<StoredExportPage, 'rawJson'>): number {
  const count = page.eventIds.length;
  if (page.rawJsonEnds.length !== count || page.auditedAtMs.length !== count || page.ownerIndex.length !== count || page.flags.length !== count || page.notes.length !== count) {
    throw new AuditorError('EXPORT_PAGE_DAMAGED', 'A page of the export arrived with its columns of different lengths.', { hint: 'This is a bug in Timeline Auditor; please report it.' });
  }
  return count;
}

/**
 * A stored page's events one by one, each event's text decoded from the page's bytes as it is reached
 * (not all at once: a page is a thousand events, and each text should die young, before the next).
 */
export function* storedEventsOf(page: StoredExportPage): Generator<StoredExportEvent, void, undefined> {
  const count = checkedPageSize(page);
  let start = 0;
  for (let index = 0; index < count; index += 1) {
    const eventId = page.eventIds[index] as string;
    const end = page.rawJsonEnds[index] as number;
    const owner = page.owners[page.ownerIndex[index] as number];
    if (owner === undefined || end < start || end > page.rawJson.length) {
      throw new AuditorError('EXPORT_PAGE_DAMAGED', 'A page of the export arrived without the record or the text of one of its events.', { hint: 'This is a bug in Timeline Auditor; please report it.' });
    }
    let rawJson: string;
    try {
      rawJson = storedText.decode(page.rawJson.subarray(start, end));
    } catch {
      throw new StoredEventDamagedError(eventId, 'its stored text is not valid UTF-8');
    }
    start = end;
    yield { eventId, auditedAtMs: page.auditedAtMs[index] as number, rawJson, owner, flags: page.flags[index] as string[], notes: page.notes[index] as StoredExportEvent['notes'] };
  }
}
