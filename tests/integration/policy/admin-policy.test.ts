import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createCore, type Core } from '../../../main/app/core.js';
import { runCli } from '../../../main/cli/index.js';
import { createIpcHandlers } from '../../../main/app/ipc-handlers.js';
import { nodePlatformPorts } from '../../../main/app/node-platform.js';
import { dispatchRequest } from '../../../main/core/ipc-dispatch.js';
import { loadAdminPolicy, machinePolicyPath } from '../../../main/policy/admin-policy.js';
import { tempHome } from '../auth/support.js';

const env = { TIMELINE_AUDITOR_PASSPHRASE: 'policy test passphrase' };
const FINGERPRINT_A = 'a'.repeat(64);
const FINGERPRINT_B = 'b1'.repeat(32);
const homes: Array<{ remove(): void }> = [];
const cores: Core[] = [];

afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()));
  for (const home of homes.splice(0)) home.remove();
});

function policyFile(content: string): { file: string; home: string } {
  const home = tempHome('ta-policy-');
  homes.push(home);
  const file = join(home.dir, 'machine', 'policy.json');
  mkdirSync(join(home.dir, 'machine'), { recursive: true });
  writeFileSync(file, content);
  return { file, home: join(home.dir, 'user') };
}

function coreWith(file: string | null, home: string): Core {
  const core = createCore(nodePlatformPorts({ shell: 'browser', home, env, policyFile: file }));
  cores.push(core);
  return core;
}

const GOOD = {
  dataCentre: 'eu',
  clientId: '1000.ADMINCLIENT',
  redirectPort: 53682,
  scopes: ['ZohoCRM.modules.READ', 'ZohoCRM.settings.READ'],
  disableDemoWorkspace: true,
  disableUpdates: true,
  trustedSigners: [{ fingerprint: FINGERPRINT_A.toUpperCase().replace(/(..)/g, '$1:').slice(0, -1), name: 'Audit team' }],
};

describe('admin policy file', () => {
  it('lives in the machine-wide folder of each OS', () => {
    expect(machinePolicyPath('win32', { ProgramData: 'D:\\ProgramData' })).toBe('D:\\ProgramData\\Timeline Auditor\\policy.json');
    expect(machinePolicyPath('win32', {})).toBe('C:\\ProgramData\\Timeline Auditor\\policy.json');
    expect(machinePolicyPath('darwin', {})).toBe('/Library/Application Support/Timeline Auditor/policy.json');
    expect(machinePolicyPath('linux', {})).toBe('/etc/timeline-auditor/policy.json');
  });

  it('applies every field of a good policy, with no problems', () => {
    const { file } = policyFile(JSON.stringify(GOOD));
    const policy = loadAdminPolicy(file);
    expect(policy).toMatchObject({ state: 'applied', file, dataCentre: 'eu', clientId: '1000.ADMINCLIENT', redirectPort: 53682, scopes: GOOD.scopes, disableDemoWorkspace: true, disableUpdates: true, problems: [] });
    expect(policy.trustedSigners).toEqual([{ fingerprint: FINGERPRINT_A, name: 'Audit team' }]);
  });

  it('reports and ignores a malformed field, field by field, and applies the rest', () => {
    const { file } = policyFile(
      JSON.stringify({
        dataCentre: 'mars',
        clientId: '1000.OK',
        redirectPort: 80,
        scopes: 'ZohoCRM.modules.READ',
        disableDemoWorkspace: 'yes',
        disableUpdates: true,
        trustedSigners: [
          { fingerprint: 'not hex', name: 'Bad' },
          { fingerprint: FINGERPRINT_B, name: 'Good one' },
          { fingerprint: FINGERPRINT_B, name: 'Twice' },
        ],
        disableUpdate: true,
      }),
    );
    const policy = loadAdminPolicy(file);
    expect(policy.state).toBe('applied');
    expect(policy).toMatchObject({ dataCentre: null, clientId: '1000.OK', redirectPort: null, scopes: null, disableDemoWorkspace: false, disableUpdates: true });
    expect(policy.trustedSigners).toEqual([{ fingerprint: FINGERPRINT_B, name: 'Good one' }]);
    const fields = policy.problems.map((problem) => problem.field);
    expect(fields).toEqual(['dataCentre', 'redirectPort', 'scopes', 'disableDemoWorkspace', 'trustedSigners[0]', 'trustedSigners[2]', 'disableUpdate']);
    const byField = Object.fromEntries(policy.problems.map((problem) => [problem.field, problem.problem]));
    expect(byField['redirectPort']).toMatch(/1024 to 65535.*ignored/);
    expect(byField['trustedSigners[0]']).toMatch(/fingerprint.*64 hexadecimal/);
    expect(byField['disableUpdate']).toMatch(/not a policy setting/);
  });

  it('ignores a file that is not JSON, or not an object, as a whole and says so', () => {
    for (const content of ['{ "dataCentre": "eu", ', '["eu"]', '']) {
      const { file } = policyFile(content);
      const policy = loadAdminPolicy(file);
      expect(policy).toMatchObject({ state: 'unreadable', file, dataCentre: null, disableDemoWorkspace: false, disableUpdates: false, trustedSigners: [] });
      expect(policy.problems).toHaveLength(1);
      expect(policy.problems[0]).toMatchObject({ field: null });
      expect(policy.problems[0]!.problem).toMatch(/none of it applies/);
    }
  });

  it('ignores a file that cannot be read without crashing start-up', async () => {
    // A folder where the file should be: reading fails (EISDIR) for every user, root included.
    const { file, home } = policyFile(JSON.stringify(GOOD));
    const folder = `${file}.d`;
    mkdirSync(folder);
    const core = coreWith(folder, home);
    expect(core.policy.state).toBe('unreadable');
    expect(core.policy.problems[0]!.problem).toMatch(/could not be read/);
    expect((await core.connection.status()).state).toBe('disconnected');
    const view = await dispatchRequest(createIpcHandlers(core), 'policy:view', {});
    expect(view).toMatchObject({ ok: true, value: { state: 'unreadable', file: folder, locked: { dataCentre: null, clientId: null, redirectPort: null, scopes: null }, demoDisabled: false } });
  });

  it('a missing file is no policy, and not a problem', () => {
    const home = tempHome('ta-policy-');
    homes.push(home);
    expect(loadAdminPolicy(join(home.dir, 'nope.json'))).toMatchObject({ state: 'absent', problems: [] });
  });
});

