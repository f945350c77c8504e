/**
 * The one IPC contract between the renderer and the main process.
 *
 * Each request channel declares its name, the zod schema its input must pass (checked in main, always),
 * and its output type; each event channel declares the payload main pushes (progress, status).
 * main/core/ipc-dispatch.ts serves it, preload/index.ts (Electron) and preload/browser-bridge.ts
 * (loopback host) expose exactly it as `window.auditor`, renderer/ipc/ calls it with full types.
 * This file must stay free of Node and DOM: it is imported by all three processes.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Shared shapes
// ---------------------------------------------------------------------------------------------

/** A failure as it crosses the boundary: a stable code, words for a person, what to do next. */
export interface IpcError {
  code: string;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/**
 * The app's own updates (issue 15; desktop app only — the browser host and the CLI answer
 * `not-configured`). One state at a time; `connection` says why a download waits for consent.
 */
export type UpdateConnectionCost = 'unmetered' | 'metered' | 'unknown';
export type UpdateStatusView =
  | { state: 'not-configured' }
  | { state: 'disabled-by-policy' }
  | { state: 'idle'; lastCheckedAt: string | null }
  | { state: 'checking' }
  | { state: 'available'; version: string; sizeBytes: number | null }
  | { state: 'awaiting-consent'; version: string; sizeBytes: number | null; connection: Exclude<UpdateConnectionCost, 'unmetered'> }
  | { state: 'downloading'; version: string; percent: number }
  | { state: 'downloaded'; version: string }
  | { state: 'error'; message: string };

export interface AppVersions {
  name: string;
  productName: string;
  version: string;
  /** 'electron' in the desktop app, 'browser' when served by the loopback host (tests, development). */
  shell: 'electron' | 'browser' | 'cli';
  electron: string | null;
  chrome: string | null;
  node: string;
  platform: string;
  arch: string;
}

export const themePreferenceSchema = z.enum(['system', 'light', 'dark']);
export const timeZoneSettingSchema = z.union([
  z.object({ kind: z.literal('local') }).strict(),
  z.object({ kind: z.literal('utc') }).strict(),
  z.object({ kind: z.literal('org') }).strict(),
  z.object({ kind: z.literal('zone'), zone: z.string().min(1).max(64) }).strict(),
]);

export const settingsSchema = z
  .object({
    theme: themePreferenceSchema,
    /** One setting used by table, heatmaps and exports alike. */
    timeZone: timeZoneSettingSchema,
  })
  .strict();
export type Settings = z.infer<typeof settingsSchema>;
export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** The time-zone setting resolved by main's one time model (main/core/zoned-time.ts). */
export interface ResolvedTimeZoneView {
  setting: Settings['timeZone']['kind'];
  /** IANA zone name, or 'UTC'. */
  zone: string;
  /** For people, e.g. "Europe/Berlin (the organisation's zone)". */
  label: string;
  /** Why the setting could not be honoured (then `zone` is a fallback); null when it was. */
  fallbackReason: string | null;
}

/** Zoho's data centres; main/auth/data-centres.ts holds each one's hosts (the compiler asks for a row per id). */
export const DATA_CENTRE_IDS = ['us', 'eu', 'in', 'au', 'jp', 'cn', 'ca', 'sa', 'uk', 'ae'] as const;
export const dataCentreSchema = z.enum(DATA_CENTRE_IDS);
export type DataCentreId = z.infer<typeof dataCentreSchema>;

/**
 * The organisation's time zone (Zoho CRM GET /org → org[0].time_zone) as read at sign-in: what the
 * `org` time-zone setting means. 'unread' says why, so a fallback is never silent.
 */
export type OrgTimeZoneView = { state: 'read'; zone: string } | { state: 'unread'; reason: string };

/** The Zoho connection as the UI shows it; never carries a token or the client secret. */
export interface ConnectionStatusView {
  /** 'unreadable': a connection is stored but its secrets cannot be decrypted here (another passphrase or keyring). */
  state: 'connected' | 'broken' | 'disconnected' | 'unreadable';
  brokenReason: string | null;
  /** Why the stored credentials cannot be read (only when unreadable). */
  unreadableReason: string | null;
  user: { id: string | null; name: string | null; email: string | null } | null;
  orgId: string | null;
  /** null when disconnected. */
  orgTimeZone: OrgTimeZoneView | null;
  dataCentre: DataCentreId | null;
  accountsServer: string | null;
  apiDomain: string | null;
  /** ms since the epoch; refreshing is automatic. */
  expiresAt: number | null;
  scopes: string[];
  /**
   * What protects stored secrets. 'safeStorage-basic_text': Linux without a keyring — nothing is stored
   * until the person chooses passphrase protection ('auth:use-passphrase'), after which it is 'aes-256-gcm-scrypt'.
   */
  cipherKind: 'safeStorage' | 'safeStorage-basic_text' | 'aes-256-gcm-scrypt';
  /** Connected to the bundled demo workspace rather than a real Zoho org. */
  demo: boolean;
}

export interface DisconnectResultView {
  wasConnected: boolean;
  /** Whether Zoho confirmed revoking the app's access. */
  revoked: boolean;
  /** Why Zoho could not be told to revoke access (its answer, or no answer). */
  revokeError: string | null;
  /** Why the stored credentials could not be read, when they could not: they were erased without revoking anything. */
  credentialsUnreadable: string | null;
}

export interface DemoStatus {
  online: boolean;
  url: string | null;
}

export interface ConnectDefaults {
  port: number;
  scopes: string[];
  dataCentres: Array<{ id: DataCentreId; label: string; accountsUrl: string }>;
  /** The last client id used (never the secret), to prefill the form. */
  lastClientId: string | null;
  lastDataCentre: DataCentreId | null;
  /** Fields the admin policy sets: the form shows them locked ("Set by your administrator"); connect refuses other values. */
  locked: { dataCentre: boolean; clientId: boolean; port: boolean; scopes: boolean };
  /** Why the demo workspace is not offered (admin policy), or null when it is. */
  demoDisabledReason: string | null;
}

/** One thing wrong in the admin policy file: the field (null: the whole file) and what is wrong. */
export interface PolicyProblemView {
  field: string | null;
  problem: string;
}

/** The machine-wide admin policy as the app applies it (docs/admin.md). */
export interface AdminPolicyView {
  /** absent: no policy file; applied: read (fields with problems ignored); unreadable: ignored entirely. */
  state: 'absent' | 'applied' | 'unreadable';
  /** Where the policy is looked for (null: this shell reads none). */
  file: string | null;
  locked: { dataCentre: DataCentreId | null; clientId: string | null; redirectPort: number | null; scopes: string[] | null };
  demoDisabled: boolean;
  updatesDisabled: boolean;
  trustedSigners: Array<{ fingerprint: string; name: string }>;
  problems: PolicyProblemView[];
}

/** "Copy diagnostics" in About: a support ticket's text (versions, OS, settings, policy, cache, last log lines — secrets scrubbed). */
export interface DiagnosticsView {
  text: string;
  /** The log file the lines came from (null: this process keeps no log). */
  logFile: string | null;
}

const scopeSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.]+$/, 'a Zoho scope looks like ZohoCRM.modules.READ')
  .max(100);

