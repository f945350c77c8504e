import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppLog } from '../../../main/logging/app-log.js';
import { REDACTED, SecretScrubber } from '../../../main/logging/scrubber.js';

const ZOHO_TOKEN = `1000.${'a1'.repeat(16)}.${'b2'.repeat(16)}`;

describe('SecretScrubber patterns', () => {
  const scrubber = new SecretScrubber();
  it.each([
    ['an Authorization header', `Authorization: Zoho-oauthtoken ${ZOHO_TOKEN}`, ZOHO_TOKEN],
    ['a bearer token', 'sent Bearer abc.DEF-123_xyz to the API', 'abc.DEF-123_xyz'],
    ['a code and state in a callback URL', 'GET /callback?code=1000.codevalue123&state=st4te-value&location=eu', '1000.codevalue123'],
    ['the state in a callback URL', 'GET /callback?code=1000.codevalue123&state=st4te-value&location=eu', 'st4te-value'],
    ['a refresh token in a form body', 'grant_type=refresh_token&refresh_token=rt-secret-1&client_id=x', 'rt-secret-1'],
    ['a client secret in a form body', 'client_id=1000.X&client_secret=cs-secret-99&code_verifier=verif-abc', 'cs-secret-99'],
    ['a PKCE verifier in a form body', 'client_id=1000.X&client_secret=cs-secret-99&code_verifier=verif-abc', 'verif-abc'],
    ['tokens in JSON', '{"access_token":"at-json-secret","refresh_token":"rt-json-secret","api_domain":"https://x"}', 'at-json-secret'],
    ['a camel-case secret in JSON', '{"clientSecret": "cs-camel-secret"}', 'cs-camel-secret'],
    ['a passphrase in a query', 'open?passphrase=hunter2-long&x=1', 'hunter2-long'],
    ['a bare Zoho token', `token ${ZOHO_TOKEN} expired`, ZOHO_TOKEN],
  ])('removes %s', (_what, text, secret) => {
    const scrubbed = scrubber.scrubText(text);
    expect(scrubbed).not.toContain(secret);
    expect(scrubbed).toContain(REDACTED);
  });

  it('removes a PEM private key whole, keeping a public key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const body = privatePem.split('\n')[1]!;
    const scrubbed = scrubber.scrubText(`key:\n${privatePem}\npublic:\n${publicPem}`);
    expect(scrubbed).not.toContain(body);
    expect(scrubbed).toContain(publicPem.split('\n')[1]!);
  });

  it('keeps ordinary text as it is', () => {
    const text = 'Sync 12 done: 3/3 records, 0 failed, 115 events (module Leads, record 554023000001122039)';
    expect(scrubber.scrubText(text)).toBe(text);
  });
});

describe('SecretScrubber values', () => {
  it('replaces a registered secret wherever it appears, also URL-encoded, and blanks secret-named keys of objects', () => {
    const scrubber = new SecretScrubber();
    const passphrase = 'correct horse/battery staple';
    scrubber.register(passphrase);
    scrubber.register('abc'); // too short to be worth replacing: ordinary words must survive
    const scrubbed = JSON.stringify(scrubber.scrub({ note: `the passphrase is ${passphrase}`, url: `x?p=${encodeURIComponent(passphrase)}`, nested: [{ accessToken: 'anything', ok: 'abc' }], error: new Error(`failed with ${passphrase}`) }));
    expect(scrubbed).not.toContain(passphrase);
    expect(scrubbed).not.toContain(encodeURIComponent(passphrase));
    expect(scrubbed).not.toContain('anything');
    expect(scrubbed).toContain('"ok":"abc"');
  });
});

describe('the log file', () => {
  it('is 0600 and stays so after rotation, with the old file kept and tail reading across both', () => {
    const folder = mkdtempSync(join(tmpdir(), 'ta-logrot-'));
    try {
      const log = createAppLog({ folder, maxBytes: 2_000 });
      log.registerSecret('registered-secret-value');
      for (let line = 0; line < 100; line += 1) log.info(`line ${line} carries registered-secret-value and Bearer tok${line}en`);
      const files = readdirSync(folder).sort();
      expect(files).toEqual(['main.log', 'main.old.log']);
      for (const file of files) {
        const path = join(folder, file);
        if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
        const text = readFileSync(path, 'utf8');
        expect(text).not.toContain('registered-secret-value');
        expect(text).not.toMatch(/tok\d+en/);
      }
      expect(statSync(join(folder, 'main.log')).size).toBeLessThanOrEqual(2_200);
      const tail = log.tail(20);
      expect(tail).toHaveLength(20);
      expect(readFileSync(join(folder, 'main.log'), 'utf8').split('\n').filter(Boolean).length).toBeLessThan(20);
      expect(tail.at(-1)).toMatch(/line 99 carries \[redacted\]/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
