import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, LARGE_RECORD, type Sandbox } from '../../../main/sandbox/index.js';
import { StaticTokenProvider, ZohoApiError, ZohoClient, ZohoInvalidDataError, type JsonObject, type TimelineFilter, type ZohoClientOptions } from '../../../main/zoho/index.js';
import { BlockingClock, RecordingClock, SandboxTokenProvider, rewritingFetch } from './helpers.js';

const SAMPLE = { module: 'Leads', id: '554023000001122039' };
const docSample = JSON.parse(readFileSync(new URL('../../unit/zoho/fixtures/doc-sample-timeline.json', import.meta.url), 'utf8')) as { __timeline: JsonObject[] };

let sandbox: Sandbox;
let clock: RecordingClock;
let tokens: SandboxTokenProvider;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 7 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  clock = new RecordingClock();
  tokens = new SandboxTokenProvider(sandbox);
});

function client(overrides: Partial<ZohoClientOptions> = {}): ZohoClient {
  return new ZohoClient({ tokenProvider: tokens, clock, random: () => 0.5, ...overrides });
}

async function caught(promise: Promise<unknown>): Promise<ZohoApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ZohoApiError);
    return error as ZohoApiError;
  }
  throw new Error('expected the call to fail');
}

/** A record of the sandbox with at least `min` events, to get several pages with a small per_page. */
function recordWithEvents(module: string, min: number): string {
  const id = sandbox.listRecordIds(module).find((candidate) => sandbox.groundTruth(module, candidate).length >= min);
  if (id === undefined) throw new Error(`no ${module} record with ${min}+ events in the sandbox`);
  return id;
}

const ids = (events: readonly unknown[]): string[] => events.map((event) => (event as { id: string }).id);

describe('timeline: shapes and completeness', () => {
  it('the sample record returns the doc sample exactly, with all inner details', async () => {
    const result = await client().fetchTimeline(SAMPLE.module, SAMPLE.id, { includeInnerDetails: true });
    expect(result.entries.map((e) => e.raw)).toEqual(docSample.__timeline);
    expect(result.pages).toBe(1);
    expect(result.duplicatesDropped).toBe(0);
  });

  it('the default shape equals the ground truth without inner details', async () => {
    const id = recordWithEvents('Contacts', 1);
    const result = await client().fetchTimeline('Contacts', id);
    expect(result.entries.map((e) => e.raw)).toEqual(sandbox.groundTruth('Contacts', id, { includeInnerDetails: false }));
  });

  it('a chosen subset of inner details parses', async () => {
    const id = recordWithEvents('Deals', 1);
    const result = await client().fetchTimeline('Deals', id, { includeInnerDetails: ['done_by.profile', 'field_history.data_type'] });
    expect(result.entries.length).toBe(sandbox.groundTruth('Deals', id).length);
    expect(result.entries.every((e) => e.event.done_by!.profile !== undefined)).toBe(true);
  });

  it('per_page applies to the first page; the rest follow page tokens to completion, in order', async () => {
    const id = recordWithEvents('Leads', 12);
    const truth = sandbox.groundTruth('Leads', id);
    const pages = [];
    for await (const page of client().iterateTimelinePages('Leads', id, { perPage: 5, includeInnerDetails: true })) pages.push(page);
    expect(pages[0]!.entries).toHaveLength(5);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flatMap((p) => p.entries.map((e) => e.raw))).toEqual(truth);
  });

  it('fetches the 10,000-event LARGE_RECORD complete and in API order', async () => {
    const before = sandbox.stats().crmRequests;
    const result = await client().fetchTimeline(LARGE_RECORD.module, LARGE_RECORD.id, { includeInnerDetails: true });
    const truth = sandbox.groundTruth(LARGE_RECORD.module, LARGE_RECORD.id);
    expect(truth.length).toBeGreaterThan(9_000);
    expect(result.entries).toHaveLength(truth.length);
    expect(ids(result.entries.map((e) => e.raw))).toEqual(ids(truth));
    expect(result.entries.map((e) => e.raw)).toEqual(truth);
    expect(result.pages).toBe(sandbox.stats().crmRequests - before);
    expect(result.pages).toBeGreaterThanOrEqual(Math.ceil(truth.length / 200));
    expect(result.duplicatesDropped).toBe(0);
  });

  it('with signals, LARGE_RECORD has all 10,000 entries, each once, the ordinary ones in ground-truth order', async () => {
    const result = await client().fetchTimeline(LARGE_RECORD.module, LARGE_RECORD.id, { includeTimelineType: 'signals', include: ['extension', 'type'] });
    expect(result.entries).toHaveLength(10_000);
    expect(new Set(result.entries.map((e) => e.event.id)).size).toBe(10_000);
    const truthIds = ids(sandbox.groundTruth(LARGE_RECORD.module, LARGE_RECORD.id, { includeInnerDetails: false }));
    const known = new Set(truthIds);
    expect(result.entries.map((e) => e.event.id).filter((id) => known.has(id))).toEqual(truthIds);
  });

  it('signals can be requested (include_timeline_type + include)', async () => {
    const id = recordWithEvents('Leads', 1);
    const result = await client().fetchTimeline('Leads', id, { includeTimelineType: 'signals', include: ['extension', 'type'] });
    // Signals entries come on top of the ordinary history.
    expect(result.entries.length).toBeGreaterThanOrEqual(sandbox.groundTruth('Leads', id).length);
  });

  it('works for every standard timeline module the sandbox has records in', async () => {
    for (const module of ['Leads', 'Contacts', 'Accounts', 'Deals']) {
      const id = sandbox.listRecordIds(module)[0]!;
      const result = await client().fetchTimeline(module, id);
      expect(result.entries.length).toBe(sandbox.groundTruth(module, id).length);
    }
  });
});

