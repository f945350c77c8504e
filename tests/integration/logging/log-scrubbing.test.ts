/**
 * The log after a whole job — sign in to the demo workspace through the loopback OAuth flow, sync,
 * export a signed packet — holds none of the secrets that went over the wire, and is owner-only.
 * Every secret is captured where it really travels (the HTTP port and the browser), not assumed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import packageJson from '../../../package.json' with { type: 'json' };
import { createCore, type Core } from '../../../main/app/core.js';
import { createIpcHandlers } from '../../../main/app/ipc-handlers.js';
import { nodePlatformPorts } from '../../../main/app/node-platform.js';
import { dispatchRequest } from '../../../main/core/ipc-dispatch.js';
import { DEMO_CLIENT, SAMPLE_RECORD } from '../../../main/sandbox/index.js';
import { browse, tempHome } from '../auth/support.js';

const PASSPHRASE = 'log scrubbing test passphrase';
const SECRET_PARAMS = ['code', 'state', 'code_verifier', 'client_secret', 'refresh_token', 'access_token', 'token'];

let core: Core | undefined;
let home: { dir: string; remove(): void } | undefined;
afterEach(async () => {
  await core?.close();
  home?.remove();
  core = undefined;
  home = undefined;
});

/** Every secret seen, by what it was (so the test can insist each kind was seen). */
class SecretsSeen {
  readonly byKind = new Map<string, Set<string>>();
  add(kind: string, value: string | null | undefined): void {
    if (value === null || value === undefined || value === '') return;
    const set = this.byKind.get(kind) ?? new Set<string>();
    set.add(value);
    this.byKind.set(kind, set);
  }
  fromParams(params: URLSearchParams): void {
    for (const name of SECRET_PARAMS) this.add(name, params.get(name));
  }
  all(): Array<[string, string]> {
    return [...this.byKind].flatMap(([kind, values]) => [...values].map((value): [string, string] => [kind, value]));
  }
}

