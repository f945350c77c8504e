import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import { AuditorError } from '../core/errors.js';

/** RFC 8252 §7.3: loopback IP literal, never `localhost` (which may resolve elsewhere). */
export const LOOPBACK_HOST = '127.0.0.1';
export const CALLBACK_PATH = '/callback';
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

export interface LoopbackAuthorizationOptions {
  /** The port registered in Zoho's console (redirect URIs match exactly). 0 = any free port (tests). */
  port: number;
  /** The `state` sent in the authorization URL; only a callback carrying it can finish the flow. */
  state: string;
  buildAuthorizationUrl(redirectUri: string): string;
  /** Shown to the person (CLI prints it) before the browser is asked to open it. */
  onAuthorizationUrl?(url: string): void;
  openBrowser(url: string): Promise<void> | void;
  timeoutMs?: number;
  clock?: Clock;
  signal?: AbortSignal;
}

export interface AuthorizationCallback {
  code: string;
  redirectUri: string;
  /** Zoho's `location` (us, eu, …) and `accounts-server` from the redirect, when present. */
  location: string | undefined;
  accountsServer: string | undefined;
  /** Requests that reached /callback with a wrong or missing state and were turned away. */
  rejectedCallbacks: number;
}

/**
 * Listens on 127.0.0.1 for exactly one callback carrying our `state`.
 *
 * A callback with a wrong or missing state is answered 400 and ignored: the flow keeps waiting. Any
 * local process or web page can reach a loopback port, so letting such a request end the flow would
 * let it cancel the person's real sign-in; without the state it cannot finish it either. Only a
 * callback with the right state ends the flow — with the code, or with Zoho's error (e.g. denied).
 */
export async function runLoopbackAuthorization(options: LoopbackAuthorizationOptions): Promise<AuthorizationCallback> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS;
  options.signal?.throwIfAborted();

  let settle: { resolve(value: AuthorizationCallback): void; reject(error: unknown): void } | undefined;
  const outcome = new Promise<AuthorizationCallback>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let settled = false;
  // Set as soon as the one callback with our state arrives, before its page is flushed.
  let claimed = false;
  let rejectedCallbacks = 0;
  let redirectUri = '';

  const finish = (result: { callback: AuthorizationCallback } | { error: unknown }): void => {
    if (settled) return;
    settled = true;
    if ('callback' in result) settle?.resolve(result.callback);
    else settle?.reject(result.error);
  };

  const server = createServer((request, response) => {
    handleRequest(request, response);
  });

  const handleRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', `http://${LOOPBACK_HOST}`);
    if (request.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      sendPage(response, 404, 'Not found', 'Nothing here. Return to Timeline Auditor.');
      return;
    }
    const state = url.searchParams.get('state');
    if (claimed || settled || state === null || !sameSecret(state, options.state)) {
      rejectedCallbacks += 1;
      sendPage(response, 400, 'Sign-in link not recognised', 'This response does not belong to the sign-in Timeline Auditor is waiting for. Return to the app and start again if needed.');
      return;
    }
    claimed = true;
    // Settle only once the page has gone out, so closing the listener cannot cut it off.
    const finishAfterPage = (result: Parameters<typeof finish>[0]): void => {
      response.once('close', () => finish(result));
    };
    const error = url.searchParams.get('error');
    if (error !== null) {
      finishAfterPage({ error: zohoAuthorizationError(error) });
      sendPage(response, 200, 'Sign-in not completed', 'Zoho did not grant access. You can close this tab and return to Timeline Auditor.');
      return;
    }
    const code = url.searchParams.get('code');
    if (code === null || code === '') {
      finishAfterPage({ error: new AuditorError('AUTH_NO_CODE', 'Zoho returned to the app without an authorization code.', { hint: 'Start the connection again.' }) });
      sendPage(response, 400, 'Sign-in not completed', 'Zoho sent no authorization code. Return to Timeline Auditor and try again.');
      return;
    }
    finishAfterPage({
      callback: {
        code,
        redirectUri,
        location: url.searchParams.get('location') ?? undefined,
        accountsServer: url.searchParams.get('accounts-server') ?? undefined,
        rejectedCallbacks,
      },
    });
    sendPage(response, 200, 'Signed in to Zoho', 'You can close this tab and return to Timeline Auditor.');
  };

  await listen(server, options.port);
  const port = (server.address() as AddressInfo).port;
  redirectUri = `http://${LOOPBACK_HOST}:${port}${CALLBACK_PATH}`;

  const stopWaiting = new AbortController();
  const onAbort = (): void => {
    finish({ error: new AuditorError('AUTH_CANCELLED', 'Connecting to Zoho was cancelled.', { hint: 'Start the connection again when you are ready.' }) });
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  clock.sleep(timeoutMs, stopWaiting.signal).then(
    () => {
      finish({
        error: new AuditorError('AUTH_TIMEOUT', `No answer came back from Zoho sign-in within ${Math.round(timeoutMs / 1000)} seconds.`, {
          hint: 'Start the connection again and finish signing in in the browser window that opens.',
        }),
      });
    },
    () => undefined,
  );

  try {
    const authorizationUrl = options.buildAuthorizationUrl(redirectUri);
    options.onAuthorizationUrl?.(authorizationUrl);
    try {
      await options.openBrowser(authorizationUrl);
    } catch {
      // The URL was already shown; the person can open it by hand.
    }
    return await outcome;
  } finally {
    stopWaiting.abort();
    options.signal?.removeEventListener('abort', onAbort);
    await closeServer(server);
  }
}

function sameSecret(received: string, expected: string): boolean {
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function zohoAuthorizationError(error: string): AuditorError {
  if (error === 'access_denied') {
    return new AuditorError('AUTH_DENIED', 'Access was not granted in Zoho: the consent screen was declined.', {
      hint: 'Connect again and choose Accept on Zoho’s consent screen.',
    });
  }
  return new AuditorError('AUTH_FAILED', `Zoho sign-in failed (${error.slice(0, 80)}).`, {
    hint: 'Check the client ID and that http://127.0.0.1:<port>/callback is registered in Zoho’s API console, then connect again.',
    details: { error: error.slice(0, 200) },
  });
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        reject(
          new AuditorError('AUTH_PORT_IN_USE', `Port ${port} on 127.0.0.1 is not available for the sign-in callback (${error.code}).`, {
            hint: `Close the program using port ${port}, or pick another port with --port and register http://127.0.0.1:<port>/callback in Zoho's API console.`,
            cause: error,
          }),
        );
      } else {
        reject(error);
      }
    };
    server.once('error', onError);
    server.listen(port, LOOPBACK_HOST, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const PAGE_STYLE = 'font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222';

function sendPage(response: ServerResponse, status: number, title: string, text: string): void {
  // Fixed texts only: nothing from the request is echoed into the page.
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body style="${PAGE_STYLE}"><h1>${title}</h1><p>${text}</p></body></html>`;
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    connection: 'close',
  });
  response.end(body);
}
