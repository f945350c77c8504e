import { DATA_CENTRE_IDS } from '../../preload/contract.js';
import { AuditorError } from '../core/errors.js';

/**
 * Zoho data centres and their accounts servers, from Zoho's Multi-DC page
 * (https://www.zoho.com/accounts/protocol/oauth/multi-dc.html and
 * https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html).
 */
/** The contract's list (the Connect screen offers exactly these). */
export const DATA_CENTRES = DATA_CENTRE_IDS;
export type DataCentre = (typeof DATA_CENTRES)[number];

/**
 * Everything the app knows of a data centre, in one row: adding one to DATA_CENTRES fails to
 * compile until its row is here, and the sign-in host checks, the Connect screen and the CLI follow.
 */
export const DATA_CENTRE_HOSTS: Readonly<Record<DataCentre, { label: string; accountsHost: string; apiHostSuffix: string }>> = {
  us: { label: 'United States (zoho.com)', accountsHost: 'accounts.zoho.com', apiHostSuffix: 'zohoapis.com' },
  eu: { label: 'Europe (zoho.eu)', accountsHost: 'accounts.zoho.eu', apiHostSuffix: 'zohoapis.eu' },
  in: { label: 'India (zoho.in)', accountsHost: 'accounts.zoho.in', apiHostSuffix: 'zohoapis.in' },
  au: { label: 'Australia (zoho.com.au)', accountsHost: 'accounts.zoho.com.au', apiHostSuffix: 'zohoapis.com.au' },
  jp: { label: 'Japan (zoho.jp)', accountsHost: 'accounts.zoho.jp', apiHostSuffix: 'zohoapis.jp' },
  cn: { label: 'China (zoho.com.cn)', accountsHost: 'accounts.zoho.com.cn', apiHostSuffix: 'zohoapis.com.cn' },
  ca: { label: 'Canada (zohocloud.ca)', accountsHost: 'accounts.zohocloud.ca', apiHostSuffix: 'zohoapis.ca' },
  sa: { label: 'Saudi Arabia (zoho.sa)', accountsHost: 'accounts.zoho.sa', apiHostSuffix: 'zohoapis.sa' },
  uk: { label: 'United Kingdom (zoho.uk)', accountsHost: 'accounts.zoho.uk', apiHostSuffix: 'zohoapis.uk' },
};

export const ACCOUNTS_URL_BY_DATA_CENTRE: Readonly<Record<DataCentre, string>> = Object.fromEntries(DATA_CENTRES.map((dc) => [dc, `https://${DATA_CENTRE_HOSTS[dc].accountsHost}`])) as Record<DataCentre, string>;

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

const ACCOUNTS_HOSTS = new Set(DATA_CENTRES.map((dc) => DATA_CENTRE_HOSTS[dc].accountsHost));
const API_HOST_SUFFIXES = DATA_CENTRES.map((dc) => DATA_CENTRE_HOSTS[dc].apiHostSuffix);
const isZohoAccountsHost = (hostname: string): boolean => ACCOUNTS_HOSTS.has(hostname);
/** www.zohoapis.eu, zohoapis.eu, content.zohoapis.eu …: one label at most before the data centre's API domain. */
const isZohoApiHost = (hostname: string): boolean => API_HOST_SUFFIXES.some((suffix) => hostname === suffix || (hostname.endsWith(`.${suffix}`) && /^[a-z0-9-]+$/.test(hostname.slice(0, -suffix.length - 1))));
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
  return trustedOrigin(candidate, startedAt, isZohoAccountsHost, 'accounts server');
}

/** Same rule for the token response's `api_domain`, which receives every access token. */
export function trustedApiDomain(candidate: string, startedAt: string): string {
  return trustedOrigin(candidate, startedAt, isZohoApiHost, 'API domain');
}

function trustedOrigin(candidate: string, startedAt: string, isZohoHost: (hostname: string) => boolean, what: string): string {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw untrusted(candidate, what);
  }
  if (url.protocol === 'https:' && isZohoHost(url.hostname)) return url.origin;
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