describe('the log after sign-in, sync and export', () => {
  it('contains none of the secrets that appeared, is 0600, and Copy diagnostics carries versions and log lines without them', async () => {
    home = tempHome('ta-log-');
    const seen = new SecretsSeen();
    seen.add('passphrase', PASSPHRASE);
    seen.add('client_secret', DEMO_CLIENT.clientSecret);
    const browsing: Array<Promise<unknown>> = [];

    // The HTTP port every Zoho call uses (sign-in's token exchange too): requests and answers are searched for secrets.
    const http: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      seen.fromParams(url.searchParams);
      const body = init?.body;
      if (typeof body === 'string') seen.fromParams(new URLSearchParams(body));
      else if (body instanceof URLSearchParams) seen.fromParams(body);
      const authorization = new Headers(init?.headers).get('authorization');
      seen.add('authorization', authorization?.split(' ').pop());
      const response = await fetch(input, init);
      const text = await response.clone().text();
      try {
        const json = JSON.parse(text) as Record<string, unknown>;
        for (const name of ['access_token', 'refresh_token']) if (typeof json[name] === 'string') seen.add(name, json[name]);
      } catch {
        // Not JSON: no token in it.
      }
      return response;
    };
    const ports = nodePlatformPorts({
      shell: 'browser',
      home: home.dir,
      env: { TIMELINE_AUDITOR_PASSPHRASE: PASSPHRASE },
      policyFile: null,
      browser: {
        openExternal: (url) => {
          seen.fromParams(new URL(url).searchParams);
          // The browser's hops: the consent page and the loopback callback with the code and state.
          browsing.push(browse(url, { decision: 'approve' }).then((visit) => visit.visited.forEach((visited) => seen.fromParams(new URL(visited).searchParams))));
        },
        allowExternalOrigin: () => undefined,
        revealInFolder: () => false,
      },
    });
    core = createCore({ ...ports, http });
    const handlers = createIpcHandlers(core);

    const status = await dispatchRequest(handlers, 'auth:connect-demo', {});
    expect(status).toMatchObject({ ok: true, value: { state: 'connected', demo: true } });
    await Promise.all(browsing);

    const sandbox = await core.demo.start();
    const recordIds = [...new Set([SAMPLE_RECORD.id, ...sandbox.listRecordIds('Leads').slice(0, 3)])];
    const records = recordIds.map((recordId) => ({ module: 'Leads', recordId }));
    // Through the app's own channels, as the Records and Exports screens start them.
    const ended = (channel: 'sync:progress' | 'export:progress'): Promise<{ state: string }> =>
      new Promise((resolve) => {
        const stop = core!.events.subscribe((envelope) => {
          if (envelope.channel === channel && (envelope.payload as { state: string }).state !== 'running') {
            stop();
            resolve(envelope.payload as { state: string });
          }
        });
      });
    const syncEnded = ended('sync:progress');
    expect(await dispatchRequest(handlers, 'sync:start', { records, mode: 'full' })).toMatchObject({ ok: true });
    expect(await syncEnded).toMatchObject({ state: 'done' });
    const exportEnded = ended('export:progress');
    expect(await dispatchRequest(handlers, 'export:start', { records, formats: ['packet', 'csv'] })).toMatchObject({ ok: true });
    expect(await exportEnded).toMatchObject({ state: 'done' });

    // A careless diagnostic, as code that logs a failed request would write it.
    const accessToken = [...(seen.byKind.get('access_token') ?? [])][0]!;
    const refreshToken = [...(seen.byKind.get('refresh_token') ?? [])][0]!;
    const code = [...(seen.byKind.get('code') ?? [])][0]!;
    core.log.warn(`Zoho answered 401 for ${sandbox.url}/oauth/v2/token?refresh_token=${refreshToken}&grant_type=refresh_token`, {
      headers: { Authorization: `Zoho-oauthtoken ${accessToken}` },
      body: JSON.stringify({ access_token: accessToken, api_domain: sandbox.url }),
      nested: [{ note: `code was ${code}` }],
    });
    core.log.error('Token exchange failed', new Error(`exchange failed for code ${code} with secret ${DEMO_CLIENT.clientSecret}`));

    // Every kind of secret really appeared (else the scan below would prove nothing).
    for (const kind of ['code', 'state', 'code_verifier', 'client_secret', 'access_token', 'refresh_token', 'authorization', 'passphrase']) expect(seen.byKind.get(kind)?.size ?? 0, kind).toBeGreaterThan(0);

    const logFolder = join(home.dir, 'logs');
    const files = readdirSync(logFolder).map((name) => join(logFolder, name));
    expect(files.length).toBeGreaterThan(0);
    const everything = files.map((file) => readFileSync(file, 'utf8')).join('\n');
    // The job was logged, and the scrubbing had something to do.
    expect(everything).toMatch(/Sign-in: waiting for the browser/);
    expect(everything).toMatch(/Zoho connection: connected/);
    expect(everything).toContain(`done: ${records.length}/${records.length} records, 0 failed`);
    expect(everything).toMatch(/Export [0-9a-f-]+ done/);
    expect(everything).toMatch(/\[redacted\]/);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const [kind, value] of seen.all()) expect(text.includes(value), `${kind} ${value.slice(0, 6)}… in ${file}`).toBe(false);
      if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    }

    const diagnostics = await dispatchRequest(handlers, 'app:diagnostics', {});
    expect(diagnostics.ok).toBe(true);
    const { text, logFile } = (diagnostics as { ok: true; value: { text: string; logFile: string | null } }).value;
    expect(logFile).toBe(join(logFolder, 'main.log'));
    expect(text).toContain(`${packageJson.productName} ${packageJson.version} (browser)`);
    expect(text).toContain(`Node ${process.versions.node}`);
    expect(text).toMatch(/Zoho connection: connected/);
    expect(text).toMatch(new RegExp(`Cache: ${records.length} records, [1-9]\\d* events`));
    expect(text).toMatch(/Sign-in: waiting for the browser/);
    expect(text).toMatch(/Export [0-9a-f-]+ done/);
    for (const [kind, value] of seen.all()) expect(text.includes(value), `${kind} in diagnostics`).toBe(false);
  });
});
