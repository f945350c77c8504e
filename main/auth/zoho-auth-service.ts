import { systemClock } from '../core/clock.js';
import type { Clock } from '../core/clock.js';
import type { SecretCipher } from '../core/cipher.js';
import { AuditorError, serializeError } from '../core/errors.js';
import type { SerializedError } from '../core/errors.js';
import type { OrgTimeZone } from '../core/zoned-time.js';
import { ZohoClient } from '../zoho/client.js';
import { editionOf, fetchOrganization, type ZohoEdition } from '../zoho/organization.js';
import type { AccessToken, TokenProvider } from '../zoho/token-provider.js';
import { accountsUrlFor, dataCentreFromLocation, trustedAccountsServer, trustedApiDomain } from './data-centres.js';
import type { AccountsTarget, DataCentre } from './data-centres.js';
import { runLoopbackAuthorization } from './loopback.js';
import { createPkcePair, randomState } from './pkce.js';
import type { ConnectedUser, StoredConnection, TokenVault } from './token-vault.js';
import { exchangeAuthorizationCode, fetchUserInfo, isDeadGrant, refreshAccessToken, revokeToken, ZohoAccountsError } from './zoho-accounts-api.js';
import type { FetchFunction, TokenGrant, ZohoUserInfo } from './zoho-accounts-api.js';

/** The callback port used unless configured; the person registers http://127.0.0.1:47813/callback. */
export const DEFAULT_CALLBACK_PORT = 47813;

/**
 * Read-only access to what an audit needs (least privilege — the app never writes to CRM):
 * records and their timelines in every module, module and field metadata (to name what changed),
 * users (who changed it), the organisation (whose data it is), and the Zoho profile for
 * /oauth/user/info (who signed in, and the org id). Scope names per
 * zoho.com/crm/developer/docs/api/v8/scopes.html and zoho.com/accounts/protocol/oauth/scope.html.
 */
export const DEFAULT_SCOPES: readonly string[] = ['ZohoCRM.modules.READ', 'ZohoCRM.settings.modules.READ', 'ZohoCRM.settings.fields.READ', 'ZohoCRM.users.READ', 'ZohoCRM.org.READ', 'AaaServer.profile.READ'];

/**
 * Refresh this long before expiry, so no call starts with a token about to lapse (limits-and-tokens.md)
 * — but never more than a quarter of the token's lifetime (refreshMarginFor): with a fixed 120 s, a
 * 60 s token would look stale from birth and every call would mint one, spending Zoho's 10 refreshes
 * per 10 minutes in ten calls.
 */
export const REFRESH_MARGIN_MS = 120_000;

/** min(margin, a quarter of the lifetime): a token is used for at least three quarters of its life. */
export function refreshMarginFor(lifetimeMs: number, marginMs: number = REFRESH_MARGIN_MS): number {
  return Math.max(0, Math.min(marginMs, Math.floor(lifetimeMs / 4)));
}
/** Zoho: one refresh token mints at most 10 access tokens per 10 minutes. */
export const REFRESH_LIMIT = { max: 10, windowMs: 10 * 60_000 } as const;

export interface ConnectionStatus {
  /**
   * 'unreadable': a connection is stored but its secrets cannot be decrypted here (a home made with
   * another passphrase, another keyring); only checkedStatus() finds that out, as it decrypts.
   */
  state: 'connected' | 'broken' | 'disconnected' | 'unreadable';
  /** Why a broken connection broke, in plain words. */
  brokenReason: string | undefined;
  /** Why the stored secrets cannot be read and what to do (only when unreadable). */
  unreadable: { message: string; hint: string | undefined } | undefined;
  user: ConnectedUser | undefined;
  orgId: string | undefined;
  /** The organisation's zone as read at sign-in; undefined when disconnected or never read (older vault). */
  orgTimeZone: OrgTimeZone | undefined;
  /** The org's edition from license_details.paid_type at sign-in; null when unknown (not read, absent, or a name the limits page does not list). */
  orgEdition: ZohoEdition | null;
  dataCentre: DataCentre | undefined;
  accountsServer: string | undefined;
  apiDomain: string | undefined;
  /** When the current access token expires (ms since epoch); refreshing is automatic. */
  expiresAt: number | undefined;
  scopes: string[];
  /** What protects the stored secrets; 'safeStorage-basic_text' means effectively in clear. */
  cipherKind: SecretCipher['kind'];
}

