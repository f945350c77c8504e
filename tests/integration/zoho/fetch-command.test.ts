import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import { createFetchCommand, fetchCommand } from '../../../main/cli/commands/fetch.js';
import { createCliContext } from '../../../main/cli/index.js';
import type { CliContext } from '../../../main/cli/types.js';
import { AuditorError } from '../../../main/core/errors.js';
import { SandboxTokenProvider } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 3 });
});
afterAll(async () => {
  await sandbox.close();
});

function context(env: NodeJS.ProcessEnv = {}): { context: CliContext; output: () => string } {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  return {
    context: createCliContext({ stdout, stderr: new PassThrough(), env, signal: new AbortController().signal }, mkdtempSync(join(tmpdir(), 'ta-fetch-command-'))),
    output: () => Buffer.concat(chunks).toString('utf8'),
  };
}

async function failure(run: Promise<number>): Promise<AuditorError> {
  try {
    await run;
  } catch (error) {
    expect(error).toBeInstanceOf(AuditorError);
    return error as AuditorError;
  }
  throw new Error('expected the command to fail');
}

describe('timeline-auditor fetch', () => {
  it('prints per-record counts using --api-domain/--token', async () => {
    const { accessToken } = sandbox.mintAccessToken();
    const other = sandbox.listRecordIds('Deals')[0]!;
    const { context: ctx, output } = context();
    const code = await fetchCommand.run(['--no-cache', 'Leads/554023000001122039', `Deals/${other}`, '--api-domain', sandbox.url, '--token', accessToken], ctx);
    expect(code).toBe(0);
    const expected = sandbox.groundTruth('Deals', other).length;
    expect(output()).toBe(`Leads/554023000001122039: 8 events\nDeals/${other}: ${expected} ${expected === 1 ? 'event' : 'events'}\n`);
  });

  it('--json prints the events verbatim; env vars supply the connection; --filters and --inner-details apply', async () => {
    const { accessToken } = sandbox.mintAccessToken();
    const { context: ctx, output } = context({ ZOHO_API_DOMAIN: sandbox.url, ZOHO_ACCESS_TOKEN: accessToken });
    const filter = '{"field":{"api_name":"source"},"comparator":"equal","value":"crm_ui"}';
    await fetchCommand.run(['--no-cache', 'Leads/554023000001122039', '--json', '--inner-details', '--filters', filter], ctx);
    const printed = JSON.parse(output()) as { records: { count: number; events: { source: string }[] }[] };
    const truth = (sandbox.groundTruth('Leads', '554023000001122039') as { source: string }[]).filter((e) => e.source === 'crm_ui');
    expect(printed.records[0]!.events).toEqual(truth);
    expect(printed.records[0]!.count).toBe(truth.length);
  });

  it('a refreshing token provider can be injected (for the sign-in vault)', async () => {
    const tokens = new SandboxTokenProvider(sandbox, { initialToken: '1000.stale' });
    const command = createFetchCommand({ tokenProvider: () => tokens });
    const { context: ctx, output } = context();
    await command.run(['--no-cache', 'Leads/554023000001122039'], ctx);
    expect(output()).toContain(': 8 events');
    expect(tokens.refreshes).toBe(1);
  });

  it.each<[string, string[], NodeJS.ProcessEnv, string]>([
    ['no records', ['--token', 'x', '--api-domain', 'http://127.0.0.1:1'], {}, 'CLI_USAGE'],
    ['no slash', ['Leads554023000001122039', '--token', 'x', '--api-domain', 'http://127.0.0.1:1'], {}, 'CLI_USAGE'],
    ['bad record id', ['Leads/abc', '--token', 'x', '--api-domain', 'http://127.0.0.1:1'], {}, 'ZOHO_INVALID_REQUEST'],
    ['bad module', ['Le ads/1', '--token', 'x', '--api-domain', 'http://127.0.0.1:1'], {}, 'ZOHO_INVALID_REQUEST'],
    ['bad filter', ['Leads/1', '--filters', '{"field":{"api_name":"source"},"comparator":"between","value":"crm_ui"}', '--token', 'x', '--api-domain', 'http://127.0.0.1:1'], {}, 'ZOHO_INVALID_FILTER'],
    ['unknown option', ['Leads/1', '--verbose'], {}, 'CLI_USAGE'],
    ['no connection', ['Leads/1'], {}, 'CLI_NOT_SIGNED_IN'],
    ['bad api domain', ['Leads/1', '--token', 'x', '--api-domain', 'zohoapis.com'], {}, 'CLI_USAGE'],
    ['bad api version', ['Leads/1', '--token', 'x', '--api-domain', 'http://127.0.0.1:1', '--api-version', '8'], {}, 'ZOHO_INVALID_REQUEST'],
  ])('%s → %s, nothing sent', async (_name, argv, env, code) => {
    const before = sandbox.stats().crmRequests;
    const error = await failure(fetchCommand.run(['--no-cache', ...argv], context(env).context));
    expect(error.code).toBe(code);
    // What to do: a hint — or, for a command typed wrong, the command's usage, which runCli prints after
    // the message (tests/integration/cli/usage-errors.test.ts).
    if (code !== 'CLI_USAGE') expect(error.hint).toBeTruthy();
    expect(sandbox.stats().crmRequests).toBe(before);
  });

  it('--help prints usage', async () => {
    const { context: ctx, output } = context();
    expect(await fetchCommand.run(['--help'], ctx)).toBe(0);
    expect(output()).toContain('timeline-auditor fetch [<Module>/<RecordId>...]');
    expect(output()).toContain('--no-cache');
  });
});
