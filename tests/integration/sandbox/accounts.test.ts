import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_CLIENT, startSandbox } from '../../../main/sandbox/index.js';
import type { Sandbox, SandboxOptions } from '../../../main/sandbox/index.js';
import { ManualClock, auth, postForm } from './helpers.js';

const REDIRECT = 'http://127.0.0.1:53682/callback';
const VERIFIER = 'a-verifier-that-is-long-enough-for-pkce-0123456789abcdef';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const SCOPE = 'ZohoCRM.modules.ALL,ZohoCRM.users.READ,AaaServer.profile.READ';

let sandbox: Sandbox | undefined;
let clock: ManualClock;

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  clock = new ManualClock();
  sandbox = await startSandbox({ clock, ...options });
  return sandbox;
}

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function authorizeUrl(base: string, overrides: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    client_id: DEMO_CLIENT.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: SCOPE,
    access_type: 'offline',
    prompt: 'consent',
    state: 'st-123',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const url = new URL('/oauth/v2/auth', base);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

async function consent(base: string, decision: 'approve' | 'deny', overrides: Record<string, string | undefined> = {}): Promise<URL> {
  const page = await fetch(authorizeUrl(base, overrides), { redirect: 'manual' });
  expect(page.status).toBe(200);
  const markup = await page.text();
  expect(markup).toContain('Accept');
  expect(markup).toContain('Deny');
  const consentId = /name="consent_id" value="([0-9a-f]+)"/.exec(markup)?.[1];
  expect(consentId).toBeDefined();
  const answer = await fetch(new URL('/oauth/v2/auth', base), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ consent_id: consentId ?? '', decision }),
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location') ?? '');
}