export interface ConnectOptions {
  clientId: string;
  clientSecret: string;
  target: AccountsTarget;
  port?: number;
  scopes?: readonly string[];
  openBrowser(url: string): Promise<void> | void;
  onAuthorizationUrl?(url: string): void;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface DisconnectResult {
  wasConnected: boolean;
  /** Whether Zoho confirmed revoking the refresh token. The local vault is wiped either way. */
  revoked: boolean;
  revokeError: SerializedError | undefined;
  /**
   * The stored secrets could not be decrypted (another passphrase or keyring), so nothing could be
   * revoked at Zoho; they were erased anyway, as asked.
   */
  credentialsUnreadable: SerializedError | undefined;
}

export interface ZohoAuthServiceOptions {
  vault: TokenVault;
  fetch?: FetchFunction;
  clock?: Clock;
  refreshMarginMs?: number;
  refreshLimit?: { max: number; windowMs: number };
  /** Told whenever the connection's state changes (connected, refreshed, broken, disconnected). */
  onStatusChange?(status: ConnectionStatus): void;
  /** Told every secret value as it appears (client secret, state, PKCE verifier, code, tokens), so the log can scrub it. */
  onSecret?(value: string): void;
}

/**
 * Sign-in, the token vault and refreshing, behind the TokenProvider the Zoho client uses.
 * Refreshing is single-flight within the process: concurrent callers at expiry share one refresh.
 */
export class ZohoAuthService implements TokenProvider {
  readonly #vault: TokenVault;
  readonly #fetch: FetchFunction;
  readonly #clock: Clock;
  readonly #refreshMarginMs: number;
  readonly #refreshLimit: { max: number; windowMs: number };
  readonly #onStatusChange: ((status: ConnectionStatus) => void) | undefined;
  readonly #onSecret: (value: string) => void;
  #refreshInFlight: Promise<AccessToken> | undefined;

  constructor(options: ZohoAuthServiceOptions) {
    this.#vault = options.vault;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#clock = options.clock ?? systemClock;
    this.#refreshMarginMs = options.refreshMarginMs ?? REFRESH_MARGIN_MS;
    this.#refreshLimit = options.refreshLimit ?? REFRESH_LIMIT;
    this.#onStatusChange = options.onStatusChange;
    this.#onSecret = options.onSecret ?? (() => undefined);
  }

  status(): ConnectionStatus {
    const record = this.#vault.readRecord();
    if (record === undefined) {
      return {
        state: 'disconnected',
        brokenReason: undefined,
        unreadable: undefined,
        user: undefined,
        orgId: undefined,
        orgTimeZone: undefined,
        orgEdition: null,
        dataCentre: undefined,
        accountsServer: undefined,
        apiDomain: undefined,
        expiresAt: undefined,
        scopes: [],
        cipherKind: this.#vault.cipherKind,
      };
    }
    return {
      state: record.state,
      brokenReason: record.brokenReason,
      unreadable: undefined,
      user: record.user,
      orgId: record.orgId,
      orgTimeZone: record.orgTimeZone,
      orgEdition: editionOf(record.orgPaidType),
      dataCentre: record.dataCentre,
      accountsServer: record.accountsServer,
      apiDomain: record.apiDomain,
      expiresAt: record.expiresAt,
      scopes: record.scopes,
      cipherKind: this.#vault.cipherKind,
    };
  }

