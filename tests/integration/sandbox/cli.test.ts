import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sandboxCommand } from '../../../main/cli/commands/sandbox.js';
import { createCliContext } from '../../../main/cli/index.js';
import type { CliContext } from '../../../main/cli/types.js';
import { AuditorError } from '../../../main/core/errors.js';
import { DEMO_CLIENT } from '../../../main/sandbox/index.js';

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

  it('refuses bad options with a usage error', async () => {
    const { context: cli } = context(new AbortController().signal);
    await expect(sandboxCommand.run(['--port', 'abc'], cli)).rejects.toBeInstanceOf(AuditorError);
    await expect(sandboxCommand.run(['--concurrency', '0'], cli)).rejects.toMatchObject({ code: 'CLI_USAGE' });
    await expect(sandboxCommand.run(['--frobnicate'], cli)).rejects.toMatchObject({ code: 'CLI_USAGE' });
  });
});
