/**
 * Turns a one-shot async iterable of events into a replayable ExportEventSource by writing it once to
 * an NDJSON file in a temporary directory (the PDF reads the events twice: summary, then pages).
 */
import { finished } from 'node:stream/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ExportEvent, ExportEventSource } from './types.js';
import { discardStream } from './values.js';
import { drained } from '../core/drained.js';

export interface SpooledEvents {
  source: ExportEventSource;
  count: number;
  /** Deletes the temporary file. */
  dispose(): Promise<void>;
}

export async function spoolEvents(events: AsyncIterable<ExportEvent>, directory = tmpdir()): Promise<SpooledEvents> {
  const folder = await mkdtemp(join(directory, 'timeline-auditor-spool-'));
  const file = join(folder, 'events.ndjson');
  const out = createWriteStream(file);
  let count = 0;
  try {
    for await (const event of events) {
      if (!out.write(`${JSON.stringify(event)}\n`)) await drained(out);
      count += 1;
    }
    out.end();
    await finished(out);
  } catch (error) {
    discardStream(out);
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  return {
    count,
    source: async function* replay() {
      const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
      for await (const line of lines) if (line !== '') yield JSON.parse(line) as ExportEvent;
    },
    dispose: () => rm(folder, { recursive: true, force: true }),
  };
}
