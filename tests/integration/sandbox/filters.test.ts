import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LARGE_RECORD, startSandbox } from '../../../main/sandbox/index.js';
import type { Sandbox } from '../../../main/sandbox/index.js';
import { TIMELINE_DOC, TIMELINE_DOC_CANDIDATES, auth, type TimelinePage, type ZohoErrorBody } from './helpers.js';

let sandbox: Sandbox;
let token: string;

beforeAll(async () => {
  sandbox = await startSandbox({ concurrencyLimit: 50 });
  token = sandbox.mintAccessToken().accessToken;
});
afterAll(async () => {
  await sandbox.close();
});

interface Event {
  id: string;
  source: string;
  audited_time: string;
  done_by: { id: string };
  record: { module: { api_name: string } };
}

/** Every event matching `filters` on a record, following next_page_token to the end (204 → none). */
async function filtered(module: string, id: string, filters: string): Promise<{ status: number; events: Event[] }> {
  const events: Event[] = [];
  let query = `filters=${encodeURIComponent(filters)}`;
  for (;;) {
    const response = await fetch(`${sandbox.url}/crm/v8/${module}/${id}/__timeline?${query}`, { headers: auth(token) });
    if (response.status === 204) {
      expect(await response.text()).toBe('');
      return { status: events.length === 0 ? 204 : 200, events };
    }
    if (response.status !== 200) return { status: response.status, events };
    const body = (await response.json()) as TimelinePage;
    events.push(...(body.__timeline as unknown as Event[]));
    if (body.info.next_page_token === null) return { status: 200, events };
    query = `page_token=${encodeURIComponent(body.info.next_page_token)}`;
  }
}

async function rejected(filters: string, rawQuery?: string): Promise<ZohoErrorBody> {
  const query = rawQuery ?? `filters=${encodeURIComponent(filters)}`;
  const response = await fetch(`${sandbox.url}/crm/v8/${LARGE_RECORD.module}/${LARGE_RECORD.id}/__timeline?${query}`, { headers: auth(token) });
  expect(response.status).toBe(400);
  const body = (await response.json()) as ZohoErrorBody;
  expect(body.code).toBe('INVALID_DATA');
  expect(body.details).toMatchObject({ param_name: 'filters' });
  return body;
}

/** The examples exactly as timeline-api.md prints them. */
const DOC_EXAMPLES = [
  '{"field":{"api_name":"record.module.api_name"},"comparator":"equal","value":"Notes"}',
  '{"field":{"api_name":"record.module.api_name"},"comparator":"in","value":["Notes","Tasks"]}',
  '{"field":{"api_name":"done_by.id"},"comparator":"in","value":["5843104000000424001"]}',
  '{"field":{"api_name":"audited_time"},"comparator":"between","value":["2023-10-25T00:00:00+12:00","2023-10-30T23:59:59+12:00"]}',
  '{"field":{"api_name":"source"},"comparator":"equal","value":"crm_ui"}',
  '{"group_operator":"AND","group":[{"field":{"api_name":"record.module.api_name"},"comparator":"in","value":["Notes"]},{"field":{"api_name":"source"},"comparator":"in","value":["crm_ui","crm_api"]}]}',
];
/** Printed in the doc with a missing quote (`crm_ui"`): not JSON, so Zoho cannot accept it as printed. */
const DOC_TYPO_EXAMPLE = '{"field":{"api_name":"source"},"comparator":"in","value":["crm_api",crm_ui"]}';
const DOC_TYPO_CORRECTED = '{"field":{"api_name":"source"},"comparator":"in","value":["crm_api","crm_ui"]}';

