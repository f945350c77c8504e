import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LARGE_RECORD, SAMPLE_RECORD, startSandbox } from '../../../main/sandbox/index.js';
import type { Sandbox } from '../../../main/sandbox/index.js';
import { ALL_INNER_DETAILS, ManualClock, auth, docSampleResponse, type TimelinePage, type ZohoErrorBody } from './helpers.js';

let sandbox: Sandbox;
let token: string;
const clock = new ManualClock();

beforeAll(async () => {
  sandbox = await startSandbox({ clock, concurrencyLimit: 50 });
  token = sandbox.mintAccessToken().accessToken;
});
afterAll(async () => {
  await sandbox.close();
});

function timelineUrl(module: string, id: string, query = ''): string {
  return `${sandbox.url}/crm/v8/${module}/${id}/__timeline${query === '' ? '' : `?${query}`}`;
}

async function get(url: string, accessToken = token): Promise<Response> {
  return fetch(url, { headers: auth(accessToken) });
}

async function page(url: string): Promise<TimelinePage> {
  const response = await get(url);
  expect(response.status).toBe(200);
  return (await response.json()) as TimelinePage;
}

async function expectError(url: string, status: number, code: string, accessToken = token): Promise<ZohoErrorBody> {
  const response = await get(url, accessToken);
  expect(response.status).toBe(status);
  const body = (await response.json()) as ZohoErrorBody;
  expect(body.code).toBe(code);
  expect(body.status).toBe('error');
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'message', 'status']);
  return body;
}