export const connectInputSchema = z
  .object({
    dataCentre: dataCentreSchema,
    clientId: z.string().trim().min(1, 'the client ID is required').max(200),
    clientSecret: z.string().trim().min(1, 'the client secret is required').max(200),
    port: z.number().int().min(1024, 'use a port from 1024 to 65535').max(65535, 'use a port from 1024 to 65535'),
    scopes: z.array(scopeSchema).min(1).max(40).optional(),
  })
  .strict();
export type ConnectInput = z.infer<typeof connectInputSchema>;

/** The passphrase that protects secrets where the system has no keyring (the same one at every start; never stored). */
export const usePassphraseInputSchema = z
  .object({
    passphrase: z.string().min(8, 'use at least 8 characters').max(1024, 'use at most 1,024 characters'),
  })
  .strict();
export type UsePassphraseInput = z.infer<typeof usePassphraseInputSchema>;

// ---- Records and sync -----------------------------------------------------------------------

const moduleNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'a module API name such as Leads or Deals');
const recordIdSchema = z.string().regex(/^[0-9]{1,25}$/, 'a Zoho record id is digits only');
export const recordKeySchema = z.object({ module: moduleNameSchema, recordId: recordIdSchema }).strict();
export type RecordKeyView = z.infer<typeof recordKeySchema>;

export interface RecordRowView extends RecordKeyView {
  name: string | null;
  freshness: 'never' | 'syncing' | 'fresh' | 'stale' | 'failed';
  eventCount: number;
  newestAuditedTime: string | null;
  lastSyncedAt: number | null;
  lastError: { code: string; message: string } | null;
  /** An interrupted sync can continue from where it stopped. */
  resumable: boolean;
  /** The Zoho filter (JSON) the last fetch asked for; null when it fetched the whole timeline. Such a record is not complete. */
  lastFetchFilter: string | null;
}

export interface CacheStatsView {
  events: number;
  records: number;
  users: number;
  fileBytes: number;
}

export interface RecordsOverview {
  records: RecordRowView[];
  cache: CacheStatsView;
  /** Modules the timeline API supports, for pickers (custom modules can be typed). */
  modules: string[];
}

export interface AddRecordsResult {
  added: number;
  /** Lines that could not be read, with why. */
  problems: Array<{ line: number; text: string; message: string }>;
}

export interface SyncProgressView {
  runId: string;
  state: 'running' | 'done' | 'cancelled' | 'stopped';
  recordsDone: number;
  recordsTotal: number;
  recordsFailed: number;
  /** Records the run did not finish because it stopped or was cancelled (a resume continues them); 0 while running. */
  recordsSkipped: number;
  eventsWritten: number;
  pagesFetched: number;
  requestsPerSecond: number;
  eventsPerSecond: number;
  etaMs: number | null;
  currentConcurrency: number;
  /** Credits this run spent. */
  creditsUsed: number;
  /** The org's credits left in Zoho's 24 h window (X-API-CREDITS-REMAINING); null when Zoho did not say. */
  creditsRemaining: number | null;
  errors: Array<{ record: string; code: string; message: string }>;
  /** Why a run stopped early (credit budget, reconnect needed), in plain words. */
  stoppedReason: string | null;
}

export const addRecordsInputSchema = z
  .object({
    /** Pasted text: `Module/id` per line (or comma separated), or bare ids with defaultModule. */
    text: z.string().max(5_000_000),
    defaultModule: moduleNameSchema.nullable(),
    /** 'paste' or 'csv' (a CSV file's content, read by the renderer from a file the user chose). */
    format: z.enum(['paste', 'csv']),
  })
  .strict();

export const syncStartInputSchema = z
  .object({
    /** Which records; all tracked records when omitted. */
    records: z.array(recordKeySchema).max(100_000).optional(),
    mode: z.enum(['full', 'incremental']),
    /**
     * "Fetch with filters": ask Zoho only for the events matching this (Zoho's `filters`, built by the
     * Records screen's filter builder; 'full' mode only). Such a fetch is recorded as filtered and never
     * counts as a complete fetch of a record. Lazy: the schema is declared with the builder's, below.
     */
    filters: z.lazy(() => zohoFilterModelSchema).optional(),
  })
  .strict();

// ---- Timelines from the cache ------------------------------------------------------------------

export interface FieldChangeView {
  apiName: string;
  label: string | null;
  dataType: string | null;
  oldValue: string | null;
  newValue: string | null;
}

/** How an event without a user (Zoho's `"done_by": null`, a system action) is named in table, detail, CSV and PDF. */
export const SYSTEM_ACTOR = 'System';

export interface TimelineEventView {
  eventId: string;
  auditedTime: string;
  action: string;
  source: string | null;
  /** null: a system action (Zoho sent `"done_by": null`); shown as "System". */
  doneBy: { id: string; name: string | null } | null;
  record: { module: string; id: string; name: string | null };
  relatedRecord: { module: string; id: string; name: string | null } | null;
  automation: string | null;
  fieldChanges: FieldChangeView[];
}

export const timelineQueryInputSchema = z
  .object({
    record: recordKeySchema,
    limit: z.number().int().min(1).max(1000),
    offset: z.number().int().min(0),
  })
  .strict();

// ---- Review (timeline table, filters, heatmaps, flags, notes) -----------------------------------

/** Fields of the local filter and the operators each accepts: the builder offers exactly these, main compiles exactly these. */
export const LOCAL_FILTER_OPERATORS = {
  /** null / notNull: system actions (no user) or not. */
  user: ['=', '!=', 'in', 'notIn', 'null', 'notNull'],
  /** Zoho's `type` of a timeline entry ("timeline", "signal"); empty when the timeline was fetched without include=type. */
  timelineType: ['=', '!=', 'in', 'notIn', 'null', 'notNull'],
  extension: ['=', '!=', 'contains', 'doesNotContain', 'null', 'notNull'],
  source: ['=', '!=', 'in', 'notIn', 'null', 'notNull'],
  action: ['=', '!=', 'in', 'notIn'],
  module: ['=', '!=', 'in', 'notIn'],
  record: ['=', '!='],
  field: ['=', '!=', 'in', 'notIn'],
  oldValue: ['=', '!=', 'contains', 'doesNotContain', 'null', 'notNull'],
  newValue: ['=', '!=', 'contains', 'doesNotContain', 'null', 'notNull'],
  valueChange: ['changedFromTo'],
  time: ['between', 'notBetween', '>=', '<'],
  day: ['=', 'between'],
  hourOfWeek: ['=', 'in'],
  automation: ['null', 'notNull', 'contains'],
  text: ['contains', 'doesNotContain'],
  flag: ['=', '!=', 'in', 'notIn', 'null', 'notNull'],
  note: ['null', 'notNull', 'contains'],
} as const satisfies Record<string, readonly string[]>;
export type LocalFilterField = keyof typeof LOCAL_FILTER_OPERATORS;

