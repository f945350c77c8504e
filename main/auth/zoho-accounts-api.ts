import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { AuditorError } from '../core/errors.js';

/** `fetch` is injected so that tests and the Electron shell choose the transport. */
export type FetchFunction = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** What a token endpoint answer means to us; `receivedAt` is taken when the response arrives. */
export interface TokenGrant {
  accessToken: string;
  /** Only on the first authorization-code exchange with access_type=offline; never on refresh. */
  refreshToken: string | undefined;
  apiDomain: string;
  /** Receipt time + expires_in: the token's life is counted from when Zoho answered, not when stored. */
  expiresAt: number;
  scopes: string[] | undefined;
}

/** A Zoho accounts error (`{"error": "invalid_code"}` …), kept so callers can tell revoked from transient. */
export class ZohoAccountsError extends AuditorError {
  readonly zohoError: string;
  readonly httpStatus: number;
  constructor(code: string, message: string, zohoError: string, httpStatus: number, hint: string) {
    super(code, message, { hint, details: { zohoError, httpStatus } });
    this.name = 'ZohoAccountsError';
    this.zohoError = zohoError;
    this.httpStatus = httpStatus;
  }
}

const tokenSuccessSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  api_domain: z.string().min(1),
  // Older Zoho answers carried expires_in in ms next to expires_in_sec; prefer the latter when present.
  expires_in_sec: z.number().positive().optional(),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
  token_type: z.string().optional(),
});

const zohoErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

interface CallOptions {
  fetch: FetchFunction;
  accountsServer: string;
  signal?: AbortSignal | undefined;
}

export interface ExchangeCodeOptions extends CallOptions {
  clock: Clock;
  clientId: string;
  clientSecret: string;
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

/** POST {accounts-server}/oauth/v2/token, grant_type=authorization_code (+ PKCE code_verifier). */
export async function exchangeAuthorizationCode(options: ExchangeCodeOptions): Promise<TokenGrant> {
  return requestToken(options, {
    grant_type: 'authorization_code',
    client_id: options.clientId,
    client_secret: options.clientSecret,
    redirect_uri: options.redirectUri,
    code: options.code,
    code_verifier: options.codeVerifier,
  });
}

export interface RefreshOptions extends CallOptions {
  clock: Clock;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** POST {accounts-server}/oauth/v2/token, grant_type=refresh_token. */
export async function refreshAccessToken(options: RefreshOptions): Promise<TokenGrant> {
  return requestToken(options, {
    grant_type: 'refresh_token',
    client_id: options.clientId,
    client_secret: options.clientSecret,
    refresh_token: options.refreshToken,
  });
}

async function requestToken(options: CallOptions & { clock: Clock }, form: Record<string, string>): Promise<TokenGrant> {
  // Parameters go in the form body (RFC 6749 §4.1.3), which Zoho accepts, so secrets stay out of URLs and logs.
  const response = await send(options, `${options.accountsServer}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  const receivedAt = options.clock.now();
  const body = await readJson(response);
  // Zoho reports token errors as {"error": …}, often with HTTP 200.
  const failure = zohoErrorSchema.safeParse(body);
  if (failure.success) throw accountsError(failure.data.error, failure.data.error_description, response.status);
  const parsed = tokenSuccessSchema.safeParse(body);
  if (!response.ok || !parsed.success) {
    throw new AuditorError('AUTH_BAD_TOKEN_RESPONSE', `Zoho's token service gave an answer the app cannot use (HTTP ${response.status}).`, {
      hint: 'Try again in a minute. If it persists, check the accounts URL / data centre.',
      details: { httpStatus: response.status },
    });
  }
  const data = parsed.data;
  const lifetimeSec = data.expires_in_sec ?? data.expires_in;
  return {
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    apiDomain: data.api_domain,
    expiresAt: receivedAt + lifetimeSec * 1000,
    scopes: data.scope === undefined ? undefined : splitScopes(data.scope),
  };
}

export function splitScopes(scope: string): string[] {
  return scope.split(/[\s,]+/).filter((part) => part !== '');
}

/**
 * POST {accounts-server}/oauth/v2/token/revoke?token=… — Zoho documents the token as a query
 * parameter (zoho.com/accounts/protocol/oauth/revoke-refresh-token.html).
 */
export async function revokeToken(options: CallOptions & { token: string }): Promise<void> {
  const url = `${options.accountsServer}/oauth/v2/token/revoke?${new URLSearchParams({ token: options.token }).toString()}`;
  const response = await send(options, url, { method: 'POST', headers: { accept: 'application/json' } });
  const body = await readJson(response).catch(() => undefined);
  const failure = zohoErrorSchema.safeParse(body);
  if (failure.success) throw accountsError(failure.data.error, failure.data.error_description, response.status);
  if (!response.ok) {
    throw new ZohoAccountsError(
      'AUTH_REVOKE_FAILED',
      `Zoho did not confirm revoking the app's access (HTTP ${response.status}).`,
      `http_${response.status}`,
      response.status,
      'Remove Timeline Auditor under Connected Apps in your Zoho account (accounts.zoho.com → Sessions) to be sure.',
    );
  }
}