describe('the doc sample record', () => {
  it("returns the sample response of timeline-api.md exactly (the doc request's inner details, no filter)", async () => {
    const body: unknown = await page(
      timelineUrl(
        SAMPLE_RECORD.module,
        SAMPLE_RECORD.id,
        `sort_by=audited_time&include_inner_details=${encodeURIComponent('field_history.data_type, field_history.field_label, field_history.enable_colour_code, field_history.pick_list_values, done_by.type__s, done_by.profile')}`,
      ),
    );
    expect(body).toStrictEqual(docSampleResponse());
    // Byte-for-byte key order too, not only deep equality.
    expect(JSON.stringify(body)).toBe(JSON.stringify(docSampleResponse()));
  });

  it("applies the doc sample request's own filter faithfully: its +05:30 window misses the -11:00 events → 204", async () => {
    const filters = '%7B%22comparator%22%3A%22between%22%2C%22field%22%3A%7B%22api_name%22%3A%22audited_time%22%7D%2C%22value%22%3A%5B%222023-06-07T00%3A00%3A00%2B05%3A30%22%2C%222023-06-07T12%3A59%3A59%2B05%3A30%22%5D%7D';
    const response = await get(timelineUrl(SAMPLE_RECORD.module, SAMPLE_RECORD.id, `sort_by=audited_time&include_inner_details=${ALL_INNER_DETAILS}&filters=${filters}`));
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('default shape (no include_inner_details) leaves out all six extras', async () => {
    const body = await page(timelineUrl(SAMPLE_RECORD.module, SAMPLE_RECORD.id));
    expect(body.__timeline).toHaveLength(8);
    expect(body.info).toEqual({ per_page: 200, next_page_token: null, count: 8, page: 1, previous_page_token: null, more_records: false });
    for (const event of body.__timeline) {
      expect(Object.keys(event.done_by as object)).toEqual(['name', 'id']);
      for (const entry of (event.field_history as Array<Record<string, unknown>> | null) ?? []) {
        expect(Object.keys(entry)).toEqual(['api_name', '_value', 'id']);
      }
    }
    expect(sandbox.groundTruth(SAMPLE_RECORD.module, SAMPLE_RECORD.id, { includeInnerDetails: false })).toEqual(body.__timeline);
  });

  it.each([
    ['field_history.data_type', 'data_type'],
    ['field_history.field_label', 'field_label'],
    ['field_history.pick_list_values', 'pick_list_values'],
    ['field_history.enable_colour_code', 'enable_colour_code'],
  ])('include_inner_details=%s adds only %s', async (value, key) => {
    const body = await page(timelineUrl(SAMPLE_RECORD.module, SAMPLE_RECORD.id, `include_inner_details=${value}`));
    const entries = body.__timeline.flatMap((event) => (event.field_history as Array<Record<string, unknown>> | null) ?? []);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(Object.keys(entry).sort()).toEqual(['_value', 'api_name', 'id', key].sort());
    for (const event of body.__timeline) expect(Object.keys(event.done_by as object)).toEqual(['name', 'id']);
  });

  it.each([
    ['done_by.profile', 'profile'],
    ['done_by.type__s', 'type__s'],
  ])('include_inner_details=%s adds done_by.%s', async (value, key) => {
    const body = await page(timelineUrl(SAMPLE_RECORD.module, SAMPLE_RECORD.id, `include_inner_details=${value}`));
    for (const event of body.__timeline) expect(Object.keys(event.done_by as object).sort()).toEqual(['id', 'name', key].sort());
  });

  it('rejects an unknown include_inner_details value', async () => {
    await expectError(timelineUrl(SAMPLE_RECORD.module, SAMPLE_RECORD.id, 'include_inner_details=done_by.email'), 400, 'INVALID_DATA');
  });
});

describe('pagination', () => {
  it('walks LARGE_RECORD (10,000 events) with next_page_token, covering every event exactly once, newest first', async () => {
    const truth = sandbox.groundTruth(LARGE_RECORD.module, LARGE_RECORD.id) as Array<{ id: string; audited_time: string }>;
    expect(truth.length).toBeGreaterThan(9000); // 10,000 minus the signals entries
    const seen: Array<Record<string, unknown>> = [];
    let url = timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, `include_inner_details=${ALL_INNER_DETAILS}`);
    let pages = 0;
    for (;;) {
      const body = await page(url);
      pages += 1;
      expect(body.info.page).toBe(pages);
      expect(body.info.per_page).toBe(200);
      expect(body.info.count).toBe(body.__timeline.length);
      expect(body.__timeline.length).toBeLessThanOrEqual(200);
      expect(body.info.previous_page_token === null).toBe(pages === 1);
      seen.push(...body.__timeline);
      if (!body.info.more_records) {
        expect(body.info.next_page_token).toBeNull();
        break;
      }
      expect(body.info.next_page_token).toBeTypeOf('string');
      url = timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, `include_inner_details=${ALL_INNER_DETAILS}&page_token=${encodeURIComponent(body.info.next_page_token ?? '')}`);
    }
    expect(seen).toEqual(truth);
    expect(new Set(seen.map((event) => event.id)).size).toBe(seen.length);
    const times = truth.map((event) => Date.parse(event.audited_time));
    for (let index = 1; index < times.length; index += 1) expect(times[index - 1]).toBeGreaterThanOrEqual(times[index] ?? 0);
  });

  it('per_page applies to the first page; the tokens keep it; previous_page_token goes back', async () => {
    const first = await page(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, 'per_page=7'));
    expect(first.__timeline).toHaveLength(7);
    expect(first.info).toMatchObject({ per_page: 7, count: 7, page: 1, more_records: true, previous_page_token: null });
    const second = await page(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, `page_token=${encodeURIComponent(first.info.next_page_token ?? '')}`));
    expect(second.info).toMatchObject({ per_page: 7, count: 7, page: 2 });
    expect(second.__timeline[0]?.id).not.toBe(first.__timeline[0]?.id);
    const back = await page(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, `page_token=${encodeURIComponent(second.info.previous_page_token ?? '')}`));
    expect(back.__timeline).toEqual(first.__timeline);
  });

  it('per_page and page_token together → 400 AMBIGUITY_DURING_PROCESSING', async () => {
    const first = await page(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, 'per_page=5'));
    await expectError(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, `per_page=5&page_token=${encodeURIComponent(first.info.next_page_token ?? '')}`), 400, 'AMBIGUITY_DURING_PROCESSING');
  });

  it.each(['0', '201', 'ten', '-1', '2.5'])('per_page=%s → 400 INVALID_DATA', async (perPage) => {
    await expectError(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, `per_page=${perPage}`), 400, 'INVALID_DATA');
  });

  it('per_page=200 is the maximum and the default', async () => {
    expect((await page(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, 'per_page=200'))).__timeline).toHaveLength(200);
    expect((await page(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id))).__timeline).toHaveLength(200);
  });

  it('a tampered, foreign or expired page_token → 400 INVALID_DATA', async () => {
    const first = await page(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, 'per_page=5'));
    const tokenValue = first.info.next_page_token ?? '';
    await expectError(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, `page_token=${encodeURIComponent(`x${tokenValue}`)}`), 400, 'INVALID_DATA');
    const other = sandbox.listRecordIds('Leads')[1] ?? '';
    await expectError(timelineUrl('Leads', other, `page_token=${encodeURIComponent(tokenValue)}`), 400, 'INVALID_DATA');
    clock.advance(24 * 3600_000 + 1);
    const fresh = sandbox.mintAccessToken().accessToken;
    await expectError(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, `page_token=${encodeURIComponent(tokenValue)}`), 400, 'INVALID_DATA', fresh);
    token = fresh;
  });
});

