import { describe, expect, it } from 'vitest';
import type { Clock } from '../../../main/core/clock.js';
import { AdaptiveConcurrency } from '../../../main/sync/adaptive-concurrency.js';

class ManualClock implements Clock {
  time = 1_000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  }
}

/** Fills the window (as many requests in flight as it allows), then lets them all succeed: how many. */
async function succeedFilled(window: AdaptiveConcurrency): Promise<number> {
  const tickets = await Promise.all(Array.from({ length: window.limit }, () => window.acquire()));
  for (const ticket of tickets) window.release(ticket, 'success');
  return tickets.length;
}

describe('AdaptiveConcurrency (AIMD)', () => {
  it('halves once per burst of 429s and grows back by about one per window of successes', async () => {
    const window = new AdaptiveConcurrency({ max: 10, clock: new ManualClock() });
    const tickets = await Promise.all(Array.from({ length: 10 }, () => window.acquire()));
    expect(window.limit).toBe(10);
    // Ten requests issued under the same window are refused: one decrease, not ten.
    for (const ticket of tickets) window.release(ticket, 'rate-limited');
    expect(window.limit).toBe(5);
    expect(window.decreases).toBe(1);
    // 5 successes at window 5 → 6 (the size Zoho refused was 10, far above), the window filled.
    await succeedFilled(window);
    expect(window.limit).toBe(6);
    // A new refusal (issued after the decrease) halves again.
    window.release(await window.acquire(), 'rate-limited');
    expect(window.limit).toBe(3);
    // Just below the last refused size (6) growth is four times slower: 3→4→5 take 3 and 4 successes, 5→6 takes 20.
    let successes = 0;
    while (window.limit < 6) successes += await succeedFilled(window);
    expect(successes).toBe(3 + 4 + 20);
  });

  it('does not grow while fewer requests are wanted than it allows (at the end of a sync)', async () => {
    const window = new AdaptiveConcurrency({ max: 10, initial: 3, clock: new ManualClock() });
    // One request at a time, 100 times: the window of 3 was never filled, so nothing says 4 would do.
    for (let index = 0; index < 100; index += 1) window.release(await window.acquire(), 'success');
    expect(window.limit).toBe(3);
    // Filled once, its successes count again.
    await succeedFilled(window);
    expect(window.limit).toBe(4);
  });

  it('never lets more than the window in flight, and queues the rest', async () => {
    const window = new AdaptiveConcurrency({ max: 2, clock: new ManualClock() });
    const first = await window.acquire();
    await window.acquire();
    let thirdStarted = false;
    const third = window.acquire().then((ticket) => {
      thirdStarted = true;
      return ticket;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(thirdStarted).toBe(false);
    expect(window.active).toBe(2);
    window.release(first, 'success');
    await third;
    expect(thirdStarted).toBe(true);
    expect(window.peakInFlight).toBe(2);
  });

  it('pauses every new request for Retry-After, and abort ends a wait', async () => {
    const clock = new ManualClock();
    const window = new AdaptiveConcurrency({ max: 4, clock });
    window.release(await window.acquire(), 'rate-limited', 5_000);
    await window.acquire();
    expect(clock.sleeps).toEqual([5_000]);

    const full = new AdaptiveConcurrency({ max: 1, clock });
    await full.acquire();
    const controller = new AbortController();
    const waiting = full.acquire(controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
  });
});
