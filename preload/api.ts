import { isEventChannel, isRequestChannel, type AuditorApi, type ChosenPacketView, type EventChannel, type EventEnvelope, type IpcResult } from './contract.js';

/** How a shell moves requests and events: Electron IPC in the app, HTTP on loopback in browser mode. */
export interface AuditorTransport {
  invoke(channel: string, input: unknown): Promise<IpcResult<unknown>>;
  /** Called once; every event envelope main pushes goes to `deliver`. */
  listen(deliver: (envelope: EventEnvelope) => void): void;
  /** Browser mode: streams a packet file to the host (the desktop app opens a dialog in main instead). */
  uploadPacket?: (file: Blob, name: string) => Promise<IpcResult<ChosenPacketView>>;
}

/**
 * Builds `window.auditor` on a transport: exactly the contract's channels, nothing else. Unknown
 * channels are refused here too, so no renderer code can reach an undeclared IPC channel.
 */
export function createAuditorApi(transport: AuditorTransport): AuditorApi {
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  transport.listen((envelope) => {
    if (!isEventChannel(envelope.channel)) return;
    for (const listener of listeners.get(envelope.channel) ?? []) listener(envelope.payload);
  });
  const api: AuditorApi = {
    invoke: async (channel, input) => {
      if (!isRequestChannel(channel)) {
        return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `There is no request channel named ${String(channel)}.` } };
      }
      // The output type is the contract's promise about the handler; main produced it.
      return (await transport.invoke(channel, input)) as never;
    },
    on: (channel, listener) => {
      if (!isEventChannel(channel)) throw new Error(`There is no event channel named ${String(channel)}.`);
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      const untyped = listener as (payload: unknown) => void;
      set.add(untyped);
      return () => set.delete(untyped);
    },
    ...(transport.uploadPacket === undefined ? {} : { uploadPacket: transport.uploadPacket }),
  };
  return api;
}
