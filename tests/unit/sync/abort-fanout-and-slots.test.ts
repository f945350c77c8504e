import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AbortFanout } from '../../../main/sync/abort-fanout.js';
import { Slots } from '../../../main/sync/slots.js';

describe('AbortFanout', () => {
  it('listens once on the parent however many children, and aborts every live child with its reason', () => {
    const parent = new AbortController();
    const fanout = new AbortFanout(parent.signal);
    const children = Array.from({ length: 50 }, () => fanout.child());
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(1);
    const disposed = children[0]!;
    disposed.dispose();
    const reason = new Error('stop');
    parent.abort(reason);
    expect(children.slice(1).every((child) => child.signal?.aborted === true && child.signal.reason === reason)).toBe(true);
    expect(disposed.signal?.aborted).toBe(false);
    // A child made after the abort is born aborted.
    expect(fanout.child().signal?.aborted).toBe(true);
  });

  it('close() removes its listener; no parent means no signal at all', () => {
    const parent = new AbortController();
    const fanout = new AbortFanout(parent.signal);
    fanout.close();
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
    expect(new AbortFanout(undefined).child().signal).toBeUndefined();
  });
});

describe('Slots', () => {
  it('never lets more than its size be held, hands a freed slot to the first waiter, and records the peak', async () => {
    const slots = new Slots(2);
    await slots.acquire();
    await slots.acquire();
    const order: string[] = [];
    const first = slots.acquire().then(() => order.push('first'));
    const second = slots.acquire().then(() => order.push('second'));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(slots.held).toBe(2);
    slots.release();
    await first;
    expect(order).toEqual(['first']);
    expect(slots.held).toBe(2);
    // A newcomer does not overtake the one already waiting.
    const third = slots.acquire().then(() => order.push('third'));
    slots.release();
    await second;
    slots.release();
    await third;
    expect(order).toEqual(['first', 'second', 'third']);
    slots.release();
    slots.release();
    expect(slots.held).toBe(0);
    expect(slots.peakHeld).toBe(2);
    expect(() => new Slots(0)).toThrow(RangeError);
  });
});