describe('parameters and errors', () => {
  it('sort_by=audited_time is accepted; other values are INVALID_DATA', async () => {
    const id = sandbox.listRecordIds('Contacts')[0] ?? '';
    const sorted = await page(timelineUrl('Contacts', id, 'sort_by=audited_time'));
    expect(sorted.__timeline).toEqual(sandbox.groundTruth('Contacts', id, { includeInnerDetails: false }));
    await expectError(timelineUrl('Contacts', id, 'sort_by=id'), 400, 'INVALID_DATA');
  });

  it('include_timeline_type needs include; with it, signals entries appear with type/extension', async () => {
    const body = await expectError(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, 'include_timeline_type=signals'), 400, 'REQUIRED_PARAM_MISSING');
    expect(body.details).toEqual({ param_name: 'include' });
    const plain = await page(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, 'per_page=200'));
    expect(plain.__timeline.some((event) => 'type' in event)).toBe(false);
    let url = timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, 'include_timeline_type=signals&include=type,extension');
    const signals: Array<Record<string, unknown>> = [];
    let total = 0;
    for (;;) {
      const body = await page(url);
      total += body.__timeline.length;
      signals.push(...body.__timeline.filter((event) => event.type === 'signals'));
      if (body.info.next_page_token === null) break;
      url = timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, `include_timeline_type=signals&include=type,extension&page_token=${encodeURIComponent(body.info.next_page_token)}`);
    }
    expect(total).toBe(10_000);
    expect(signals.length).toBe(10_000 - sandbox.groundTruth(LARGE_RECORD.module, LARGE_RECORD.id).length);
    expect(signals[0]).toMatchObject({ type: 'signals', extension: { name: 'Email Insights' } });
    await expectError(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, 'include_timeline_type=calls&include=type'), 400, 'INVALID_DATA');
    await expectError(timelineUrl(LARGE_RECORD.module, LARGE_RECORD.id, 'include=colour'), 400, 'INVALID_DATA');
  });

  it('a bad or unknown record id → 400 INVALID_DATA; an unknown module → 400 INVALID_MODULE', async () => {
    await expectError(timelineUrl('Leads', 'abc'), 400, 'INVALID_DATA');
    await expectError(timelineUrl('Leads', '12345678901234567890'), 400, 'INVALID_DATA');
    await expectError(timelineUrl('Leads', '554023000000000001'), 400, 'INVALID_DATA');
    await expectError(timelineUrl('Contacts', SAMPLE_RECORD.id), 400, 'INVALID_DATA');
    await expectError(timelineUrl('Widgets', SAMPLE_RECORD.id), 400, 'INVALID_MODULE');
  });

  it('a missing, wrong, non-Zoho-scheme or expired token → 401 INVALID_TOKEN', async () => {
    const url = timelineUrl(SAMPLE_RECORD.module, SAMPLE_RECORD.id);
    expect((await fetch(url)).status).toBe(401);
    expect(((await (await fetch(url)).json()) as ZohoErrorBody).code).toBe('INVALID_TOKEN');
    await expectError(url, 401, 'INVALID_TOKEN', '1000.wrong.wrong');
    expect((await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await fetch(`${url}?access_token=${token}`)).status).toBe(401);
    const shortLived = sandbox.mintAccessToken({ lifetimeSec: 60 }).accessToken;
    expect((await get(url, shortLived)).status).toBe(200);
    clock.advance(60_000);
    await expectError(url, 401, 'INVALID_TOKEN', shortLived);
  });

  it("a token without the module's scope → 401 OAUTH_SCOPE_MISMATCH; module-level READ/ALL scopes work", async () => {
    const url = timelineUrl(SAMPLE_RECORD.module, SAMPLE_RECORD.id);
    await expectError(url, 401, 'OAUTH_SCOPE_MISMATCH', sandbox.mintAccessToken({ scopes: ['ZohoCRM.modules.Contacts.READ', 'ZohoCRM.users.READ'] }).accessToken);
    for (const scope of ['ZohoCRM.modules.Leads.READ', 'ZohoCRM.modules.leads.ALL', 'ZohoCRM.modules.READ', 'ZohoCRM.modules.ALL']) {
      expect((await get(url, sandbox.mintAccessToken({ scopes: [scope] }).accessToken)).status).toBe(200);
    }
  });
});
