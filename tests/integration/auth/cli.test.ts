import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { connectCommand } from '../../../main/cli/commands/connect.js';
import { disconnectCommand } from '../../../main/cli/commands/disconnect.js';
import { statusCommand } from '../../../main/cli/commands/status.js';
import { createCliContext } from '../../../main/cli/index.js';
import type { CliContext } from '../../../main/cli/types.js';
import { DEMO_CLIENT, startSandbox } from '../../../main/sandbox/index.js';
import type { Sandbox } from '../../../main/sandbox/index.js';
import { browse, filesUnder, tempHome, until } from './support.js';

interface CapturedContext extends CliContext {
  out(): string;
  err(): string;
}

function cliContext(home: string, env: NodeJS.ProcessEnv): CapturedContext {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return { ...createCliContext({ stdout, stderr, env, signal: new AbortController().signal }, home), out: () => out, err: () => err };
}

let sandbox: Sandbox | undefined;
let home: ReturnType<typeof tempHome> | undefined;
afterEach(async () => {
  await sandbox?.close();
  home?.remove();
  sandbox = undefined;
  home = undefined;
});

const ENV = { TIMELINE_AUDITOR_PASSPHRASE: 'cli test passphrase' };

describe('CLI connect / status / disconnect', () => {
  it('connect prints the authorization URL alone on one line, waits for sign-in, stores tokens and says who is connected', async () => {
    sandbox = await startSandbox({ autoConsent: 'approve' });
    home = tempHome('ta-cli-');
    const context = cliContext(home.dir, ENV);
    const argv = ['--client-id', DEMO_CLIENT.clientId, '--client-secret', DEMO_CLIENT.clientSecret, '--accounts-url', sandbox.url, '--port', '0', '--no-browser'];
    const exit = connectCommand.run(argv, context);
    await until(() => context.out().includes('\n'), 'the authorization URL on stdout');
    const firstLine = context.out().split('\n')[0] ?? '';
    expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/v2\/auth\?\S+$/);
    expect(firstLine.startsWith(sandbox.url)).toBe(true);
    const visit = await browse(firstLine);
    expect(visit.status).toBe(200);
    expect(await exit).toBe(0);
    const lines = context.out().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('Connected to Zoho as Patricia Boyle <patricia.boyle@zylker.example> (organisation 700123456, data centre US).');
    expect(context.err()).toContain('Open this address');

    // status works without the passphrase (nothing is decrypted)
    const statusContext = cliContext(home.dir, {});
    expect(await statusCommand.run(['--json'], statusContext)).toBe(0);
    expect(JSON.parse(statusContext.out())).toMatchObject({ state: 'connected', orgId: '700123456', dataCentre: 'us', cipherKind: 'aes-256-gcm-scrypt' });
    // The organisation's zone, read from GET /crm/v8/org at sign-in.
    expect(JSON.parse(statusContext.out())).toMatchObject({ orgTimeZone: { state: 'read', zone: 'Europe/Berlin' } });
    const textContext = cliContext(home.dir, {});
    await statusCommand.run([], textContext);
    expect(textContext.out()).toContain('Connected as Patricia Boyle');
    expect(textContext.out()).toContain("Organisation's time zone: Europe/Berlin (read at sign-in).");

    // No secret in clear anywhere in the home directory the CLI used.
    for (const file of filesUnder(home.dir)) expect(file.content.toString('latin1')).not.toContain(DEMO_CLIENT.clientSecret);

    // disconnect needs the passphrase to revoke…
    await expect(disconnectCommand.run([], cliContext(home.dir, {}))).rejects.toMatchObject({ code: 'VAULT_PASSPHRASE_MISSING' });
    // …and with it, revokes and wipes.
    const disconnectContext = cliContext(home.dir, ENV);
    expect(await disconnectCommand.run([], disconnectContext)).toBe(0);
    expect(disconnectContext.out()).toContain('access revoked');
    expect(sandbox.stats().revoked).toBe(1);
    const after = cliContext(home.dir, {});
    await statusCommand.run(['--json'], after);
    expect(JSON.parse(after.out())).toMatchObject({ state: 'disconnected' });
  });

  it('refuses to connect without the passphrase, before printing any URL', async () => {
    sandbox = await startSandbox({ autoConsent: 'approve' });
    home = tempHome('ta-cli-');
    const context = cliContext(home.dir, {});
    const argv = ['--client-id', DEMO_CLIENT.clientId, '--client-secret', DEMO_CLIENT.clientSecret, '--accounts-url', sandbox.url, '--port', '0', '--no-browser'];
    await expect(connectCommand.run(argv, context)).rejects.toMatchObject({ code: 'VAULT_PASSPHRASE_MISSING', hint: expect.stringContaining('TIMELINE_AUDITOR_PASSPHRASE') as string });
    expect(context.out()).toBe('');
  });

  it('explains bad arguments', async () => {
    home = tempHome('ta-cli-');
    const context = cliContext(home.dir, ENV);
    await expect(connectCommand.run(['--client-id', 'x', '--client-secret', 'y'], context)).rejects.toMatchObject({ code: 'CLI_USAGE' });
    await expect(connectCommand.run(['--client-id', 'x', '--client-secret', 'y', '--dc', 'mars'], context)).rejects.toMatchObject({ code: 'CLI_USAGE', message: expect.stringContaining('mars') as string });
    await expect(connectCommand.run(['--client-id', 'x', '--client-secret', 'y', '--dc', 'eu', '--port', 'abc'], context)).rejects.toMatchObject({ code: 'CLI_USAGE' });
  });
});
