/**
 * `org` = the organisation's zone from Zoho CRM GET /crm/v8/org (org[0].time_zone), read at sign-in
 * against the sandbox on loopback, kept in the vault, re-read on reconnect; a failed read keeps the
 * connection and falls back visibly.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AesGcmScryptCipher } from '../../../main/auth/aes-gcm-scrypt-cipher.js';
import { toView } from '../../../main/auth/connection-controller.js';
import { TokenVault } from '../../../main/auth/token-vault.js';
import { orgTimeZoneOf } from '../../../main/auth/zoho-auth-service.js';
import { createJsonFileStore } from '../../../main/core/json-file-store.js';
import { resolveZoneSetting, zonedTime } from '../../../main/core/zoned-time.js';
import { resolveTimeZone } from '../../../main/export/export-service.js';
import { DEFAULT_ORG_TIME_ZONE } from '../../../main/sandbox/crm.js';
import { ZohoClient } from '../../../main/zoho/client.js';
import { fetchOrganization } from '../../../main/zoho/organization.js';
import { connectWithBrowser, PASSPHRASE, startHarness, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const orgSetting = { kind: 'org' } as const;

describe("the organisation's time zone", () => {
  it('is read at sign-in from GET /crm/v8/org and kept in the vault (a zone with daylight saving by default)', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    const { status } = await connectWithBrowser(harness);
    expect(DEFAULT_ORG_TIME_ZONE).toBe('Europe/Berlin');
    expect(status).toMatchObject({ state: 'connected', orgTimeZone: { state: 'read', zone: 'Europe/Berlin' } });
    expect(harness.requests.some((request) => request.endsWith('/crm/v8/org'))).toBe(true);
    // Persisted: another vault over the same files (a restart) sees it without asking Zoho.
    const reopened = new TokenVault(createJsonFileStore(harness.home, 'zoho-vault'), AesGcmScryptCipher.open(PASSPHRASE, join(harness.home, 'zoho-vault.salt.json')));
    expect(reopened.readRecord()?.orgTimeZone).toEqual({ state: 'read', zone: 'Europe/Berlin' });
    expect(toView(harness.service.status()).orgTimeZone).toEqual({ state: 'read', zone: 'Europe/Berlin' });
    // What `org` resolves to everywhere (exports included).
    expect(resolveTimeZone(orgSetting, { org: orgTimeZoneOf(harness.service.status()), localZone: 'UTC' })).toEqual({
      setting: 'org',
      zone: 'Europe/Berlin',
      label: "Europe/Berlin (the organisation's zone)",
      fallbackReason: null,
    });
  });

  it('is read again on reconnect', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve', orgTimeZone: 'America/New_York' } });
    expect((await connectWithBrowser(harness)).status.orgTimeZone).toEqual({ state: 'read', zone: 'America/New_York' });
    harness.sandbox.setKnobs({ orgTimeZone: 'Asia/Kolkata' });
    expect((await connectWithBrowser(harness)).status.orgTimeZone).toEqual({ state: 'read', zone: 'Asia/Kolkata' });
  });

  it('when Zoho fails to answer, the connection still works and `org` falls back to UTC, saying why', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    harness.sandbox.injectFault({ kind: 'status', status: 500 }, { pathIncludes: '/crm/v8/org' });
    const { status } = await connectWithBrowser(harness);
    expect(status.state).toBe('connected');
    expect(status.orgTimeZone).toMatchObject({ state: 'unread' });
    await expect(harness.service.getToken()).resolves.toMatchObject({ apiDomain: harness.sandbox.url });
    const resolved = resolveZoneSetting(orgSetting, { org: orgTimeZoneOf(status), localZone: 'Europe/Paris' });
    expect(resolved.zone).toBe('UTC');
    expect(resolved.label).toMatch(/^UTC \(the organisation's zone could not be read: reading it from Zoho failed \(.+\)\)$/);
    expect(resolved.fallbackReason).not.toBeNull();
  });

  it('without the ZohoCRM.org.READ scope: connected, the reason names the missing scope', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve' } });
    const { status } = await connectWithBrowser(harness, { connect: { scopes: ['ZohoCRM.modules.READ', 'ZohoCRM.users.READ', 'AaaServer.profile.READ'] } });
    expect(status.state).toBe('connected');
    expect(status.orgTimeZone).toMatchObject({ state: 'unread' });
    expect(status.orgTimeZone?.state === 'unread' ? status.orgTimeZone.reason : '').toContain('ZohoCRM.org.READ');
  });

  it('a zone name this app does not know is kept as sent and falls back visibly', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve', orgTimeZone: 'Mars/Olympus_Mons' } });
    const { status } = await connectWithBrowser(harness);
    expect(status.orgTimeZone).toEqual({ state: 'read', zone: 'Mars/Olympus_Mons' });
    const resolved = resolveZoneSetting(orgSetting, { org: orgTimeZoneOf(status), localZone: 'UTC' });
    expect(resolved).toMatchObject({ zone: 'UTC', fallbackReason: 'the organisation\'s zone could not be read: Zoho named the zone "Mars/Olympus_Mons", which this app does not know' });
  });

  it('an old org\'s legacy id ("IST", as in Zoho\'s older samples) is one the zone database knows (Asia/Kolkata)', async () => {
    harness = await startHarness({ sandbox: { autoConsent: 'approve', orgTimeZone: 'IST' } });
    const { status } = await connectWithBrowser(harness);
    const resolved = resolveZoneSetting(orgSetting, { org: orgTimeZoneOf(status), localZone: 'UTC' });
    expect(resolved).toMatchObject({ zone: 'IST', fallbackReason: null });
    expect(zonedTime('2026-03-29T01:00:00Z', resolved.zone)?.iso).toBe('2026-03-29T06:30:00+05:30');
  });

  it('disconnected: `org` is UTC because there is no organisation, and says so', async () => {
    harness = await startHarness();
    expect(orgTimeZoneOf(harness.service.status())).toEqual({ state: 'unread', reason: 'not connected to Zoho' });
    expect(toView(harness.service.status()).orgTimeZone).toBeNull();
  });

  it('an org whose ids come as bare JSON numbers (one above 2^53) is read at sign-in: zone, edition and the id’s exact digits', async () => {
    // Zoho types ids as "long"; some answers send them unquoted. JSON.parse would change this one's last digits.
    const bigId = '9007199254740993123';
    const numericIds: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!new URL(String(input instanceof Request ? input.url : input)).pathname.endsWith('/org') || response.status !== 200) return response;
      const text = (await response.text()).replace(/"id":"700123456"/, `"id":${bigId}`).replace(/"id":"(\d+)"/g, '"id":$1');
      return new Response(text, { status: 200, headers: response.headers });
    };
    harness = await startHarness({ fetch: numericIds, sandbox: { edition: 'professional' } });
    const { status } = await connectWithBrowser(harness);
    expect(toView(status).orgTimeZone).toEqual({ state: 'read', zone: 'Europe/Berlin' });
    expect(status.orgEdition).toBe('professional');

    const { accessToken } = harness.sandbox.mintAccessToken();
    const sandboxUrl = harness.sandbox.url;
    const client = new ZohoClient({ fetch: numericIds, tokenProvider: { getToken: async () => ({ accessToken, apiDomain: sandboxUrl }), refreshAfterRejection: async () => ({ accessToken, apiDomain: sandboxUrl }) } });
    expect(await fetchOrganization(client)).toMatchObject({ id: bigId, timeZone: 'Europe/Berlin', paidType: 'professional' });
  });

  it('the client reads the documented shape and refuses a malformed answer', async () => {
    harness = await startHarness();
    const { accessToken } = harness.sandbox.mintAccessToken();
    const sandboxUrl = harness.sandbox.url;
    const client = new ZohoClient({ tokenProvider: { getToken: async () => ({ accessToken, apiDomain: sandboxUrl }), refreshAfterRejection: async () => ({ accessToken, apiDomain: sandboxUrl }) } });
    await expect(fetchOrganization(client)).resolves.toEqual({ id: '700123456', companyName: 'Zylker (sandbox)', timeZone: 'Europe/Berlin', paidType: 'standard' });
    const malformed = { getJson: async () => ({ status: 200, body: { org: [{ id: '1', company_name: 'x' }] } }) };
    await expect(fetchOrganization(malformed)).rejects.toMatchObject({ code: 'ZOHO_MALFORMED_RESPONSE' });
    const empty = { getJson: async () => ({ status: 200, body: { org: [] } }) };
    await expect(fetchOrganization(empty)).rejects.toMatchObject({ code: 'ZOHO_MALFORMED_RESPONSE' });
  });
});
