import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sandboxCommand } from '../../../main/cli/commands/sandbox.js';
import { createCliContext } from '../../../main/cli/index.js';
import type { CliContext } from '../../../main/cli/types.js';
import { AuditorError } from '../../../main/core/errors.js';
import { DEMO_CLIENT, LARGE_RECORD } from '../../../main/sandbox/index.js';
import { StaticTokenProvider, ZohoClient } from '../../../main/zoho/index.js';

function context(signal: AbortSignal): { context: CliContext; output: () => string } {
  let text = '';
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString('utf8');
      callback();
    },
  });
  const stderr = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  return { context: createCliContext({ stdout, stderr, env: {}, signal }, mkdtempSync(join(tmpdir(), 'sandbox-cli-'))), output: () => text };
}

async function waitFor(predicate: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 500 && !predicate(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('timeline-auditor sandbox', () => {
  it('starts, prints its URL, demo client and a working token, and stops on Ctrl-C', async () => {
    const controller = new AbortController();
    const { context: cli, output } = context(controller.signal);
    const running = sandboxCommand.run(['--seed', '3', '--latency', '0', '--concurrency', '4'], cli);
    await waitFor(() => output().includes('Press Ctrl-C'));
    const url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1];
    const token = /access token \(1 h\): (\S+)/.exec(output())?.[1];
    expect(url).toBeDefined();
    expect(output()).toContain(DEMO_CLIENT.clientId);
    expect(output()).toContain(DEMO_CLIENT.clientSecret);
    const response = await fetch(`${url ?? ''}/crm/v8/users?type=CurrentUser`, { headers: { Authorization: `Zoho-oauthtoken ${token ?? ''}` } });
    expect(response.status).toBe(200);
    controller.abort();
    expect(await running).toBe(0);
    await expect(fetch(`${url ?? ''}/crm/v8/users`)).rejects.toThrow();
  });

  it("states the large record's size as a client reads it: timeline events, and the total with signals", async () => {
    const controller = new AbortController();
    const { context: cli, output } = context(controller.signal);
    const running = sandboxCommand.run(['--seed', '1'], cli);
    await waitFor(() => output().includes('Press Ctrl-C'));
    const url = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1] ?? '';
    const token = /access token \(1 h\): (\S+)/.exec(output())?.[1] ?? '';
    const banner = /large record: +(\S+)\/(\d+) \(([\d,]+) timeline events; ([\d,]+) with the ([\d,]+) signals of include_timeline_type=signals\)/.exec(output());
    expect(banner?.slice(1, 3)).toEqual([LARGE_RECORD.module, LARGE_RECORD.id]);
    const [timeline, total, signals] = (banner?.slice(3) ?? []).map((text) => Number(text.replaceAll(',', '')));
    const client = new ZohoClient({ tokenProvider: new StaticTokenProvider({ accessToken: token, apiDomain: url }) });
    const plain = await client.fetchTimeline(LARGE_RECORD.module, LARGE_RECORD.id);
    const withSignals = await client.fetchTimeline(LARGE_RECORD.module, LARGE_RECORD.id, { includeTimelineType: 'signals', include: ['type'] });
    expect(plain.entries.length).toBe(timeline);
    expect(withSignals.entries.length).toBe(total);
    expect(withSignals.entries.filter((entry) => entry.raw['type'] === 'signals').length).toBe(signals);
    expect(timeline).toBe(9_616);
    controller.abort();
    expect(await running).toBe(0);
  });

  it('refuses bad options with a usage error', async () => {
    const { context: cli } = context(new AbortController().signal);
    await expect(sandboxCommand.run(['--port', 'abc'], cli)).rejects.toBeInstanceOf(AuditorError);
    await expect(sandboxCommand.run(['--concurrency', '0'], cli)).rejects.toMatchObject({ code: 'CLI_USAGE' });
    await expect(sandboxCommand.run(['--frobnicate'], cli)).rejects.toMatchObject({ code: 'CLI_USAGE' });
  });
});
