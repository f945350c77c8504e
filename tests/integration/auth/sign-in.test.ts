import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exchangeAuthorizationCode } from '../../../main/auth/zoho-accounts-api.js';
import { AuditorError } from '../../../main/core/errors.js';
import { DEMO_CLIENT } from '../../../main/sandbox/index.js';
import { browse } from './support.js';
import { connectExpectingFailure, connectWithBrowser, startFrontDoor, startHarness } from './harness.js';
import type { Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function callbackOf(visit: { visited: string[] }): URL {
  const last = visit.visited.at(-1);
  if (last === undefined) throw new Error('browser visited nothing');
  return new URL(last);
}

describe('sign-in against the sandbox', () => {
  it('connects: consent, code exchange with PKCE, tokens and user in the vault', async () => {
    harness = await startHarness();
    const startedAt = harness.clock.now();
    const { status, visit } = await connectWithBrowser(harness);
    const page = await visit;
    expect(page?.status).toBe(200);
    expect(page?.body).toContain('return to Timeline Auditor');
    const authUrl = new URL(page?.visited[0] ?? '');
    expect(Object.fromEntries(authUrl.searchParams)).toMatchObject({
      client_id: DEMO_CLIENT.clientId,
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      code_challenge_method: 'S256',
      scope: 'ZohoCRM.modules.READ,ZohoCRM.settings.modules.READ,ZohoCRM.settings.fields.READ,ZohoCRM.users.READ,ZohoCRM.org.READ,AaaServer.profile.READ',
    });
    expect(authUrl.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(authUrl.searchParams.get('state')?.length).toBeGreaterThanOrEqual(32);

    expect(status).toMatchObject({
      state: 'connected',
      user: { name: 'Patricia Boyle', email: 'patricia.boyle@zylker.example', id: '60012345678' },
      orgId: '700123456',
      dataCentre: 'us',
      accountsServer: harness.sandbox.url,
      apiDomain: harness.sandbox.url,
      expiresAt: startedAt + 3600_000,
      cipherKind: 'aes-256-gcm-scrypt',
    });
    expect(harness.sandbox.stats().tokenGrants.authorization_code).toBe(1);
    const stored = await harness.vault.read();
    expect(stored?.refreshToken).toMatch(/^1000\./);
    // The token works against the API domain.
    const token = await harness.service.getToken();
    expect(token).toEqual({ accessToken: stored?.accessToken, apiDomain: harness.sandbox.url });
    const info = await fetch(`${token.apiDomain}/oauth/user/info`, { headers: { authorization: `Zoho-oauthtoken ${token.accessToken}` } });
    expect(info.status).toBe(200);
  });

  it('stays connected when /oauth/user/info fails (user shown as unknown)', async () => {
    harness = await startHarness({
      sandbox: { autoConsent: 'approve' },
      fetch: (input, init) => {
        const url = new URL(input.toString());
        // Send user-info without its token: the sandbox answers 401.
        if (url.pathname === '/oauth/user/info') return fetch(input, { ...init, headers: {} });
        return fetch(input, init);
      },
    });
    const { status } = await connectWithBrowser(harness);
    expect(status).toMatchObject({ state: 'connected', user: undefined, orgId: undefined });
    await expect(harness.service.getToken()).resolves.toMatchObject({ apiDomain: harness.sandbox.url });
  });

  it('reports a wrong client secret clearly and stores nothing', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    const { error } = await connectExpectingFailure(harness, { connect: { clientSecret: 'not-the-secret' } });
    expect(error).toMatchObject({ code: 'AUTH_INVALID_CLIENT' });
    expect(harness.vault.readRecord()).toBeUndefined();
  });

  it.each(['organization_id', 'ZGID'] as const)('reads the org id when /oauth/user/info calls it %s', async (orgIdField) => {
    harness = await startHarness({ sandbox: { orgIdField, autoConsent: 'approve' } });
    const { status } = await connectWithBrowser(harness);
    expect(status.orgId).toBe('700123456');
  });

  it('ignores a callback with the wrong state and still completes with the real one', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    let realCallback: URL | undefined;
    let forgedStatus: number | undefined;
    const { status } = await connectWithBrowser(harness, {
      connect: {
        openBrowser: async (url) => {
          const visit = await browse(url, {
            rewrite: (target) => {
              if (target.pathname !== '/callback') return target;
              realCallback = new URL(target);
              const forged = new URL(target);
              forged.searchParams.set('state', 'forged-state');
              return forged;
            },
          });
          forgedStatus = visit.status;
          // The forged request did not end the flow: the genuine callback still gets through.
          if (realCallback !== undefined) await fetch(realCallback);
        },
      },
    });
    expect(forgedStatus).toBe(400);
    expect(status.state).toBe('connected');
    expect(harness.sandbox.stats().tokenGrants.authorization_code).toBe(1);
  });

  it('refuses a reused authorization code and leaves the existing connection alone', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    const first = await connectWithBrowser(harness);
    const firstVisit = await first.visit;
    const usedCode = callbackOf(firstVisit ?? { visited: [] }).searchParams.get('code') ?? '';
    const before = await harness.vault.read();
    // Replay at the token endpoint directly…
    await expect(
      exchangeAuthorizationCode({
        fetch: (input, init) => fetch(input, init),
        clock: harness.clock,
        accountsServer: harness.sandbox.url,
        clientId: DEMO_CLIENT.clientId,
        clientSecret: DEMO_CLIENT.clientSecret,
        code: usedCode,
        redirectUri: callbackOf(firstVisit ?? { visited: [] }).origin + '/callback',
        codeVerifier: 'x'.repeat(43),
      }),
    ).rejects.toMatchObject({ code: 'AUTH_INVALID_CODE' });
    // …and through a second sign-in whose callback carries the old code.
    const { error } = await connectExpectingFailure(harness, {
      browser: {
        rewrite: (url) => {
          if (url.pathname === '/callback') url.searchParams.set('code', usedCode);
          return url;
        },
      },
    });
    expect(error).toMatchObject({ code: 'AUTH_INVALID_CODE' });
    expect(await harness.vault.read()).toEqual(before);
  });

  it('fails on a PKCE mismatch (code_challenge tampered on the way to Zoho)', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    const { error } = await connectExpectingFailure(harness, {
      browser: {
        rewrite: (url) => {
          if (url.pathname === '/oauth/v2/auth') url.searchParams.set('code_challenge', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
          return url;
        },
      },
    });
    expect(error).toMatchObject({ code: 'AUTH_INVALID_CODE' });
    expect(harness.vault.readRecord()).toBeUndefined();
    expect(harness.sandbox.stats().tokenGrants.authorization_code).toBe(0);
  });

  it('reports denied consent clearly and stores nothing', async () => {
    harness = await startHarness();
    const { error, visit } = await connectExpectingFailure(harness, { browser: { decision: 'deny' } });
    expect(error).toBeInstanceOf(AuditorError);
    expect(error).toMatchObject({ code: 'AUTH_DENIED' });
    expect((await visit)?.body).toContain('Timeline Auditor');
    expect(harness.service.status().state).toBe('disconnected');
  });

  it('times out after 5 minutes by default (injected clock)', async () => {
    harness = await startHarness();
    const clock = harness.clock;
    let opened = false;
    const outcome = harness.service
      .connect({
        clientId: DEMO_CLIENT.clientId,
        clientSecret: DEMO_CLIENT.clientSecret,
        target: { accountsUrl: harness.sandbox.url },
        port: 0,
        openBrowser: () => {
          opened = true;
        },
      })
      .catch((error: unknown) => error);
    while (!opened) await new Promise((resolve) => setTimeout(resolve, 2));
    clock.advance(5 * 60_000);
    expect(await outcome).toMatchObject({ code: 'AUTH_TIMEOUT' });
  });

  it('can be cancelled', async () => {
    harness = await startHarness();
    const controller = new AbortController();
    const outcome = harness.service
      .connect({
        clientId: DEMO_CLIENT.clientId,
        clientSecret: DEMO_CLIENT.clientSecret,
        target: { accountsUrl: harness.sandbox.url },
        port: 0,
        signal: controller.signal,
        openBrowser: () => {
          controller.abort();
        },
      })
      .catch((error: unknown) => error);
    expect(await outcome).toMatchObject({ code: 'AUTH_CANCELLED' });
  });

  it('reports a callback port in use', async () => {
    harness = await startHarness();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as AddressInfo).port;
      const { error } = await connectExpectingFailure(harness, { connect: { port } });
      expect(error).toMatchObject({ code: 'AUTH_PORT_IN_USE' });
      expect((error as AuditorError).hint).toContain(`${port}`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('uses the accounts-server from the redirect (DC switch) for the code exchange and every refresh', async () => {
    harness = await startHarness({ sandbox: { dataCentre: 'eu', autoConsent: 'approve' } });
    const frontDoor = await startFrontDoor(harness.sandbox.url);
    try {
      const { status } = await connectWithBrowser(harness, { connect: { target: { accountsUrl: frontDoor.url } } });
      expect(status).toMatchObject({ state: 'connected', dataCentre: 'eu', accountsServer: harness.sandbox.url });
      harness.clock.advance(3600_000);
      await harness.service.getToken();
      expect(harness.sandbox.stats().tokenGrants).toEqual({ authorization_code: 1, refresh_token: 1 });
      // The front door only ever saw the browser's authorization request.
      expect(frontDoor.hits).toEqual(['GET /oauth/v2/auth']);
      expect(harness.requests.every((request) => !request.includes(new URL(frontDoor.url).host))).toBe(true);
    } finally {
      await frontDoor.close();
    }
  });

  it('refuses an accounts-server that is not Zoho and sends it nothing', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    const { error } = await connectExpectingFailure(harness, {
      connect: { target: { dataCentre: 'us' } },
      browser: {
        rewrite: (url) => {
          // The test browser sends the authorization request to the sandbox instead of accounts.zoho.com.
          if (url.hostname === 'accounts.zoho.com') return new URL(`${harness?.sandbox.url ?? ''}${url.pathname}${url.search}`);
          return url;
        },
      },
    });
    expect(error).toMatchObject({ code: 'AUTH_UNTRUSTED_SERVER' });
    expect(harness.requests).toEqual([]);
  });

  describe('when Zoho issues no refresh token (access_type not offline)', () => {
    const online = {
      rewrite: (url: URL) => {
        if (url.pathname === '/oauth/v2/auth') url.searchParams.set('access_type', 'online');
        return url;
      },
    };

    it('fails clearly on a first connection and stores nothing', async () => {
      harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
      const { error } = await connectExpectingFailure(harness, { browser: online });
      expect(error).toMatchObject({ code: 'AUTH_NO_REFRESH_TOKEN' });
      expect((error as AuditorError).hint).toContain('Connected Apps');
      expect(harness.service.status().state).toBe('disconnected');
    });

    it('keeps the stored refresh token of the same user and client', async () => {
      harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
      await connectWithBrowser(harness);
      const before = await harness.vault.read();
      const { status } = await connectWithBrowser(harness, { browser: online });
      const after = await harness.vault.read();
      expect(status.state).toBe('connected');
      expect(after?.refreshToken).toBe(before?.refreshToken);
      expect(after?.accessToken).not.toBe(before?.accessToken);
      // The kept refresh token still works.
      harness.clock.advance(3600_000);
      const refreshed = await harness.service.getToken();
      expect(refreshed.accessToken).not.toBe(after?.accessToken);
      expect(harness.sandbox.stats().tokenGrants.refresh_token).toBe(1);
    });
  });
});