/** Words for the local filter's fields and operators: the Review screen's builder and chips, and an export's description of a view. */
export const LOCAL_FILTER_FIELD_LABELS: Record<LocalFilterField, string> = {
  user: 'User',
  timelineType: 'Timeline type',
  extension: 'Extension',
  source: 'Source',
  action: 'Action',
  module: 'Module',
  record: 'Record',
  field: 'Field changed',
  oldValue: 'Old value',
  newValue: 'New value',
  valueChange: 'Value',
  time: 'Time',
  day: 'Day',
  hourOfWeek: 'Hour of week',
  automation: 'Automation',
  text: 'Full text',
  flag: 'Flag',
  note: 'Reviewer note',
};
export const LOCAL_FILTER_OPERATOR_LABELS: Record<LocalFilterOperator, string> = {
  '=': 'is',
  '!=': 'is not',
  in: 'is any of',
  notIn: 'is none of',
  contains: 'contains',
  doesNotContain: 'does not contain',
  null: 'is empty',
  notNull: 'is not empty',
  between: 'between',
  notBetween: 'not between',
  '>=': 'on or after',
  '<': 'before',
  changedFromTo: 'changed from … to',
};

/** One size limit for every local filter: the contract's schema and main's compiler both check it (localFilterSizeIssue). */
export const LOCAL_FILTER_LIMITS = { depth: 6, rules: 200, listValues: 1000, textLength: 1000 } as const;

export type LocalFilterOperator<F extends LocalFilterField = LocalFilterField> = (typeof LOCAL_FILTER_OPERATORS)[F][number];

const localFilterValueSchema = z.union([
  z.string().max(LOCAL_FILTER_LIMITS.textLength),
  z.number().finite(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string().max(LOCAL_FILTER_LIMITS.textLength), z.number().finite()])).max(LOCAL_FILTER_LIMITS.listValues),
]);
export type LocalFilterValue = z.infer<typeof localFilterValueSchema>;

/**
 * One condition, discriminated by `field`, with only that field's operators: the union the compiler
 * switches over. Derived from LOCAL_FILTER_OPERATORS, as is localFilterRuleSchema below, so a field
 * or operator added there must be handled in main's compiler (its `never` checks) to type-check.
 */
export type LocalFilterRuleInput = {
  [F in LocalFilterField]: { field: F; operator: LocalFilterOperator<F>; value?: LocalFilterValue | undefined };
}[LocalFilterField];
export type LocalFilterRuleOf<F extends LocalFilterField> = Extract<LocalFilterRuleInput, { field: F }>;

export interface LocalFilterGroupInput {
  combinator: 'and' | 'or';
  not?: boolean | undefined;
  rules: Array<LocalFilterRuleInput | LocalFilterGroupInput>;
}

function ruleSchemaOf<F extends LocalFilterField>(field: F) {
  const operators = LOCAL_FILTER_OPERATORS[field] as readonly string[] as [string, ...string[]];
  return z.object({ field: z.literal(field), operator: z.enum(operators), value: localFilterValueSchema.optional() });
}
const localFilterFields = Object.keys(LOCAL_FILTER_OPERATORS) as LocalFilterField[];

/** One condition as react-querybuilder writes it (its ids and extra keys are dropped): known field, that field's operator. */
export const localFilterRuleSchema = z.discriminatedUnion('field', localFilterFields.map(ruleSchemaOf) as unknown as [ReturnType<typeof ruleSchemaOf>, ...Array<ReturnType<typeof ruleSchemaOf>>]) as unknown as z.ZodType<LocalFilterRuleInput>;

/** A type guard for plain strings (the builder UI's field and operator) at the renderer's boundary. */
export function isLocalFilterRule(rule: { field: string; operator: string }): rule is { field: LocalFilterField; operator: LocalFilterOperator } & LocalFilterRuleInput {
  const operators = (LOCAL_FILTER_OPERATORS as Record<string, readonly string[] | undefined>)[rule.field];
  return Object.prototype.hasOwnProperty.call(LOCAL_FILTER_OPERATORS, rule.field) && operators !== undefined && operators.includes(rule.operator);
}

const localFilterGroupShape: z.ZodType<LocalFilterGroupInput> = z.lazy(() =>
  z.object({
    combinator: z.enum(['and', 'or']),
    not: z.boolean().optional(),
    rules: z.array(z.union([localFilterGroupShape, localFilterRuleSchema])).max(LOCAL_FILTER_LIMITS.rules),
  }),
);

/** Depth (the top group is 1) and number of conditions of a filter. */
export function filterSize(group: { rules: ReadonlyArray<object> }, depth = 1): { depth: number; rules: number } {
  let deepest = depth;
  let rules = 0;
  for (const child of group.rules) {
    if ('rules' in child && Array.isArray(child.rules)) {
      const inner = filterSize(child as { rules: ReadonlyArray<object> }, depth + 1);
      deepest = Math.max(deepest, inner.depth);
      rules += inner.rules;
    } else rules += 1;
  }
  return { depth: deepest, rules };
}

/** What is wrong with a filter's size (LOCAL_FILTER_LIMITS), or null when it fits. */
export function localFilterSizeIssue(group: { rules: ReadonlyArray<object> }): { message: string; hint: string } | null {
  const size = filterSize(group);
  if (size.depth > LOCAL_FILTER_LIMITS.depth) return { message: `The filter nests ${size.depth} groups deep.`, hint: `At most ${LOCAL_FILTER_LIMITS.depth} levels.` };
  if (size.rules > LOCAL_FILTER_LIMITS.rules) return { message: `The filter has ${size.rules} conditions.`, hint: `At most ${LOCAL_FILTER_LIMITS.rules}.` };
  return null;
}

/** react-querybuilder's RuleGroupType, depth and size limited (checked again when compiled). */
export const localFilterSchema = localFilterGroupShape.superRefine((group, context) => {
  const issue = localFilterSizeIssue(group);
  if (issue !== null) context.addIssue({ code: 'custom', message: `${issue.message} ${issue.hint}` });
});

