import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spoolEvents } from '../../../main/export/spool.js';
import type { ExportEvent } from '../../../main/export/types.js';
import { buildEvents } from '../../unit/export/fixtures.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'export-spool-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(iterable: AsyncIterable<ExportEvent>): Promise<ExportEvent[]> {
  const out: ExportEvent[] = [];
  for await (const event of iterable) out.push(event);
  return out;
}

describe('spoolEvents', () => {
  it('turns a one-shot iterable into a source that replays the same events, and cleans up', async () => {
    const events = buildEvents(120);
    async function* once(): AsyncGenerator<ExportEvent> {
      yield* events;
    }
    const spooled = await spoolEvents(once(), dir);
    expect(spooled.count).toBe(events.length);
    const first = await collect(spooled.source());
    const second = await collect(spooled.source());
    expect(first).toEqual(JSON.parse(JSON.stringify(events)));
    expect(second).toEqual(first);
    expect(JSON.stringify(first.map((event) => event.entry.raw))).toBe(JSON.stringify(events.map((event) => event.entry.raw)));
    const folders = await readdir(dir);
    expect(folders).toHaveLength(1);
    await spooled.dispose();
    expect(existsSync(join(dir, folders[0] as string))).toBe(false);
  });
});