describe('timeline filters against the sandbox', () => {
  const truthFor = (id: string): JsonObject[] => sandbox.groundTruth('Leads', id) as JsonObject[];
  const field = (event: JsonObject, path: string): unknown => path.split('.').reduce<unknown>((value, key) => (value as JsonObject | null)?.[key], event);

  it.each<[string, (events: JsonObject[]) => { filter: TimelineFilter; keep: (event: JsonObject) => boolean }]>([
    [
      'source equal',
      (events) => {
        const source = String(events[0]!['source']);
        return { filter: { field: { api_name: 'source' }, comparator: 'equal', value: source as never }, keep: (e) => e['source'] === source };
      },
    ],
    [
      'module in',
      () => ({
        filter: { field: { api_name: 'record.module.api_name' }, comparator: 'in', value: ['Notes', 'Tasks'] },
        keep: (e) => ['Notes', 'Tasks'].includes(String(field(e, 'record.module.api_name'))),
      }),
    ],
    [
      'done_by equal',
      (events) => {
        const user = String(field(events[0]!, 'done_by.id'));
        return { filter: { field: { api_name: 'done_by.id' }, comparator: 'equal', value: user }, keep: (e) => field(e, 'done_by.id') === user };
      },
    ],
    [
      'audited_time between',
      (events) => {
        const times = events.map((e) => String(e['audited_time']));
        const [to, from] = [times[0]!, times[Math.min(times.length - 1, 3)]!];
        return {
          filter: { field: { api_name: 'audited_time' }, comparator: 'between', value: [from.replace('Z', '+00:00'), to.replace('Z', '+00:00')] },
          keep: (e) => Date.parse(String(e['audited_time'])) >= Date.parse(from) && Date.parse(String(e['audited_time'])) <= Date.parse(to),
        };
      },
    ],
    [
      'OR group',
      (events) => {
        const source = String(events[0]!['source']);
        return {
          filter: {
            group_operator: 'OR',
            group: [
              { field: { api_name: 'source' }, comparator: 'equal', value: source as never },
              { field: { api_name: 'record.module.api_name' }, comparator: 'equal', value: 'Notes' },
            ],
          },
          keep: (e) => e['source'] === source || field(e, 'record.module.api_name') === 'Notes',
        };
      },
    ],
  ])('%s returns exactly the matching events', async (_name, make) => {
    const id = recordWithEvents('Leads', 8);
    const truth = truthFor(id);
    const { filter, keep } = make(truth);
    const result = await client().fetchTimeline('Leads', id, { filters: filter, includeInnerDetails: true });
    expect(ids(result.entries.map((e) => e.raw))).toEqual(ids(truth.filter(keep)));
  });

  it('a filter that matches nothing → 204 NO_CONTENT → empty result, not an error', async () => {
    const result = await client().fetchTimeline(SAMPLE.module, SAMPLE.id, { filters: { field: { api_name: 'done_by.id' }, comparator: 'equal', value: '1' } });
    expect(result.entries).toEqual([]);
    expect(result.pages).toBe(1);
  });
});