const eventIdSchema = z.string().regex(/^[0-9A-Za-z_-]{1,40}$/, 'a timeline event id');
/** A zone name as `settings:time-zone` resolves it (IANA, or 'UTC'); main checks it is one it knows. */
const timeZoneNameSchema = z.string().min(1).max(64);

export const REVIEW_SORT_COLUMNS = ['time', 'user', 'source', 'action', 'module', 'record'] as const;
export const REVIEW_COLUMNS = ['time', 'user', 'source', 'action', 'record', 'field', 'change', 'flags', 'notes'] as const;
export type ReviewColumn = (typeof REVIEW_COLUMNS)[number];
export const REVIEW_FLAGS = ['off_hours', 'mass_change', 'api_by_person', 'owner_change', 'deletion', 'sensitive_field'] as const;
export type ReviewFlag = (typeof REVIEW_FLAGS)[number];

export const reviewQueryInputSchema = z
  .object({
    filter: localFilterSchema,
    /**
     * For `day` and `hourOfWeek` conditions, the heatmaps and the rows' shown times: the zone the
     * setting resolves to (`settings:time-zone`). Daylight saving is followed per event.
     */
    timeZone: timeZoneNameSchema,
  })
  .strict();

export const reviewPageInputSchema = z
  .object({
    filter: localFilterSchema,
    timeZone: timeZoneNameSchema,
    sort: z.object({ column: z.enum(REVIEW_SORT_COLUMNS), direction: z.enum(['asc', 'desc']) }).strict(),
    offset: z.number().int().min(0).max(50_000_000),
    /** A window of rows; the table asks for more as it scrolls. */
    limit: z.number().int().min(1).max(500),
  })
  .strict();

/** One table row: the event's columns, its first field change and counts. */
export interface ReviewRow {
  eventId: string;
  /** Exactly as Zoho sent it (its own offset). */
  auditedTime: string;
  auditedAtMs: number;
  /** The instant in the request's zone, offset of that instant: "2026-03-29 03:00:00 +02:00". */
  shownTime: string;
  action: string;
  source: string | null;
  /** null: a system action (Zoho sent `"done_by": null`). */
  doneBy: { id: string; name: string | null } | null;
  record: { module: string; id: string; name: string | null };
  relatedRecord: { module: string; id: string; name: string | null } | null;
  /** The automation in words ("Pathfinder: Proposal review (…)", "workflow rule: …"); null when a person did it. */
  automation: string | null;
  fieldCount: number;
  firstChange: { apiName: string; label: string | null; oldValue: string | null; newValue: string | null } | null;
  flags: ReviewFlag[];
  noteCount: number;
  review: ReviewMark;
}

export interface ReviewSummary {
  events: number;
  users: number;
  sources: number;
  firstAuditedTime: string | null;
  lastAuditedTime: string | null;
  /** Events in the whole cache, for "n of N". */
  totalEvents: number;
}

export interface ReviewHeatmaps {
  userHourOfWeek: Array<{ x: number; y: string; count: number }>;
  sourceDay: Array<{ x: string; y: string; count: number }>;
  userSource: Array<{ x: string; y: string; count: number }>;
}

export interface ReviewNote {
  id: number;
  eventId: string;
  author: string;
  text: string;
  tag: string | null;
  /** ms since the epoch */
  at: number;
}

export interface ReviewFieldChange {
  apiName: string;
  label: string | null;
  dataType: string | null;
  oldValue: string | null;
  newValue: string | null;
  /** Picklist fields: every value with its colour, when Zoho sent them. */
  pickList: Array<{ displayValue: string; actualValue: string; colour: string | null }> | null;
  colourCoded: boolean | null;
}

export interface ReviewEventDetail {
  eventId: string;
  /** Exactly as Zoho sent it (its own offset). */
  auditedTime: string;
  auditedAtMs: number;
  /** The instant in the request's zone, offset of that instant: "2026-03-29 03:00:00 +02:00". */
  shownTime: string;
  action: string;
  source: string | null;
  /** null: a system action (Zoho sent `"done_by": null`). */
  doneBy: { id: string; name: string | null; email: string | null; profile: { id: string | null; name: string | null } | null; type: string | null } | null;
  /** Zoho's `type` ("timeline" / "signal") and `extension`, when sent. */
  timelineType: string | null;
  extension: string | null;
  record: { module: string; id: string; name: string | null };
  relatedRecord: { module: string; id: string; name: string | null } | null;
  /** `words`: "Pathfinder: Proposal review (…)", "workflow rule: Notify owner", or the JSON when neither applies. */
  automation: { type: string | null; name: string | null; id: string | null; words: string; json: string } | null;
  fieldChanges: ReviewFieldChange[];
  timelines: RecordKeyView[];
  flags: ReviewFlag[];
  notes: ReviewNote[];
}

export interface ReviewFacets {
  users: Array<{ id: string; name: string | null }>;
  sources: string[];
  actions: string[];
  modules: string[];
  fields: Array<{ apiName: string; label: string | null }>;
  records: Array<{ module: string; recordId: string; name: string | null }>;
  /** Every flag with how many events carry it, most frequent first (the top reasons); labels in preload/labels.ts FLAG_LABELS. */
  flags: Array<{ flag: ReviewFlag; count: number }>;
  /** Events carrying at least one flag. */
  flaggedEvents: number;
  tags: string[];
  /** What Zoho's `filters` parameter documents: the modules and sources it accepts. */
  zohoFilter: { modules: string[]; sources: string[] };
  /**
   * The org's own plural label of each module by API name, as Zoho's modules API said at the last
   * sync ({} before one, or when it could not be read): pass to preload/labels.ts moduleLabel.
   */
  moduleLabels: Record<string, string>;
}

/**
 * Whether a name is a time zone of the IANA database that this runtime knows ("Europe/Berlin",
 * "UTC"); offsets ("+02:00") and made-up names ("Mars/Olympus") are not. Intl is the check in both
 * the main process and the renderer, so the dialog and main agree.
 */
export function isIanaTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const hourSchema = (which: 'start' | 'end') =>
  z.number({ error: `Working hours: the ${which} hour must be a number from 0 to 23` }).refine((hour) => Number.isInteger(hour) && hour >= 0 && hour <= 23, `Working hours: the ${which} hour must be a whole number from 0 to 23`);