  /**
   * status(), and whether the stored secrets can actually be decrypted: the record itself is in clear,
   * so without this a home made with another passphrase would look connected until the first fetch.
   */
  async checkedStatus(): Promise<ConnectionStatus> {
    const status = this.status();
    if (status.state === 'disconnected') return status;
    try {
      await this.#readVault();
      return status;
    } catch (error) {
      // No passphrase chosen yet (Linux without a keyring): not unreadable — the Connect screen asks for it.
      if (error instanceof AuditorError && error.code === 'VAULT_PASSPHRASE_REQUIRED') return status;
      if (!(error instanceof AuditorError) || error.code !== 'VAULT_DECRYPT_FAILED') throw error;
      return { ...status, state: 'unreadable', unreadable: { message: error.message, hint: error.hint } };
    }
  }

  /** Every read and write of the vault passes its secrets to onSecret: tokens from an earlier run are scrubbed too. */
  async #readVault(): Promise<StoredConnection | undefined> {
    const connection = await this.#vault.read();
    if (connection !== undefined) this.#tellSecrets(connection);
    return connection;
  }

  async #writeVault(connection: StoredConnection): Promise<void> {
    this.#tellSecrets(connection);
    await this.#vault.write(connection);
  }

  #tellSecrets(connection: StoredConnection): void {
    for (const secret of [connection.accessToken, connection.refreshToken, connection.clientSecret]) this.#onSecret(secret);
  }

  /** The whole sign-in: loopback authorization, code exchange, vault, user info. */
  async connect(options: ConnectOptions): Promise<ConnectionStatus> {
    const clientId = options.clientId.trim();
    const clientSecret = options.clientSecret.trim();
    if (clientId === '' || clientSecret === '') {
      throw new AuditorError('AUTH_CLIENT_MISSING', 'A client ID and client secret are needed to connect to Zoho.', {
        hint: 'Copy both from your client in Zoho’s API console (api-console.zoho.com).',
      });
    }
    const startUrl = accountsUrlFor(options.target);
    const scopes = [...(options.scopes ?? DEFAULT_SCOPES)];
    const state = randomState();
    const pkce = createPkcePair();
    for (const secret of [clientSecret, state, pkce.codeVerifier]) this.#onSecret(secret);

    const callback = await runLoopbackAuthorization({
      port: options.port ?? DEFAULT_CALLBACK_PORT,
      state,
      clock: this.#clock,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      openBrowser: options.openBrowser,
      ...(options.onAuthorizationUrl === undefined ? {} : { onAuthorizationUrl: options.onAuthorizationUrl }),
      buildAuthorizationUrl: (redirectUri) => {
        const query = new URLSearchParams({
          client_id: clientId,
          response_type: 'code',
          redirect_uri: redirectUri,
          scope: scopes.join(','),
          access_type: 'offline',
          // Consent every time, so Zoho issues a refresh token even if this app was approved before.
          prompt: 'consent',
          state,
          code_challenge: pkce.codeChallenge,
          code_challenge_method: pkce.method,
        });
        return `${startUrl}/oauth/v2/auth?${query.toString()}`;
      },
    });

    // The redirect's accounts-server is the user's data centre: it wins for every later token call.
    const accountsServer = callback.accountsServer === undefined ? startUrl : trustedAccountsServer(callback.accountsServer, startUrl);
    const dataCentre = dataCentreFromLocation(callback.location) ?? ('dataCentre' in options.target ? options.target.dataCentre : undefined);

    this.#onSecret(callback.code);
    const grant = await exchangeAuthorizationCode({
      fetch: this.#fetch,
      clock: this.#clock,
      accountsServer,
      clientId,
      clientSecret,
      code: callback.code,
      redirectUri: callback.redirectUri,
      codeVerifier: pkce.codeVerifier,
      signal: options.signal,
    });
    for (const token of [grant.accessToken, grant.refreshToken]) if (token !== undefined) this.#onSecret(token);
    const apiDomain = trustedApiDomain(grant.apiDomain, accountsServer);
    const base = {
      state: 'connected' as const,
      brokenReason: undefined,
      dataCentre,
      accountsServer,
      apiDomain,
      clientId,
      clientSecret,
      accessToken: grant.accessToken,
      expiresAt: grant.expiresAt,
      scopes: grant.scopes ?? scopes,
      connectedAt: this.#clock.now(),
      refreshTimes: [],
    };

    let connection: StoredConnection;
    if (grant.refreshToken !== undefined) {
      // Persist the refresh token the moment it arrives: Zoho will not send it again.
      connection = { ...base, refreshToken: grant.refreshToken, user: undefined, orgId: undefined, orgTimeZone: undefined };
      await this.#writeVault(connection);
      const info = await this.#userInfo(accountsServer, grant.accessToken, options.signal);
      if (info !== undefined) {
        connection = { ...connection, user: userOf(info), orgId: info.orgId };
        await this.#writeVault(connection);
      }
    } else {
      connection = await this.#connectionWithoutNewRefreshToken(base, grant, options.signal);
      await this.#writeVault(connection);
    }
    // Read on every sign-in (a reconnect re-reads it); a failure keeps the connection and is recorded.
    const org = await this.#readOrganization(options.signal);
    await this.#writeVault({ ...connection, orgTimeZone: org.timeZone, orgPaidType: org.paidType });
    const status = this.status();
    this.#onStatusChange?.(status);
    return status;
  }

  /**
   * Zoho sent no refresh token (access_type not offline, or consent without prompt=consent).
   * The stored refresh token is kept only if it is a live one for the same client, accounts server
   * and Zoho user; otherwise connecting fails clearly — an access-only connection would silently
   * die within the hour.
   */
  async #connectionWithoutNewRefreshToken(base: Omit<StoredConnection, 'refreshToken' | 'user' | 'orgId' | 'orgTimeZone'>, grant: TokenGrant, signal: AbortSignal | undefined): Promise<StoredConnection> {
    const info = await this.#userInfo(base.accountsServer, grant.accessToken, signal);
    let stored: StoredConnection | undefined;
    try {
      stored = await this.#readVault();
    } catch {
      stored = undefined;
    }
    const sameAccount = stored !== undefined && stored.state === 'connected' && stored.clientId === base.clientId && stored.accountsServer === base.accountsServer && stored.user?.id !== undefined && info?.userId === stored.user.id;
    if (!sameAccount || stored === undefined) {
      throw new AuditorError('AUTH_NO_REFRESH_TOKEN', 'Zoho signed you in but did not issue a refresh token, so the connection could not be kept.', {
        hint: 'In your Zoho account, open Sessions → Connected Apps, remove this app, then connect again.',
      });
    }
    return { ...base, refreshToken: stored.refreshToken, refreshTimes: stored.refreshTimes, user: userOf(info), orgId: info?.orgId ?? stored.orgId, orgTimeZone: stored.orgTimeZone };
  }

  /**
   * GET /crm/v8/org → org[0].time_zone and license_details.paid_type, with the connection just stored.
   * Never fails the sign-in: what went wrong is kept as the reason, `org` then falls back visibly
   * (core/zoned-time.ts) and the sync assumes Standard's concurrency.
   */
  async #readOrganization(signal: AbortSignal | undefined): Promise<{ timeZone: OrgTimeZone; paidType: string | null | undefined }> {
    const fetchImpl = this.#fetch;
    const client = new ZohoClient({
      tokenProvider: this,
      fetch: (input: string | URL | Request, init?: RequestInit) => fetchImpl(input instanceof Request ? input.url : input, init),
      clock: this.#clock,
      // Sign-in does not wait on backoff: a failure is recorded (and shown) and a reconnect reads it again.
      retry: { maxAttempts: 1 },
    });
    try {
      const organization = await fetchOrganization(client, signal);
      return { timeZone: { state: 'read', zone: organization.timeZone }, paidType: organization.paidType };
    } catch (error) {
      if (signal?.aborted) throw error;
      const said = error instanceof AuditorError && error.hint !== undefined ? `${error.message} ${error.hint}` : error instanceof Error ? error.message : String(error);
      return { timeZone: { state: 'unread', reason: `reading it from Zoho failed (${said})` }, paidType: undefined };
    }
  }

  async #userInfo(accountsServer: string, accessToken: string, signal: AbortSignal | undefined): Promise<ZohoUserInfo | undefined> {
    try {
      return await fetchUserInfo({ fetch: this.#fetch, accountsServer, accessToken, signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      // Who signed in is shown for information; its absence does not stop the connection.
      return undefined;
    }
  }

  async getToken(signal?: AbortSignal): Promise<AccessToken> {
    signal?.throwIfAborted();
    const connection = await this.#liveConnection();
    if (this.#isFresh(connection)) return tokenOf(connection);
    return this.#sharedRefresh(signal);
  }

  async refreshAfterRejection(rejectedAccessToken: string, signal?: AbortSignal): Promise<AccessToken> {
    signal?.throwIfAborted();
    if (this.#refreshInFlight !== undefined) return abortable(this.#refreshInFlight, signal);
    const connection = await this.#liveConnection();
    // Someone already replaced the rejected token: use the new one rather than minting another.
    if (connection.accessToken !== rejectedAccessToken && this.#isFresh(connection)) return tokenOf(connection);
    return this.#sharedRefresh(signal);
  }

  /** Decrypts the stored connection, if any: rejects (e.g. VAULT_DECRYPT_FAILED) when the cipher cannot read it. */
  async checkSecretsReadable(): Promise<void> {
    await this.#readVault();
  }

  /** Revoke the refresh token at Zoho (best effort) and wipe the vault. */
  async disconnect(signal?: AbortSignal): Promise<DisconnectResult> {
    let connection: StoredConnection | undefined;
    let readError: unknown;
    try {
      connection = await this.#readVault();
    } catch (error) {
      readError = error;
    }
    const wasConnected = connection !== undefined || readError !== undefined;
    let revoked = false;
    let revokeError: SerializedError | undefined;
    const credentialsUnreadable = readError === undefined ? undefined : serializeError(readError);
    if (connection !== undefined) {
      try {
        await revokeToken({ fetch: this.#fetch, accountsServer: connection.accountsServer, token: connection.refreshToken, signal });
        revoked = true;
      } catch (error) {
        revokeError = serializeError(error);
      }
    }
    this.#vault.wipe();
    this.#onStatusChange?.(this.status());
    return { wasConnected, revoked, revokeError, credentialsUnreadable };
  }

  #isFresh(connection: StoredConnection): boolean {
    // The token was issued at the last refresh, or at sign-in if none came after it (refreshTimes keeps the latest).
    const issuedAt = Math.max(connection.connectedAt, ...connection.refreshTimes);
    const margin = refreshMarginFor(connection.expiresAt - issuedAt, this.#refreshMarginMs);
    return this.#clock.now() < connection.expiresAt - margin;
  }

  async #liveConnection(): Promise<StoredConnection> {
    const connection = await this.#readVault();
    if (connection === undefined) {
      throw new AuditorError('AUTH_NOT_CONNECTED', 'Timeline Auditor is not connected to Zoho.', {
        hint: 'Connect to Zoho first (Connect in the app, or "timeline-auditor connect").',
      });
    }
    if (connection.state === 'broken') throw reconnectError(connection.brokenReason);
    return connection;
  }

  #sharedRefresh(signal: AbortSignal | undefined): Promise<AccessToken> {
    if (this.#refreshInFlight === undefined) {
      // Not tied to any one caller's signal: others may be waiting on the same refresh.
      this.#refreshInFlight = this.#refresh().finally(() => {
        this.#refreshInFlight = undefined;
      });
    }
    return abortable(this.#refreshInFlight, signal);
  }

  async #refresh(): Promise<AccessToken> {
    const connection = await this.#liveConnection();
    const now = this.#clock.now();
    const recent = connection.refreshTimes.filter((time) => time > now - this.#refreshLimit.windowMs);
    if (recent.length >= this.#refreshLimit.max) {
      const retryAt = Math.min(...recent) + this.#refreshLimit.windowMs;
      throw new AuditorError('AUTH_REFRESH_LIMIT', `Zoho allows only ${this.#refreshLimit.max} new access tokens per 10 minutes, and that many were already requested.`, {
        hint: `Try again after ${new Date(retryAt).toISOString()} (in about ${Math.ceil((retryAt - now) / 60_000)} minute(s)).`,
        details: { retryAt },
      });
    }
    let grant: TokenGrant;
    try {
      grant = await refreshAccessToken({
        fetch: this.#fetch,
        clock: this.#clock,
        accountsServer: connection.accountsServer,
        clientId: connection.clientId,
        clientSecret: connection.clientSecret,
        refreshToken: connection.refreshToken,
      });
    } catch (error) {
      if (isDeadGrant(error)) {
        const reason = brokenReasonFor(error);
        // Only if no new sign-in replaced this connection while Zoho was answering.
        if ((await this.#readVault())?.refreshToken === connection.refreshToken) await this.#writeVault({ ...connection, state: 'broken', brokenReason: reason });
        this.#onStatusChange?.(this.status());
        throw reconnectError(reason, error);
      }
      throw error;
    }
    const latest = await this.#readVault();
    if (latest === undefined || latest.refreshToken !== connection.refreshToken) {
      // Disconnected or reconnected meanwhile: do not resurrect the old connection.
      throw new AuditorError('AUTH_CONNECTION_CHANGED', 'The Zoho connection changed while a token was being renewed.', { hint: 'Try again.' });
    }
    const refreshed: StoredConnection = {
      ...latest,
      accessToken: grant.accessToken,
      apiDomain: trustedApiDomain(grant.apiDomain, connection.accountsServer),
      expiresAt: grant.expiresAt,
      refreshTimes: [...recent, now],
    };
    await this.#writeVault(refreshed);
    this.#onStatusChange?.(this.status());
    return tokenOf(refreshed);
  }
}

/** The org's zone for the time model: what is known, or why it is not (never undefined). */
export function orgTimeZoneOf(status: ConnectionStatus): OrgTimeZone {
  if (status.state === 'disconnected') return { state: 'unread', reason: 'not connected to Zoho' };
  return status.orgTimeZone ?? { state: 'unread', reason: 'it was not read when this connection was made; reconnect to read it' };
}

function tokenOf(connection: StoredConnection): AccessToken {
  return { accessToken: connection.accessToken, apiDomain: connection.apiDomain };
}

function userOf(info: ZohoUserInfo | undefined): ConnectedUser | undefined {
  if (info === undefined) return undefined;
  return { id: info.userId, email: info.email, name: info.displayName };
}

function brokenReasonFor(error: unknown): string {
  if (error instanceof ZohoAccountsError && (error.zohoError === 'invalid_client' || error.zohoError === 'invalid_client_secret')) {
    return 'Zoho no longer accepts this app’s client ID and secret.';
  }
  return 'Zoho no longer accepts the saved sign-in (it was revoked or expired).';
}

function reconnectError(reason: string | undefined, cause?: unknown): AuditorError {
  return new AuditorError('AUTH_RECONNECT_REQUIRED', `The connection to Zoho has stopped working: ${reason ?? 'the saved sign-in is no longer valid.'}`, {
    hint: 'Reconnect to Zoho (Reconnect in the app, or "timeline-auditor connect") and sign in again.',
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Lets one caller stop waiting without cancelling the shared work. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
