import { AuditorError } from '../core/errors.js';

/**
 * Zoho data centres and their accounts servers, from Zoho's Multi-DC page
 * (https://www.zoho.com/accounts/protocol/oauth/multi-dc.html and
 * https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html).
 */
export const DATA_CENTRES = ['us', 'eu', 'in', 'au', 'jp', 'cn', 'ca', 'sa'] as const;
export type DataCentre = (typeof DATA_CENTRES)[number];

export const ACCOUNTS_URL_BY_DATA_CENTRE: Readonly<Record<DataCentre, string>> = {
  us: 'https://accounts.zoho.com',
  eu: 'https://accounts.zoho.eu',
  in: 'https://accounts.zoho.in',
  au: 'https://accounts.zoho.com.au',
  jp: 'https://accounts.zoho.jp',
  cn: 'https://accounts.zoho.com.cn',
  ca: 'https://accounts.zohocloud.ca',
  sa: 'https://accounts.zoho.sa',
};

export function isDataCentre(value: string): value is DataCentre {
  return (DATA_CENTRES as readonly string[]).includes(value);
}

/** Where sign-in starts: a named data centre, or a custom accounts URL (the sandbox, a proxy). */
export type AccountsTarget = { dataCentre: DataCentre } | { accountsUrl: string };

export function accountsUrlFor(target: AccountsTarget): string {
  if ('dataCentre' in target) return ACCOUNTS_URL_BY_DATA_CENTRE[target.dataCentre];
  return normaliseOrigin(target.accountsUrl, 'accounts URL');
}

/** `http(s)://host[:port]` without path or trailing slash; anything else is a user error. */
export function normaliseOrigin(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AuditorError('AUTH_BAD_URL', `The ${what} "${value}" is not a valid URL.`, {
      hint: 'Give a full address such as https://accounts.zoho.eu.',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new AuditorError('AUTH_BAD_URL', `The ${what} "${value}" must start with https://.`, {
      hint: 'Give a full address such as https://accounts.zoho.eu.',
    });
  }
  return url.origin;
}

const ZOHO_ACCOUNTS_HOST = /^accounts\.(zoho|zohocloud)\.(com|eu|in|com\.au|jp|com\.cn|ca|sa|uk)$/;
const ZOHO_API_HOST = /^([a-z0-9-]+\.)?zohoapis\.(com|eu|in|com\.au|jp|com\.cn|ca|sa|uk)$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * The redirect's `accounts-server` decides where the code (and the client secret) goes, so it must be
 * a real Zoho accounts host over https — or, when sign-in itself started at a loopback URL (sandbox,
 * development), another loopback server. Anything else is refused rather than sent our secret.
 */
export function trustedAccountsServer(candidate: string, startedAt: string): string {
  return trustedOrigin(candidate, startedAt, ZOHO_ACCOUNTS_HOST, 'accounts server');
}

/** Same rule for the token response's `api_domain`, which receives every access token. */
export function trustedApiDomain(candidate: string, startedAt: string): string {
  return trustedOrigin(candidate, startedAt, ZOHO_API_HOST, 'API domain');
}

function trustedOrigin(candidate: string, startedAt: string, zohoHost: RegExp, what: string): string {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw untrusted(candidate, what);
  }
  if (url.protocol === 'https:' && zohoHost.test(url.hostname)) return url.origin;
  const start = new URL(startedAt);
  if (isLoopback(start) && isLoopback(url) && (url.protocol === 'http:' || url.protocol === 'https:')) return url.origin;
  if (url.origin === start.origin) return url.origin;
  throw untrusted(candidate, what);
}

function untrusted(candidate: string, what: string): AuditorError {
  return new AuditorError('AUTH_UNTRUSTED_SERVER', `Zoho sign-in pointed to an unexpected ${what} (${candidate}); nothing was sent there.`, {
    hint: 'Try connecting again. If it keeps happening, check for software that intercepts your browser traffic.',
  });
}

/** The `location` parameter of the redirect names the user's data centre (us, eu, …). */
export function dataCentreFromLocation(location: string | null | undefined): DataCentre | undefined {
  if (location === null || location === undefined) return undefined;
  const lower = location.toLowerCase();
  return isDataCentre(lower) ? lower : undefined;
}