export const flagRulesSchema = z
  .object({
    offHours: z
      .object({
        enabled: z.boolean(),
        /**
         * Working hours from startHour (inclusive) to endHour (exclusive) in timeZone, both 0–23.
         * endHour < startHour is an overnight shift (22 → 6): its hours after midnight belong to the
         * day it started, so a Friday night shift covers Saturday 00:00–06:00. endHour 0 = to midnight.
         */
        startHour: hourSchema('start'),
        endHour: hourSchema('end'),
        /** 1 = Monday … 7 = Sunday */
        workDays: z.array(z.number().int().min(1).max(7)).max(7),
        timeZone: z
          .string()
          .max(64, 'Working hours: the time zone name is too long')
          .refine(isIanaTimeZone, { error: (issue) => `Working hours: “${String(issue.input)}” is not a time zone; choose one from the list, such as Europe/Berlin or UTC` }),
      })
      .strict()
      .refine((rule) => rule.startHour !== rule.endHour, { error: 'Working hours: the start and end hour must differ (for work round the clock, turn this rule off)', path: ['endHour'] }),
    massChange: z
      .object({
        enabled: z.boolean(),
        events: z.number().int('Mass changes: the number of events must be a whole number').min(2, 'Mass changes: the number of events must be at least 2').max(100_000, 'Mass changes: the number of events must be at most 100,000'),
        minutes: z.number().int('Mass changes: the minutes must be a whole number').min(1, 'Mass changes: the minutes must be at least 1').max(10_080, 'Mass changes: the minutes must be at most 10,080 (a week)'),
      })
      .strict(),
    apiByPerson: z.object({ enabled: z.boolean(), sources: z.array(z.string().min(1).max(60)).max(40, 'API by a person: choose at most 40 sources') }).strict(),
    ownerChange: z.object({ enabled: z.boolean() }).strict(),
    deletion: z.object({ enabled: z.boolean() }).strict(),
    sensitiveFields: z.object({ enabled: z.boolean(), fields: z.array(z.string().min(1).max(100)).max(200, 'Sensitive fields: choose at most 200 fields') }).strict(),
  })
  .strict();
export type FlagRules = z.infer<typeof flagRulesSchema>;

export const reviewPreferencesSchema = z
  .object({
    columns: z.array(z.enum(REVIEW_COLUMNS)).min(1).max(REVIEW_COLUMNS.length),
  })
  .strict();
export type ReviewPreferences = z.infer<typeof reviewPreferencesSchema>;

export interface SavedFilter {
  name: string;
  filter: LocalFilterGroupInput;
  savedAt: number;
}

// ---- Review work (issue 14): per-event review state, progress, sign-off, the hash-chained review log ----

export const REVIEW_STATES = ['unreviewed', 'reviewed', 'follow_up'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
export const reviewStateSchema = z.enum(REVIEW_STATES);

/** An event's review state. Who and when exist only for a marked event (marking back to unreviewed is kept in the review log). */
export type ReviewMark = { state: 'unreviewed' } | { state: 'reviewed' | 'follow_up'; by: string; at: number };

/** "x of y reviewed" for one scope: `total` = reviewed + followUp + unreviewed. */
export interface ReviewProgress {
  total: number;
  reviewed: number;
  followUp: number;
  unreviewed: number;
}

export interface ReviewProgressOverview {
  /** Each saved view, its progress over the events it matches now. */
  views: Array<{ name: string; progress: ReviewProgress }>;
  /** Each tracked record with events, by module and id. */
  records: Array<{ module: string; recordId: string; name: string | null; progress: ReviewProgress }>;
}

export const reviewMarkInputSchema = z
  .object({
    eventIds: z.array(eventIdSchema).min(1).max(1000),
    state: reviewStateSchema,
    /** The filter on screen: the answer carries its progress, so the count updates in the same round trip. */
    query: reviewQueryInputSchema,
  })
  .strict();

export const reviewMarkFilteredInputSchema = z
  .object({
    filter: localFilterSchema,
    timeZone: timeZoneNameSchema,
    state: reviewStateSchema,
    /** The count the confirm showed; refused (REVIEW_SCOPE_CHANGED) when the filter matches a different number now. */
    expectedEvents: z.number().int().min(1).max(50_000_000),
  })
  .strict();

export const signOffScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('view'), name: z.string().min(1).max(80) }).strict(),
  z.object({ kind: z.literal('records'), records: z.array(recordKeySchema).min(1).max(100_000) }).strict(),
]);
export type SignOffScope = z.infer<typeof signOffScopeSchema>;

export const signOffInputSchema = z
  .object({
    scope: signOffScopeSchema,
    /** What the reviewer attests, in their words. */
    statement: z.string().trim().min(10, 'write what you attest (at least 10 characters)').max(5000),
    name: z.string().trim().min(1, 'give your name').max(120),
    role: z.string().trim().min(1, 'give your role').max(120),
    /** Required (SIGN_OFF_UNREVIEWED otherwise) when events in scope are still unreviewed: why signing off anyway. */
    unreviewedReason: z.string().trim().min(10, 'say why unreviewed events are acceptable (at least 10 characters)').max(5000).nullable(),
    timeZone: timeZoneNameSchema,
  })
  .strict();

export interface SignOffView {
  id: number;
  scope: SignOffScope;
  /** The scope in words: "saved view “Deletions in Q3” (1,204 events)", "3 records: Leads 5540… …". */
  scopeWords: string;
  statement: string;
  unreviewedReason: string | null;
  name: string;
  role: string;
  /** The connected Zoho user who signed off (the app's reviewer identity). */
  signedBy: string;
  at: number;
  /** The scope's review state at the moment of sign-off. */
  progress: ReviewProgress;
  /** The review-log entry that records it. */
  logSeq: number;
  logHash: string;
}

export const REVIEW_LOG_ACTIONS = ['state_changed', 'bulk_state_changed', 'note_added', 'note_deleted', 'flag_rules_changed', 'signed_off', 'exported'] as const;
export type ReviewLogAction = (typeof REVIEW_LOG_ACTIONS)[number];

export interface ReviewLogEntryView {
  /** 1, 2, 3 … with no gaps. */
  seq: number;
  at: number;
  actor: string;
  action: ReviewLogAction;
  /** The entry in plain words ("Marked 3 events reviewed"). */
  words: string;
  /** The canonical JSON the hash covers (exactly as stored). */
  payload: string;
  /** Hex SHA-256; the first entry's previous hash is 64 zeros. */
  previousHash: string;
  hash: string;
}

/** Whether the stored chain still hashes to itself: an edited, removed or reordered entry breaks it. */
export type ReviewLogChainView = { intact: true; entries: number; head: { seq: number; hash: string } | null } | { intact: false; brokenAtSeq: number; reason: string };

/** What the Zoho filter builder offers: one AND/OR group of documented conditions. */
export const zohoFilterModelSchema = z
  .object({
    operator: z.enum(['AND', 'OR']),
    conditions: z
      .array(
        z
          .object({
            field: z.string().max(40),
            comparator: z.string().max(20),
            /** One value, a list (in) or two date-times (between). */
            value: z.union([z.string().max(200), z.array(z.string().max(200)).max(100)]),
          })
          .strict(),
      )
      .min(1)
      .max(10),
  })
  .strict();
