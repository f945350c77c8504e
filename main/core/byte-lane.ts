/**
 * Bytes handed from one thread to another through a ring in a SharedArrayBuffer: one producer
 * reserves room, fills it and sends the slot (offset, length) in a message; the one consumer reads
 * the bytes in place and releases the slot when done. Messages keep the order, so the only shared
 * state is how many bytes are in use.
 *
 * Why not a buffer per hand-over (moved with postMessage's transfer list): every ArrayBuffer counts
 * against the receiving thread's heap limits, and V8 ran a full mark-compact every ~50 ms on the
 * export writer's small heap — 220 of them, ~4 s, at a million events — for garbage that was never
 * on its heap. A ring is allocated once.
 */

/** Where a producer's bytes are: `span` is what they hold in the ring (a tail skipped to keep them contiguous included). */
export interface LaneSlot {
  offset: number;
  length: number;
  span: number;
}

/** What both sides are given: the ring and its counter (bytes in use). */
export interface ByteLaneBuffers {
  data: SharedArrayBuffer;
  control: SharedArrayBuffer;
}

const USED = 0;

export function createByteLane(capacity: number): ByteLaneBuffers {
  return { data: new SharedArrayBuffer(Math.max(1, Math.trunc(capacity))), control: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT) };
}

/** The producer's side (one per lane). */
export class ByteLaneProducer {
  readonly #bytes: Uint8Array;
  readonly #used: Int32Array;
  #position = 0;
  #open: LaneSlot | undefined;
  /** Bytes in use when `reserve` last said 'full': `released()` waits for a change from exactly this. */
  #usedWhenFull = 0;

  constructor(buffers: ByteLaneBuffers) {
    this.#bytes = new Uint8Array(buffers.data);
    this.#used = new Int32Array(buffers.control);
  }

  get capacity(): number {
    return this.#bytes.length;
  }

  /**
   * Room for up to `length` contiguous bytes, or 'full' when the consumer has not released enough
   * yet (wait with `released()`), or 'too-large' when the ring can never hold them. `commit` says how
   * many were written; until then nothing else may be reserved.
   */
  reserve(length: number): LaneSlot | 'full' | 'too-large' {
    if (this.#open !== undefined) throw new Error('ByteLaneProducer: a slot is still open');
    const capacity = this.#bytes.length;
    if (length > capacity) return 'too-large';
    // Nothing in flight: start again at the front, so that anything up to the whole ring fits (were
    // the position left mid-ring, a long slot would need more than the ring and wait forever).
    if (Atomics.load(this.#used, USED) === 0) this.#position = 0;
    const fits = this.#position + length <= capacity;
    const offset = fits ? this.#position : 0;
    const span = fits ? length : capacity - this.#position + length;
    // The consumer only ever lowers the count, so room seen here is still there when taken.
    const used = Atomics.load(this.#used, USED);
    if (used + span > capacity) {
      this.#usedWhenFull = used;
      return 'full';
    }
    Atomics.add(this.#used, USED, span);
    this.#open = { offset, length, span };
    return this.#open;
  }

  /** The bytes of a reserved slot, to fill. */
  view(slot: LaneSlot): Uint8Array {
    return this.#bytes.subarray(slot.offset, slot.offset + slot.length);
  }

  /** Ends the open slot with `written` of its bytes used (the rest goes back to the ring): the slot to send. */
  commit(written: number): LaneSlot {
    const open = this.#open;
    if (open === undefined || written < 0 || written > open.length) throw new Error('ByteLaneProducer: commit without a matching reserve');
    this.#open = undefined;
    Atomics.sub(this.#used, USED, open.length - written);
    const end = open.offset + written;
    this.#position = end === this.#bytes.length ? 0 : end;
    return { offset: open.offset, length: written, span: open.span - (open.length - written) };
  }

  /**
   * Resolves when the consumer has released bytes since `reserve` said 'full' — at once if it already
   * has. (Waiting for a change from the count read now would miss a release that came in between:
   * were it the last slot in flight, nothing would ever change the count again.)
   */
  released(): Promise<unknown> {
    const wait = Atomics.waitAsync(this.#used, USED, this.#usedWhenFull);
    return wait.async ? wait.value : Promise.resolve();
  }
}

/** The consumer's side. */
export class ByteLaneConsumer {
  readonly #bytes: Uint8Array;
  readonly #used: Int32Array;

  constructor(buffers: ByteLaneBuffers) {
    this.#bytes = new Uint8Array(buffers.data);
    this.#used = new Int32Array(buffers.control);
  }

  /** A slot's bytes, in place: valid until the slot is released. */
  view(slot: LaneSlot): Uint8Array {
    return this.#bytes.subarray(slot.offset, slot.offset + slot.length);
  }

  /** Gives a slot's room back to the producer (its bytes may be overwritten from now on). */
  release(slot: LaneSlot): void {
    Atomics.sub(this.#used, USED, slot.span);
    Atomics.notify(this.#used, USED);
  }
}
