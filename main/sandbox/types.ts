import type { Clock } from '../core/clock.js';

export type DataCentre = 'us' | 'eu' | 'in' | 'au' | 'jp' | 'cn' | 'ca' | 'sa';

/** A registered OAuth client. Redirect URIs match exactly, as Zoho does (see accounts.ts for the demo client's port wildcard). */
export interface SandboxClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface SandboxOptions {
  /** Default 0 = random free port; always binds 127.0.0.1. */
  port?: number;
  /** Data generator seed, default 1. */
  seed?: number;
  /** Generated records per module, default 20. */
  recordsPerModule?: number;
  /** Added before every CRM API response, default 0. */
  latencyMs?: number;
  /**
   * CRM calls in flight beyond this → 429 TOO_MANY_REQUESTS. Default: the edition's limit
   * (SANDBOX_EDITION_CONCURRENCY), 10 for the default edition; set it to test other limits.
   */
  concurrencyLimit?: number;
  /** What GET /org reports as license_details.paid_type, and whose concurrency limit applies unless concurrencyLimit is set; default 'standard'. */
  edition?: SandboxEdition;
  /** Credits per rolling 24 h, default 50_000; over → 429 as Zoho does. Every CRM answer carries X-API-CREDITS-REMAINING. */
  creditLimit?: number;
  /** Default 3600. */
  accessTokenLifetimeSec?: number;
  /** Reported in the redirect's `location`, default 'us'. */
  dataCentre?: DataCentre;
  /** How /oauth/user/info names the org, default 'org_id'. */
  orgIdField?: 'org_id' | 'organization_id' | 'ZGID';
  /**
   * org[0].time_zone of GET /crm/{v}/org, default 'Europe/Berlin' (a zone with daylight saving, so
   * tests cross a change). Served exactly as given, so an unknown name ('IST') can be tested too.
   */
  orgTimeZone?: string;
  /** GET /oauth/v2/auth redirects at once instead of showing the consent page. */
  autoConsent?: 'approve' | 'deny';
  /** Governs token expiry and rate windows. */
  clock?: Clock;
  /** Default: [DEMO_CLIENT] whose redirectUris allow http://127.0.0.1:<any port>/callback. */
  clients?: SandboxClient[];
  /**
   * Remember refresh grants (as SHA-256 hashes) in this JSON file across restarts, as Zoho would:
   * the demo workspace keeps the app connected when the app restarts. Default: in memory only.
   */
  stateFile?: string;
}

/** Zoho CRM editions as GET /org's license_details.paid_type names them (lower case), and the one the sandbox plays. */
export type SandboxEdition = 'free' | 'standard' | 'professional' | 'enterprise' | 'ultimate';

/** Concurrent calls per org per app, by edition (limits-and-tokens.md; zoho.com/crm/developer/docs/api/v8/api-limits.html). */
export const SANDBOX_EDITION_CONCURRENCY: Readonly<Record<SandboxEdition, number>> = { free: 5, standard: 10, professional: 15, enterprise: 20, ultimate: 25 };

export type SandboxFault =
  | { kind: 'status'; status: 401 | 429 | 500 | 503; code?: string }
  | { kind: 'truncated-json' }
  /** HTTP 200 with an HTML page instead of JSON (a captive portal, a proxy's error page). */
  | { kind: 'html-page' }
  | { kind: 'socket-reset' }
  | { kind: 'slow-body'; ms: number };

export type SandboxKnobs = Partial<Pick<SandboxOptions, 'latencyMs' | 'concurrencyLimit' | 'edition' | 'creditLimit' | 'accessTokenLifetimeSec' | 'autoConsent' | 'dataCentre' | 'orgIdField' | 'orgTimeZone'>>;

export interface SandboxStats {
  crmRequests: number;
  tokenGrants: { authorization_code: number; refresh_token: number };
  revoked: number;
  rejected429: number;
}

export interface Sandbox {
  /** http://127.0.0.1:PORT — accounts server AND api_domain. */
  readonly url: string;
  mintAccessToken(options?: { scopes?: string[]; lifetimeSec?: number }): { accessToken: string; refreshToken: string };
  /**
   * Queue a one-shot fault for the next CRM request(s) whose path matches (default: any /crm/ path);
   * `afterRequests` skips that many matching requests first; `times` default 1.
   */
  injectFault(fault: SandboxFault, options?: { pathIncludes?: string; afterRequests?: number; times?: number }): void;
  setKnobs(knobs: SandboxKnobs): void;
  revokeRefreshToken(refreshToken: string): void;
  /**
   * Every event of a record, in the order the API returns them (newest first), as raw JSON objects.
   * By default in the fullest shape (all six include_inner_details extras); pass
   * `{ includeInnerDetails: false }` for the API's default shape. Signals entries are not included.
   */
  groundTruth(module: string, recordId: string, options?: { includeInnerDetails?: boolean }): unknown[];
  /** Records of a module (ids), for choosing records in tests. LARGE_RECORD is not listed. */
  listRecordIds(module: string): string[];
  /** Counters tests assert on. */
  stats(): SandboxStats;
  close(): Promise<void>;
}
