/**
 * events.json as EventsJsonWriter streams it: the exact text of the whole document built in memory
 * (as the writer did before its reviews went to a side file), and no side file left behind —
 * finished or aborted.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_JSON_FORMAT, EventsJsonWriter } from '../../../main/export/events-json.js';
import type { ExportEvent } from '../../../main/export/types.js';
import { buildEvents } from './fixtures.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'events-json-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The document built in one piece, as the format describes it. */
function wholeDocument(events: readonly ExportEvent[]): string {
  const owners: Array<{ module: string; recordId: string }> = [];
  const eventOwners = events.map((event) => {
    let index = owners.findIndex((owner) => owner.module === event.owner.module && owner.recordId === event.owner.recordId);
    if (index < 0) index = owners.push({ module: event.owner.module, recordId: event.owner.recordId }) - 1;
    return index;
  });
  const reviews = events.flatMap((event, eventIndex) => (event.flags.length > 0 || event.notes.length > 0 ? [{ eventIndex, eventId: event.entry.event.id, flags: event.flags, notes: event.notes }] : []));
  return (
    `{"format":${JSON.stringify(EVENTS_JSON_FORMAT)},"events":[${events.map((event, index) => `${index === 0 ? '\n' : ',\n'}${JSON.stringify(event.entry.raw)}`).join('')}\n],\n` +
    `"owners":${JSON.stringify(owners)},\n"eventOwners":[${eventOwners.join(',')}],\n` +
    `"reviews":[${reviews.map((review, index) => `${index === 0 ? '\n' : ',\n'}${JSON.stringify(review)}`).join('')}\n]}\n`
  );
}

describe('EventsJsonWriter', () => {
  it('writes exactly the whole document, reviews included, and removes its side file', async () => {
    const events = buildEvents(400);
    expect(events.filter((event) => event.flags.length > 0 || event.notes.length > 0).length).toBeGreaterThan(50);
    const sideDirectory = await mkdtemp(join(dir, 'side-'));
    const path = join(dir, 'events.json');
    const writer = new EventsJsonWriter(createWriteStream(path), sideDirectory);
    await writer.start();
    expect(await readdir(sideDirectory)).toHaveLength(1);
    for (const event of events) await writer.add(event);
    await writer.finish();
    const text = await readFile(path, 'utf8');
    expect(text).toBe(wholeDocument(events));
    expect(JSON.parse(text)).toMatchObject({ format: EVENTS_JSON_FORMAT, events: events.map((event) => event.entry.raw) });
    expect(await readdir(sideDirectory)).toEqual([]);
  });

  it('an export without reviews has an empty reviews list', async () => {
    const events = buildEvents(20).map((event) => ({ ...event, flags: [], notes: [] }));
    const path = join(dir, 'plain.json');
    const writer = new EventsJsonWriter(createWriteStream(path), dir);
    await writer.start();
    for (const event of events) await writer.add(event);
    await writer.finish();
    expect(await readFile(path, 'utf8')).toBe(wholeDocument(events));
  });

  it('abort() removes the side file too', async () => {
    const sideDirectory = await mkdtemp(join(dir, 'aborted-'));
    const writer = new EventsJsonWriter(createWriteStream(join(dir, 'aborted.json')), sideDirectory);
    await writer.start();
    for (const event of buildEvents(30)) await writer.add(event);
    writer.abort();
    await expect.poll(() => readdir(sideDirectory)).toEqual([]);
  });
});
