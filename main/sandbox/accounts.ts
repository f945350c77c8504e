/**
 * The Zoho Accounts half of the sandbox: authorization (consent) page, token endpoint, revocation
 * and /oauth/user/info. Behaviour follows, in this order of authority:
 * - /work/shared/zoho/limits-and-tokens.md and oauth-connection-notes.md (project references);
 * - zoho.com/crm/developer/docs/api/v8/token-validity.html: grant token single use, valid 3 minutes;
 *   at most 10 access tokens per refresh token per 10 minutes ("Access Denied" after that);
 * - help.zoho.com Kaizen #4 "Troubleshooting OAuth2.0" and Kaizen #43 "Tokens and Limitations":
 *   token-endpoint errors are a JSON body {"error": "..."} with HTTP 200 — invalid_client (unknown
 *   client id), invalid_client_secret, invalid_code (bad, used or expired grant token, or an unknown /
 *   revoked refresh token), invalid_redirect_uri;
 * - the throttle answer observed in the field (several client libraries quote it verbatim):
 *   HTTP 400 {"error_description":"You have made too many requests continuously. Please try again
 *   after some time.","error":"Access Denied","status":"failure"}.
 * Where Zoho is silent (PKCE failure) the sandbox answers invalid_code, the error Zoho uses for every
 * other unusable grant. docs/sandbox.md lists these decisions.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { escapeHtml, html, json, redirect, type SandboxResponse } from './http-util.js';
import type { DataCentre, SandboxClient } from './types.js';

import { DEMO_CLIENT } from './demo-client.js';

export { DEMO_CLIENT };

export const AUTH_CODE_LIFETIME_MS = 3 * 60_000;
export const MINT_WINDOW_MS = 10 * 60_000;
export const MINTS_PER_WINDOW = 10;
/** limits-and-tokens.md says 30 (Zoho's v8 token-validity page says 15; the project's reference wins). */
export const MAX_LIVE_ACCESS_TOKENS = 30;
export const MAX_REFRESH_TOKENS_PER_CLIENT = 20;
const CONSENT_LIFETIME_MS = 10 * 60_000;

export const DEFAULT_SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.users.READ', 'ZohoCRM.org.READ', 'AaaServer.profile.READ'];

/** The signed-in person and org the sandbox pretends to be. */
export const SANDBOX_USER = {
  First_Name: 'Patricia',
  Last_Name: 'Boyle',
  Display_Name: 'Patricia Boyle',
  Email: 'patricia.boyle@zylker.example',
  ZUID: 60012345678,
  orgId: '700123456',
};

export const TOO_MANY_REQUESTS_BODY = {
  error_description: 'You have made too many requests continuously. Please try again after some time.',
  error: 'Access Denied',
  status: 'failure',
};

interface RefreshTokenRecord {
  clientId: string;
  scopes: string[];
  /** Oldest first. */
  accessTokens: string[];
  mintTimes: number[];
  viaTokenEndpoint: boolean;
}

interface AccessTokenRecord {
  clientId: string;
  scopes: string[];
  expiresAt: number;
  refreshToken: string | undefined;
}

interface GrantRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  offline: boolean;
  state: string | undefined;
  codeChallenge: string | undefined;
}

interface AuthCodeRecord extends GrantRequest {
  expiresAt: number;
  used: boolean;
}

export interface AccountsSettings {
  autoConsent: 'approve' | 'deny' | undefined;
  dataCentre: DataCentre;
  orgIdField: 'org_id' | 'organization_id' | 'ZGID';
  accessTokenLifetimeSec: number;
}

export type TokenCheck = { ok: true; scopes: string[] } | { ok: false };

