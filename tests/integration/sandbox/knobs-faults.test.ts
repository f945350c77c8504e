import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_RECORD, startSandbox } from '../../../main/sandbox/index.js';
import type { Sandbox, SandboxOptions } from '../../../main/sandbox/index.js';
import { ManualClock, auth, type ZohoErrorBody } from './helpers.js';

let sandbox: Sandbox | undefined;
let clock: ManualClock;
let token: string;

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  clock = new ManualClock();
  sandbox = await startSandbox({ clock, ...options });
  token = sandbox.mintAccessToken().accessToken;
  return sandbox;
}

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const timelinePath = `/crm/v8/${SAMPLE_RECORD.module}/${SAMPLE_RECORD.id}/__timeline`;

function call(path = timelinePath): Promise<Response> {
  return fetch(`${sandbox?.url ?? ''}${path}`, { headers: auth(token) });
}

describe('knobs', () => {
  it('latencyMs delays every CRM response (and setKnobs changes it)', async () => {
    await start({ latencyMs: 150 });
    let started = performance.now();
    expect((await call()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    sandbox?.setKnobs({ latencyMs: 300 });
    started = performance.now();
    expect((await call()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('calls in flight beyond concurrencyLimit get 429 TOO_MANY_REQUESTS', async () => {
    await start({ concurrencyLimit: 3, latencyMs: 200 });
    const responses = await Promise.all(Array.from({ length: 6 }, () => call()));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    const rejected = responses.find((response) => response.status === 429);
    const body = (await rejected?.json()) as ZohoErrorBody;
    expect(body).toMatchObject({ code: 'TOO_MANY_REQUESTS', status: 'error' });
    expect(sandbox?.stats().rejected429).toBe(3);
    // Once they are done, calls go through again.
    expect((await call()).status).toBe(200);
  });

  it('credits: creditLimit calls per rolling 24 h, then 429 until the window moves on', async () => {
    await start({ creditLimit: 3 });
    for (let index = 0; index < 3; index += 1) {
      expect((await call()).status).toBe(200);
      clock.advance(60_000);
    }
    const over = await call();
    expect(over.status).toBe(429);
    expect(((await over.json()) as ZohoErrorBody).code).toBe('TOO_MANY_REQUESTS');
    clock.advance(24 * 3600_000 - 3 * 60_000 + 1);
    token = sandbox?.mintAccessToken().accessToken ?? '';
    expect((await call()).status).toBe(200);
    sandbox?.setKnobs({ creditLimit: 1000 });
    expect((await call()).status).toBe(200);
  });

  it('accessTokenLifetimeSec sets expires_in and expiry', async () => {
    await start({ accessTokenLifetimeSec: 30 });
    expect((await call()).status).toBe(200);
    clock.advance(30_000);
    expect((await call()).status).toBe(401);
    sandbox?.setKnobs({ accessTokenLifetimeSec: 7200 });
    token = sandbox?.mintAccessToken().accessToken ?? '';
    clock.advance(3600_000);
    expect((await call()).status).toBe(200);
  });
});

describe('one-shot faults', () => {
  it.each([
    [401, 'INVALID_TOKEN'],
    [429, 'TOO_MANY_REQUESTS'],
    [500, 'INTERNAL_SERVER_ERROR'],
    [503, 'SERVICE_UNAVAILABLE'],
  ] as const)('status %i answers once with a Zoho-shaped %s body', async (status, code) => {
    await start();
    sandbox?.injectFault({ kind: 'status', status });
    const faulted = await call();
    expect(faulted.status).toBe(status);
    const body = (await faulted.json()) as ZohoErrorBody;
    expect(body.code).toBe(code);
    expect(body.status).toBe('error');
    expect((await call()).status).toBe(200);
  });

  it('a status fault may carry its own code', async () => {
    await start();
    sandbox?.injectFault({ kind: 'status', status: 401, code: 'OAUTH_SCOPE_MISMATCH' });
    expect(((await (await call()).json()) as ZohoErrorBody).code).toBe('OAUTH_SCOPE_MISMATCH');
  });

  it('truncated JSON: a 200 whose body stops half-way', async () => {
    await start();
    sandbox?.injectFault({ kind: 'truncated-json' });
    const response = await call();
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text.startsWith('{"__timeline"')).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  });

  it('socket reset: the request fails at the network level', async () => {
    await start();
    sandbox?.injectFault({ kind: 'socket-reset' });
    await expect(call()).rejects.toThrow();
    expect((await call()).status).toBe(200);
  });

  it('slow body: headers first, the rest of the body after the pause', async () => {
    await start();
    sandbox?.injectFault({ kind: 'slow-body', ms: 200 });
    const response = await call();
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    const chunks: Uint8Array[] = [];
    let firstChunkAt: number | undefined;
    for (;;) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) break;
      firstChunkAt ??= performance.now();
      chunks.push(chunk.value);
    }
    // Part of the body arrived, then the rest only after the pause.
    expect(performance.now() - (firstChunkAt ?? Infinity)).toBeGreaterThanOrEqual(190);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { __timeline: unknown[] };
    expect(body.__timeline).toHaveLength(8);
  });

  it('afterRequests, times and pathIncludes choose which requests fail', async () => {
    await start();
    sandbox?.injectFault({ kind: 'status', status: 500 }, { pathIncludes: '/users', afterRequests: 1, times: 2 });
    expect((await call()).status).toBe(200); // not matching
    expect((await call('/crm/v8/users')).status).toBe(200); // skipped
    expect((await call('/crm/v8/users')).status).toBe(500);
    expect((await call()).status).toBe(200);
    expect((await call('/crm/v8/users')).status).toBe(500);
    expect((await call('/crm/v8/users')).status).toBe(200);
    expect(sandbox?.stats().crmRequests).toBe(6);
  });

  it('faults never touch the accounts endpoints', async () => {
    await start();
    sandbox?.injectFault({ kind: 'status', status: 500 });
    expect((await fetch(`${sandbox?.url ?? ''}/oauth/user/info`, { headers: auth(token) })).status).toBe(200);
    expect((await call()).status).toBe(500);
  });
});