describe('admin policy in the composition root', () => {
  it('shows locked fields to the Connect form and refuses an override over IPC with a plain message', async () => {
    const { file, home } = policyFile(JSON.stringify(GOOD));
    const core = coreWith(file, home);
    const handlers = createIpcHandlers(core);

    const defaults = await dispatchRequest(handlers, 'auth:defaults', {});
    expect(defaults).toMatchObject({ ok: true, value: { port: 53682, scopes: GOOD.scopes, lastClientId: '1000.ADMINCLIENT', lastDataCentre: 'eu', locked: { dataCentre: true, clientId: true, port: true, scopes: true } } });
    expect(defaults.ok && (defaults.value as { demoDisabledReason: string | null }).demoDisabledReason).toMatch(/turned off by your administrator/);

    const view = await dispatchRequest(handlers, 'policy:view', {});
    expect(view).toMatchObject({ ok: true, value: { state: 'applied', file, locked: { dataCentre: 'eu', clientId: '1000.ADMINCLIENT', redirectPort: 53682, scopes: GOOD.scopes }, demoDisabled: true, updatesDisabled: true, problems: [] } });
    expect(core.updatesDisabledByPolicy()).toBe(true);

    const base = { dataCentre: 'eu', clientId: '1000.ADMINCLIENT', clientSecret: 'secret-of-the-client', port: 53682 };
    for (const [override, words] of [
      [{ dataCentre: 'us' }, /data centre is set by your administrator \(eu\)/],
      [{ clientId: '1000.MINE' }, /client ID is set by your administrator \(1000\.ADMINCLIENT\)/],
      [{ port: 50000 }, /redirect port is set by your administrator \(53682\)/],
      [{ scopes: ['ZohoCRM.modules.ALL'] }, /list of scopes is set by your administrator/],
    ] as const) {
      const refused = await dispatchRequest(handlers, 'auth:connect', { ...base, ...override });
      expect(refused).toMatchObject({ ok: false, error: { code: 'POLICY_LOCKED' } });
      expect(!refused.ok && refused.error.message).toMatch(words);
    }

    // Each refusal is in the log with its channel and code, never with the request's secret.
    const logged = core.log.tail(50).join('\n');
    expect(logged).toMatch(/Request auth:connect failed.*POLICY_LOCKED/s);
    expect(logged).not.toContain('secret-of-the-client');

    const demo = await dispatchRequest(handlers, 'auth:connect-demo', {});
    expect(demo).toMatchObject({ ok: false, error: { code: 'DEMO_DISABLED_BY_POLICY' } });
    const online = await dispatchRequest(handlers, 'demo:set-online', { online: true });
    expect(online).toMatchObject({ ok: false, error: { code: 'DEMO_DISABLED_BY_POLICY' } });
  });

  it('lists pre-trusted signers as from policy, and the user cannot remove them', async () => {
    const { file, home } = policyFile(JSON.stringify(GOOD));
    const core = coreWith(file, home);
    const handlers = createIpcHandlers(core);
    const list = await dispatchRequest(handlers, 'trust:list', {});
    expect(list.ok && (list.value as Array<{ kind: string; fingerprint: string; name: string }>).filter((signer) => signer.kind !== 'own')).toEqual([{ kind: 'policy', fingerprint: FINGERPRINT_A, name: 'Audit team', addedAt: null }]);
    const removed = await dispatchRequest(handlers, 'trust:remove', { fingerprint: FINGERPRINT_A });
    expect(removed).toMatchObject({ ok: false, error: { code: 'TRUST_SET_BY_POLICY' } });
    const added = await dispatchRequest(handlers, 'trust:add', { fingerprint: FINGERPRINT_A, name: 'Again' });
    expect(added).toMatchObject({ ok: false, error: { code: 'TRUST_DUPLICATE' } });
    // A signer the user adds sits beside the policy's and stays removable.
    const mine = await dispatchRequest(handlers, 'trust:add', { fingerprint: FINGERPRINT_B, name: 'Colleague' });
    expect(mine.ok).toBe(true);
    expect(await dispatchRequest(handlers, 'trust:remove', { fingerprint: FINGERPRINT_B })).toMatchObject({ ok: true });
  });

  it('without a policy nothing is locked and the demo is offered', async () => {
    const home = tempHome('ta-policy-');
    homes.push(home);
    const core = coreWith(null, home.dir);
    expect(core.connection.defaults()).toMatchObject({ locked: { dataCentre: false, clientId: false, port: false, scopes: false }, demoDisabledReason: null });
    expect(core.updatesDisabledByPolicy()).toBe(false);
  });

  it('the CLI demo refuses when the policy turns the demo off, before starting anything', async () => {
    const { file, home } = policyFile(JSON.stringify({ disableDemoWorkspace: true }));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await runCli(['--home', home, 'demo', '--out', join(home, 'demo')], { stdout, stderr, env: {}, signal: new AbortController().signal, policyFile: file });
    expect(code).toBe(1);
    expect(err).toContain('Error: The demo workspace is turned off by your administrator.');
    expect(out).not.toContain('Demo workspace running');
  });
});