function zohoToken(): string {
  return `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** Exact match, except that the demo client's `:*` stands for any port. */
function redirectUriAllowed(client: SandboxClient, redirectUri: string): boolean {
  return client.redirectUris.some((registered) => {
    if (registered === redirectUri) return true;
    const star = registered.indexOf(':*/');
    if (star < 0) return false;
    const prefix = registered.slice(0, star + 1);
    const suffix = registered.slice(star + 2);
    if (!redirectUri.startsWith(prefix) || !redirectUri.endsWith(suffix)) return false;
    const port = redirectUri.slice(prefix.length, redirectUri.length - suffix.length);
    return /^[1-9][0-9]{0,4}$/.test(port) && Number(port) <= 65535;
  });
}

function splitScopes(scope: string): string[] {
  return scope.split(/[,\s]+/).filter((part) => part.length > 0);
}

/** A refresh grant as the sandbox remembers it across restarts: a hash, never the token itself. */
export interface PersistedGrant {
  tokenSha256: string;
  clientId: string;
  scopes: string[];
}

export class SandboxAccounts {
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  /** Grants from an earlier run (demo workspace), by token hash; a token presented again is reinstated. */
  private readonly remembered = new Map<string, PersistedGrant>();
  /** Told when the set of refresh grants changes, so a persistent sandbox can save them. */
  onGrantsChanged: (() => void) | undefined;
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly codes = new Map<string, AuthCodeRecord>();
  private readonly consents = new Map<string, GrantRequest & { expiresAt: number }>();
  readonly counters = { authorization_code: 0, refresh_token: 0, revoked: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly clients: SandboxClient[],
    private readonly settings: () => AccountsSettings,
    private readonly baseUrl: () => string,
  ) {}

  // ---- authorization --------------------------------------------------------------------------

  authorizeGet(query: URLSearchParams): SandboxResponse {
    const clientId = query.get('client_id') ?? '';
    const client = this.clients.find((candidate) => candidate.clientId === clientId);
    // Zoho shows an error page (no redirect) when it cannot trust the client or the redirect URI.
    if (client === undefined) return errorPage('Invalid Client', 'The application you are trying to sign in to is not registered.');
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!redirectUriAllowed(client, redirectUri)) {
      return errorPage('Invalid Redirect Uri', 'The redirect URI sent by the application does not match the one it registered.');
    }
    const state = query.get('state') ?? undefined;
    const stateParam: Record<string, string> = state === undefined ? {} : { state };
    const fail = (error: string): SandboxResponse => redirect(withParams(redirectUri, { error, ...stateParam }));
    if (query.get('response_type') !== 'code') return fail('unsupported_response_type');
    const scopes = splitScopes(query.get('scope') ?? '');
    if (scopes.length === 0) return fail('invalid_scope');
    const codeChallenge = query.get('code_challenge') ?? undefined;
    if (codeChallenge !== undefined && query.get('code_challenge_method') !== 'S256') return fail('invalid_request');
    const grant: GrantRequest = {
      clientId,
      redirectUri,
      scopes,
      offline: query.get('access_type') === 'offline',
      state,
      codeChallenge,
    };
    const auto = this.settings().autoConsent;
    if (auto !== undefined) return this.decide(grant, auto === 'approve');
    const consentId = randomBytes(16).toString('hex');
    this.consents.set(consentId, { ...grant, expiresAt: this.clock.now() + CONSENT_LIFETIME_MS });
    return consentPage(consentId, scopes);
  }

  authorizePost(form: URLSearchParams): SandboxResponse {
    const consentId = form.get('consent_id') ?? '';
    const pending = this.consents.get(consentId);
    this.consents.delete(consentId);
    if (pending === undefined || pending.expiresAt <= this.clock.now()) {
      return errorPage('Request Expired', 'This sign-in request has expired or was already answered. Start the sign-in again.');
    }
    return this.decide(pending, form.get('decision') === 'approve');
  }

  private decide(grant: GrantRequest, approved: boolean): SandboxResponse {
    const stateParam: Record<string, string> = grant.state === undefined ? {} : { state: grant.state };
    if (!approved) return redirect(withParams(grant.redirectUri, { error: 'access_denied', ...stateParam }));
    const code = zohoToken();
    this.codes.set(code, { ...grant, expiresAt: this.clock.now() + AUTH_CODE_LIFETIME_MS, used: false });
    return redirect(
      withParams(grant.redirectUri, {
        ...stateParam,
        code,
        location: this.settings().dataCentre,
        'accounts-server': this.baseUrl(),
      }),
    );
  }

  // ---- token endpoint -------------------------------------------------------------------------

  token(params: URLSearchParams): SandboxResponse {
    const grantType = params.get('grant_type');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') return json(200, { error: 'unsupported_grant_type' });
    const client = this.clients.find((candidate) => candidate.clientId === params.get('client_id'));
    if (client === undefined) return json(200, { error: 'invalid_client' });
    if (params.get('client_secret') !== client.clientSecret) return json(200, { error: 'invalid_client_secret' });
    return grantType === 'authorization_code' ? this.exchangeCode(client, params) : this.refresh(client, params);
  }

  private exchangeCode(client: SandboxClient, params: URLSearchParams): SandboxResponse {
    const code = params.get('code') ?? '';
    const record = this.codes.get(code);
    if (record === undefined || record.clientId !== client.clientId || record.used || record.expiresAt <= this.clock.now()) {
      return json(200, { error: 'invalid_code' });
    }
    record.used = true; // any attempt by the right client consumes the code
    if (params.get('redirect_uri') !== record.redirectUri) return json(200, { error: 'invalid_redirect_uri' });
    if (record.codeChallenge !== undefined) {
      const verifier = params.get('code_verifier');
      if (verifier === null || pkceChallenge(verifier) !== record.codeChallenge) return json(200, { error: 'invalid_code' });
    }
    this.counters.authorization_code += 1;
    const lifetimeSec = this.settings().accessTokenLifetimeSec;
    if (!record.offline) {
      const accessToken = this.issueAccessToken(client.clientId, record.scopes, lifetimeSec, undefined);
      return json(200, this.tokenBody(accessToken, record.scopes, lifetimeSec));
    }
    const refreshToken = this.createRefreshToken(client.clientId, record.scopes, true);
    const accessToken = this.issueAccessToken(client.clientId, record.scopes, lifetimeSec, refreshToken);
    return json(200, { access_token: accessToken, refresh_token: refreshToken, ...this.tokenBody(accessToken, record.scopes, lifetimeSec, false) });
  }

  private refresh(client: SandboxClient, params: URLSearchParams): SandboxResponse {
    const refreshToken = params.get('refresh_token') ?? '';
    const record = this.refreshTokens.get(refreshToken) ?? this.reinstate(refreshToken);
    if (record === undefined || record.clientId !== client.clientId) return json(200, { error: 'invalid_code' });
    const now = this.clock.now();
    record.mintTimes = record.mintTimes.filter((time) => time > now - MINT_WINDOW_MS);
    if (record.mintTimes.length >= MINTS_PER_WINDOW) return json(400, TOO_MANY_REQUESTS_BODY);
    record.mintTimes.push(now);
    this.counters.refresh_token += 1;
    const lifetimeSec = this.settings().accessTokenLifetimeSec;
    const accessToken = this.issueAccessToken(client.clientId, record.scopes, lifetimeSec, refreshToken);
    return json(200, this.tokenBody(accessToken, record.scopes, lifetimeSec));
  }

  private tokenBody(accessToken: string, scopes: string[], lifetimeSec: number, includeToken = true): Record<string, unknown> {
    return {
      ...(includeToken ? { access_token: accessToken } : {}),
      scope: scopes.join(' '),
      api_domain: this.baseUrl(),
      token_type: 'Bearer',
      expires_in: lifetimeSec,
    };
  }

  /** Grants to save: token hashes only, so the state file never holds a usable token. */
  persistedGrants(): PersistedGrant[] {
    const live = [...this.refreshTokens.entries()].filter(([, record]) => record.viaTokenEndpoint).map(([token, record]) => ({ tokenSha256: sha256(token), clientId: record.clientId, scopes: record.scopes }));
    return [...live, ...this.remembered.values()];
  }

  rememberGrants(grants: readonly PersistedGrant[]): void {
    for (const grant of grants) this.remembered.set(grant.tokenSha256, grant);
  }

  private reinstate(refreshToken: string): RefreshTokenRecord | undefined {
    const grant = this.remembered.get(sha256(refreshToken));
    if (grant === undefined) return undefined;
    this.remembered.delete(grant.tokenSha256);
    const record: RefreshTokenRecord = { clientId: grant.clientId, scopes: grant.scopes, accessTokens: [], mintTimes: [], viaTokenEndpoint: true };
    this.refreshTokens.set(refreshToken, record);
    return record;
  }

  private createRefreshToken(clientId: string, scopes: string[], viaTokenEndpoint: boolean): string {
    const token = zohoToken();
    this.refreshTokens.set(token, { clientId, scopes, accessTokens: [], mintTimes: [], viaTokenEndpoint });
    this.onGrantsChanged?.();
    if (viaTokenEndpoint) {
      // A user holds at most 20 refresh tokens per client; the 21st deletes the oldest (limits-and-tokens.md).
      const issued = [...this.refreshTokens.entries()].filter(([, rt]) => rt.clientId === clientId && rt.viaTokenEndpoint);
      if (issued.length > MAX_REFRESH_TOKENS_PER_CLIENT && issued[0] !== undefined) this.deleteRefreshToken(issued[0][0]);
    }
    return token;
  }

  private issueAccessToken(clientId: string, scopes: string[], lifetimeSec: number, refreshToken: string | undefined): string {
    const token = zohoToken();
    this.accessTokens.set(token, { clientId, scopes, expiresAt: this.clock.now() + lifetimeSec * 1000, refreshToken });
    const parent = refreshToken === undefined ? undefined : this.refreshTokens.get(refreshToken);
    if (parent !== undefined) {
      const now = this.clock.now();
      parent.accessTokens = parent.accessTokens.filter((live) => {
        const liveRecord = this.accessTokens.get(live);
        if (liveRecord !== undefined && liveRecord.expiresAt > now) return true;
        this.accessTokens.delete(live);
        return false;
      });
      parent.accessTokens.push(token);
      while (parent.accessTokens.length > MAX_LIVE_ACCESS_TOKENS) {
        const oldest = parent.accessTokens.shift();
        if (oldest !== undefined) this.accessTokens.delete(oldest);
      }
    }
    return token;
  }

  /** Test helper: a refresh token plus one access token, as if the demo client had signed in offline. */
  mint(scopes: string[], lifetimeSec: number): { accessToken: string; refreshToken: string } {
    const clientId = this.clients[0]?.clientId ?? DEMO_CLIENT.clientId;
    const refreshToken = this.createRefreshToken(clientId, scopes, false);
    const accessToken = this.issueAccessToken(clientId, scopes, lifetimeSec, refreshToken);
    return { accessToken, refreshToken };
  }

  private deleteRefreshToken(refreshToken: string): boolean {
    const record = this.refreshTokens.get(refreshToken);
    if (record === undefined) return false;
    for (const accessToken of record.accessTokens) this.accessTokens.delete(accessToken);
    this.refreshTokens.delete(refreshToken);
    this.onGrantsChanged?.();
    return true;
  }

  revokeRefreshToken(refreshToken: string): void {
    if (this.deleteRefreshToken(refreshToken)) this.counters.revoked += 1;
  }

  /** POST /oauth/v2/token/revoke?token=… — a refresh token takes its access tokens with it. */
  revoke(params: URLSearchParams): SandboxResponse {
    const token = params.get('token') ?? '';
    if (this.refreshTokens.has(token) || this.reinstate(token) !== undefined) this.revokeRefreshToken(token);
    else this.accessTokens.delete(token);
    // RFC 7009 §2.2: an unknown token is answered like a revoked one, so revocation can be retried.
    return json(200, { status: 'success' });
  }

  // ---- using tokens ---------------------------------------------------------------------------

  /** Only `Authorization: Zoho-oauthtoken <token>` is accepted (limits-and-tokens.md: header only). */
  check(authorization: string | undefined): TokenCheck {
    const match = /^Zoho-oauthtoken\s+(\S+)\s*$/.exec(authorization ?? '');
    const token = match?.[1];
    if (token === undefined) return { ok: false };
    const record = this.accessTokens.get(token);
    if (record === undefined || record.expiresAt <= this.clock.now()) return { ok: false };
    return { ok: true, scopes: record.scopes };
  }

  userInfo(authorization: string | undefined): SandboxResponse {
    if (!this.check(authorization).ok) return json(401, { error: 'invalid_token' });
    const { orgId, ...user } = SANDBOX_USER;
    return json(200, { ...user, [this.settings().orgIdField]: orgId });
  }
}

function withParams(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(params)) url.searchParams.append(key, value);
  return url.toString();
}

function errorPage(title: string, text: string): SandboxResponse {
  return html(400, `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` + `<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`);
}

function consentPage(consentId: string, scopes: string[]): SandboxResponse {
  const scopeItems = scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('');
  return html(
    200,
    `<!doctype html><html><head><meta charset="utf-8"><title>Zoho Sandbox – Allow access?</title></head><body>` +
      `<h1>Timeline Auditor would like to access your Zoho CRM (sandbox)</h1>` +
      `<p>Signed in as ${escapeHtml(SANDBOX_USER.Display_Name)} (${escapeHtml(SANDBOX_USER.Email)}).</p>` +
      `<ul>${scopeItems}</ul>` +
      `<form method="post" action="/oauth/v2/auth">` +
      `<input type="hidden" name="consent_id" value="${escapeHtml(consentId)}">` +
      `<button type="submit" name="decision" value="approve" id="approve">Accept</button> ` +
      `<button type="submit" name="decision" value="deny" id="deny">Deny</button>` +
      `</form></body></html>`,
  );
}
