/**
 * events.json: Zoho's event objects exactly as received (JSON.stringify of what JSON.parse produced —
 * same keys, key order and values), streamed in order, followed by sibling structures: whose timeline
 * each event came from, and the reviewer's flags and notes.
 *
 * {"format":"timeline-auditor.events/1",
 *  "events":[<raw>, …],
 *  "owners":[{"module":"Leads","recordId":"…"}, …],        distinct owner records
 *  "eventOwners":[0, 0, 1, …],                               index into owners, one per event
 *  "reviews":[{"eventIndex":3,"eventId":"…","flags":[…],"notes":[…]}]}   only events with flags or notes
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ExportEvent, ReviewerNote } from './types.js';
import { discardStream } from './values.js';

export const EVENTS_JSON_FORMAT = 'timeline-auditor.events/1';

export interface EventsJsonDocument {
  format: string;
  events: unknown[];
  owners: Array<{ module: string; recordId: string }>;
  eventOwners: number[];
  reviews: Array<{ eventIndex: number; eventId: string; flags: string[]; notes: ReviewerNote[] }>;
}

/** Incremental writer, so the packet can write events.json and events.csv in one pass over the events. */
export class EventsJsonWriter {
  private count = 0;
  private readonly owners = new Map<string, number>();
  private readonly ownerList: Array<{ module: string; recordId: string }> = [];
  private readonly eventOwners: number[] = [];
  private readonly reviews: EventsJsonDocument['reviews'] = [];

  constructor(private readonly out: Writable) {}

  async start(): Promise<void> {
    await this.write(`{"format":${JSON.stringify(EVENTS_JSON_FORMAT)},"events":[`);
  }

  async add(event: ExportEvent): Promise<void> {
    await this.write(`${this.count === 0 ? '\n' : ',\n'}${JSON.stringify(event.entry.raw)}`);
    const ownerKey = `${event.owner.module}/${event.owner.recordId}`;
    let ownerIndex = this.owners.get(ownerKey);
    if (ownerIndex === undefined) {
      ownerIndex = this.ownerList.length;
      this.owners.set(ownerKey, ownerIndex);
      this.ownerList.push({ module: event.owner.module, recordId: event.owner.recordId });
    }
    this.eventOwners.push(ownerIndex);
    if (event.flags.length > 0 || event.notes.length > 0) {
      this.reviews.push({ eventIndex: this.count, eventId: event.entry.event.id, flags: [...event.flags], notes: event.notes.map((note) => ({ ...note })) });
    }
    this.count += 1;
  }

  async finish(): Promise<void> {
    await this.write(`\n],\n"owners":${JSON.stringify(this.ownerList)},\n"eventOwners":[`);
    for (let start = 0; start < this.eventOwners.length; start += 10_000) {
      await this.write(`${start === 0 ? '' : ','}${this.eventOwners.slice(start, start + 10_000).join(',')}`);
    }
    await this.write(`],\n"reviews":[`);
    for (let index = 0; index < this.reviews.length; index += 1) await this.write(`${index === 0 ? '\n' : ',\n'}${JSON.stringify(this.reviews[index])}`);
    await this.write(`\n]}\n`);
    this.out.end();
    await once(this.out, 'finish');
  }

  /** Closes the file without finishing the document (a cancelled or failed export). */
  abort(): void {
    discardStream(this.out);
  }

  private async write(text: string): Promise<void> {
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
}
