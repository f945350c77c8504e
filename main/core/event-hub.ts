import type { EventChannel, EventEnvelope, EventPayload } from '../../preload/contract.js';

export type EventListener = (envelope: EventEnvelope) => void;

/**
 * Where services publish pushed events (progress, status). The Electron adapter forwards them to
 * every window; the loopback host streams them to its browser clients.
 */
export class EventHub {
  readonly #listeners = new Set<EventListener>();

  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void {
    const envelope = { channel, payload } as EventEnvelope;
    for (const listener of this.#listeners) listener(envelope);
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
