import type { Clock } from '../core/clock.js';

/** A slot held by one request; `epoch` tells which window size it was issued under. */
export interface ConcurrencyTicket {
  readonly epoch: number;
}

export interface AdaptiveConcurrencyOptions {
  /** Upper bound (Zoho's concurrent-call limit for the edition). */
  max: number;
  /** Starting window; default `max`. */
  initial?: number;
  /** Lower bound; default 1. */
  min?: number;
  clock: Clock;
}

/**
 * AIMD window over concurrent requests, as TCP congestion control does: every request that Zoho
 * rejects with 429 halves the window (once per "epoch", so one burst of rejections of requests issued
 * under the same window halves it only once), and each window's worth of successes grows it by one
 * (four times slower just below the size that was last refused) — once the window has been filled at
 * its size: successes while fewer requests are wanted than it allows say nothing about a larger one
 * (TCP's congestion-window validation, RFC 7661), and at the end of a sync the window grew unused.
 * A Retry-After pauses every new request until it has passed, because Zoho's limits are per
 * organisation, not per connection.
 */
export class AdaptiveConcurrency {
  /** Requests allowed in flight (a whole number). */
  private window: number;
  /** Successes since the window last changed. */
  private successes = 0;
  /** The window has been filled (as many in flight as it allows) since it last changed: only then do successes grow it. */
  private filled = false;
  private readonly max: number;
  private readonly min: number;
  private readonly clock: Clock;
  private inFlight = 0;
  private epoch = 0;
  private pausedUntil = 0;
  /** The window at which Zoho last refused: growth near it is four times slower, so probing rarely trips it. */
  private ceiling = Number.POSITIVE_INFINITY;
  private readonly waiters: Array<() => void> = [];
  /** Highest number of requests ever in flight at once (for tests and the bench). */
  peakInFlight = 0;
  decreases = 0;

  constructor(options: AdaptiveConcurrencyOptions) {
    if (!Number.isInteger(options.max) || options.max < 1) throw new RangeError('max concurrency must be a whole number of at least 1');
    this.max = options.max;
    this.min = Math.max(1, Math.min(options.min ?? 1, this.max));
    this.window = Math.min(this.max, Math.max(this.min, Math.floor(options.initial ?? this.max)));
    this.clock = options.clock;
  }

  /** The number of requests currently allowed in flight. */
  get limit(): number {
    return this.window;
  }

  get active(): number {
    return this.inFlight;
  }

  /** Waits for a free slot (and for any Retry-After pause to pass). Rejects with the signal's reason on abort. */
  async acquire(signal?: AbortSignal): Promise<ConcurrencyTicket> {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      const pause = this.pausedUntil - this.clock.now();
      if (pause > 0) {
        await this.clock.sleep(pause, signal);
        continue;
      }
      if (this.inFlight < this.limit) {
        this.inFlight += 1;
        if (this.inFlight >= this.window) this.filled = true;
        if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
        return { epoch: this.epoch };
      }
      await new Promise<void>((resolve, reject) => {
        const wake = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = (): void => {
          const index = this.waiters.indexOf(wake);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(signal?.reason);
        };
        this.waiters.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  /**
   * Gives the slot back. `rate-limited` = Zoho answered 429 (multiplicative decrease, and a pause of
   * `retryAfterMs` if Zoho sent one); `success` grows the window additively; `other` leaves it alone.
   */
  release(ticket: ConcurrencyTicket, outcome: 'success' | 'rate-limited' | 'other', retryAfterMs?: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (outcome === 'success') {
      if (this.window < this.max && this.filled) {
        this.successes += 1;
        const needed = this.window + 1 >= this.ceiling ? this.window * 4 : this.window;
        if (this.successes >= needed) {
          this.window += 1;
          this.successes = 0;
          this.filled = false;
        }
      }
    } else if (outcome === 'rate-limited') {
      if (ticket.epoch === this.epoch) {
        this.ceiling = this.window;
        this.window = Math.max(this.min, Math.floor(this.window / 2));
        this.successes = 0;
        this.filled = this.inFlight >= this.window;
        this.epoch += 1;
        this.decreases += 1;
      }
      if (retryAfterMs !== undefined && retryAfterMs > 0) this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + retryAfterMs);
    }
    this.wake();
  }

  private wake(): void {
    let free = this.limit - this.inFlight;
    while (free > 0 && this.waiters.length > 0) {
      this.waiters.shift()?.();
      free -= 1;
    }
  }
}
