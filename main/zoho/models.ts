import { z } from 'zod';
import { ZohoMalformedResponseError } from './errors.js';
import { arrayElementTexts, exactJsonText, isLosslessNumber, toModelJson } from './json-body.js';

/**
 * Typed models of Zoho's answers. Objects are "loose": keys Zoho adds later are kept, not dropped,
 * and never fail parsing; the keys we rely on are checked strictly. Every field of timeline-api.md's
 * sample response is modelled; `nullable` exactly where the doc's sample sends null.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A field value: numbers a double cannot hold exactly arrive as their exact decimal text (see json-body.ts). */
const jsonValue: z.ZodType<JsonValue, unknown> = z.preprocess(toModelJson, z.json());

const ID_DIGITS = /^[0-9]+$/;
/**
 * A Zoho id: the reference types ids as "long"; orgs send them as JSON strings or bare numbers. Either
 * way the model holds the exact decimal text Zoho sent (a LosslessNumber's own digits; a plain JS
 * number only when it is a safe integer, i.e. its digits are exact).
 */
export const zohoIdSchema = z.preprocess((value) => (isLosslessNumber(value) ? value.value : typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value), z.string().regex(ID_DIGITS, 'expected a Zoho id (digits)'));
/** A count or position: a LosslessNumber becomes a JS number only when exact; otherwise it is refused by name. */
const idString = zohoIdSchema;
const zohoNumber = z.preprocess((value) => (isLosslessNumber(value) ? toModelJson(value) : value), z.number());
/** Zoho's date-time format: ISO 8601 with seconds and a ±hh:mm offset (2023-06-07T19:32:21-11:00). */
const zohoDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/, 'expected an ISO 8601 date-time with offset')
  .refine((text) => !Number.isNaN(Date.parse(text)), 'expected a real calendar date-time');

/** `name`: Zoho's SDK types related_record.module as {name, id}; the doc's sample sends {api_name, id}. */
export const moduleRefSchema = z.looseObject({ api_name: z.string().min(1), id: idString, name: z.string().nullable().optional() });
export const recordRefSchema = z.looseObject({ module: moduleRefSchema, name: z.string().nullable(), id: idString });
export const profileRefSchema = z.looseObject({ name: z.string(), id: idString });

/** The user who acted; null for system actions (Zoho sends `"done_by": null`). */
export const doneBySchema = z.looseObject({
  id: idString,
  name: z.string().nullable(),
  /** Only with include_inner_details=done_by.profile. */
  profile: profileRefSchema.nullable().optional(),
  /** Only with include_inner_details=done_by.type__s ("regular user", "portal user", …). */
  type__s: z.string().nullable().optional(),
});

/**
 * One item of a pick list. Only the values themselves are required; the rest is optional because
 * orgs send items without `type` (and older fields without colour or sequence).
 */
export const pickListValueSchema = z.looseObject({
  display_value: z.string(),
  actual_value: z.string(),
  sequence_number: zohoNumber.nullable().optional(),
  colour_code: z.string().nullable().optional(),
  id: idString.optional(),
  type: z.string().nullable().optional(),
});

export const fieldChangeSchema = z.looseObject({
  /** Always present (doc: "available by default"). */
  api_name: z.string().min(1),
  /** Old and new values; either side may be null (field was blank / was cleared). Values keep Zoho's JSON type. */
  _value: z.looseObject({ old: jsonValue.nullable(), new: jsonValue.nullable() }),
  id: idString.optional(),
  /** Only with include_inner_details=field_history.field_label. */
  field_label: z.string().nullable().optional(),
  /** Only with include_inner_details=field_history.enable_colour_code. */
  enable_colour_code: z.boolean().nullable().optional(),
  /** Only with include_inner_details=field_history.data_type. */
  data_type: z.string().nullable().optional(),
  /** Only with include_inner_details=field_history.pick_list_values. */
  pick_list_values: z.array(pickListValueSchema).nullable().optional(),
});

/**
 * automation_details: the doc says only "modified through an automation action such as a workflow"; Zoho's
 * own SDK (@zohocrm/nodejs-sdk-8.0, json_details.json, timelines/automation_detail) models `type`, `rule`
 * {name, id} and `pathfinder` — a CommandCenter journey step: `state` {id, name, trigger_type,
 * is_last_state}, `process_entry`, `process_exit`. Every key is optional: the SDK requires none, and an
 * automation we cannot name must not cost the page. tests/unit/zoho/sdk-model-coverage.test.ts checks
 * that every field the SDK models is modelled here.
 */