describe('Zoho errors become typed, explained errors', () => {
  it('INVALID_DATA for a record id that does not exist → reason record-id', async () => {
    const error = await caught(client().fetchTimeline('Leads', '999999999999999999'));
    expect(error).toBeInstanceOf(ZohoInvalidDataError);
    expect((error as ZohoInvalidDataError).reason).toBe('record-id');
    expect(error.httpStatus).toBe(400);
    expect(error.hint).toMatch(/record id/);
  });

  it('INVALID_DATA for an unencoded filter → reason filter-encoding', async () => {
    const filter = '{"field":{"api_name":"source"},"comparator":"equal","value":"crm_ui"}';
    const unencoding = rewritingFetch({ url: (url) => url.replace(/filters=[^&]*/, `filters=${filter}`) });
    const error = await caught(client({ fetch: unencoding }).fetchTimeline(SAMPLE.module, SAMPLE.id, { filters: JSON.parse(filter) as TimelineFilter }));
    expect((error as ZohoInvalidDataError).reason).toBe('filter-encoding');
  });

  it('INVALID_DATA for a disallowed comparator → reason filter', async () => {
    const bad = encodeURIComponent('{"field":{"api_name":"audited_time"},"comparator":"equal","value":"2023-06-07T00:00:00+05:30"}');
    const tampering = rewritingFetch({ url: (url) => url.replace(/filters=[^&]*/, `filters=${bad}`) });
    const error = await caught(client({ fetch: tampering }).fetchTimeline(SAMPLE.module, SAMPLE.id, { filters: { field: { api_name: 'source' }, comparator: 'equal', value: 'crm_ui' } }));
    expect(error).toBeInstanceOf(ZohoInvalidDataError);
    expect((error as ZohoInvalidDataError).reason).toBe('filter');
  });

  it('AMBIGUITY_DURING_PROCESSING when per_page and page_token are both sent', async () => {
    const id = recordWithEvents('Leads', 4);
    const ambiguous = rewritingFetch({ url: (url) => (url.includes('page_token=') ? `${url}&per_page=2` : url) });
    const error = await caught(client({ fetch: ambiguous }).fetchTimeline('Leads', id, { perPage: 2 }));
    expect(error.code).toBe('ZOHO_AMBIGUOUS_REQUEST');
    expect(error.zohoCode).toBe('AMBIGUITY_DURING_PROCESSING');
  });

  it('OAUTH_SCOPE_MISMATCH → hint names the scope to grant', async () => {
    tokens = new SandboxTokenProvider(sandbox, { scopes: ['ZohoCRM.modules.contacts.READ'] });
    const error = await caught(client().fetchTimeline(SAMPLE.module, SAMPLE.id));
    expect(error.code).toBe('ZOHO_SCOPE_MISMATCH');
    expect(error.hint).toContain('ZohoCRM.modules.leads.READ');
    expect(tokens.refreshes).toBe(0);
  });

  it('INVALID_TOKEN → one refresh, then success', async () => {
    tokens = new SandboxTokenProvider(sandbox, { initialToken: '1000.not-a-real-token' });
    const result = await client().fetchTimeline(SAMPLE.module, SAMPLE.id);
    expect(result.entries).toHaveLength(docSample.__timeline.length);
    expect(tokens.refreshes).toBe(1);
  });

  it('a second 401 after the refresh → ZOHO_TOKEN_REJECTED, no refresh loop', async () => {
    tokens = new SandboxTokenProvider(sandbox, { initialToken: '1000.not-a-real-token', refreshYields: 'invalid' });
    const error = await caught(client().fetchTimeline(SAMPLE.module, SAMPLE.id));
    expect(error.code).toBe('ZOHO_TOKEN_REJECTED');
    expect(error.httpStatus).toBe(401);
    expect(tokens.refreshes).toBe(1);
  });

  it('a fixed (static) token that Zoho rejects → ZOHO_CANNOT_REFRESH', async () => {
    const tokenProvider = new StaticTokenProvider({ accessToken: '1000.expired', apiDomain: sandbox.url });
    const error = await caught(client({ tokenProvider }).fetchTimeline(SAMPLE.module, SAMPLE.id));
    expect(error.code).toBe('ZOHO_CANNOT_REFRESH');
  });
});