describe('documented filter examples', () => {
  // Never skipped: without the reference this check would silently stop comparing the sandbox with Zoho's docs.
  it('are quoted verbatim from timeline-api.md', () => {
    if (TIMELINE_DOC === undefined) {
      throw new Error(
        `Zoho's API reference timeline-api.md is missing, so the documented examples cannot be checked. Looked for:\n${TIMELINE_DOC_CANDIDATES.join('\n')}\nPut the shared docs folder beside the repository (../shared/zoho/timeline-api.md).`,
      );
    }
    const doc = readFileSync(TIMELINE_DOC, 'utf8');
    for (const example of [...DOC_EXAMPLES, DOC_TYPO_EXAMPLE]) expect(doc).toContain(example);
  });

  it.each(DOC_EXAMPLES)('accepts %s', async (example) => {
    const ids = [LARGE_RECORD.id, ...sandbox.listRecordIds('Leads')];
    for (const id of ids.slice(0, 4)) expect([200, 204]).toContain((await filtered('Leads', id, example)).status);
  });

  it("rejects the doc's typo example as printed, and accepts it corrected", async () => {
    await rejected(DOC_TYPO_EXAMPLE);
    expect((await filtered(LARGE_RECORD.module, LARGE_RECORD.id, DOC_TYPO_CORRECTED)).status).toBe(200);
  });

  it("accepts the doc sample request's percent-encoded filter as sent by curl", async () => {
    const raw = 'filters=%7B%22comparator%22%3A%22between%22%2C%22field%22%3A%7B%22api_name%22%3A%22audited_time%22%7D%2C%22value%22%3A%5B%222023-06-07T00%3A00%3A00%2B05%3A30%22%2C%222023-06-07T12%3A59%3A59%2B05%3A30%22%5D%7D';
    const response = await fetch(`${sandbox.url}/crm/v8/${LARGE_RECORD.module}/${LARGE_RECORD.id}/__timeline?${raw}`, { headers: auth(token) });
    expect([200, 204]).toContain(response.status);
  });
});

describe('filter semantics', () => {
  const truth = (): Event[] => sandbox.groundTruth(LARGE_RECORD.module, LARGE_RECORD.id, { includeInnerDetails: false }) as Event[];

  it('record.module.api_name equal / in', async () => {
    const notes = await filtered(LARGE_RECORD.module, LARGE_RECORD.id, DOC_EXAMPLES[0] ?? '');
    expect(notes.events.map((event) => event.id)).toEqual(
      truth()
        .filter((event) => event.record.module.api_name === 'Notes')
        .map((event) => event.id),
    );
    expect(notes.events.length).toBeGreaterThan(0);
    const both = await filtered(LARGE_RECORD.module, LARGE_RECORD.id, DOC_EXAMPLES[1] ?? '');
    expect(both.events.map((event) => event.id)).toEqual(
      truth()
        .filter((event) => ['Notes', 'Tasks'].includes(event.record.module.api_name))
        .map((event) => event.id),
    );
  });

  it('done_by.id, source and audited_time select exactly the matching events', async () => {
    const all = truth();
    const someUser = all[5]?.done_by.id ?? '';
    const byUser = await filtered(LARGE_RECORD.module, LARGE_RECORD.id, JSON.stringify({ field: { api_name: 'done_by.id' }, comparator: 'equal', value: someUser }));
    expect(byUser.events.map((event) => event.id)).toEqual(all.filter((event) => event.done_by.id === someUser).map((event) => event.id));

    const bySource = await filtered(LARGE_RECORD.module, LARGE_RECORD.id, DOC_TYPO_CORRECTED);
    expect(bySource.events.map((event) => event.id)).toEqual(all.filter((event) => ['crm_api', 'crm_ui'].includes(event.source)).map((event) => event.id));

    const from = all[300]?.audited_time ?? '';
    const to = all[100]?.audited_time ?? '';
    const byTime = await filtered(LARGE_RECORD.module, LARGE_RECORD.id, JSON.stringify({ field: { api_name: 'audited_time' }, comparator: 'between', value: [from, to] }));
    const expected = all.filter((event) => Date.parse(event.audited_time) >= Date.parse(from) && Date.parse(event.audited_time) <= Date.parse(to));
    expect(byTime.events.map((event) => event.id)).toEqual(expected.map((event) => event.id));
    expect(expected.length).toBeGreaterThanOrEqual(201);
  });

  it('group_operator AND / OR combine conditions', async () => {
    const all = truth();
    const and = await filtered(LARGE_RECORD.module, LARGE_RECORD.id, DOC_EXAMPLES[5] ?? '');
    expect(and.events.map((event) => event.id)).toEqual(all.filter((event) => event.record.module.api_name === 'Notes' && ['crm_ui', 'crm_api'].includes(event.source)).map((event) => event.id));
    const or = await filtered(
      LARGE_RECORD.module,
      LARGE_RECORD.id,
      JSON.stringify({
        group_operator: 'OR',
        group: [
          { field: { api_name: 'record.module.api_name' }, comparator: 'equal', value: 'Calls' },
          { field: { api_name: 'source' }, comparator: 'equal', value: 'workflow' },
        ],
      }),
    );
    expect(or.events.map((event) => event.id)).toEqual(all.filter((event) => event.record.module.api_name === 'Calls' || event.source === 'workflow').map((event) => event.id));
  });

  it('a filter nothing matches → 204 with an empty body', async () => {
    const result = await filtered(LARGE_RECORD.module, LARGE_RECORD.id, JSON.stringify({ field: { api_name: 'done_by.id' }, comparator: 'equal', value: '1' }));
    expect(result.status).toBe(204);
  });
});