export const automationRuleSchema = z.looseObject({ name: z.string().nullable().optional(), id: idString.nullable().optional() });
export const pathfinderStateSchema = z.looseObject({
  id: idString.nullable().optional(),
  name: z.string().nullable().optional(),
  trigger_type: z.string().nullable().optional(),
  is_last_state: z.boolean().nullable().optional(),
});
export const pathfinderSchema = z.looseObject({
  state: pathfinderStateSchema.nullable().optional(),
  process_entry: z.boolean().nullable().optional(),
  process_exit: z.boolean().nullable().optional(),
});
export const automationDetailsSchema = z.looseObject({
  type: z.string().nullable().optional(),
  rule: automationRuleSchema.nullable().optional(),
  pathfinder: pathfinderSchema.nullable().optional(),
});
export type AutomationDetails = z.infer<typeof automationDetailsSchema>;

export const timelineEventSchema = z.looseObject({
  id: idString,
  audited_time: zohoDateTime,
  action: z.string().min(1),
  /** Kept as a string, not the 23-value enum: Zoho adds sources, and a new one must not lose evidence. */
  source: z.string().nullable(),
  done_by: doneBySchema.nullable(),
  record: recordRefSchema,
  related_record: recordRefSchema.nullable(),
  automation_details: automationDetailsSchema.nullable(),
  field_history: z.array(fieldChangeSchema).nullable(),
  /** Only with include=type: "timeline" or "signal" (kept as text: Zoho may add kinds). */
  type: z.string().min(1).nullable().optional(),
  /** Only with include=extension: what produced a signal entry ("email insights", …); object or text as Zoho sends it. */
  extension: jsonValue.nullable().optional(),
});

export const timelineInfoSchema = z.looseObject({
  per_page: zohoNumber.pipe(z.number().int()).optional(),
  count: zohoNumber.pipe(z.number().int()).optional(),
  page: zohoNumber.pipe(z.number().int()).optional(),
  more_records: z.boolean(),
  next_page_token: z.string().min(1).nullable(),
  previous_page_token: z.string().nullable().optional(),
});

export type ModuleRef = z.infer<typeof moduleRefSchema>;
export type RecordRef = z.infer<typeof recordRefSchema>;
export type DoneBy = z.infer<typeof doneBySchema>;
export type PickListValue = z.infer<typeof pickListValueSchema>;
export type FieldChange = z.infer<typeof fieldChangeSchema>;
export type TimelineEvent = z.infer<typeof timelineEventSchema>;
export type TimelinePageInfo = z.infer<typeof timelineInfoSchema>;

/**
 * One timeline entry: the parsed event for the app, and Zoho's object as received, for the audit
 * packet. `rawText` is the evidence the cache stores: the event's own characters in the body Zoho sent
 * (numbers, escapes and spacing as sent) when the page was parsed with its source text (the client
 * always does), else lossless-json's text of the parsed object (every number's digits as sent);
 * `raw` is the object as plain JSON values (a number a double cannot hold appears as its exact digits
 * in a string: see json-body.ts toModelJson).
 * `rawText` is absent only for entries built from plain objects (fixtures), whose JSON.stringify is exact.
 */
export interface TimelineEntry {
  readonly event: TimelineEvent;
  readonly raw: JsonObject;
  readonly rawText?: string;
}

export interface TimelinePage {
  readonly entries: TimelineEntry[];
  /** null for a 204 NO_CONTENT answer (nothing matched). */
  readonly info: TimelinePageInfo | null;
}

/** Turns zod's issue path into "__timeline[3].done_by.id". */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? '(top level)' : text;
}