describe('fault knobs: retries, refresh and cancellation', () => {
  it('401 mid-pagination → exactly one refresh, then the fetch completes', async () => {
    const id = recordWithEvents('Leads', 12);
    sandbox.injectFault({ kind: 'status', status: 401, code: 'INVALID_TOKEN' }, { pathIncludes: id, afterRequests: 2 });
    const result = await client().fetchTimeline('Leads', id, { perPage: 3, includeInnerDetails: true });
    expect(result.entries.map((e) => e.raw)).toEqual(sandbox.groundTruth('Leads', id));
    expect(tokens.refreshes).toBe(1);
  });

  it('a burst of 429s is retried with backoff, then completes', async () => {
    const rejectedBefore = sandbox.stats().rejected429;
    sandbox.injectFault({ kind: 'status', status: 429, code: 'TOO_MANY_REQUESTS' }, { pathIncludes: SAMPLE.id, times: 3 });
    const result = await client().fetchTimeline(SAMPLE.module, SAMPLE.id, { includeInnerDetails: true });
    expect(result.entries.map((e) => e.raw)).toEqual(docSample.__timeline);
    expect(clock.sleeps).toHaveLength(3);
    // Exponential ceiling with jitter fixed at 0.5: 250, 500, 1000 ms (unless Retry-After asked for more).
    expect(clock.sleeps[1]!).toBeGreaterThanOrEqual(clock.sleeps[0]!);
    expect(clock.sleeps[2]!).toBeGreaterThanOrEqual(500);
    expect(sandbox.stats().rejected429 - rejectedBefore).toBeGreaterThanOrEqual(3);
  });

  it('429 that never ends → ZOHO_RATE_LIMITED after maxAttempts', async () => {
    sandbox.injectFault({ kind: 'status', status: 429, code: 'TOO_MANY_REQUESTS' }, { pathIncludes: SAMPLE.id, times: 4 });
    const error = await caught(client({ retry: { maxAttempts: 4 } }).fetchTimeline(SAMPLE.module, SAMPLE.id));
    expect(error.code).toBe('ZOHO_RATE_LIMITED');
    expect(error.details?.['attempts']).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
  });

  it('a Retry-After on 429 is honoured (waits at least that long)', async () => {
    sandbox.injectFault({ kind: 'status', status: 429 }, { pathIncludes: SAMPLE.id });
    const withRetryAfter = rewritingFetch({ addHeaders: { status: 429, headers: { 'retry-after': '7' } } });
    const result = await client({ fetch: withRetryAfter }).fetchTimeline(SAMPLE.module, SAMPLE.id);
    expect(result.entries).toHaveLength(docSample.__timeline.length);
    expect(clock.sleeps).toEqual([7000]);
  });

  it('a Retry-After longer than we are willing to wait → ZOHO_RATE_LIMITED at once, saying how long', async () => {
    sandbox.injectFault({ kind: 'status', status: 429 }, { pathIncludes: SAMPLE.id });
    const withRetryAfter = rewritingFetch({ addHeaders: { status: 429, headers: { 'retry-after': '3600' } } });
    const error = await caught(client({ fetch: withRetryAfter }).fetchTimeline(SAMPLE.module, SAMPLE.id));
    expect(error.code).toBe('ZOHO_RATE_LIMITED');
    expect(error.hint).toContain('3600 seconds');
    expect(clock.sleeps).toEqual([]);
  });

  it.each([500, 503] as const)('HTTP %i is retried, then completes', async (status) => {
    sandbox.injectFault({ kind: 'status', status }, { pathIncludes: SAMPLE.id, times: 2 });
    const result = await client().fetchTimeline(SAMPLE.module, SAMPLE.id, { includeInnerDetails: true });
    expect(result.entries.map((e) => e.raw)).toEqual(docSample.__timeline);
    expect(clock.sleeps).toHaveLength(2);
  });

  it('persistent 500 → ZOHO_SERVER_ERROR with a support hint', async () => {
    sandbox.injectFault({ kind: 'status', status: 500, code: 'INTERNAL_SERVER_ERROR' }, { pathIncludes: SAMPLE.id, times: 3 });
    const error = await caught(client({ retry: { maxAttempts: 3 } }).fetchTimeline(SAMPLE.module, SAMPLE.id));
    expect(error.code).toBe('ZOHO_SERVER_ERROR');
    expect(error.hint).toContain('support@zohocrm.com');
  });

  it.each([
    ['truncated JSON', { kind: 'truncated-json' }],
    ['socket reset', { kind: 'socket-reset' }],
  ] as const)('%s is retried as transient, and nothing partial is kept', async (_name, fault) => {
    const id = recordWithEvents('Leads', 12);
    sandbox.injectFault(fault, { pathIncludes: id, afterRequests: 1 });
    const result = await client().fetchTimeline('Leads', id, { perPage: 4, includeInnerDetails: true });
    expect(result.entries.map((e) => e.raw)).toEqual(sandbox.groundTruth('Leads', id));
    expect(clock.sleeps).toHaveLength(1);
  });

  it('persistent socket resets → ZOHO_NETWORK_ERROR', async () => {
    sandbox.injectFault({ kind: 'socket-reset' }, { pathIncludes: SAMPLE.id, times: 2 });
    const error = await caught(client({ retry: { maxAttempts: 2 } }).fetchTimeline(SAMPLE.module, SAMPLE.id));
    expect(error.code).toBe('ZOHO_NETWORK_ERROR');
  });

  it('abort during a slow body → CANCELLED', async () => {
    sandbox.injectFault({ kind: 'slow-body', ms: 5_000 }, { pathIncludes: SAMPLE.id });
    const controller = new AbortController();
    const pending = client().fetchTimeline(SAMPLE.module, SAMPLE.id, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const error = await caught(pending);
    expect(error.code).toBe('CANCELLED');
  });

  it('abort during a backoff sleep → CANCELLED, no further request', async () => {
    const blocking = new BlockingClock();
    sandbox.injectFault({ kind: 'status', status: 503 }, { pathIncludes: SAMPLE.id });
    const controller = new AbortController();
    const pending = client({ clock: blocking }).fetchTimeline(SAMPLE.module, SAMPLE.id, { signal: controller.signal });
    await blocking.sleeping;
    const requestsWhileSleeping = sandbox.stats().crmRequests;
    controller.abort();
    const error = await caught(pending);
    expect(error.code).toBe('CANCELLED');
    expect(sandbox.stats().crmRequests).toBe(requestsWhileSleeping);
  });

  it('an already-aborted signal sends nothing', async () => {
    const before = sandbox.stats().crmRequests;
    const error = await caught(client().fetchTimeline(SAMPLE.module, SAMPLE.id, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('CANCELLED');
    expect(sandbox.stats().crmRequests).toBe(before);
  });

  it('abort between pages stops the iteration', async () => {
    const id = recordWithEvents('Leads', 12);
    const controller = new AbortController();
    const error = await caught(
      (async () => {
        for await (const page of client().iterateTimelinePages('Leads', id, { perPage: 3, signal: controller.signal })) {
          expect(page.entries).toHaveLength(3);
          controller.abort();
        }
      })(),
    );
    expect(error.code).toBe('CANCELLED');
  });

  it('over the concurrency limit, parallel fetches get 429 and still complete through retries', async () => {
    // Own sandbox: no slow request of another test may hold a concurrency slot here.
    const busy = await startSandbox({ seed: 7, concurrencyLimit: 1, latencyMs: 30 });
    try {
      const patient = new ZohoClient({
        tokenProvider: new SandboxTokenProvider(busy),
        retry: { maxAttempts: 40, baseDelayMs: 10, maxDelayMs: 100 },
      });
      const recordIds = busy.listRecordIds('Accounts').slice(0, 3);
      const results = await Promise.all(recordIds.map((id) => patient.fetchTimeline('Accounts', id)));
      results.forEach((result, index) => expect(result.entries.map((e) => e.raw)).toEqual(busy.groundTruth('Accounts', recordIds[index]!, { includeInnerDetails: false })));
      expect(busy.stats().rejected429).toBeGreaterThan(0);
    } finally {
      await busy.close();
    }
  });
});

describe('defensive pagination (real sandbox answers, altered in transit)', () => {
  it('a page token that repeats → ZOHO_PAGINATION_LOOP instead of looping forever', async () => {
    const id = recordWithEvents('Leads', 12);
    let firstToken: string | undefined;
    const looping = rewritingFetch({
      body: (_url, body) => {
        const info = body['info'] as JsonObject;
        if (typeof info['next_page_token'] === 'string') {
          firstToken ??= info['next_page_token'];
          info['next_page_token'] = firstToken;
        }
        return body;
      },
    });
    const error = await caught(client({ fetch: looping }).fetchTimeline('Leads', id, { perPage: 3 }));
    expect(error.code).toBe('ZOHO_PAGINATION_LOOP');
  });

  it('an event repeated verbatim on the next page is kept once and counted', async () => {
    const id = recordWithEvents('Leads', 12);
    let lastOfFirstPage: JsonObject | undefined;
    const repeating = rewritingFetch({
      body: (url, body) => {
        const events = body['__timeline'] as JsonObject[];
        if (!url.includes('page_token=')) lastOfFirstPage = events[events.length - 1];
        else if (lastOfFirstPage !== undefined) events.unshift(lastOfFirstPage);
        return body;
      },
    });
    const result = await client({ fetch: repeating }).fetchTimeline('Leads', id, { perPage: 4, includeInnerDetails: true });
    expect(result.entries.map((e) => e.raw)).toEqual(sandbox.groundTruth('Leads', id));
    expect(result.duplicatesDropped).toBe(result.pages - 1);
  });

  it('the same event id with different content → ZOHO_INCONSISTENT_DATA', async () => {
    const id = recordWithEvents('Leads', 12);
    let lastOfFirstPage: JsonObject | undefined;
    const contradicting = rewritingFetch({
      body: (url, body) => {
        const events = body['__timeline'] as JsonObject[];
        if (!url.includes('page_token=')) lastOfFirstPage = events[events.length - 1];
        else if (lastOfFirstPage !== undefined) events.unshift({ ...lastOfFirstPage, action: 'tampered_in_transit' });
        return body;
      },
    });
    const error = await caught(client({ fetch: contradicting }).fetchTimeline('Leads', id, { perPage: 4 }));
    expect(error.code).toBe('ZOHO_INCONSISTENT_DATA');
  });

  it('a malformed event from the server → ZOHO_MALFORMED_RESPONSE naming record and path', async () => {
    const breaking = rewritingFetch({
      body: (_url, body) => {
        const events = body['__timeline'] as JsonObject[];
        delete (events[1]!['done_by'] as JsonObject)['id'];
        return body;
      },
    });
    const error = await caught(client({ fetch: breaking }).fetchTimeline(SAMPLE.module, SAMPLE.id));
    expect(error.code).toBe('ZOHO_MALFORMED_RESPONSE');
    expect(error.message).toContain(`${SAMPLE.module}/${SAMPLE.id}`);
    expect(error.message).toContain('__timeline[1].done_by.id');
  });
});

describe('users and records listing', () => {
  it('lists users page by page', async () => {
    const users = await client().listUsers({ type: 'AllUsers' });
    expect(users.length).toBeGreaterThan(0);
    expect(new Set(users.map((u) => u.id)).size).toBe(users.length);
    const pages = [];
    for await (const page of client().iterateUsers({ type: 'AllUsers', perPage: 2 })) pages.push(page);
    expect(pages.flatMap((p) => p.items.map((u) => u.id))).toEqual(users.map((u) => u.id));
  });

  it('lists the records of a module, all of them', async () => {
    const records = await client().listRecords('Leads', { fields: ['Last_Name'] });
    expect(records.map((r) => r.id).sort()).toEqual([...sandbox.listRecordIds('Leads')].sort());
    const pages = [];
    for await (const page of client().iterateRecords('Leads', { fields: ['Last_Name'], perPage: 7 })) pages.push(page);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flatMap((p) => p.items.map((r) => r.id))).toEqual(records.map((r) => r.id));
  });

  it('refuses a record listing without fields before sending', async () => {
    const before = sandbox.stats().crmRequests;
    await expect(client().listRecords('Leads', { fields: [] })).rejects.toMatchObject({ code: 'ZOHO_INVALID_REQUEST' });
    expect(sandbox.stats().crmRequests).toBe(before);
  });
});
