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
} as const;

export const eventChannels = {
  'settings:changed': event<Settings>(),
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
