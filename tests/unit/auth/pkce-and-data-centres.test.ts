import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPkcePair, randomState, s256Challenge } from '../../../main/auth/pkce.js';
import { ACCOUNTS_URL_BY_DATA_CENTRE, DATA_CENTRE_TABLE, DATA_CENTRES, accountsUrlFor, dataCentreFromLocation, trustedAccountsServer, trustedApiDomain } from '../../../main/auth/data-centres.js';
import { AuditorError } from '../../../main/core/errors.js';

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', () => {
    expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes 43-character verifiers that differ every time, and matching challenges', () => {
    const a = createPkcePair();
    const b = createPkcePair();
    expect(a.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.codeVerifier).not.toBe(b.codeVerifier);
    expect(a.codeChallenge).toBe(s256Challenge(a.codeVerifier));
    expect(a.method).toBe('S256');
    expect(randomState()).not.toBe(randomState());
  });
});

describe('data centres', () => {
  it('maps every data centre to its Zoho accounts server', () => {
    expect(ACCOUNTS_URL_BY_DATA_CENTRE).toEqual({
      us: 'https://accounts.zoho.com',
      eu: 'https://accounts.zoho.eu',
      in: 'https://accounts.zoho.in',
      au: 'https://accounts.zoho.com.au',
      jp: 'https://accounts.zoho.jp',
      cn: 'https://accounts.zoho.com.cn',
      ca: 'https://accounts.zohocloud.ca',
      sa: 'https://accounts.zoho.sa',
      uk: 'https://accounts.zoho.uk',
      ae: 'https://accounts.zoho.ae',
    });
    expect(accountsUrlFor({ dataCentre: 'au' })).toBe('https://accounts.zoho.com.au');
    expect(accountsUrlFor({ accountsUrl: 'http://127.0.0.1:4321/' })).toBe('http://127.0.0.1:4321');
    expect(() => accountsUrlFor({ accountsUrl: 'not a url' })).toThrow(AuditorError);
    expect(dataCentreFromLocation('EU')).toBe('eu');
    expect(dataCentreFromLocation('mars')).toBeUndefined();
  });

  it('trusts Zoho accounts servers from any DC, and loopback only when sign-in started on loopback', () => {
    expect(trustedAccountsServer('https://accounts.zoho.eu', 'https://accounts.zoho.com')).toBe('https://accounts.zoho.eu');
    expect(trustedAccountsServer('https://accounts.zohocloud.ca/', 'https://accounts.zoho.com')).toBe('https://accounts.zohocloud.ca');
    expect(trustedAccountsServer('https://accounts.zoho.uk', 'https://accounts.zoho.com')).toBe('https://accounts.zoho.uk');
    // API domains: the data centre's own, with at most one label in front; nothing that merely contains it.
    expect(trustedApiDomain('https://www.zohoapis.uk', 'https://accounts.zoho.uk')).toBe('https://www.zohoapis.uk');
    expect(trustedApiDomain('https://zohoapis.com.au', 'https://accounts.zoho.com.au')).toBe('https://zohoapis.com.au');
    expect(() => trustedApiDomain('https://www.zohoapis.eu.attacker.example', 'https://accounts.zoho.eu')).toThrow(/unexpected API domain/);
    expect(() => trustedApiDomain('https://a.b.zohoapis.eu', 'https://accounts.zoho.eu')).toThrow(/unexpected API domain/);
    expect(() => trustedAccountsServer('https://accounts.zoho.xyz', 'https://accounts.zoho.com')).toThrow(/unexpected accounts server/);
    expect(trustedAccountsServer('http://127.0.0.1:9000', 'http://127.0.0.1:8000')).toBe('http://127.0.0.1:9000');
    expect(() => trustedAccountsServer('http://127.0.0.1:9000', 'https://accounts.zoho.com')).toThrow(/unexpected accounts server/);
    expect(() => trustedAccountsServer('https://accounts.zoho.evil.example', 'https://accounts.zoho.com')).toThrow(AuditorError);
    expect(() => trustedAccountsServer('http://accounts.zoho.eu', 'https://accounts.zoho.com')).toThrow(AuditorError);
    expect(trustedApiDomain('https://www.zohoapis.com.au', 'https://accounts.zoho.com.au')).toBe('https://www.zohoapis.com.au');
    expect(() => trustedApiDomain('https://www.example.com', 'https://accounts.zoho.com')).toThrow(AuditorError);
  });

  it("derives every host check from the one table: each row's hosts pass, each is documented with its source", () => {
    const docs = readFileSync(new URL('../../../docs/zoho-api.md', import.meta.url), 'utf8');
    expect(DATA_CENTRES).toEqual(expect.arrayContaining(['us', 'eu', 'in', 'au', 'jp', 'cn', 'ca', 'sa', 'uk', 'ae']));
    for (const dc of DATA_CENTRES) {
      const row = DATA_CENTRE_TABLE[dc];
      expect(trustedAccountsServer(`https://${row.accountsHost}`, 'https://accounts.zoho.com')).toBe(`https://${row.accountsHost}`);
      expect(trustedApiDomain(`https://${row.apiHost}`, `https://${row.accountsHost}`)).toBe(`https://${row.apiHost}`);
      expect(trustedApiDomain(`https://content.${row.apiHost.replace(/^www\./, '')}`, `https://${row.accountsHost}`)).toBe(`https://content.${row.apiHost.replace(/^www\./, '')}`);
      expect(() => trustedAccountsServer(`https://${row.accountsHost}.attacker.example`, 'https://accounts.zoho.com')).toThrow(AuditorError);
      expect(() => trustedApiDomain(`http://${row.apiHost}`, 'https://accounts.zoho.com')).toThrow(AuditorError);
      expect(dataCentreFromLocation(dc.toUpperCase())).toBe(dc);
      expect(row.sources.length).toBeGreaterThan(0);
      // docs/zoho-api.md's data-centre table names every row's hosts.
      const documented = docs.split('\n').some((line) =>
        line
          .split('|')
          .map((cell) => cell.trim())
          .join('|')
          .startsWith(`|${dc.toUpperCase()}|${row.accountsHost}|${row.apiHost}|`),
      );
      expect(documented, `docs/zoho-api.md lists ${dc}`).toBe(true);
    }
  });
});
