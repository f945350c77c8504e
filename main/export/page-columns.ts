/**
 * A stored page's columns as they cross to the export writer's thread (export-writer.ts).
 *
 * Structured cloning is paid per object and per property name: a page's owners (about one record per
 * event when a million events of 30,000 records are read in time order) and its empty flag and note
 * lists were ~85% of the ~100 µs a page cost to send and receive, ~1 s of two busy threads at a million
 * events. Here the numbers travel in one Float64Array, each owner once per export (the writer keeps
 * the list), and only the events that have flags or notes carry them.
 */
import { checkedPageSize } from './stored-event.js';
import type { ReviewerNote, StoredExportPage } from './types.js';

/** A stored page without its bytes (they travel in the lane). */
export type StoredPageColumns = Omit<StoredExportPage, 'rawJson'>;

export interface PackedPageColumns {
  eventIds: string[];
  /** Audited ms, then owner (index into the owners sent so far), then text end: `eventIds.length` of each. */
  numbers: Float64Array;
  /** Owners not sent before, in the order the writer appends them. */
  newOwners: Array<[module: string, recordId: string]>;
  /** The events with flags or notes (most have neither), by position in the page. */
  annotated: Array<{ index: number; flags: string[]; notes: ReviewerNote[] }>;
}

/** The reader's side: which owners the writer already has. One per export. */
export class PagePacker {
  readonly #sent = new Map<string, number>();
  /** The same owner objects come back page after page (the read's own): found by identity first, without a key string (~0.5 s at a million). */
  readonly #sentObjects = new WeakMap<object, number>();

  pack(page: StoredPageColumns): PackedPageColumns {
    const count = checkedPageSize(page);
    const numbers = new Float64Array(3 * count);
    const newOwners: PackedPageColumns['newOwners'] = [];
    // The page's owners as indexes into the writer's list, each looked up once per page.
    const ownerNumbers = page.owners.map((owner) => {
      let number = this.#sentObjects.get(owner);
      if (number !== undefined) return number;
      const key = `${owner.module}\u0000${owner.recordId}`;
      number = this.#sent.get(key);
      if (number === undefined) {
        number = this.#sent.size;
        this.#sent.set(key, number);
        newOwners.push([owner.module, owner.recordId]);
      }
      this.#sentObjects.set(owner, number);
      return number;
    });
    const annotated: PackedPageColumns['annotated'] = [];
    for (let index = 0; index < count; index += 1) {
      numbers[index] = page.auditedAtMs[index] as number;
      // An index outside the page's owners stays outside (NaN): the writer's storedEventsOf refuses it.
      numbers[count + index] = ownerNumbers[page.ownerIndex[index] as number] ?? Number.NaN;
      numbers[2 * count + index] = page.rawJsonEnds[index] as number;
      const flags = page.flags[index];
      const notes = page.notes[index];
      if ((flags !== undefined && flags.length > 0) || (notes !== undefined && notes.length > 0)) annotated.push({ index, flags: flags ?? [], notes: notes ?? [] });
    }
    return { eventIds: page.eventIds, numbers, newOwners, annotated };
  }
}

const NONE: readonly never[] = Object.freeze([]);

/** The writer's side: the owners received so far. One per export. */
export class PageUnpacker {
  readonly #owners: Array<{ module: string; recordId: string }> = [];

  unpack(packed: PackedPageColumns): StoredPageColumns {
    for (const [module, recordId] of packed.newOwners) this.#owners.push({ module, recordId });
    const count = packed.eventIds.length;
    const numbers = packed.numbers;
    const auditedAtMs = new Array<number>(count);
    const ownerIndex = new Array<number>(count);
    const rawJsonEnds = new Array<number>(count);
    for (let index = 0; index < count; index += 1) {
      auditedAtMs[index] = numbers[index] as number;
      ownerIndex[index] = numbers[count + index] as number;
      rawJsonEnds[index] = numbers[2 * count + index] as number;
    }
    // Events without flags or notes share one frozen empty list (nothing appends to an event's lists).
    const flags = new Array<string[]>(count).fill(NONE as never[]);
    const notes = new Array<ReviewerNote[]>(count).fill(NONE as never[]);
    for (const entry of packed.annotated) {
      flags[entry.index] = entry.flags;
      notes[entry.index] = entry.notes;
    }
    return { eventIds: packed.eventIds, auditedAtMs, owners: this.#owners, ownerIndex, flags, notes, rawJsonEnds };
  }
}
