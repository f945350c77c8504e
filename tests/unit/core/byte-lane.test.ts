/** The byte lane: what the producer commits is what the consumer reads, in order, however the ring wraps; room comes back only when released. */
import { describe, expect, it } from 'vitest';
import { ByteLaneConsumer, ByteLaneProducer, createByteLane, type LaneSlot } from '../../../main/core/byte-lane.js';

describe('ByteLane', () => {
  it('hands over every message intact while the ring wraps many times', () => {
    const buffers = createByteLane(1000);
    const producer = new ByteLaneProducer(buffers);
    const consumer = new ByteLaneConsumer(buffers);
    const inFlight: Array<{ slot: LaneSlot; expected: Uint8Array }> = [];
    let state = 7;
    const next = (limit: number): number => (state = (state * 48271) % 2147483647) % limit;
    let delivered = 0;
    for (let round = 0; round < 2000; round += 1) {
      const length = 1 + next(300);
      const reserved = producer.reserve(length + 50); // more than needed: commit gives the rest back
      if (reserved === 'full') {
        const oldest = inFlight.shift()!;
        expect(Buffer.from(consumer.view(oldest.slot)).equals(Buffer.from(oldest.expected))).toBe(true);
        consumer.release(oldest.slot);
        delivered += 1;
        continue;
      }
      expect(reserved).not.toBe('too-large');
      const slot = reserved as LaneSlot;
      const bytes = Uint8Array.from({ length }, () => next(256));
      producer.view(slot).set(bytes);
      inFlight.push({ slot: producer.commit(length), expected: bytes });
    }
    for (const { slot, expected } of inFlight) {
      expect(Buffer.from(consumer.view(slot)).equals(Buffer.from(expected))).toBe(true);
      consumer.release(slot);
    }
    expect(delivered).toBeGreaterThan(100);
    // Everything released: the whole ring is free again, wherever the last slot ended.
    expect(producer.reserve(1000)).toMatchObject({ offset: 0, length: 1000, span: 1000 });
  });

  it('says full until the consumer releases, too-large for more than the ring, and wakes a waiting producer', async () => {
    const buffers = createByteLane(100);
    const producer = new ByteLaneProducer(buffers);
    const consumer = new ByteLaneConsumer(buffers);
    expect(producer.reserve(101)).toBe('too-large');
    expect(producer.reserve(60)).toMatchObject({ offset: 0 });
    const first = producer.commit(60);
    expect(producer.reserve(30)).toMatchObject({ offset: 60 });
    const second = producer.commit(30);
    expect(producer.reserve(50)).toBe('full'); // 10 left at the end, none at the front
    let woken = false;
    const waiting = producer.released().then(() => (woken = true));
    await Promise.resolve();
    expect(woken).toBe(false);
    consumer.release(first);
    await waiting;
    expect(woken).toBe(true);
    // Contiguous: the 10-byte tail is skipped, and counts as in use until this slot is released.
    expect(producer.reserve(50)).toEqual({ offset: 0, length: 50, span: 60 });
    expect(() => producer.reserve(1)).toThrow(/still open/);
    const third = producer.commit(10); // 40 of the 50 given back
    expect(third).toEqual({ offset: 0, length: 10, span: 20 });
    expect(producer.reserve(51)).toBe('full'); // 50 in use: the second slot, the 10 written and the tail skipped
    consumer.release(second);
    consumer.release(third);
    expect(producer.reserve(100)).toEqual({ offset: 0, length: 100, span: 100 });
  });

  it('wakes a producer whose last slot in flight was released between its full reserve and its wait', async () => {
    const buffers = createByteLane(100);
    const producer = new ByteLaneProducer(buffers);
    const consumer = new ByteLaneConsumer(buffers);
    producer.reserve(80);
    const only = producer.commit(80);
    expect(producer.reserve(50)).toBe('full');
    consumer.release(only); // nothing else in flight: the count never changes again
    let woken = false;
    await Promise.race([producer.released().then(() => (woken = true)), new Promise((resolve) => setTimeout(resolve, 200))]);
    expect(woken).toBe(true);
    expect(producer.reserve(50)).toMatchObject({ offset: 0, length: 50 });
  });
});