export type ZohoFilterModel = z.infer<typeof zohoFilterModelSchema>;

export interface RecordStateView {
  record: RecordKeyView & { name: string | null };
  /** The record's events, oldest first (at most 5,000). */
  events: Array<{ eventId: string; auditedTime: string; action: string; doneBy: string | null; changedFields: number }>;
  /** Index in `events` of the moment shown; -1 = before the first event. */
  index: number;
  fields: Array<{
    apiName: string;
    label: string | null;
    dataType: string | null;
    value: string | null;
    /** 'set': last changed at or before the moment; 'earlier': value before its first recorded change (which is later). */
    basis: 'set' | 'earlier';
    changedAt: string | null;
    changedBy: string | null;
    /** Changed by the event at `index`. */
    changedHere: boolean;
  }>;
}

export const recordStateInputSchema = z
  .object({
    record: recordKeySchema,
    /** The moment: after this event, or the last event at or before this time (ISO), or the latest. */
    atEventId: eventIdSchema.optional(),
    atTime: z.string().max(40).optional(),
  })
  .strict();

// ---- Exports and audit packets ---------------------------------------------------------------

export const exportFormatSchema = z.enum(['csv', 'pdf', 'packet']);
export type ExportFormat = z.infer<typeof exportFormatSchema>;

const filterValues = z.array(z.string().min(1).max(200)).min(1).max(1000);
/** Narrowing of the exported events, ANDed (the same dimensions as the CLI's --where). */
export const exportWhereSchema = z
  .object({
    userIds: filterValues.optional(),
    sources: filterValues.optional(),
    actions: filterValues.optional(),
    modules: filterValues.optional(),
    fieldApiNames: filterValues.optional(),
    /** ms since the epoch, or an ISO 8601 date-time. */
    from: z.union([z.number().int(), z.iso.datetime({ offset: true })]).optional(),
    to: z.union([z.number().int(), z.iso.datetime({ offset: true })]).optional(),
    text: z.string().max(500).optional(),
  })
  .strict();
export type ExportWhere = z.infer<typeof exportWhereSchema>;

/** The Review screen's filter as an export's scope: a saved view (named) or the filter on screen (name null), with its words. */
export const exportViewSchema = z
  .object({
    name: z.string().trim().min(1).max(80).nullable(),
    filter: localFilterSchema,
    /** The filter in the words the screen shows ("User is Patricia Boyle and Source is API"). */
    words: z.string().max(10_000),
  })
  .strict();
export type ExportView = z.infer<typeof exportViewSchema>;

const caseText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((text) => (text === '' ? null : text))
    .nullable();
/** Why a packet is made: stored in the manifest and on the PDF cover; each part optional. */
export const exportCaseSchema = z
  .object({
    reference: caseText(120).optional(),
    purpose: caseText(1000).optional(),
    reviewer: caseText(200).optional(),
  })
  .strict();
export type ExportCaseInput = z.input<typeof exportCaseSchema>;

export const exportStartInputSchema = z
  .object({
    /** The records in scope; absent with a view = every tracked record (the Review screen's scope). */
    records: z.array(recordKeySchema).min(1, 'choose at least one record').max(100_000).optional(),
    formats: z.array(exportFormatSchema).min(1, 'choose at least one format').max(3),
    where: exportWhereSchema.optional(),
    view: exportViewSchema.optional(),
    case: exportCaseSchema.optional(),
    /** Export records whose timelines were not fetched completely (the person confirmed); they are marked incomplete. */
    allowIncomplete: z.boolean().optional(),
  })
  .strict()
  .refine((input) => input.where === undefined || input.view === undefined, { message: 'give either a filter (where) or a view, not both', path: ['view'] })
  .refine((input) => input.records !== undefined || input.view !== undefined, { message: 'choose at least one record', path: ['records'] });
export type ExportStartInput = z.input<typeof exportStartInputSchema>;

export interface ExportFileView {
  format: ExportFormat;
  path: string;
  bytes: number;
}

export interface ExportHistoryEntry {
  id: string;
  createdAt: number;
  records: number;
  events: number;
  timeZone: string;
  files: ExportFileView[];
  /** The packet's digest and the key that signed it (packets only). */
  packetDigest: string | null;
  signerFingerprint: string | null;
  /** Records exported although not fetched completely (the person allowed it); absent in entries made before this was recorded. */
  incompleteRecords?: number;
  /** The case reference given, if any. */
  caseReference?: string | null;
}

/** What an export is doing: checking the cache (before a packet), counting, writing each file, signing, packing. */
export type ExportPhase = 'checking' | 'counting' | 'csv' | 'pdf' | 'signing' | 'zip' | 'done';

export interface ExportProgressView {
  exportId: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  phase: ExportPhase;
  eventsDone: number;
  eventsTotal: number;
  /** The finished export (state 'done'). */
  entry: ExportHistoryEntry | null;
  error: IpcError | null;
}

export interface SigningKeyView {
  fingerprint: string;
  publicKeyPem: string;
  /** Where exports are written. */
  exportsFolder: string;
}

/** Who the signed manifest says made the packet (manifest.signing.signer). */
export const packetSignerSchema = z
  .object({
    zohoUser: z.object({ name: z.string().nullable(), email: z.string().nullable() }).strict().nullable(),
    organisation: z.object({ orgId: z.string().nullable(), dataCentre: z.string().nullable() }).strict(),
    installation: z.object({ id: z.string().min(1), hostname: z.string() }).strict(),
  })
  .strict();
export type PacketSignerView = z.infer<typeof packetSignerSchema>;

/** A signer this home folder trusts: its own key (always) or one added by fingerprint with a name. */
export type TrustedSignerView =
  | { kind: 'own'; fingerprint: string; name: string; addedAt: null }
  /** Pre-trusted by the admin policy: cannot be removed here. */
  | { kind: 'policy'; fingerprint: string; name: string; addedAt: null }
  | { kind: 'added'; fingerprint: string; name: string; addedAt: string };

/**
 * What verify concluded. Only `trusted` means "rely on it": `signer-unknown` is intact as signed, but
 * by a key nobody vouched for — anyone can make such a packet.
 */
export type PacketVerdict =
  { kind: 'trusted'; fingerprint: string; signerName: string; trustedAs: 'this-installation' | 'trust-list' | 'pinned-key' } | { kind: 'signer-unknown'; fingerprint: string } | { kind: 'not-intact'; file: string; problem: string };

/**
 * What a packet's signed manifest states about its completeness, as verify reads it: nothing (made
 * before packets carried coverage), unreadable, or the coverage summary, control totals, case and filter.
 */
