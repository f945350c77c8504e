import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../main/sandbox/index.js';
import { ZohoClient } from '../../../main/zoho/index.js';
import { RecordingClock, SandboxTokenProvider } from './helpers.js';

/**
 * Zoho's v8 records API serves at most 2,000 records through page/per_page; past that only
 * `page_token` reaches them (docs/zoho-api.md, "Record listings"). The sandbox serves more than
 * 2,000 Leads here, answers `next_page_token`, and refuses `page` beyond 2,000 as Zoho does.
 */
const RECORDS_PER_MODULE = 2_150;

let sandbox: Sandbox;
let tokens: SandboxTokenProvider;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 11, recordsPerModule: RECORDS_PER_MODULE });
  tokens = new SandboxTokenProvider(sandbox);
});
afterAll(async () => {
  await sandbox.close();
});

describe('a module listing of more than 2,000 records', () => {
  it('arrives whole, its later pages asked for by page_token', async () => {
    const requested: URL[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      requested.push(new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url));
      return fetch(input, init);
    };
    const client = new ZohoClient({ tokenProvider: tokens, clock: new RecordingClock(), random: () => 0.5, fetch: recordingFetch });
    const records = await client.listRecords('Leads', { fields: ['Last_Name'] });

    const expected = sandbox.listRecordIds('Leads');
    expect(expected.length).toBeGreaterThan(2_000);
    expect(records).toHaveLength(expected.length);
    expect(new Set(records.map((record) => record.id))).toEqual(new Set(expected));

    const listings = requested.filter((url) => url.pathname.endsWith('/Leads'));
    // 200 a page (Zoho's default and maximum): 11 pages for 2,151 records.
    expect(listings).toHaveLength(Math.ceil(expected.length / 200));
    expect(listings[0]?.searchParams.get('page')).toBe('1');
    expect(listings[0]?.searchParams.has('page_token')).toBe(false);
    for (const later of listings.slice(1)) {
      expect(later.searchParams.has('page')).toBe(false);
      expect(later.searchParams.get('page_token')).toMatch(/.+/);
    }
  });

  it('the sandbox answers next_page_token and refuses page beyond 2,000 records, as Zoho v8 does', async () => {
    const { accessToken, apiDomain } = await tokens.getToken();
    const get = async (query: string): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(`${apiDomain}/crm/v8/Leads?fields=Last_Name&${query}`, { headers: { Authorization: `Zoho-oauthtoken ${accessToken}` } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const tenth = await get('page=10&per_page=200');
    expect(tenth.status).toBe(200);
    const info = tenth.body['info'] as { more_records: boolean; next_page_token: unknown };
    expect(info.more_records).toBe(true);
    expect(typeof info.next_page_token).toBe('string');

    const eleventh = await get('page=11&per_page=200');
    expect(eleventh.status).toBe(400);
    expect(eleventh.body).toMatchObject({ code: 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', status: 'error' });

    const byToken = await get(`page_token=${encodeURIComponent(info.next_page_token as string)}`);
    expect(byToken.status).toBe(200);
    expect((byToken.body['data'] as unknown[]).length).toBe(sandbox.listRecordIds('Leads').length - 2_000);
  });
});
