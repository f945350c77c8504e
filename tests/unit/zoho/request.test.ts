import { describe, expect, it } from 'vitest';
import { INNER_DETAILS, StaticTokenProvider, ZohoClient, ZohoFilterError, ZohoInvalidRequestError, buildTimelineQuery, retryAfterMs, TIMELINE_MODULES } from '../../../main/zoho/index.js';

const ID = '554023000001122039';

describe('buildTimelineQuery', () => {
  it('sends nothing extra by default', () => {
    expect(buildTimelineQuery('Leads', ID, {})).toBe('');
  });

  it('builds every documented parameter', () => {
    const query = buildTimelineQuery('Leads', ID, {
      perPage: 50,
      sortBy: 'audited_time',
      includeInnerDetails: true,
      includeTimelineType: 'signals',
      include: ['extension', 'type'],
      filters: { field: { api_name: 'source' }, comparator: 'equal', value: 'crm_ui' },
    });
    const params = new URLSearchParams(query);
    expect(params.get('per_page')).toBe('50');
    expect(params.get('sort_by')).toBe('audited_time');
    expect(params.get('include_inner_details')?.split(',')).toEqual([...INNER_DETAILS]);
    expect(params.get('include_timeline_type')).toBe('signals');
    expect(params.get('include')).toBe('extension,type');
    expect(JSON.parse(params.get('filters')!)).toEqual({ field: { api_name: 'source' }, comparator: 'equal', value: 'crm_ui' });
    expect(query).toContain('filters=%7B%22field%22');
  });

  it('includes a chosen subset of inner details', () => {
    expect(buildTimelineQuery('Leads', ID, { includeInnerDetails: ['done_by.profile'] })).toBe('include_inner_details=done_by.profile');
    expect(buildTimelineQuery('Leads', ID, { includeInnerDetails: false })).toBe('');
  });

  it('accepts every standard module API name and custom module names', () => {
    for (const module of [...TIMELINE_MODULES.map((m) => m.apiName), 'Vendors_Audit', 'CustomModule1']) {
      expect(() => buildTimelineQuery(module, ID, {})).not.toThrow();
    }
  });

  it.each<[string, () => string, RegExp]>([
    ['per_page with page_token', () => buildTimelineQuery('Leads', ID, { perPage: 10, pageToken: 'abc' }), /first page/],
    ['per_page 0', () => buildTimelineQuery('Leads', ID, { perPage: 0 }), /page size/],
    ['per_page 201', () => buildTimelineQuery('Leads', ID, { perPage: 201 }), /page size/],
    ['per_page 1.5', () => buildTimelineQuery('Leads', ID, { perPage: 1.5 }), /page size/],
    ['empty page token', () => buildTimelineQuery('Leads', ID, { pageToken: '' }), /empty/],
    ['unknown inner detail', () => buildTimelineQuery('Leads', ID, { includeInnerDetails: ['done_by.email' as never] }), /done_by.email/],
    ['signals without include', () => buildTimelineQuery('Leads', ID, { includeTimelineType: 'signals' }), /include/],
    ['include without signals', () => buildTimelineQuery('Leads', ID, { include: ['type'] }), /signals/],
    ['unknown include value', () => buildTimelineQuery('Leads', ID, { includeTimelineType: 'signals', include: ['everything' as never] }), /everything/],
    ['unknown sort', () => buildTimelineQuery('Leads', ID, { sortBy: 'id' as never }), /Sorting/],
    ['module with a slash', () => buildTimelineQuery('Leads/../users', ID, {}), /module API name/],
    ['module with a space', () => buildTimelineQuery('Purchase Orders', ID, {}), /module API name/],
    ['empty module', () => buildTimelineQuery('', ID, {}), /module API name/],
    ['record id with letters', () => buildTimelineQuery('Leads', '55402300000112203a', {}), /record id/],
    ['empty record id', () => buildTimelineQuery('Leads', '', {}), /record id/],
    ['record id with path', () => buildTimelineQuery('Leads', '1/../2', {}), /record id/],
  ])('rejects %s before sending', (_name, run, message) => {
    expect(run).toThrow(ZohoInvalidRequestError);
    expect(run).toThrow(message);
  });

  it('rejects an invalid filter with a filter error', () => {
    expect(() => buildTimelineQuery('Leads', ID, { filters: { field: { api_name: 'source' }, comparator: 'equal', value: 'email' as never } })).toThrow(ZohoFilterError);
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 0, 1);
  it.each<[Record<string, string>, number | undefined]>([
    [{}, undefined],
    [{ 'retry-after': '3' }, 3000],
    [{ 'retry-after': new Date(now + 5000).toUTCString() }, 5000],
    [{ 'x-ratelimit-reset': String(now + 7000) }, 7000],
    [{ 'x-ratelimit-reset': String(Math.floor(now / 1000) + 9) }, 9000],
    [{ 'x-ratelimit-reset': '2' }, 2000],
    [{ 'retry-after': 'soon' }, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(retryAfterMs(new Headers(headers), now)).toBe(expected);
  });
});

describe('ZohoClient construction and StaticTokenProvider', () => {
  it('rejects an invalid API version', () => {
    expect(() => new ZohoClient({ tokenProvider: new StaticTokenProvider({ accessToken: 't', apiDomain: 'http://127.0.0.1:1' }), apiVersion: 'latest' })).toThrow(/API version/);
  });

  it('a static token cannot be refreshed, with a clear error', async () => {
    const provider = new StaticTokenProvider({ accessToken: 'abc', apiDomain: 'https://www.zohoapis.com' });
    await expect(provider.getToken()).resolves.toEqual({ accessToken: 'abc', apiDomain: 'https://www.zohoapis.com' });
    await expect(provider.refreshAfterRejection('abc')).rejects.toMatchObject({ code: 'ZOHO_CANNOT_REFRESH', hint: expect.stringContaining('new access token') });
    expect(() => new StaticTokenProvider({ accessToken: ' ', apiDomain: 'x' })).toThrow(/No Zoho access token/);
  });
});
