/**
 * startSandbox: one node:http server on 127.0.0.1 that is both Zoho's accounts server and the
 * CRM api_domain. The CRM pipeline per request: count → one-shot fault → token → concurrency →
 * credits → handler → latency → write (whole, truncated or slow). Limits follow limits-and-tokens.md:
 * concurrency over the limit and credits over the rolling 24 h budget answer HTTP 429
 * {"code":"TOO_MANY_REQUESTS",...}.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../core/clock.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_SCOPES, DEMO_CLIENT, SANDBOX_USER, SandboxAccounts, type AccountsSettings, type PersistedGrant } from './accounts.js';
import { DEFAULT_ORG_TIME_ZONE, SandboxCrm } from './crm.js';
import { SandboxDataset } from './dataset.js';
import { crmError, json, readBody, writeResponse, type SandboxResponse } from './http-util.js';
import { SANDBOX_EDITION_CONCURRENCY, type Sandbox, type SandboxFault, type SandboxKnobs, type SandboxOptions, type SandboxStats } from './types.js';

/** Zoho's answer header with the org's credits left in the rolling 24 h window (api-limits.html). */
const CREDITS_REMAINING_HEADER = 'X-API-CREDITS-REMAINING';

function creditHeader(result: SandboxResponse): Record<string, string> {
  const value = result.headers?.[CREDITS_REMAINING_HEADER];
  return value === undefined ? {} : { [CREDITS_REMAINING_HEADER]: value };
}

const CREDIT_WINDOW_MS = 24 * 3600_000;

interface QueuedFault {
  fault: SandboxFault;
  pathIncludes: string;
  skip: number;
  remaining: number;
}

