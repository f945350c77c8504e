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
import { finished } from 'node:stream/promises';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { ExportEvent, ReviewerNote } from './types.js';
import { discardStream } from './values.js';
import { drained } from '../core/drained.js';

export const EVENTS_JSON_FORMAT = 'timeline-auditor.events/1';

export interface EventsJsonDocument {
  format: string;
  events: unknown[];
  owners: Array<{ module: string; recordId: string }>;
  eventOwners: number[];
  reviews: Array<{ eventIndex: number; eventId: string; flags: string[]; notes: ReviewerNote[] }>;
}

/**
 * Incremental writer, so the packet can write events.json and events.csv in one pass over the events.
 * The reviews section comes after the events but is known only while they pass: it is written to a
 * side file as it goes and copied in at the end — rule-based flags can mark most events (83% of a
 * million in the sandbox's data), and holding them in memory cost hundreds of MB.
 */
export class EventsJsonWriter {
  private count = 0;
  private reviewCount = 0;
  private readonly owners = new Map<string, number>();
  private readonly ownerList: Array<{ module: string; recordId: string }> = [];
  /** One small integer per event (~8 MB at a million). */
  private readonly eventOwners: number[] = [];
  private side: { folder: string; file: string; out: WriteStream } | null = null;

  constructor(
    private readonly out: Writable,
    /** Where the reviews' side file goes (a folder of its own is made inside). */
    private readonly tempDirectory = tmpdir(),
  ) {}

  async start(): Promise<void> {
    const folder = await mkdtemp(join(this.tempDirectory, 'timeline-auditor-reviews-'));
    const file = join(folder, 'reviews.ndjson');
    this.side = { folder, file, out: createWriteStream(file) };
    await this.write(`{"format":${JSON.stringify(EVENTS_JSON_FORMAT)},"events":[`);
  }

  async add(event: ExportEvent): Promise<void> {
    await this.write(`${this.count === 0 ? '\n' : ',\n'}${event.entry.rawText ?? JSON.stringify(event.entry.raw)}`);
    const ownerKey = `${event.owner.module}/${event.owner.recordId}`;
    let ownerIndex = this.owners.get(ownerKey);
    if (ownerIndex === undefined) {
      ownerIndex = this.ownerList.length;
      this.owners.set(ownerKey, ownerIndex);
      this.ownerList.push({ module: event.owner.module, recordId: event.owner.recordId });
    }
    this.eventOwners.push(ownerIndex);
    if (event.flags.length > 0 || event.notes.length > 0) {
      const review: EventsJsonDocument['reviews'][number] = { eventIndex: this.count, eventId: event.entry.event.id, flags: [...event.flags], notes: event.notes.map((note) => ({ ...note })) };
      await this.writeSide(`${this.reviewCount === 0 ? '\n' : ',\n'}${JSON.stringify(review)}`);
      this.reviewCount += 1;
    }
    this.count += 1;
  }

  async finish(): Promise<void> {
    await this.write(`\n],\n"owners":${JSON.stringify(this.ownerList)},\n"eventOwners":[`);
    for (let start = 0; start < this.eventOwners.length; start += 10_000) {
      await this.write(`${start === 0 ? '' : ','}${this.eventOwners.slice(start, start + 10_000).join(',')}`);
    }
    // Written: the index per event (~8 MB at a million) and the owners need not outlive the file.
    this.eventOwners.length = 0;
    this.owners.clear();
    this.ownerList.length = 0;
    await this.write(`],\n"reviews":[`);
    const side = this.sideFile();
    side.out.end();
    await finished(side.out);
    for await (const chunk of createReadStream(side.file, { encoding: 'utf8', highWaterMark: 1 << 20 })) await this.write(chunk as string);
    await this.write(`\n]}\n`);
    this.out.end();
    await finished(this.out);
    this.side = null;
    await rm(side.folder, { recursive: true, force: true });
  }

  /** Closes the file without finishing the document (a cancelled or failed export); removes the side file. */
  abort(): void {
    discardStream(this.out);
    const side = this.side;
    this.side = null;
    if (side !== null) {
      discardStream(side.out);
      void rm(side.folder, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private sideFile(): { folder: string; file: string; out: WriteStream } {
    if (this.side === null) throw new Error('EventsJsonWriter: start() was not called, or the writer was aborted.');
    return this.side;
  }

  private async writeSide(text: string): Promise<void> {
    const side = this.sideFile().out;
    if (!side.write(text)) await drained(side);
  }

  private async write(text: string): Promise<void> {
    if (!this.out.write(text)) await drained(this.out);
  }
}