async function exchange(base: string, code: string, overrides: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const response = await postForm(`${base}/oauth/v2/token`, {
    grant_type: 'authorization_code',
    client_id: DEMO_CLIENT.clientId,
    client_secret: DEMO_CLIENT.clientSecret,
    redirect_uri: REDIRECT,
    code,
    code_verifier: VERIFIER,
    ...overrides,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function refresh(base: string, refreshToken: string): Promise<Response> {
  return postForm(`${base}/oauth/v2/token`, {
    grant_type: 'refresh_token',
    client_id: DEMO_CLIENT.clientId,
    client_secret: DEMO_CLIENT.clientSecret,
    refresh_token: refreshToken,
  });
}

async function crmStatus(base: string, accessToken: string): Promise<number> {
  return (await fetch(`${base}/crm/v8/users?type=CurrentUser`, { headers: auth(accessToken) })).status;
}

describe('authorization endpoint', () => {
  it('shows a consent page; Accept redirects with code, state, location and accounts-server', async () => {
    const { url } = await start({ dataCentre: 'eu' });
    const location = await consent(url, 'approve');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.get('code')).toMatch(/^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/);
    expect(location.searchParams.get('location')).toBe('eu');
    expect(location.searchParams.get('accounts-server')).toBe(url);
    expect(location.search).toContain(`accounts-server=${encodeURIComponent(url)}`);
  });

  it('Deny redirects with error=access_denied and the state, and no code', async () => {
    const { url } = await start();
    const location = await consent(url, 'deny');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('a consent answer cannot be replayed', async () => {
    const { url } = await start();
    const page = await (await fetch(authorizeUrl(url))).text();
    const consentId = /name="consent_id" value="([0-9a-f]+)"/.exec(page)?.[1] ?? '';
    const post = (): Promise<Response> =>
      fetch(`${url}/oauth/v2/auth`, {
        method: 'POST',
        redirect: 'manual',
        body: new URLSearchParams({ consent_id: consentId, decision: 'approve' }),
      });
    expect((await post()).status).toBe(302);
    const replay = await post();
    expect(replay.status).toBe(400);
    expect(replay.headers.get('location')).toBeNull();
  });

  it('autoConsent approves or denies at once, and setKnobs switches it', async () => {
    const { url } = await start({ autoConsent: 'approve' });
    const approved = await fetch(authorizeUrl(url), { redirect: 'manual' });
    expect(approved.status).toBe(302);
    expect(new URL(approved.headers.get('location') ?? '').searchParams.has('code')).toBe(true);
    sandbox?.setKnobs({ autoConsent: 'deny' });
    const denied = await fetch(authorizeUrl(url), { redirect: 'manual' });
    expect(new URL(denied.headers.get('location') ?? '').searchParams.get('error')).toBe('access_denied');
  });

  it('an unknown client or an unregistered redirect URI gets an error page, never a redirect', async () => {
    const { url } = await start({ autoConsent: 'approve' });
    for (const overrides of [
      { client_id: '1000.UNKNOWN' },
      { redirect_uri: 'http://127.0.0.1:53682/other' },
      { redirect_uri: 'http://localhost:53682/callback' },
      { redirect_uri: 'https://evil.example/callback' },
      { redirect_uri: 'http://127.0.0.1:99999/callback' },
    ]) {
      const response = await fetch(authorizeUrl(url, overrides), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('content-type')).toContain('text/html');
    }
  });

  it('custom clients match redirect URIs exactly', async () => {
    const client = { clientId: '1000.CUSTOM', clientSecret: 'secret', redirectUris: ['https://app.example/cb'] };
    const { url } = await start({ clients: [client], autoConsent: 'approve' });
    const ok = await fetch(authorizeUrl(url, { client_id: client.clientId, redirect_uri: 'https://app.example/cb' }), { redirect: 'manual' });
    expect(ok.status).toBe(302);
    const wrong = await fetch(authorizeUrl(url, { client_id: client.clientId, redirect_uri: 'https://app.example/cb/' }), { redirect: 'manual' });
    expect(wrong.status).toBe(400);
  });
});

describe('token endpoint: authorization_code', () => {
  it('exchanges a code (PKCE S256) for access + refresh token in Zoho shape', async () => {
    const { url } = await start({ autoConsent: 'approve' });
    const redirect = await fetch(authorizeUrl(url), { redirect: 'manual' });
    const grant = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const body = await exchange(url, grant);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'api_domain', 'expires_in', 'refresh_token', 'scope', 'token_type']);
    expect(body).toMatchObject({ api_domain: url, token_type: 'Bearer', expires_in: 3600 });
    expect(String(body.scope).split(' ')).toEqual(SCOPE.split(','));
    expect(await crmStatus(url, String(body.access_token))).toBe(200);
    expect(sandbox?.stats().tokenGrants.authorization_code).toBe(1);
  });

  it('gives no refresh token for access_type=online', async () => {
    const { url } = await start({ autoConsent: 'approve' });
    const redirect = await fetch(authorizeUrl(url, { access_type: 'online' }), { redirect: 'manual' });
    const body = await exchange(url, new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '');
    expect(body.access_token).toBeTypeOf('string');
    expect(body).not.toHaveProperty('refresh_token');
  });

  it('a code is single-use, short-lived, bound to the redirect URI and the PKCE verifier', async () => {
    const { url } = await start({ autoConsent: 'approve' });
    const newCode = async (): Promise<string> => new URL((await fetch(authorizeUrl(url), { redirect: 'manual' })).headers.get('location') ?? '').searchParams.get('code') ?? '';

    const reused = await newCode();
    expect((await exchange(url, reused)).access_token).toBeTypeOf('string');
    expect(await exchange(url, reused)).toEqual({ error: 'invalid_code' });

    const expired = await newCode();
    clock.advance(3 * 60_000 + 1);
    expect(await exchange(url, expired)).toEqual({ error: 'invalid_code' });

    expect(await exchange(url, await newCode(), { code_verifier: 'wrong-verifier-wrong-verifier-wrong-verifier-123' })).toEqual({ error: 'invalid_code' });
    const withoutVerifier = await newCode();
    const missing = await postForm(`${url}/oauth/v2/token`, {
      grant_type: 'authorization_code',
      client_id: DEMO_CLIENT.clientId,
      client_secret: DEMO_CLIENT.clientSecret,
      redirect_uri: REDIRECT,
      code: withoutVerifier,
    });
    expect(await missing.json()).toEqual({ error: 'invalid_code' });

    expect(await exchange(url, await newCode(), { redirect_uri: 'http://127.0.0.1:1234/callback' })).toEqual({ error: 'invalid_redirect_uri' });
    expect(await exchange(url, 'not-a-code')).toEqual({ error: 'invalid_code' });
    expect(sandbox?.stats().tokenGrants.authorization_code).toBe(1);
  });

  it('checks the client id and secret; accepts parameters in the query string too', async () => {
    const { url } = await start({ autoConsent: 'approve' });
    const newCode = async (): Promise<string> => new URL((await fetch(authorizeUrl(url), { redirect: 'manual' })).headers.get('location') ?? '').searchParams.get('code') ?? '';
    expect(await exchange(url, await newCode(), { client_id: '1000.NOPE' })).toEqual({ error: 'invalid_client' });
    expect(await exchange(url, await newCode(), { client_secret: 'wrong' })).toEqual({ error: 'invalid_client_secret' });
    expect(await exchange(url, await newCode(), { grant_type: 'password' })).toEqual({ error: 'unsupported_grant_type' });

    const query = new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: DEMO_CLIENT.clientId,
      client_secret: DEMO_CLIENT.clientSecret,
      redirect_uri: REDIRECT,
      code: await newCode(),
      code_verifier: VERIFIER,
    });
    const viaQuery = await fetch(`${url}/oauth/v2/token?${query.toString()}`, { method: 'POST' });
    expect(((await viaQuery.json()) as Record<string, unknown>).access_token).toBeTypeOf('string');
  });

  it('code_challenge_method other than S256 is refused at the authorization step', async () => {
    const { url } = await start({ autoConsent: 'approve' });
    const response = await fetch(authorizeUrl(url, { code_challenge_method: 'plain' }), { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('st-123');
  });
});

describe('token endpoint: refresh_token, limits and revocation', () => {
  it('refresh answers without a refresh_token; tokens expire with the clock', async () => {
    const { url } = await start({ accessTokenLifetimeSec: 120 });
    const { accessToken, refreshToken } = sandbox?.mintAccessToken() ?? { accessToken: '', refreshToken: '' };
    const response = await refresh(url, refreshToken);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'api_domain', 'expires_in', 'scope', 'token_type']);
    expect(body.expires_in).toBe(120);
    expect(await crmStatus(url, accessToken)).toBe(200);
    clock.advance(120_000);
    const expired = await fetch(`${url}/crm/v8/users`, { headers: auth(accessToken) });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toEqual({ code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
    expect(sandbox?.stats().tokenGrants.refresh_token).toBe(1);
  });

  it('mints at most 10 access tokens per refresh token per 10 minutes, then "Access Denied"', async () => {
    const { url } = await start();
    const { refreshToken } = sandbox?.mintAccessToken() ?? { refreshToken: '' };
    for (let index = 0; index < 10; index += 1) {
      const ok = (await (await refresh(url, refreshToken)).json()) as Record<string, unknown>;
      expect(ok.access_token).toBeTypeOf('string');
      clock.advance(1000);
    }
    const blocked = await refresh(url, refreshToken);
    expect(blocked.status).toBe(400);
    expect(await blocked.json()).toEqual({
      error_description: 'You have made too many requests continuously. Please try again after some time.',
      error: 'Access Denied',
      status: 'failure',
    });
    // Another refresh token is not affected.
    const other = sandbox?.mintAccessToken().refreshToken ?? '';
    expect(((await (await refresh(url, other)).json()) as Record<string, unknown>).access_token).toBeTypeOf('string');
    clock.advance(10 * 60_000);
    expect(((await (await refresh(url, refreshToken)).json()) as Record<string, unknown>).access_token).toBeTypeOf('string');
    expect(sandbox?.stats().tokenGrants.refresh_token).toBe(12);
  });

  it('keeps at most 30 live access tokens per refresh token (the 31st deletes the oldest)', async () => {
    const { url } = await start();
    const { accessToken: first, refreshToken } = sandbox?.mintAccessToken() ?? { accessToken: '', refreshToken: '' };
    const minted: string[] = [first];
    while (minted.length < 31) {
      if (minted.length % 10 === 1 && minted.length > 1) clock.advance(10 * 60_000);
      const body = (await (await refresh(url, refreshToken)).json()) as Record<string, unknown>;
      expect(body.access_token).toBeTypeOf('string');
      minted.push(String(body.access_token));
    }
    expect(await crmStatus(url, minted[0] ?? '')).toBe(401);
    expect(await crmStatus(url, minted[1] ?? '')).toBe(200);
    expect(await crmStatus(url, minted[30] ?? '')).toBe(200);
  });

  it('revoking a refresh token kills it and its access tokens (endpoint and helper)', async () => {
    const { url } = await start();
    const first = sandbox?.mintAccessToken() ?? { accessToken: '', refreshToken: '' };
    const revoke = await fetch(`${url}/oauth/v2/token/revoke?token=${encodeURIComponent(first.refreshToken)}`, { method: 'POST' });
    expect(revoke.status).toBe(200);
    expect(await crmStatus(url, first.accessToken)).toBe(401);
    expect(await (await refresh(url, first.refreshToken)).json()).toEqual({ error: 'invalid_code' });

    const second = sandbox?.mintAccessToken() ?? { accessToken: '', refreshToken: '' };
    sandbox?.revokeRefreshToken(second.refreshToken);
    expect(await crmStatus(url, second.accessToken)).toBe(401);
    expect(await (await refresh(url, second.refreshToken)).json()).toEqual({ error: 'invalid_code' });
    expect(sandbox?.stats().revoked).toBe(2);
  });
});

describe('/oauth/user/info', () => {
  it.each(['org_id', 'organization_id', 'ZGID'] as const)('names the org %s', async (orgIdField) => {
    const { url } = await start({ orgIdField });
    const { accessToken } = sandbox?.mintAccessToken() ?? { accessToken: '' };
    const response = await fetch(`${url}/oauth/user/info`, { headers: auth(accessToken) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ Email: 'patricia.boyle@zylker.example', Display_Name: 'Patricia Boyle' });
    expect(body[orgIdField]).toBe('700123456');
    for (const other of ['org_id', 'organization_id', 'ZGID'].filter((field) => field !== orgIdField)) expect(body).not.toHaveProperty(other);
  });

  it('refuses a missing or unknown token', async () => {
    const { url } = await start();
    expect((await fetch(`${url}/oauth/user/info`)).status).toBe(401);
    expect((await fetch(`${url}/oauth/user/info`, { headers: auth('1000.nope.nope') })).status).toBe(401);
  });
});