export type PacketCompletenessView =
  | { kind: 'not-stated' }
  | { kind: 'unreadable' }
  | {
      kind: 'stated';
      records: number;
      /** Records not fetched completely, with the reason the packet gives. */
      incomplete: Array<{ record: string; reason: string }>;
      events: number;
      fieldChanges: number;
      /** The coverage rows, control totals and counts agree on the number of events. */
      totalsAgree: boolean;
      case: { reference: string | null; purpose: string | null; reviewer: string | null } | null;
      /** The filter in words; null = every event of the records. */
      filter: string | null;
      viewName: string | null;
    };

export interface PacketVerificationView {
  verdict: PacketVerdict;
  /** What the manifest states about completeness; rely on it only as far as the verdict allows. */
  completeness: PacketCompletenessView;
  files: Array<{ name: string; ok: boolean; problem: string | null }>;
  /** The key that signed the manifest (as stated in it), when readable. */
  signerFingerprint: string | null;
  /** Who the manifest says signed; trust it only as far as the verdict does. */
  signer: PacketSignerView | null;
  createdAt: string | null;
  generatedBy: string | null;
  /** What the manifest states about review work (issue 14; additive): counts, sign-offs, the review log's chain as verify recomputed it. */
  review?: PacketReviewView;
}

/**
 * A packet's review section as verify reads it: absent (made before packets carried it), unreadable,
 * or stated — the exported events' review counts, the sign-offs covering them and the review log's
 * chain recomputed from its entries (`intact: false` names the first entry that does not match).
 */
export type PacketReviewView = { kind: 'not-stated' } | { kind: 'unreadable'; reason: string } | { kind: 'stated'; counts: ReviewProgress; signOffs: SignOffView[]; chain: ReviewLogChainView; entriesWithPayload: number };

/** A packet file main holds for the renderer (chosen in a dialog, or uploaded in browser mode); the path never reaches the renderer. */
export interface ChosenPacketView {
  fileToken: string;
  name: string;
}

const fingerprintInputSchema = z.string().trim().min(1).max(200);
const fileTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/);

// ---------------------------------------------------------------------------------------------
// Channel declarations
// ---------------------------------------------------------------------------------------------

const noInput = z.object({}).strict();

/** Declares a request channel. Curried so the output type is written and the input inferred. */
function request<Output>() {
  return <Input extends z.ZodType>(input: Input) => ({ kind: 'request' as const, input, output: undefined as unknown as Output });
}
/** Declares a pushed event channel with its payload type. */
function event<Payload>() {
  return { kind: 'event' as const, payload: undefined as unknown as Payload };
}