describe('invalid filters → 400 INVALID_DATA', () => {
  const condition = (api: string, comparator: string, value: unknown): string => JSON.stringify({ field: { api_name: api }, comparator, value });
  it.each([
    ['module with between', condition('record.module.api_name', 'between', ['Notes', 'Tasks'])],
    ['module not filterable', condition('record.module.api_name', 'equal', 'Leads')],
    ['module equal with an array', condition('record.module.api_name', 'equal', ['Notes'])],
    ['module in with a string', condition('record.module.api_name', 'in', 'Notes')],
    ['module in with an empty array', condition('record.module.api_name', 'in', [])],
    ['done_by.id not_equal', condition('done_by.id', 'not_equal', '5843104000000424001')],
    ['done_by.id not an id', condition('done_by.id', 'equal', 'patricia')],
    ['audited_time equal', condition('audited_time', 'equal', '2023-10-25T00:00:00+12:00')],
    ['audited_time one value', condition('audited_time', 'between', ['2023-10-25T00:00:00+12:00'])],
    ['audited_time three values', condition('audited_time', 'between', ['2023-10-25T00:00:00+12:00', '2023-10-26T00:00:00+12:00', '2023-10-27T00:00:00+12:00'])],
    ['audited_time date only', condition('audited_time', 'between', ['2023-10-25', '2023-10-30'])],
    ['audited_time no offset', condition('audited_time', 'between', ['2023-10-25T00:00:00', '2023-10-30T00:00:00'])],
    ['audited_time reversed', condition('audited_time', 'between', ['2023-10-30T00:00:00+12:00', '2023-10-25T00:00:00+12:00'])],
    ['source unknown', condition('source', 'equal', 'web_form')],
    ['source contains', condition('source', 'contains', 'crm')],
    ['unknown field', condition('action', 'equal', 'updated')],
    ['field as a string', JSON.stringify({ field: 'source', comparator: 'equal', value: 'crm_ui' })],
    ['field with extra key', JSON.stringify({ field: { api_name: 'source', id: '1' }, comparator: 'equal', value: 'crm_ui' })],
    ['extra key', JSON.stringify({ field: { api_name: 'source' }, comparator: 'equal', value: 'crm_ui', type: 'x' })],
    ['missing value', JSON.stringify({ field: { api_name: 'source' }, comparator: 'equal' })],
    ['group_operator XOR', JSON.stringify({ group_operator: 'XOR', group: [JSON.parse(condition('source', 'equal', 'crm_ui'))] })],
    ['group_operator lower case', JSON.stringify({ group_operator: 'and', group: [JSON.parse(condition('source', 'equal', 'crm_ui'))] })],
    ['empty group', JSON.stringify({ group_operator: 'AND', group: [] })],
    ['group not an array', JSON.stringify({ group_operator: 'AND', group: JSON.parse(condition('source', 'equal', 'crm_ui')) })],
    ['group without operator', JSON.stringify({ group: [JSON.parse(condition('source', 'equal', 'crm_ui'))] })],
    ['nested group', JSON.stringify({ group_operator: 'AND', group: [{ group_operator: 'OR', group: [JSON.parse(condition('source', 'equal', 'crm_ui'))] }] })],
    ['group with an invalid member', JSON.stringify({ group_operator: 'OR', group: [JSON.parse(condition('source', 'equal', 'crm_ui')), JSON.parse(condition('source', 'equal', 'nope'))] })],
    ['not JSON', 'source=crm_ui'],
    ['a JSON array', '[]'],
    ['a JSON string', '"crm_ui"'],
    ['empty', ''],
  ])('%s', async (_name, filters) => {
    await rejected(filters);
  });

  it('an unencoded filters value (raw braces, brackets, quotes or spaces) is refused', async () => {
    // fetch leaves { } [ ] raw in a query (the WHATWG URL only encodes the quotes), as a careless client would send it.
    await rejected('', `filters=${DOC_EXAMPLES[0] ?? ''}`);
    await rejected('', 'filters={%22field%22:{%22api_name%22:%22source%22},%22comparator%22:%22equal%22,%22value%22:%22crm_ui%22}');
    await rejected('', `filters=%7B%22field%22%3A%7B%22api_name%22%3A%22source%22%7D%2C%22comparator%22%3A%22in%22%2C%22value%22%3A["crm_ui"]%7D`);
  });
});