export interface ZohoUserInfo {
  userId: string | undefined;
  email: string | undefined;
  displayName: string | undefined;
  orgId: string | undefined;
}

const idValue = z.union([z.string(), z.number()]).transform(String).optional();
const userInfoSchema = z.looseObject({
  ZUID: idValue,
  Email: z.string().optional(),
  Display_Name: z.string().optional(),
  First_Name: z.string().optional(),
  Last_Name: z.string().optional(),
  org_id: idValue,
  organization_id: idValue,
  ZGID: idValue,
});

/** GET {accounts-server}/oauth/user/info. The org id is named org_id, organization_id or ZGID depending on DC. */
export async function fetchUserInfo(options: CallOptions & { accessToken: string }): Promise<ZohoUserInfo> {
  const response = await send(options, `${options.accountsServer}/oauth/user/info`, {
    method: 'GET',
    headers: { authorization: `Zoho-oauthtoken ${options.accessToken}`, accept: 'application/json' },
  });
  const body = await readJson(response);
  const parsed = userInfoSchema.safeParse(body);
  if (!response.ok || !parsed.success) {
    throw new AuditorError('AUTH_USER_INFO_FAILED', `Zoho did not return the signed-in user's details (HTTP ${response.status}).`, {
      hint: 'The connection works; the user and organisation will show as unknown.',
      details: { httpStatus: response.status },
    });
  }
  const info = parsed.data;
  const fullName = [info.First_Name, info.Last_Name].filter((part) => part !== undefined && part !== '').join(' ');
  return {
    userId: info.ZUID,
    email: info.Email,
    displayName: info.Display_Name ?? (fullName === '' ? undefined : fullName),
    orgId: info.org_id ?? info.organization_id ?? info.ZGID,
  };
}

async function send(options: CallOptions, url: string, init: RequestInit): Promise<Response> {
  try {
    return await options.fetch(url, { ...init, redirect: 'error', ...(options.signal === undefined ? {} : { signal: options.signal }) });
  } catch (error) {
    if (options.signal?.aborted) {
      throw new AuditorError('AUTH_CANCELLED', 'Talking to Zoho’s sign-in service was cancelled.', { hint: 'Try again when you are ready.', cause: error });
    }
    throw new AuditorError('ZOHO_UNREACHABLE', `Could not reach Zoho's sign-in service at ${new URL(url).origin}.`, {
      hint: 'Check your internet connection (and proxy), then try again.',
      cause: error,
    });
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Codes Zoho uses when the refresh token (or code) no longer works: reconnecting is the only fix. */
const DEAD_GRANT_ERRORS = new Set(['invalid_code', 'invalid_grant', 'invalid_token', 'invalid_refresh_token', 'invalid_client', 'invalid_client_secret', 'unauthorized_client']);

export function isDeadGrant(error: unknown): boolean {
  return error instanceof ZohoAccountsError && DEAD_GRANT_ERRORS.has(error.zohoError);
}

function accountsError(error: string, description: string | undefined, status: number): ZohoAccountsError {
  const lower = `${error} ${description ?? ''}`.toLowerCase();
  if (lower.includes('too many requests') || status === 429) {
    return new ZohoAccountsError('AUTH_ZOHO_RATE_LIMITED', 'Zoho is refusing new access tokens for now: too many were requested in a short time.', error, status, 'Wait about 10 minutes, then try again.');
  }
  if (error === 'invalid_client' || error === 'invalid_client_secret') {
    return new ZohoAccountsError(
      'AUTH_INVALID_CLIENT',
      `Zoho does not accept this client ID and secret (${error}).`,
      error,
      status,
      'Check the client ID and secret in Zoho’s API console (and that the app is enabled for your data centre), then connect again.',
    );
  }
  if (error === 'invalid_redirect_uri') {
    return new ZohoAccountsError(
      'AUTH_INVALID_REDIRECT',
      'Zoho refused the sign-in because the redirect address does not match the registered one.',
      error,
      status,
      'Register http://127.0.0.1:<port>/callback (exactly, with the port you use) in Zoho’s API console, then connect again.',
    );
  }
  if (error === 'invalid_code') {
    return new ZohoAccountsError('AUTH_INVALID_CODE', 'Zoho refused the sign-in code or refresh token (invalid_code): it is expired, already used, or revoked.', error, status, 'Connect again.');
  }
  return new ZohoAccountsError('AUTH_ZOHO_ERROR', `Zoho's sign-in service answered with an error (${error.slice(0, 80)}).`, error.slice(0, 200), status, 'Connect again. If it keeps failing, check the client settings in Zoho’s API console.');
}
