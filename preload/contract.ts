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

export interface AppVersions {
  name: string;
  productName: string;
  version: string;
  /** 'electron' in the desktop app, 'browser' when served by the loopback host (tests, development). */
  shell: 'electron' | 'browser';
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

export const DATA_CENTRE_IDS = ['us', 'eu', 'in', 'au', 'jp', 'cn', 'ca', 'sa'] as const;
export const dataCentreSchema = z.enum(DATA_CENTRE_IDS);
export type DataCentreId = z.infer<typeof dataCentreSchema>;

/** The Zoho connection as the UI shows it; never carries a token or the client secret. */
export interface ConnectionStatusView {
  state: 'connected' | 'broken' | 'disconnected';
  brokenReason: string | null;
  user: { id: string | null; name: string | null; email: string | null } | null;
  orgId: string | null;
  dataCentre: DataCentreId | null;
  accountsServer: string | null;
  apiDomain: string | null;
  /** ms since the epoch; refreshing is automatic. */
  expiresAt: number | null;
  scopes: string[];
  /** What protects stored secrets; 'safeStorage-basic_text' means effectively unprotected (Linux without a keyring). */
  cipherKind: 'safeStorage' | 'safeStorage-basic_text' | 'aes-256-gcm-scrypt';
  /** Connected to the bundled demo workspace rather than a real Zoho org. */
  demo: boolean;
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
}

const scopeSchema = z.string().regex(/^[A-Za-z0-9_.]+$/, 'a Zoho scope looks like ZohoCRM.modules.READ').max(100);

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

// ---- Records and sync -----------------------------------------------------------------------

const moduleNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'a module API name such as Leads or Deals');
const recordIdSchema = z.string().regex(/^[0-9]{1,25}$/, 'a Zoho record id is digits only');
export const recordKeySchema = z.object({ module: moduleNameSchema, recordId: recordIdSchema }).strict();
export type RecordKeyView = z.infer<typeof recordKeySchema>;

export interface RecordRow extends RecordKeyView {
  name: string | null;
  freshness: 'never' | 'syncing' | 'fresh' | 'stale' | 'failed';
  eventCount: number;
  newestAuditedTime: string | null;
  lastSyncedAt: number | null;
  lastError: { code: string; message: string } | null;
  /** An interrupted sync can continue from where it stopped. */
  resumable: boolean;
}

export interface CacheStats {
  events: number;
  records: number;
  users: number;
  fileBytes: number;
}

export interface RecordsOverview {
  records: RecordRow[];
  cache: CacheStats;
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
  eventsWritten: number;
  pagesFetched: number;
  requestsPerSecond: number;
  eventsPerSecond: number;
  etaMs: number | null;
  currentConcurrency: number;
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

export interface TimelineEventView {
  eventId: string;
  auditedTime: string;
  action: string;
  source: string | null;
  doneBy: { id: string; name: string | null };
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
  'settings:get': request<Settings>()(noInput),
  'settings:update': request<Settings>()(settingsPatchSchema),
  'auth:defaults': request<ConnectDefaults>()(noInput),
  'auth:status': request<ConnectionStatusView>()(noInput),
  /** Opens the system browser at Zoho and waits (up to 5 min) for the loopback redirect. */
  'auth:connect': request<ConnectionStatusView>()(connectInputSchema),
  /** Starts the bundled Zoho-compatible demo workspace and connects to it through the same flow. */
  'auth:connect-demo': request<ConnectionStatusView>()(noInput),
  'auth:cancel': request<{ cancelled: boolean }>()(noInput),
  'auth:disconnect': request<{ wasConnected: boolean; revoked: boolean; revokeError: string | null }>()(noInput),
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
  'sync:progress': request<SyncProgressView | null>()(noInput),
  'timeline:record': request<{ total: number; events: TimelineEventView[] }>()(timelineQueryInputSchema),
} as const;

export const eventChannels = {
  'settings:changed': event<Settings>(),
  /** An application-menu item the renderer carries out (About dialog, licenses, Settings screen). */
  'app:menu-command': event<{ command: 'about' | 'licenses' | 'settings' }>(),
  'auth:status-changed': event<ConnectionStatusView>(),
  /** The sign-in page the app asked the system browser to open (shown too, in case it did not open). */
  'auth:authorization-url': event<{ url: string }>(),
  'sync:progress': event<SyncProgressView>(),
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
export const eventChannelNames = Object.keys(eventChannels) as EventChannel[];

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
}
