/** A counting semaphore: `acquire` waits for a free slot (first come, first served). Bounds the page writes in flight. */
export class Slots {
  #free: number;
  readonly #waiters: Array<() => void> = [];
  /** Most slots ever held at once (for tests and the bench). */
  peakHeld = 0;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('a slot count must be a whole number of at least 1');
    this.#free = size;
  }

  get held(): number {
    return this.size - this.#free;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      if (this.held > this.peakHeld) this.peakHeld = this.held;
      return;
    }
    // Woken by release(), which hands its slot straight over (so no later caller can take it first).
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next !== undefined) next();
    else this.#free += 1;
  }
}
