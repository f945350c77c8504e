import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LARGE_RECORD, SAMPLE_RECORD, TIMELINE_SOURCES, startSandbox } from '../../../main/sandbox/index.js';
import type { Sandbox } from '../../../main/sandbox/index.js';
import { auth, type ZohoErrorBody } from './helpers.js';

let sandbox: Sandbox;
let token: string;

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 7 });
  token = sandbox.mintAccessToken().accessToken;
});
afterAll(async () => {
  await sandbox.close();
});

interface Event {
  id: string;
  source: string;
  action: string;
  audited_time: string;
  done_by: { id: string; name: string; profile?: { name: string }; type__s?: string };
  record: { module: { api_name: string }; id: string; name: string };
  related_record: { id: string } | null;
  automation_details: {
    type: string;
    rule: { name: string; id: string };
    pathfinder?: { process_entry: boolean; process_exit: boolean; state: { id: string; name: string; trigger_type: string; is_last_state: boolean } };
  } | null;
  field_history: Array<{ api_name: string; _value: { new: string | null; old: string | null }; enable_colour_code?: boolean; pick_list_values?: Array<{ colour_code: string | null }> }> | null;
}

function allEvents(target: Sandbox): Event[] {
  const events: Event[] = [];
  for (const module of ['Leads', 'Contacts', 'Accounts', 'Deals']) {
    for (const id of target.listRecordIds(module)) events.push(...(target.groundTruth(module, id) as Event[]));
  }
  return events;
}