function joinPath(prefix: string, path: string): string {
  if (path === '(top level)') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

function firstIssue(error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0];
  return issue === undefined ? { path: '(top level)', message: 'invalid' } : { path: formatIssuePath(issue.path), message: issue.message };
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates one page of GET …/__timeline. `what` names the record in errors ("Leads/554023000001122039, page 2").
 * The raw objects are the ones the body parser produced (json-body.ts), never normalised. With
 * `sourceText` (the body as received, which parsed to `body`) each event's evidence text is its own
 * slice of that text, byte for byte; without it, its text with every number exactly as sent.
 * One unreadable event fails the page (fail closed), naming the record, the event and the JSON path.
 */
export function parseTimelinePage(body: unknown, what: string, sourceText?: string): TimelinePage {
  if (!isJsonObject(body)) {
    throw new ZohoMalformedResponseError(what, '(top level)', 'expected a JSON object');
  }
  const list = body['__timeline'];
  if (!Array.isArray(list)) {
    throw new ZohoMalformedResponseError(what, '__timeline', list === undefined ? 'the list of events is missing' : 'expected a list of events');
  }
  const sourceTexts = sourceText === undefined ? undefined : arrayElementTexts(sourceText, '__timeline');
  if (sourceTexts !== undefined && sourceTexts.length !== list.length) {
    // Never guess which text belongs to which event: evidence must be the event's own.
    throw new ZohoMalformedResponseError(what, '__timeline', `the answer's text holds ${sourceTexts.length} events where ${list.length} were read`);
  }
  const entries: TimelineEntry[] = [];
  list.forEach((item, index) => {
    const parsed = timelineEventSchema.safeParse(item);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      const rawId = isJsonObject(item) ? (item['id'] as unknown) : undefined;
      const eventId = typeof rawId === 'string' ? rawId : isLosslessNumber(rawId) ? rawId.value : undefined;
      throw new ZohoMalformedResponseError(
        `${what}${eventId === undefined ? '' : `, event ${eventId}`}`,
        joinPath(`__timeline[${index}]`, issue.path),
        issue.message,
        { record: what, eventIndex: index, ...(eventId === undefined ? {} : { eventId }) },
        parsed.error,
      );
    }
    entries.push({ event: parsed.data, raw: toModelJson(item) as JsonObject, rawText: sourceTexts?.[index] ?? exactJsonText(item) });
  });
  const info = timelineInfoSchema.safeParse(body['info']);
  if (!info.success) {
    const issue = firstIssue(info.error);
    throw new ZohoMalformedResponseError(what, joinPath('info', issue.path), issue.message, undefined, info.error);
  }
  if (info.data.more_records && info.data.next_page_token === null) {
    throw new ZohoMalformedResponseError(what, 'info.next_page_token', 'Zoho says there are more events but gave no token for the next page');
  }
  return { entries, info: info.data };
}

// ---- Users (GET /crm/{v}/users) and records (GET /crm/{v}/{module}) ----

export const listInfoSchema = z.looseObject({
  per_page: zohoNumber.pipe(z.number().int()).optional(),
  count: zohoNumber.pipe(z.number().int()).optional(),
  page: zohoNumber.pipe(z.number().int()).optional(),
  more_records: z.boolean(),
  next_page_token: z.string().nullable().optional(),
  previous_page_token: z.string().nullable().optional(),
});
export type ListInfo = z.infer<typeof listInfoSchema>;

export const zohoUserSchema = z.looseObject({
  id: idString,
  full_name: z.string().nullable().optional(),
  first_name: z.string().nullable().optional(),
  last_name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
  profile: profileRefSchema.nullable().optional(),
  role: profileRefSchema.nullable().optional(),
});
export type ZohoUser = z.infer<typeof zohoUserSchema>;

export const zohoRecordSchema = z.looseObject({ id: idString });
export type ZohoRecord = z.infer<typeof zohoRecordSchema>;

export interface ListPage<T> {
  readonly items: T[];
  readonly info: ListInfo | null;
}

/** Validates a list answer whose items sit under `key` ("users" or "data"). */
export function parseListPage<T>(body: unknown, key: string, itemSchema: z.ZodType<T>, what: string): ListPage<T> {
  if (!isJsonObject(body)) throw new ZohoMalformedResponseError(what, '(top level)', 'expected a JSON object');
  const list = body[key];
  if (!Array.isArray(list)) throw new ZohoMalformedResponseError(what, key, list === undefined ? 'the list is missing' : 'expected a list');
  const items: T[] = [];
  list.forEach((item, index) => {
    const parsed = itemSchema.safeParse(item);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      throw new ZohoMalformedResponseError(what, joinPath(`${key}[${index}]`, issue.path), issue.message, { index }, parsed.error);
    }
    items.push(parsed.data);
  });
  const info = listInfoSchema.safeParse(body['info']);
  if (!info.success) {
    const issue = firstIssue(info.error);
    throw new ZohoMalformedResponseError(what, joinPath('info', issue.path), issue.message, undefined, info.error);
  }
  return { items, info: info.data };
}
