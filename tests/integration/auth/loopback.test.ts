import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runLoopbackAuthorization } from '../../../main/auth/loopback.js';
import type { AuthorizationCallback } from '../../../main/auth/loopback.js';
import { AuditorError } from '../../../main/core/errors.js';
import { ManualClock, until } from './support.js';

const STATE = 'expected-state-value-0123456789';

/** Starts a flow on a random port; resolves with the redirect URI once listening, and the outcome. */
async function startFlow(options: { clock?: ManualClock; signal?: AbortSignal; timeoutMs?: number } = {}) {
  let redirectUri: string | undefined;
  const opened: string[] = [];
  const outcome: Promise<AuthorizationCallback> = runLoopbackAuthorization({
    port: 0,
    state: STATE,
    buildAuthorizationUrl: (uri) => {
      redirectUri = uri;
      return `https://accounts.example/oauth/v2/auth?redirect_uri=${encodeURIComponent(uri)}`;
    },
    openBrowser: (url) => {
      opened.push(url);
    },
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  outcome.catch(() => undefined);
  await until(() => opened.length === 1, 'the browser to be opened');
  return { outcome, redirectUri: redirectUri as string, opened };
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return false;
  } catch {
    return true;
  }
}

describe('loopback authorization listener', () => {
  it('listens on 127.0.0.1, takes the one callback with the right state, answers the browser and closes', async () => {
    const flow = await startFlow();
    expect(flow.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(flow.opened[0]).toContain(encodeURIComponent(flow.redirectUri));
    const response = await fetch(`${flow.redirectUri}?state=${STATE}&code=1000.abc&location=eu&accounts-server=${encodeURIComponent('https://accounts.zoho.eu')}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('return to Timeline Auditor');
    const callback = await flow.outcome;
    expect(callback).toEqual({ code: '1000.abc', redirectUri: flow.redirectUri, location: 'eu', accountsServer: 'https://accounts.zoho.eu', rejectedCallbacks: 0 });
    expect(await refused(`${flow.redirectUri}?state=${STATE}&code=again`)).toBe(true);
  });

  it('turns away wrong-state and state-less callbacks without ending the flow', async () => {
    const flow = await startFlow();
    const wrong = await fetch(`${flow.redirectUri}?state=forged&code=attacker-code`);
    expect(wrong.status).toBe(400);
    const noState = await fetch(`${flow.redirectUri}?error=access_denied`);
    expect(noState.status).toBe(400);
    expect((await fetch(flow.redirectUri.replace('/callback', '/other'))).status).toBe(404);
    const real = await fetch(`${flow.redirectUri}?state=${STATE}&code=real-code`);
    expect(real.status).toBe(200);
    const callback = await flow.outcome;
    expect(callback.code).toBe('real-code');
    expect(callback.rejectedCallbacks).toBe(2);
  });

  it('refuses forged states of the same length as the real one: every byte is compared, not the length', async () => {
    const flow = await startFlow();
    const lastCharChanged = `${STATE.slice(0, -1)}${STATE.endsWith('9') ? '8' : '9'}`;
    const firstCharChanged = `${STATE.startsWith('e') ? 'f' : 'e'}${STATE.slice(1)}`;
    // Same number of characters, more bytes in UTF-8: a length check on the string alone would pass it on to the byte compare.
    const multiByte = `${STATE.slice(0, -1)}é`;
    for (const forged of [lastCharChanged, firstCharChanged, multiByte, STATE.toUpperCase()]) {
      expect(forged).toHaveLength(STATE.length);
      expect(forged).not.toBe(STATE);
      const response = await fetch(`${flow.redirectUri}?state=${encodeURIComponent(forged)}&code=attacker-code`);
      expect(response.status).toBe(400);
    }
    const real = await fetch(`${flow.redirectUri}?state=${STATE}&code=real-code`);
    expect(real.status).toBe(200);
    const callback = await flow.outcome;
    expect(callback.code).toBe('real-code');
    expect(callback.rejectedCallbacks).toBe(4);
  });

  it('ends with a clear error when consent is denied (right state)', async () => {
    const flow = await startFlow();
    await fetch(`${flow.redirectUri}?state=${STATE}&error=access_denied`);
    await expect(flow.outcome).rejects.toMatchObject({ code: 'AUTH_DENIED', message: expect.stringContaining('not granted') as string });
  });

  it('reports a port in use with a hint', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const error = await runLoopbackAuthorization({ port, state: STATE, buildAuthorizationUrl: () => 'x', openBrowser: () => undefined }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuditorError);
      expect(error).toMatchObject({ code: 'AUTH_PORT_IN_USE' });
      expect((error as AuditorError).hint).toContain('--port');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('times out on the injected clock and closes the listener', async () => {
    const clock = new ManualClock();
    const flow = await startFlow({ clock, timeoutMs: 300_000 });
    clock.advance(299_999);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await fetch(`${flow.redirectUri}?state=nope`)).status).toBe(400);
    clock.advance(1);
    await expect(flow.outcome).rejects.toMatchObject({ code: 'AUTH_TIMEOUT' });
    expect(await refused(`${flow.redirectUri}?state=${STATE}&code=late`)).toBe(true);
  });

  it('stops when cancelled and closes the listener', async () => {
    const controller = new AbortController();
    const flow = await startFlow({ signal: controller.signal });
    controller.abort();
    await expect(flow.outcome).rejects.toMatchObject({ code: 'AUTH_CANCELLED' });
    expect(await refused(`${flow.redirectUri}?state=${STATE}&code=late`)).toBe(true);
  });
});
