import type { Clock } from '../../../main/core/clock.js';
import type { AccessToken, TokenProvider } from '../../../main/zoho/token-provider.js';
import type { Sandbox } from '../../../main/sandbox/index.js';

/**
 * A real TokenProvider for tests: tokens come from the sandbox's own token minting. It can start with a
 * chosen (possibly wrong) token and counts refreshes so tests can assert "exactly one refresh".
 */
export class SandboxTokenProvider implements TokenProvider {
  refreshes = 0;
  private current: string;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly options: { initialToken?: string; scopes?: string[]; refreshYields?: 'valid' | 'invalid' } = {},
  ) {
    this.current = options.initialToken ?? this.mint();
  }

  private mint(): string {
    return this.sandbox.mintAccessToken(this.options.scopes === undefined ? {} : { scopes: this.options.scopes }).accessToken;
  }

  getToken(): Promise<AccessToken> {
    return Promise.resolve({ accessToken: this.current, apiDomain: this.sandbox.url });
  }

  refreshAfterRejection(rejectedAccessToken: string): Promise<AccessToken> {
    if (rejectedAccessToken === this.current) {
      this.refreshes += 1;
      this.current = this.options.refreshYields === 'invalid' ? `1000.invalid.${this.refreshes}` : this.mint();
    }
    return this.getToken();
  }
}

/**
 * A Clock that does not really wait: it records every requested backoff and yields to the event loop,
 * honouring abort like systemClock. Keeps retry tests fast and deterministic.
 */
export class RecordingClock implements Clock {
  readonly sleeps: number[] = [];
  now(): number {
    return Date.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      setImmediate(() => (signal?.aborted ? reject(signal.reason) : resolve()));
    });
  }
}

/** A Clock whose sleeps never end on their own — only abort ends them. `sleeping` resolves at the first sleep. */
export class BlockingClock implements Clock {
  private started!: () => void;
  readonly sleeping = new Promise<void>((resolve) => (this.started = resolve));
  now(): number {
    return Date.now();
  }
  sleep(_ms: number, signal?: AbortSignal): Promise<void> {
    this.started();
    return new Promise((_resolve, reject) => {
      if (signal?.aborted) reject(signal.reason);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
}

/**
 * Wraps real fetch and lets a test alter the URL sent or the JSON received — used only to make the real
 * sandbox's answers misbehave in ways Zoho could (repeated page tokens, repeated events) or to send the
 * malformed requests our client refuses to build (to see how Zoho's errors are mapped).
 */
export function rewritingFetch(options: {
  url?: (url: string) => string;
  body?: (url: string, body: Record<string, unknown>) => Record<string, unknown>;
  /** Extra headers added to answers with this status (e.g. a Retry-After on 429). */
  addHeaders?: { status: number; headers: Record<string, string> };
}): typeof fetch {
  return async (input, init) => {
    const original = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = options.url ? options.url(original) : original;
    const response = await fetch(url, init);
    if (options.addHeaders !== undefined && response.status === options.addHeaders.status) {
      const headers = new Headers(response.headers);
      for (const [name, value] of Object.entries(options.addHeaders.headers)) headers.set(name, value);
      return new Response(await response.text(), { status: response.status, headers });
    }
    if (options.body === undefined || response.status !== 200) return response;
    const body = (await response.json()) as Record<string, unknown>;
    return new Response(JSON.stringify(options.body(url, body)), { status: 200, headers: { 'content-type': 'application/json' } });
  };
}