describe('generated data', () => {
  it('is deterministic per seed and differs between seeds', async () => {
    const again = await startSandbox({ seed: 7 });
    const other = await startSandbox({ seed: 8 });
    try {
      const id = sandbox.listRecordIds('Deals')[3] ?? '';
      expect(again.listRecordIds('Deals')).toEqual(sandbox.listRecordIds('Deals'));
      expect(again.groundTruth('Deals', id)).toEqual(sandbox.groundTruth('Deals', id));
      expect(again.groundTruth(LARGE_RECORD.module, LARGE_RECORD.id)).toEqual(sandbox.groundTruth(LARGE_RECORD.module, LARGE_RECORD.id));
      expect(other.groundTruth('Deals', id)).not.toEqual(sandbox.groundTruth('Deals', id));
    } finally {
      await again.close();
      await other.close();
    }
  });

  it('has recordsPerModule records per module (plus the sample lead) with Zoho-like ids', async () => {
    const small = await startSandbox({ recordsPerModule: 3 });
    try {
      expect(small.listRecordIds('Leads')).toHaveLength(4);
      expect(small.listRecordIds('Leads')[0]).toBe(SAMPLE_RECORD.id);
      expect(small.listRecordIds('Accounts')).toHaveLength(3);
      expect(small.listRecordIds('Notes')).toEqual([]);
    } finally {
      await small.close();
    }
    const events = allEvents(sandbox);
    const ids = new Set<string>();
    for (const event of events) {
      for (const id of [event.id, event.record.id, event.done_by.id, event.related_record?.id].filter((value) => value !== undefined)) {
        expect(id).toMatch(/^\d{18,19}$/);
      }
      ids.add(event.id);
    }
    expect(ids.size).toBe(events.length);
    expect(LARGE_RECORD.id).toMatch(/^\d{18,19}$/);
  });

  it('LARGE_RECORD has 10,000 events (signals included) and is not in the listing', () => {
    expect(sandbox.listRecordIds('Leads')).not.toContain(LARGE_RECORD.id);
    expect(sandbox.groundTruth(LARGE_RECORD.module, LARGE_RECORD.id).length).toBeGreaterThan(9_000);
  });

  it('uses all 23 documented sources, users with profiles and types, automation and related records', () => {
    const events = [...allEvents(sandbox), ...(sandbox.groundTruth(LARGE_RECORD.module, LARGE_RECORD.id) as Event[])];
    expect(new Set(events.map((event) => event.source))).toEqual(new Set(TIMELINE_SOURCES));
    expect(TIMELINE_SOURCES).toHaveLength(23);
    expect(new Set(events.map((event) => event.done_by.type__s))).toEqual(new Set(['regular user', 'portal user']));
    expect(new Set(events.map((event) => event.done_by.profile?.name)).size).toBeGreaterThanOrEqual(3);
    const workflow = events.find((event) => event.source === 'workflow' && event.automation_details !== null);
    expect(workflow?.automation_details).toMatchObject({ type: 'workflow_rule', rule: { name: expect.any(String) as string, id: expect.stringMatching(/^\d{18}$/) as string } });
    expect(events.some((event) => event.source === 'blueprint' && event.automation_details?.type === 'blueprint')).toBe(true);
    const related = events.filter((event) => event.related_record !== null);
    expect(new Set(related.map((event) => event.record.module.api_name))).toEqual(new Set(['Notes', 'Tasks', 'Calls', 'Events', 'Attachments', 'Emails']));
    const actions = new Set(events.map((event) => event.action));
    for (const action of ['added', 'updated', 'deleted', 'owner_assigned', 'tag_added', 'tag_removed', 'task_assigned']) expect(actions).toContain(action);
    const ownerChanges = events.filter((event) => event.action === 'owner_assigned');
    expect(ownerChanges.every((event) => event.field_history?.[0]?.api_name === 'Owner')).toBe(true);
  });

  it('has CommandCenter journey steps in automation_details.pathfinder (as the SDK models it), entering and leaving the process', () => {
    const events = [...allEvents(sandbox), ...(sandbox.groundTruth(LARGE_RECORD.module, LARGE_RECORD.id) as Event[])];
    const steps = events.filter((event) => event.automation_details?.pathfinder !== undefined);
    expect(steps.length).toBeGreaterThan(50);
    expect(steps.every((event) => event.source === 'orchestration' && event.automation_details?.type === 'pathfinder')).toBe(true);
    for (const step of steps) {
      const pathfinder = step.automation_details?.pathfinder;
      expect(pathfinder?.state).toMatchObject({ id: expect.stringMatching(/^\d{18}$/) as string, name: expect.any(String) as string, trigger_type: expect.any(String) as string });
      expect(pathfinder?.process_exit).toBe(pathfinder?.state.is_last_state);
    }
    expect(new Set(steps.map((event) => event.automation_details?.pathfinder?.state.name))).toContain('Proposal review');
    expect(steps.some((event) => event.automation_details?.pathfinder?.process_entry === true)).toBe(true);
    expect(steps.some((event) => event.automation_details?.pathfinder?.process_exit === true)).toBe(true);
  });

  it('contains awkward values: multi-line, quoted, CJK, RTL, emoji and formula-looking', () => {
    const values = allEvents(sandbox)
      .flatMap((event) => [event.record.name, event.done_by.name, ...(event.field_history ?? []).flatMap((entry) => [entry._value.new, entry._value.old])])
      .filter((value): value is string => typeof value === 'string');
    const has = (pattern: RegExp): boolean => values.some((value) => pattern.test(value));
    expect(has(/\n/)).toBe(true);
    expect(has(/"/)).toBe(true);
    expect(has(/[\u3040-\u30ff\u4e00-\u9fff]/)).toBe(true);
    expect(has(/[\u0590-\u06ff]/)).toBe(true);
    expect(has(/\p{Extended_Pictographic}/u)).toBe(true);
    for (const formula of ['=HYPERLINK("http://x","y")', "-cmd|' /C calc'!A0", '+1', '@SUM(1)']) expect(values).toContain(formula);
  });

  it('has picklists with colour codes, and field changes that chain old → new', () => {
    const events = allEvents(sandbox);
    const coloured = events.flatMap((event) => event.field_history ?? []).find((entry) => entry.enable_colour_code === true);
    expect(coloured?.pick_list_values?.some((value) => typeof value.colour_code === 'string' && value.colour_code.startsWith('#'))).toBe(true);
    for (const module of ['Leads', 'Deals']) {
      const id = sandbox.listRecordIds(module)[2] ?? '';
      const oldestFirst = [...(sandbox.groundTruth(module, id) as Event[])].reverse();
      const last = new Map<string, string | null>();
      for (const event of oldestFirst.filter((candidate) => candidate.related_record === null && candidate.action === 'updated')) {
        for (const entry of event.field_history ?? []) {
          if (last.has(entry.api_name)) expect(entry._value.old).toBe(last.get(entry.api_name));
          last.set(entry.api_name, entry._value.new);
        }
      }
    }
  });
});

describe('GET /crm/{version}/users', () => {
  async function users(query: string, accessToken = token): Promise<Response> {
    return fetch(`${sandbox.url}/crm/v8/users?${query}`, { headers: auth(accessToken) });
  }

  it("lists users in Zoho's shape, filtered by type, paged", async () => {
    const all = (await (await users('type=AllUsers')).json()) as { users: Array<Record<string, unknown>>; info: Record<string, unknown> };
    expect(all.users.length).toBe(8);
    expect(all.info).toEqual({ per_page: 200, count: 8, page: 1, more_records: false });
    expect(all.users[0]).toMatchObject({ id: '554023000000235011', full_name: 'Patricia Boyle', status: 'active', profile: { name: 'Administrator', id: '554023000000015972' } });
    const active = (await (await users('type=ActiveUsers')).json()) as { users: Array<{ status: string }> };
    expect(active.users.every((user) => user.status === 'active')).toBe(true);
    expect(active.users.length).toBeLessThan(8);
    const paged = (await (await users('type=AllUsers&per_page=3&page=3')).json()) as { users: unknown[]; info: Record<string, unknown> };
    expect(paged.users).toHaveLength(2);
    expect(paged.info).toEqual({ per_page: 3, count: 2, page: 3, more_records: false });
    expect((await users('type=AllUsers&per_page=3&page=4')).status).toBe(204);
    expect(((await (await users('type=SomeUsers')).json()) as ZohoErrorBody).code).toBe('INVALID_DATA');
  });

  it('needs a users scope', async () => {
    const response = await users('type=AllUsers', sandbox.mintAccessToken({ scopes: ['ZohoCRM.modules.ALL'] }).accessToken);
    expect(response.status).toBe(401);
    expect(((await response.json()) as ZohoErrorBody).code).toBe('OAUTH_SCOPE_MISMATCH');
  });
});

describe('GET /crm/{version}/{module} (records)', () => {
  interface RecordsPage {
    data: Array<Record<string, unknown>>;
    info: Record<string, unknown> & { next_page_token: string | null; more_records: boolean };
  }

  async function records(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${sandbox.url}${path}`, { headers: { ...auth(token), ...headers } });
  }

  it('requires fields since v3, not in v2', async () => {
    const missing = await records('/crm/v8/Leads');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 'REQUIRED_PARAM_MISSING', details: { param_name: 'fields' } });
    expect((await records('/crm/v2/Leads')).status).toBe(200);
  });

  it('returns the asked fields and id, paged by page and page_token, every record once', async () => {
    const first = (await (await records('/crm/v8/Leads?fields=Full_Name,Owner,Modified_Time&per_page=8')).json()) as RecordsPage;
    expect(first.data).toHaveLength(8);
    expect(Object.keys(first.data[0] ?? {}).sort()).toEqual(['Full_Name', 'Modified_Time', 'Owner', 'id']);
    expect(first.data[0]?.Owner).toMatchObject({ id: expect.stringMatching(/^\d{18}$/) as string, name: expect.any(String) as string });
    expect(first.info).toMatchObject({ per_page: 8, count: 8, page: 1, more_records: true, sort_by: 'id', sort_order: 'desc' });
    const seen = first.data.map((record) => record.id);
    let token = first.info.next_page_token;
    while (token !== null) {
      const next = (await (await records(`/crm/v8/Leads?fields=Full_Name&page_token=${encodeURIComponent(token)}`)).json()) as RecordsPage;
      seen.push(...next.data.map((record) => record.id));
      token = next.info.next_page_token;
    }
    expect([...seen].sort()).toEqual([...sandbox.listRecordIds('Leads')].sort());
    const byPage = (await (await records('/crm/v8/Leads?fields=Full_Name&per_page=8&page=2')).json()) as RecordsPage;
    expect(byPage.data.map((record) => record.id)).toEqual(seen.slice(8, 16));
  });

  it('sorts by Modified_Time and honours If-Modified-Since (304 when nothing changed)', async () => {
    const sorted = (await (await records('/crm/v8/Deals?fields=Modified_Time&sort_by=Modified_Time&sort_order=asc')).json()) as RecordsPage;
    const times = sorted.data.map((record) => Date.parse(String(record.Modified_Time)));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const middle = sorted.data[10]?.Modified_Time as string;
    const since = (await (await records('/crm/v8/Deals?fields=Modified_Time', { 'If-Modified-Since': middle })).json()) as RecordsPage;
    expect(since.data.every((record) => Date.parse(String(record.Modified_Time)) > Date.parse(middle))).toBe(true);
    expect(since.data.length).toBe(times.filter((time) => time > Date.parse(middle)).length);
    expect((await records('/crm/v8/Deals?fields=Modified_Time', { 'If-Modified-Since': '2099-01-01T00:00:00+00:00' })).status).toBe(304);
  });

  it('validates module, per_page and the 2000-record discrete paging limit', async () => {
    expect(((await (await records('/crm/v8/Widgets?fields=id')).json()) as ZohoErrorBody).code).toBe('INVALID_MODULE');
    expect(((await (await records('/crm/v8/Leads?fields=id&per_page=201')).json()) as ZohoErrorBody).code).toBe('INVALID_DATA');
    expect(((await (await records('/crm/v8/Leads?fields=id&page=11')).json()) as ZohoErrorBody).code).toBe('DISCRETE_PAGINATION_LIMIT_EXCEEDED');
    expect((await records('/crm/v8/Notes?fields=id')).status).toBe(204);
    expect((await records('/crm/v9/Leads?fields=id')).status).toBe(404);
  });
});
