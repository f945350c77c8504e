import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AesGcmScryptCipher } from '../../../main/auth/aes-gcm-scrypt-cipher.js';
import { TokenVault } from '../../../main/auth/token-vault.js';
import { ZohoAuthService } from '../../../main/auth/zoho-auth-service.js';
import type { ConnectOptions, ConnectionStatus, ZohoAuthServiceOptions } from '../../../main/auth/zoho-auth-service.js';
import type { FetchFunction } from '../../../main/auth/zoho-accounts-api.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import { DEMO_CLIENT, startSandbox } from '../../../main/sandbox/index.js';
import type { Sandbox, SandboxOptions } from '../../../main/sandbox/index.js';
import { browse, ManualClock, tempHome } from './support.js';
import type { BrowserVisit } from './support.js';

export const PASSPHRASE = 'integration test passphrase';

export interface Harness {
  clock: ManualClock;
  sandbox: Sandbox;
  home: string;
  vault: TokenVault;
  service: ZohoAuthService;
  /** Every request the service made, as "METHOD path". */
  requests: string[];
  close(): Promise<void>;
}

export async function startHarness(options: { sandbox?: SandboxOptions; service?: Partial<ZohoAuthServiceOptions>; fetch?: FetchFunction } = {}): Promise<Harness> {
  const clock = new ManualClock();
  const sandbox = await startSandbox({ clock, ...options.sandbox });
  const home = tempHome();
  const vault = new TokenVault(createJsonFileStore(home.dir, 'zoho-vault'), AesGcmScryptCipher.open(PASSPHRASE, join(home.dir, 'zoho-vault.salt.json')));
  const requests: string[] = [];
  const baseFetch: FetchFunction = options.fetch ?? ((input, init) => fetch(input, init));
  const countingFetch: FetchFunction = (input, init) => {
    const url = new URL(input.toString());
    requests.push(`${init?.method ?? 'GET'} ${url.host}${url.pathname}`);
    return baseFetch(input, init);
  };
  const service = new ZohoAuthService({ vault, clock, fetch: countingFetch, ...options.service });
  return {
    clock,
    sandbox,
    home: home.dir,
    vault,
    service,
    requests,
    close: async () => {
      await sandbox.close();
      home.remove();
    },
  };
}

/** Runs connect() with the test playing the browser; the visit is returned for inspection. */
export async function connectWithBrowser(harness: Harness, options: { browser?: Parameters<typeof browse>[1]; connect?: Partial<ConnectOptions> } = {}): Promise<{ status: ConnectionStatus; visit: Promise<BrowserVisit> | undefined }> {
  let visit: Promise<BrowserVisit> | undefined;
  const status = await harness.service.connect({
    clientId: DEMO_CLIENT.clientId,
    clientSecret: DEMO_CLIENT.clientSecret,
    target: { accountsUrl: harness.sandbox.url },
    port: 0,
    openBrowser: (url) => {
      visit = browse(url, { decision: 'approve', ...options.browser });
      visit.catch(() => undefined);
    },
    ...options.connect,
  });
  return { status, visit };
}

/** Same, but returns the error connect() failed with (and the browser visit). */
export async function connectExpectingFailure(harness: Harness, options: Parameters<typeof connectWithBrowser>[1] = {}): Promise<{ error: unknown; visit: Promise<BrowserVisit> | undefined }> {
  let visit: Promise<BrowserVisit> | undefined;
  try {
    await harness.service.connect({
      clientId: DEMO_CLIENT.clientId,
      clientSecret: DEMO_CLIENT.clientSecret,
      target: { accountsUrl: harness.sandbox.url },
      port: 0,
      openBrowser: (url) => {
        visit = browse(url, { decision: 'approve', ...options.browser });
        visit.catch(() => undefined);
      },
      ...options.connect,
    });
  } catch (error) {
    return { error, visit };
  }
  throw new Error('connect() unexpectedly succeeded');
}

/**
 * A "front door" accounts server in front of the sandbox: it only redirects /oauth/v2/auth there
 * (as accounts.zoho.com does for users of another DC) and records every request it sees.
 */
export async function startFrontDoor(sandboxUrl: string): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://front-door');
    hits.push(`${request.method ?? 'GET'} ${url.pathname}`);
    if (request.method === 'GET' && url.pathname === '/oauth/v2/auth') {
      response.writeHead(302, { location: `${sandboxUrl}${url.pathname}${url.search}` });
      response.end();
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"error":"wrong_server"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
