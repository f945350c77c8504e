/**
 * Text gathered as UTF-8 bytes, encoded piece by piece as it arrives (TextEncoder.encodeInto) into
 * buffers of a fixed size.
 *
 * Why not gather a string and let the stream encode it: a batch of ~256 KiB of CSV is a rope of
 * thousands of pieces that V8 first flattens and then, once it holds any character beyond Latin-1
 * (a name with 'ễ' or an emoji), encodes character by character — ~2 s of a million-event CSV's
 * writer thread. encodeInto writes each piece straight into the buffer (~0.3 s for the same text).
 * A buffer handed out is not touched again until it is given back with `recycle` (a stream holds it
 * until the disk has taken it); reusing them keeps ArrayBuffers from piling up for V8 to collect.
 */
const encoder = new TextEncoder();

/** Buffers kept for reuse: a stream holds a few batches at most before it asks the writer to wait. */
const MAX_SPARE = 4;

export class Utf8Chunks {
  readonly #chunkSize: number;
  readonly #ready: Uint8Array[] = [];
  readonly #spare: Uint8Array[] = [];
  #chunk: Uint8Array;
  #used = 0;

  /** `chunkSize`: bytes per buffer (at least 4: a character's UTF-8 never splits across two). */
  constructor(chunkSize: number) {
    this.#chunkSize = Math.max(4, Math.trunc(chunkSize));
    this.#chunk = new Uint8Array(this.#chunkSize);
  }

  add(text: string): void {
    let rest = text;
    for (;;) {
      const { read, written } = encoder.encodeInto(rest, this.#chunk.subarray(this.#used));
      this.#used += written;
      if (read === rest.length) return;
      // The buffer is full (encodeInto stops before a character that does not fit whole).
      rest = rest.slice(read);
      this.#seal();
    }
  }

  /** Bytes already encoded (a page another thread formatted): copied in after what was added before. */
  addBytes(bytes: Uint8Array): void {
    let from = 0;
    while (from < bytes.length) {
      const room = this.#chunkSize - this.#used;
      const take = Math.min(room, bytes.length - from);
      this.#chunk.set(bytes.subarray(from, from + take), this.#used);
      this.#used += take;
      from += take;
      if (this.#used === this.#chunkSize) this.#seal();
    }
  }

  /** Gives back a buffer taken from here once its bytes are no longer needed (written to disk): it is filled again. */
  recycle(bytes: Uint8Array): void {
    if (bytes.buffer.byteLength !== this.#chunkSize || !(bytes.buffer instanceof ArrayBuffer) || this.#spare.length >= MAX_SPARE) return;
    this.#spare.push(new Uint8Array(bytes.buffer));
  }

  /** Whole buffers are waiting to be taken (takeReady). */
  get hasReady(): boolean {
    return this.#ready.length > 0;
  }

  /** The buffers filled so far, in order (the one being filled stays). */
  takeReady(): Uint8Array[] {
    return this.#ready.splice(0, this.#ready.length);
  }

  /** Everything gathered, in order, the part-filled buffer included (as a view of its bytes). */
  takeAll(): Uint8Array[] {
    if (this.#used > 0) this.#seal();
    return this.takeReady();
  }

  #seal(): void {
    this.#ready.push(this.#used === this.#chunkSize ? this.#chunk : this.#chunk.subarray(0, this.#used));
    this.#chunk = this.#spare.pop() ?? new Uint8Array(this.#chunkSize);
    this.#used = 0;
  }
}
