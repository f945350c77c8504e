import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchCommand } from '../../../main/cli/commands/fetch.js';
import { createCliContext } from '../../../main/cli/index.js';
import { TimelineCache } from '../../../main/cache/index.js';
import { CACHE_FILE_NAME } from '../../../main/cache/location.js';
import { startSandbox, type Sandbox } from '../../../main/sandbox/index.js';

let sandbox: Sandbox;
let home: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 11, recordsPerModule: 6 });
  home = mkdtempSync(join(tmpdir(), 'ta-cli-fetch-'));
  env = { ZOHO_API_DOMAIN: sandbox.url, ZOHO_ACCESS_TOKEN: sandbox.mintAccessToken().accessToken };
});
afterAll(async () => {
  await sandbox.close();
  rmSync(home, { recursive: true, force: true });
});

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const context = createCliContext({ stdout, stderr: new PassThrough(), env, signal: new AbortController().signal }, home);
  try {
    return { code: await fetchCommand.run(argv, context), out };
  } finally {
    await context.close();
  }
}

function cachedEventIds(module: string, recordId: string): string[] {
  const cache = TimelineCache.open(join(home, CACHE_FILE_NAME));
  try {
    return cache.queryEvents({ records: [{ module, recordId }] }, { direction: 'desc' }).map((event) => event.eventId);
  } finally {
    cache.close();
  }
}

describe('timeline-auditor fetch (into the cache)', () => {
  it('fetches named records and an ids file into the cache, equal to what Zoho has', async () => {
    const [first, second] = sandbox.listRecordIds('Contacts');
    const idsFile = join(home, 'ids.csv');
    writeFileSync(idsFile, `Record Id,Name\n${second},Someone\n`);
    const { code, out } = await run(['Leads/554023000001122039', '--ids-file', idsFile, '--default-module', 'Contacts', `Contacts/${first}`]);
    expect(code).toBe(0);
    expect(out).toContain('Leads/554023000001122039: 8 events cached (8 new)');
    expect(out).toContain('Sync done');
    for (const [module, id] of [
      ['Leads', '554023000001122039'],
      ['Contacts', first!],
      ['Contacts', second!],
    ] as const) {
      const truth = sandbox.groundTruth(module, id).map((event) => (event as { id: string }).id);
      expect(cachedEventIds(module, id).sort()).toEqual([...truth].sort());
    }
  });

  it('a second, incremental fetch adds nothing and says so in its JSON summary', async () => {
    const { code, out } = await run(['Leads/554023000001122039', '--incremental', '--json']);
    expect(code).toBe(0);
    const summary = JSON.parse(out) as { state: string; records: Array<{ eventsInserted: number; mode: string }>; cache: string };
    expect(summary.state).toBe('done');
    expect(summary.records[0]).toMatchObject({ eventsInserted: 0, mode: 'incremental' });
    expect(summary.cache).toBe(join(home, CACHE_FILE_NAME));
  });

  it('a whole module is listed and fetched; a failing record is reported and the exit code says so', async () => {
    const { code, out } = await run(['--module', 'Deals', 'Leads/999999999999999999']);
    expect(out).toMatch(/Leads\/999999999999999999: failed — /);
    expect(code).toBe(1);
    for (const id of sandbox.listRecordIds('Deals')) {
      expect(cachedEventIds('Deals', id).length).toBe(sandbox.groundTruth('Deals', id).length);
    }
  });

  it('refuses preview-only flags and nonsense numbers before sending anything', async () => {
    const before = sandbox.stats().crmRequests;
    await expect(run(['Leads/554023000001122039', '--filters', '{}'])).rejects.toMatchObject({ code: 'CLI_USAGE' });
    await expect(run(['Leads/554023000001122039', '--concurrency', '0'])).rejects.toMatchObject({ code: 'CLI_USAGE' });
    await expect(run(['--resume', 'Leads/554023000001122039'])).rejects.toMatchObject({ code: 'CLI_USAGE' });
    expect(sandbox.stats().crmRequests).toBe(before);
  });

  it('--resume with nothing interrupted says so', async () => {
    const { code, out } = await run(['--resume']);
    expect(code).toBe(0);
    expect(out).toContain('Nothing to resume');
  });
});
