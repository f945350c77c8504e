import { afterEach, describe, expect, it } from 'vitest';
import type { FetchFunction } from '../../../main/auth/zoho-accounts-api.js';
import { filesUnder } from './support.js';
import { connectWithBrowser, startHarness } from './harness.js';
import type { Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const HOUR = 3600_000;

function tokenRequests(h: Harness): number {
  return h.requests.filter((request) => request.endsWith('/oauth/v2/token')).length;
}

describe('access tokens', () => {
  it('persists the refresh token on arrival and computes expires_at from when the response arrived', async () => {
    let clockRef: Harness['clock'] | undefined;
    let refreshTokenStoredBeforeUserInfo: boolean | undefined;
    // Slow user-info lookup between the token response and the final vault write: 45 s pass.
    const slowUserInfo: FetchFunction = async (input, init) => {
      if (new URL(input.toString()).pathname === '/oauth/user/info') {
        refreshTokenStoredBeforeUserInfo = ((await harness?.vault.read())?.refreshToken ?? '').startsWith('1000.');
        clockRef?.advance(45_000);
      }
      return fetch(input, init);
    };
    harness = await startHarness({ sandbox: { autoConsent: 'approve' }, fetch: slowUserInfo });
    clockRef = harness.clock;
    const receivedAt = harness.clock.now();
    const { status } = await connectWithBrowser(harness);
    expect(refreshTokenStoredBeforeUserInfo).toBe(true);
    expect(harness.clock.now()).toBe(receivedAt + 45_000);
    expect(status.expiresAt).toBe(receivedAt + HOUR);
  });

  it('reuses the token until 120 s before expiry, then refreshes once', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    const { status } = await connectWithBrowser(harness);
    const first = await harness.service.getToken();
    harness.clock.advance(HOUR - 121_000);
    expect(await harness.service.getToken()).toEqual(first);
    expect(harness.sandbox.stats().tokenGrants.refresh_token).toBe(0);
    harness.clock.advance(2_000); // now 119 s before expiry: inside the window
    const second = await harness.service.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(harness.sandbox.stats().tokenGrants.refresh_token).toBe(1);
    expect(harness.service.status().expiresAt).toBe(harness.clock.now() + HOUR);
    expect(harness.service.status().expiresAt).toBeGreaterThan(status.expiresAt ?? 0);
    expect(await harness.service.getToken()).toEqual(second);
    expect(harness.sandbox.stats().tokenGrants.refresh_token).toBe(1);
  });

  it('50 concurrent calls at expiry share exactly one refresh', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    await connectWithBrowser(harness);
    const old = await harness.service.getToken();
    harness.clock.advance(HOUR);
    const { service } = harness;
    const tokens = await Promise.all(Array.from({ length: 50 }, () => service.getToken()));
    expect(new Set(tokens.map((token) => token?.accessToken)).size).toBe(1);
    expect(tokens[0]?.accessToken).not.toBe(old.accessToken);
    expect(harness.sandbox.stats().tokenGrants.refresh_token).toBe(1);
    expect(tokenRequests(harness)).toBe(2); // the code exchange and the one refresh
  });

  it('after a 401, refreshes only if the rejected token is still the current one', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    await connectWithBrowser(harness);
    const rejected = await harness.service.getToken();
    const { service } = harness;
    const results = await Promise.all(Array.from({ length: 20 }, () => service.refreshAfterRejection(rejected.accessToken)));
    expect(new Set(results.map((token) => token?.accessToken)).size).toBe(1);
    expect(results[0]?.accessToken).not.toBe(rejected.accessToken);
    expect(harness.sandbox.stats().tokenGrants.refresh_token).toBe(1);
    // A late report about the old token does not mint another one.
    expect(await harness.service.refreshAfterRejection(rejected.accessToken)).toEqual(results[0]);
    expect(harness.sandbox.stats().tokenGrants.refresh_token).toBe(1);
  });

  it('never asks Zoho for more than 10 tokens per 10 minutes; says when to retry', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    await connectWithBrowser(harness);
    for (let i = 0; i < 10; i += 1) {
      const current = await harness.service.getToken();
      await harness.service.refreshAfterRejection(current.accessToken);
      harness.clock.advance(1_000);
    }
    expect(harness.sandbox.stats().tokenGrants.refresh_token).toBe(10);
    const current = await harness.service.getToken();
    const error = await harness.service.refreshAfterRejection(current.accessToken).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTH_REFRESH_LIMIT' });
    const retryAt = (error as { details: { retryAt: number } }).details.retryAt;
    expect((error as { hint: string }).hint).toContain(new Date(retryAt).toISOString());
    expect(harness.sandbox.stats().tokenGrants.refresh_token).toBe(10);
    expect(harness.service.status().state).toBe('connected');
    harness.clock.advance(retryAt - harness.clock.now());
    await harness.service.refreshAfterRejection(current.accessToken);
    expect(harness.sandbox.stats().tokenGrants.refresh_token).toBe(11);
  });

  it("maps Zoho's own throttle answer to a clear error without breaking the connection", async () => {
    // Our guard loosened so the 11th refresh reaches the sandbox, which throttles as Zoho does.
    harness = await startHarness({ sandbox: { autoConsent: 'approve' }, service: { refreshLimit: { max: 100, windowMs: 600_000 } } });
    await connectWithBrowser(harness);
    for (let i = 0; i < 10; i += 1) await harness.service.refreshAfterRejection((await harness.service.getToken()).accessToken);
    const error = await harness.service.refreshAfterRejection((await harness.service.getToken()).accessToken).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTH_ZOHO_RATE_LIMITED' });
    expect(harness.service.status().state).toBe('connected');
  });

  it('marks the connection BROKEN when the refresh token was revoked, and stops calling Zoho', async () => {
    const seenStates: string[] = [];
    harness = await startHarness({ sandbox: { autoConsent: 'approve' }, service: { onStatusChange: (status) => seenStates.push(status.state) } });
    await connectWithBrowser(harness);
    harness.sandbox.revokeRefreshToken((await harness.vault.read())?.refreshToken ?? '');
    harness.clock.advance(HOUR);
    await expect(harness.service.getToken()).rejects.toMatchObject({ code: 'AUTH_RECONNECT_REQUIRED' });
    const status = harness.service.status();
    expect(status.state).toBe('broken');
    expect(status.brokenReason).toMatch(/revoked/);
    expect(seenStates).toEqual(['connected', 'broken']);
    const requestsSoFar = harness.requests.length;
    const again = await harness.service.getToken().catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'AUTH_RECONNECT_REQUIRED', hint: expect.stringContaining('Reconnect') as string });
    await expect(harness.service.refreshAfterRejection('anything')).rejects.toMatchObject({ code: 'AUTH_RECONNECT_REQUIRED' });
    expect(harness.requests.length).toBe(requestsSoFar);
    // Reconnecting repairs it.
    const { status: repaired } = await connectWithBrowser(harness);
    expect(repaired.state).toBe('connected');
    await expect(harness.service.getToken()).resolves.toMatchObject({ apiDomain: harness.sandbox.url });
  });

  it('disconnect revokes the refresh token at Zoho and wipes the vault', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    await connectWithBrowser(harness);
    const result = await harness.service.disconnect();
    expect(result).toEqual({ wasConnected: true, revoked: true, revokeError: undefined });
    expect(harness.sandbox.stats().revoked).toBe(1);
    expect(harness.service.status().state).toBe('disconnected');
    expect(harness.vault.readRecord()).toBeUndefined();
    await expect(harness.service.getToken()).rejects.toMatchObject({ code: 'AUTH_NOT_CONNECTED' });
  });

  it('disconnect still wipes the vault when Zoho cannot be reached, and says revoking failed', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    await connectWithBrowser(harness);
    await harness.sandbox.close();
    const result = await harness.service.disconnect();
    expect(result.wasConnected).toBe(true);
    expect(result.revoked).toBe(false);
    expect(result.revokeError?.code).toBe('ZOHO_UNREACHABLE');
    expect(harness.service.status().state).toBe('disconnected');
  });

  it('leaves no token or client secret in clear (or base64) in any file it wrote', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    await connectWithBrowser(harness);
    const firstAccess = (await harness.vault.read())?.accessToken ?? '';
    harness.clock.advance(HOUR);
    await harness.service.getToken();
    const stored = await harness.vault.read();
    const secrets = [firstAccess, stored?.accessToken ?? '', stored?.refreshToken ?? '', stored?.clientSecret ?? ''];
    expect(secrets.every((secret) => secret.length > 20)).toBe(true);
    const needles = secrets.flatMap((secret) => [
      secret,
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      // Distinctive middle part (Zoho tokens are 1000.<hex>.<hex>).
      secret.split('.')[1] ?? secret,
    ]);
    const files = filesUnder(harness.home);
    expect(files.length).toBeGreaterThanOrEqual(2); // the vault and its salt file
    expect(files.some((file) => file.path === harness?.vault.path)).toBe(true);
    for (const file of files) {
      const text = file.content.toString('latin1');
      for (const needle of needles) expect(text.includes(needle), `${needle.slice(0, 8)}… in ${file.path}`).toBe(false);
    }
    // The non-secret part is there in clear (so the scan looked at the right file).
    expect(files.find((file) => file.path === harness?.vault.path)?.content.toString('utf8')).toContain('Patricia Boyle');
  });
});