function faultResponse(fault: Extract<SandboxFault, { kind: 'status' }>): SandboxResponse {
  switch (fault.status) {
    case 401:
      return crmError(401, fault.code ?? 'INVALID_TOKEN', 'invalid oauth token');
    case 429:
      return crmError(429, fault.code ?? 'TOO_MANY_REQUESTS', 'You have exceeded the maximum number of concurrent API calls allowed. Try again later.');
    case 500:
      return crmError(500, fault.code ?? 'INTERNAL_SERVER_ERROR', 'Internal Server Error');
    case 503:
      return crmError(503, fault.code ?? 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable. Try again later.');
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? systemClock;
  const knobs = {
    latencyMs: options.latencyMs ?? 0,
    concurrencyLimit: options.concurrencyLimit,
    edition: options.edition ?? 'standard',
    creditLimit: options.creditLimit ?? 50_000,
    accessTokenLifetimeSec: options.accessTokenLifetimeSec ?? 3600,
    autoConsent: options.autoConsent,
    dataCentre: options.dataCentre ?? 'us',
    orgIdField: options.orgIdField ?? 'org_id',
    orgTimeZone: options.orgTimeZone ?? DEFAULT_ORG_TIME_ZONE,
  } satisfies Required<Omit<SandboxKnobs, 'autoConsent' | 'concurrencyLimit'>> & Pick<SandboxKnobs, 'autoConsent' | 'concurrencyLimit'>;
  /** An explicit limit wins; otherwise the edition's, as Zoho enforces it per org. */
  const concurrencyLimit = (): number => knobs.concurrencyLimit ?? SANDBOX_EDITION_CONCURRENCY[knobs.edition];
  let baseUrl = '';
  const settings = (): AccountsSettings => ({
    autoConsent: knobs.autoConsent,
    dataCentre: knobs.dataCentre,
    orgIdField: knobs.orgIdField,
    accessTokenLifetimeSec: knobs.accessTokenLifetimeSec,
  });
  const accounts = new SandboxAccounts(clock, options.clients ?? [DEMO_CLIENT], settings, () => baseUrl);
  if (options.stateFile !== undefined) {
    const stateFile = options.stateFile;
    accounts.rememberGrants(readPersistedGrants(stateFile));
    accounts.onGrantsChanged = () => writeFileSync(stateFile, JSON.stringify({ version: 1, grants: accounts.persistedGrants() }), { mode: 0o600 });
  }
  const dataset = new SandboxDataset(options.seed ?? 1, options.recordsPerModule ?? 20);
  const crm = new SandboxCrm(dataset, () => ({ timeZone: knobs.orgTimeZone, id: SANDBOX_USER.orgId, edition: knobs.edition }));
  const faults: QueuedFault[] = [];
  const creditTimes: number[] = [];
  let creditHead = 0;
  let inFlight = 0;
  const counters = { crmRequests: 0, rejected429: 0 };

  function takeFault(path: string): SandboxFault | undefined {
    let chosen: SandboxFault | undefined;
    for (const queued of [...faults]) {
      if (!path.includes(queued.pathIncludes)) continue;
      if (queued.skip > 0) {
        queued.skip -= 1;
        continue;
      }
      if (chosen !== undefined) continue;
      chosen = queued.fault;
      queued.remaining -= 1;
      if (queued.remaining <= 0) faults.splice(faults.indexOf(queued), 1);
    }
    return chosen;
  }

  function creditsUsed(now: number): number {
    while (creditHead < creditTimes.length && (creditTimes[creditHead] ?? 0) <= now - CREDIT_WINDOW_MS) creditHead += 1;
    if (creditHead > 10_000) {
      creditTimes.splice(0, creditHead);
      creditHead = 0;
    }
    return creditTimes.length - creditHead;
  }

  async function send(response: ServerResponse, result: SandboxResponse, fault: SandboxFault | undefined): Promise<void> {
    if (result.status === 429) counters.rejected429 += 1;
    const body = result.body;
    if (fault?.kind === 'truncated-json' && body !== undefined) {
      // The connection ends cleanly but the JSON stops half-way (what a broken proxy produces).
      const headers = { ...result.headers };
      response.writeHead(result.status, headers);
      response.end(body.slice(0, Math.max(1, Math.floor(body.length / 2))));
      return;
    }
    if (fault?.kind === 'html-page') {
      // Whole and well-formed, just not JSON: what a captive portal or a proxy's error page sends with 200.
      const page = '<!DOCTYPE html><html><head><title>Sign in to continue</title></head><body><h1>Network login required</h1><p>Please sign in to use this network.</p></body></html>';
      writeResponse(response, { status: 200, headers: { 'content-type': 'text/html;charset=UTF-8', ...creditHeader(result) }, body: page });
      return;
    }
    if (fault?.kind === 'slow-body' && body !== undefined) {
      const bytes = Buffer.from(body);
      const half = Math.floor(bytes.length / 2);
      response.writeHead(result.status, { ...result.headers, 'content-length': String(bytes.length) });
      response.write(bytes.subarray(0, half));
      await delay(fault.ms);
      if (!response.destroyed) response.end(bytes.subarray(half));
      return;
    }
    writeResponse(response, result);
  }

  async function handleCrm(request: IncomingMessage, response: ServerResponse, url: URL, rawQuery: string): Promise<void> {
    counters.crmRequests += 1;
    const fault = takeFault(url.pathname);
    if (fault?.kind === 'socket-reset') {
      request.socket.resetAndDestroy();
      return;
    }
    if (fault?.kind === 'status') {
      await send(response, faultResponse(fault), undefined);
      return;
    }
    inFlight += 1;
    let released = false;
    const release = (): void => {
      if (!released) {
        released = true;
        inFlight -= 1;
      }
    };
    try {
      const result = crmResult(request, url, rawQuery);
      // A rejected call does not hold a concurrency slot while its answer travels back.
      if (result.status === 401 || result.status === 429) release();
      if (knobs.latencyMs > 0) await delay(knobs.latencyMs);
      await send(response, result, fault);
    } finally {
      release();
    }
  }

  function crmResult(request: IncomingMessage, url: URL, rawQuery: string): SandboxResponse {
    const token = accounts.check(request.headers.authorization);
    if (!token.ok) return crmError(401, 'INVALID_TOKEN', 'invalid oauth token');
    if (inFlight > concurrencyLimit()) {
      return crmError(429, 'TOO_MANY_REQUESTS', 'You have exceeded the maximum number of concurrent API calls allowed. Try again later.', {});
    }
    const now = clock.now();
    if (creditsUsed(now) >= knobs.creditLimit) {
      const exhausted = crmError(429, 'TOO_MANY_REQUESTS', 'You have exhausted the API credits allowed for a 24-hour window. Try again later.', {});
      return { ...exhausted, headers: { ...exhausted.headers, [CREDITS_REMAINING_HEADER]: '0' } };
    }
    creditTimes.push(now);
    const withCredits = (result: SandboxResponse): SandboxResponse => ({ ...result, headers: { ...result.headers, [CREDITS_REMAINING_HEADER]: String(Math.max(0, knobs.creditLimit - creditsUsed(now))) } });
    return withCredits(crmCall(request, url, rawQuery, token.scopes));
  }

  function crmCall(request: IncomingMessage, url: URL, rawQuery: string, scopes: string[]): SandboxResponse {
    if (request.method !== 'GET') return crmError(400, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one');
    const [, , version = '', ...segments] = url.pathname.split('/');
    let decoded: string[];
    try {
      decoded = segments.map((segment) => decodeURIComponent(segment));
    } catch {
      return crmError(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
    }
    return crm.handle({
      version,
      segments: decoded,
      query: url.searchParams,
      rawQuery,
      headers: request.headers,
      scopes,
      now: clock.now(),
    });
  }

  async function formParams(request: IncomingMessage, url: URL): Promise<URLSearchParams> {
    // Zoho accepts the token endpoint's parameters in the query string or a form body; the body wins.
    const params = new URLSearchParams(url.searchParams);
    const body = await readBody(request);
    for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
    return params;
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawUrl = request.url ?? '/';
    const questionMark = rawUrl.indexOf('?');
    const rawQuery = questionMark < 0 ? '' : rawUrl.slice(questionMark + 1);
    const url = new URL(rawUrl, baseUrl);
    const path = url.pathname;
    const method = request.method ?? 'GET';
    if (path.startsWith('/crm/')) {
      await handleCrm(request, response, url, rawQuery);
      return;
    }
    let result: SandboxResponse;
    if (path === '/oauth/v2/auth' && method === 'GET') result = accounts.authorizeGet(url.searchParams);
    else if (path === '/oauth/v2/auth' && method === 'POST') result = accounts.authorizePost(new URLSearchParams(await readBody(request)));
    else if (path === '/oauth/v2/token' && method === 'POST') result = accounts.token(await formParams(request, url));
    else if (path === '/oauth/v2/token/revoke' && method === 'POST') result = accounts.revoke(await formParams(request, url));
    else if (path === '/oauth/user/info' && method === 'GET') result = accounts.userInfo(request.headers.authorization);
    else result = json(404, { error: 'not_found', message: `The Zoho sandbox has nothing at ${method} ${path}.` });
    writeResponse(response, result);
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        writeResponse(response, crmError(500, 'INTERNAL_SERVER_ERROR', `Internal Server Error: ${error instanceof Error ? error.message : String(error)}`));
      } else {
        response.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    mintAccessToken(mintOptions = {}) {
      return accounts.mint(mintOptions.scopes ?? DEFAULT_SCOPES, mintOptions.lifetimeSec ?? knobs.accessTokenLifetimeSec);
    },
    injectFault(fault, faultOptions = {}) {
      faults.push({ fault, pathIncludes: faultOptions.pathIncludes ?? '/crm/', skip: faultOptions.afterRequests ?? 0, remaining: faultOptions.times ?? 1 });
    },
    setKnobs(next) {
      for (const [key, value] of Object.entries(next) as Array<[keyof SandboxKnobs, unknown]>) {
        // undefined clears the two knobs whose absence means something (no auto-consent; the edition's concurrency).
        if (value !== undefined || key === 'autoConsent' || key === 'concurrencyLimit') Object.assign(knobs, { [key]: value });
      }
    },
    revokeRefreshToken(refreshToken) {
      accounts.revokeRefreshToken(refreshToken);
    },
    groundTruth(module, recordId, groundOptions = {}) {
      return crm.groundTruth(module, recordId, groundOptions.includeInnerDetails ?? true);
    },
    listRecordIds(module) {
      return dataset.listRecordIds(module);
    },
    stats(): SandboxStats {
      return {
        crmRequests: counters.crmRequests,
        tokenGrants: { authorization_code: accounts.counters.authorization_code, refresh_token: accounts.counters.refresh_token },
        revoked: accounts.counters.revoked,
        rejected429: counters.rejected429,
      };
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function readPersistedGrants(stateFile: string): PersistedGrant[] {
  if (!existsSync(stateFile)) return [];
  try {
    const parsed = JSON.parse(readFileSync(stateFile, 'utf8')) as { grants?: unknown };
    if (!Array.isArray(parsed.grants)) return [];
    return parsed.grants.filter(
      (grant): grant is PersistedGrant =>
        typeof grant === 'object' && grant !== null && typeof (grant as PersistedGrant).tokenSha256 === 'string' && typeof (grant as PersistedGrant).clientId === 'string' && Array.isArray((grant as PersistedGrant).scopes),
    );
  } catch {
    // A damaged state file only means the demo asks to reconnect.
    return [];
  }
}
