import { DATA_CENTRE_IDS } from '../../preload/contract.js';
import { AuditorError } from '../core/errors.js';

/** The contract's list (the Connect screen offers exactly these). */
export const DATA_CENTRES = DATA_CENTRE_IDS;
export type DataCentre = (typeof DATA_CENTRES)[number];

const ACCOUNTS_MULTI_DC = 'https://www.zoho.com/accounts/protocol/oauth/multi-dc.html';
const CRM_V8_MULTI_DC = 'https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html';
const WORKDRIVE_MULTI_DC = 'https://www.zoho.com/workdrive/developer/docs/api/v1/getting-started-multi-dc-support.html';
const CRM_NODE_SDK_DC = '@zohocrm/nodejs-sdk-8.0 lib/routes/dc/*_data_center.js';

export interface DataCentreRow {
  /** For people, e.g. "Europe (zoho.eu)". */
  label: string;
  /** Zoho Accounts: where sign-in, token and revoke calls go; the redirect's `accounts-server` must be this. */
  accountsHost: string;
  /** CRM API domain (the token response's `api_domain`), e.g. www.zohoapis.eu; its registrable part is checked. */
  apiHost: string;
  /** Where Zoho documents these hosts (docs/zoho-api.md, "Data centres"). */
  sources: readonly string[];
}

/**
 * Every Zoho data centre, in one table: the sign-in host checks, the Connect screen, the CLI's --dc
 * and the docs follow from it. Adding an id to DATA_CENTRE_IDS fails to compile until its row is here.
 */
export const DATA_CENTRE_TABLE: Readonly<Record<DataCentre, DataCentreRow>> = {
  us: { label: 'United States (zoho.com)', accountsHost: 'accounts.zoho.com', apiHost: 'www.zohoapis.com', sources: [ACCOUNTS_MULTI_DC, CRM_V8_MULTI_DC, CRM_NODE_SDK_DC] },
  eu: { label: 'Europe (zoho.eu)', accountsHost: 'accounts.zoho.eu', apiHost: 'www.zohoapis.eu', sources: [ACCOUNTS_MULTI_DC, CRM_V8_MULTI_DC, CRM_NODE_SDK_DC] },
  in: { label: 'India (zoho.in)', accountsHost: 'accounts.zoho.in', apiHost: 'www.zohoapis.in', sources: [ACCOUNTS_MULTI_DC, CRM_V8_MULTI_DC, CRM_NODE_SDK_DC] },
  au: { label: 'Australia (zoho.com.au)', accountsHost: 'accounts.zoho.com.au', apiHost: 'www.zohoapis.com.au', sources: [ACCOUNTS_MULTI_DC, CRM_V8_MULTI_DC, CRM_NODE_SDK_DC] },
  jp: { label: 'Japan (zoho.jp)', accountsHost: 'accounts.zoho.jp', apiHost: 'www.zohoapis.jp', sources: [ACCOUNTS_MULTI_DC, CRM_V8_MULTI_DC, CRM_NODE_SDK_DC] },
  // Not on the Accounts page (China is run separately); the CRM page and the SDK list it.
  cn: { label: 'China (zoho.com.cn)', accountsHost: 'accounts.zoho.com.cn', apiHost: 'www.zohoapis.com.cn', sources: [CRM_V8_MULTI_DC, CRM_NODE_SDK_DC] },
  ca: { label: 'Canada (zohocloud.ca)', accountsHost: 'accounts.zohocloud.ca', apiHost: 'www.zohoapis.ca', sources: [ACCOUNTS_MULTI_DC, CRM_V8_MULTI_DC, CRM_NODE_SDK_DC] },
  sa: { label: 'Saudi Arabia (zoho.sa)', accountsHost: 'accounts.zoho.sa', apiHost: 'www.zohoapis.sa', sources: [ACCOUNTS_MULTI_DC, CRM_NODE_SDK_DC] },
  // The Accounts page lists accounts.zoho.uk; the API domain follows the zohoapis.<domain> rule of every other row.
  uk: { label: 'United Kingdom (zoho.uk)', accountsHost: 'accounts.zoho.uk', apiHost: 'www.zohoapis.uk', sources: [ACCOUNTS_MULTI_DC] },
  // WorkDrive's multi-DC page lists zoho.ae / www.zohoapis.ae; the accounts host follows the accounts.<domain> rule.
  ae: { label: 'United Arab Emirates (zoho.ae)', accountsHost: 'accounts.zoho.ae', apiHost: 'www.zohoapis.ae', sources: [WORKDRIVE_MULTI_DC] },
};

export const ACCOUNTS_URL_BY_DATA_CENTRE: Readonly<Record<DataCentre, string>> = Object.fromEntries(DATA_CENTRES.map((dc) => [dc, `https://${DATA_CENTRE_TABLE[dc].accountsHost}`])) as Record<DataCentre, string>;

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

// Every host check below is derived from DATA_CENTRE_TABLE, never listed beside it.
const ACCOUNTS_HOSTS = new Set(DATA_CENTRES.map((dc) => DATA_CENTRE_TABLE[dc].accountsHost));
/** zohoapis.eu from www.zohoapis.eu: the API domain's registrable part, under which one label is allowed. */
const API_HOST_SUFFIXES = DATA_CENTRES.map((dc) => DATA_CENTRE_TABLE[dc].apiHost.replace(/^www\./, ''));
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