export const requestChannels = {
  'app:versions': request<AppVersions>()(noInput),
  /** Versions, OS, settings, policy summary, cache stats and the last log lines, for a support ticket. */
  'app:diagnostics': request<DiagnosticsView>()(noInput),
  /** The admin policy: locked fields, switches, pre-trusted signers, problems, file. */
  'policy:view': request<AdminPolicyView>()(noInput),
  /** The update state (desktop app; elsewhere `not-configured`). */
  'updates:status': request<UpdateStatusView>()(noInput),
  /** Asks the feed now; on a metered or unknown connection a found update waits for consent. */
  'updates:check': request<UpdateStatusView>()(noInput),
  /** The user's consent to download the update found (the only way a download starts on a metered/unknown connection). */
  'updates:download': request<UpdateStatusView>()(noInput),
  /** Quits and installs the downloaded update (it installs on the next quit anyway). */
  'updates:install': request<UpdateStatusView>()(noInput),
  'settings:get': request<Settings>()(noInput),
  'settings:update': request<Settings>()(settingsPatchSchema),
  /** The zone every view uses now (the setting resolved; `org` = the zone read from Zoho at sign-in). */
  'settings:time-zone': request<ResolvedTimeZoneView>()(noInput),
  'auth:defaults': request<ConnectDefaults>()(noInput),
  'auth:status': request<ConnectionStatusView>()(noInput),
  /** Opens the system browser at Zoho and waits (up to 5 min) for the loopback redirect. */
  'auth:connect': request<ConnectionStatusView>()(connectInputSchema),
  /** Starts the bundled Zoho-compatible demo workspace and connects to it through the same flow. */
  'auth:connect-demo': request<ConnectionStatusView>()(noInput),
  'auth:cancel': request<{ cancelled: boolean }>()(noInput),
  /** Linux without a keyring: protect secrets with this passphrase (checked against a stored connection, if any). */
  'auth:use-passphrase': request<ConnectionStatusView>()(usePassphraseInputSchema),
  /** credentialsUnreadable: the stored credentials could not be decrypted (so nothing was revoked at Zoho); they were erased anyway. */
  'auth:disconnect': request<DisconnectResultView>()(noInput),
  /** Whether the demo workspace's server is running; taking it offline shows the app working from its cache. */
  'demo:status': request<DemoStatus>()(noInput),
  'demo:set-online': request<DemoStatus>()(z.object({ online: z.boolean() }).strict()),
  'records:overview': request<RecordsOverview>()(noInput),
  'records:add': request<AddRecordsResult>()(addRecordsInputSchema),
  'records:remove': request<{ removed: number }>()(z.object({ records: z.array(recordKeySchema).min(1).max(100_000) }).strict()),
  /** Adds every record of a module (needs the connection). */
  'records:add-module': request<AddRecordsResult>()(z.object({ module: moduleNameSchema }).strict()),
  'sync:start': request<{ runId: string }>()(syncStartInputSchema),
  /** Continues the last interrupted run (killed, cancelled). */
  'sync:resume': request<{ runId: string } | null>()(noInput),
  'sync:cancel': request<{ cancelled: boolean }>()(noInput),
  /** The current (or last) sync run's progress; live updates arrive as the `sync:progress` event. */
  'sync:status': request<SyncProgressView | null>()(noInput),
  'timeline:record': request<{ total: number; events: TimelineEventView[] }>()(timelineQueryInputSchema),
  /** Starts an export in the background; progress arrives as `export:progress`. */
  'export:start': request<{ exportId: string }>()(exportStartInputSchema),
  'export:cancel': request<{ cancelled: boolean }>()(noInput),
  /** The current or last export's progress (a screen opened after it started, or after it failed, shows it). */
  'export:status': request<ExportProgressView | null>()(noInput),
  'export:history': request<ExportHistoryEntry[]>()(noInput),
  'export:signing-key': request<SigningKeyView>()(noInput),
  /** Shows an export's file in the system file manager (desktop app); answers its path either way. */
  'export:reveal': request<{ path: string; revealed: boolean }>()(z.object({ exportId: z.string().uuid() }).strict()),
  /** Asks main to let the user choose a packet file (desktop app: the system dialog); null when cancelled. */
  'export:choose-packet': request<ChosenPacketView | null>()(noInput),
  /** Verifies a packet against the trust list: one from the history, or a file chosen/uploaded before (its token). */
  'export:verify': request<PacketVerificationView>()(z.union([z.object({ exportId: z.string().uuid() }).strict(), z.object({ fileToken: fileTokenSchema }).strict()])),
  'trust:list': request<TrustedSignerView[]>()(noInput),
  'trust:add': request<TrustedSignerView[]>()(z.object({ fingerprint: fingerprintInputSchema, name: z.string().trim().min(1, 'give the signer a name').max(120) }).strict()),
  'trust:remove': request<TrustedSignerView[]>()(z.object({ fingerprint: fingerprintInputSchema }).strict()),
  // ---- Review ----
  /** A window of table rows for the filter, sorted. */
  'review:page': request<{ rows: ReviewRow[] }>()(reviewPageInputSchema),
  'review:summary': request<ReviewSummary>()(reviewQueryInputSchema),
  'review:heatmaps': request<ReviewHeatmaps>()(reviewQueryInputSchema),
  /** Values the filter builder offers (users, sources, fields …) and flag counts. */
  'review:facets': request<ReviewFacets>()(noInput),
  'review:event': request<ReviewEventDetail>()(z.object({ eventId: eventIdSchema, timeZone: timeZoneNameSchema }).strict()),
  /** Zoho's object for the event exactly as stored. */
  'review:raw': request<{ raw: string }>()(z.object({ eventId: eventIdSchema }).strict()),
  'review:record-state': request<RecordStateView>()(recordStateInputSchema),
  'review:add-note': request<ReviewNote>()(z.object({ eventId: eventIdSchema, text: z.string().trim().min(1, 'write a note').max(5000), tag: z.string().trim().min(1).max(40).nullable() }).strict()),
  'review:delete-note': request<{ deleted: boolean }>()(z.object({ id: z.number().int().min(1) }).strict()),
  'review:saved-filters': request<SavedFilter[]>()(noInput),
  'review:save-filter': request<SavedFilter[]>()(z.object({ name: z.string().trim().min(1, 'give the filter a name').max(80), filter: localFilterSchema }).strict()),
  'review:delete-filter': request<SavedFilter[]>()(z.object({ name: z.string().min(1).max(80) }).strict()),
  'review:rules': request<FlagRules>()(noInput),
  /** Saves the rules and recomputes every event's flags. */
  'review:set-rules': request<{ rules: FlagRules; flagged: number }>()(flagRulesSchema),
  'review:preferences': request<ReviewPreferences>()(noInput),
  'review:set-preferences': request<ReviewPreferences>()(reviewPreferencesSchema),
  /** Validates and encodes a Zoho `filters` parameter (the documented grammar only). */
  'review:zoho-filter': request<{ json: string; encoded: string }>()(zohoFilterModelSchema),
  /** Sets the review state of some events (the keyboard's mark-and-advance); answers the filter's progress after it. */
  'review:mark': request<{ marked: number; progress: ReviewProgress }>()(reviewMarkInputSchema),
  /** Sets the review state of every event the filter matches, after a confirm that showed `expectedEvents`. */
  'review:mark-filtered': request<{ marked: number; progress: ReviewProgress }>()(reviewMarkFilteredInputSchema),
  'review:progress': request<ReviewProgress>()(reviewQueryInputSchema),
  /** Progress of each saved view and each tracked record. */
  'review:progress-overview': request<ReviewProgressOverview>()(z.object({ timeZone: timeZoneNameSchema }).strict()),
  'review:sign-off': request<SignOffView>()(signOffInputSchema),
  'review:sign-offs': request<SignOffView[]>()(noInput),
  /** The newest review-log entries (before `beforeSeq`, when given) and whether the whole chain is intact. */
  'review:log': request<{ entries: ReviewLogEntryView[]; chain: ReviewLogChainView }>()(z.object({ beforeSeq: z.number().int().min(2).nullable(), limit: z.number().int().min(1).max(500) }).strict()),
} as const;

export const eventChannels = {
  'settings:changed': event<Settings>(),
  'updates:status-changed': event<UpdateStatusView>(),
  /** An application-menu item the renderer carries out (About dialog, licenses, Settings screen). */
  'app:menu-command': event<{ command: 'about' | 'licenses' | 'settings' }>(),
  'auth:status-changed': event<ConnectionStatusView>(),
  /** The sign-in page the app asked the system browser to open (shown too, in case it did not open). */
  'auth:authorization-url': event<{ url: string }>(),
  'sync:progress': event<SyncProgressView>(),
  'export:progress': event<ExportProgressView>(),
  /** Tracked records or their freshness changed (a sync wrote, records were added). */
  'records:changed': event<Record<string, never>>(),
} as const;

export type RequestChannel = keyof typeof requestChannels;
export type EventChannel = keyof typeof eventChannels;
export type RequestInput<C extends RequestChannel> = z.input<(typeof requestChannels)[C]['input']>;
export type ParsedRequestInput<C extends RequestChannel> = z.output<(typeof requestChannels)[C]['input']>;
export type RequestOutput<C extends RequestChannel> = (typeof requestChannels)[C]['output'];
export type EventPayload<E extends EventChannel> = (typeof eventChannels)[E]['payload'];

export const requestChannelNames = Object.keys(requestChannels) as RequestChannel[];

export function isRequestChannel(name: unknown): name is RequestChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestChannels, name);
}
export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventChannels, name);
}

/** The single Electron IPC channel on which main pushes every event ({ channel, payload }). */
export const EVENT_ENVELOPE_CHANNEL = 'auditor:event';

export interface EventEnvelope<E extends EventChannel = EventChannel> {
  channel: E;
  payload: EventPayload<E>;
}

/** What `window.auditor` is, in both shells. Errors come back as values, never as exceptions. */
export interface AuditorApi {
  invoke<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<IpcResult<RequestOutput<C>>>;
  on<E extends EventChannel>(channel: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Browser mode only (there is no file dialog main could open): streams a packet file the user
   * picked to the host, which keeps it in a private temporary file and answers its token.
   */
  uploadPacket?: (file: Blob, name: string) => Promise<IpcResult<ChosenPacketView>>;
}

/** Where browser mode uploads a packet to verify (raw body; the host caps its size). */
export const PACKET_UPLOAD_PATH = '/__auditor/upload/packet';
/** The largest packet verify opens (see main/export/verify.ts): a zip without zip64 cannot be larger. */
export const MAX_PACKET_BYTES = 4 * 1024 ** 3;
