import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ZohoMalformedResponseError, parseListPage, parseTimelinePage, zohoUserSchema, type JsonObject } from '../../../main/zoho/index.js';
import { parseZohoBody } from '../../../main/zoho/json-body.js';

const sampleText = readFileSync(new URL('./fixtures/doc-sample-timeline.json', import.meta.url), 'utf8');
function sample(): { __timeline: JsonObject[]; info: JsonObject } {
  return JSON.parse(sampleText) as { __timeline: JsonObject[]; info: JsonObject };
}

function malformed(body: unknown): ZohoMalformedResponseError {
  try {
    parseTimelinePage(body, 'Leads/554023000001122039');
  } catch (error) {
    expect(error).toBeInstanceOf(ZohoMalformedResponseError);
    return error as ZohoMalformedResponseError;
  }
  throw new Error('expected the page to be rejected');
}

describe('parseTimelinePage on the doc sample', () => {
  it('parses every event, keeps the raw objects verbatim and in order', () => {
    const body = sample();
    const page = parseTimelinePage(body, 'Leads/554023000001122039');
    expect(page.entries).toHaveLength(body.__timeline.length);
    expect(page.entries.map((e) => e.event.id)).toEqual(body.__timeline.map((e) => e['id']));
    page.entries.forEach((entry, index) => {
      expect(entry.raw).toBe(body.__timeline[index]); // the very object, not a copy
      expect(JSON.stringify(entry.raw)).toBe(JSON.stringify(JSON.parse(sampleText).__timeline[index]));
    });
    expect(page.info).toMatchObject({ more_records: false, next_page_token: null, per_page: 200 });
  });

  it('types the documented fields', () => {
    const page = parseTimelinePage(sample(), 'x');
    const first = page.entries[0]!.event;
    expect(first.done_by!.profile?.name).toBe('Administrator');
    expect(first.done_by!.type__s).toBe('regular user');
    expect(first.record.module.api_name).toBe('Leads');
    expect(first.related_record).toBeNull();
    expect(first.automation_details).toBeNull();
    expect(first.field_history?.[0]?._value).toEqual({ new: 'Prime', old: 'blank' });
    const picklist = page.entries[4]!.event.field_history?.[0]?.pick_list_values;
    expect(picklist?.[0]).toEqual({ display_value: '-None-', sequence_number: 1, colour_code: null, actual_value: '-None-', id: '554023000000002313', type: 'used' });
    const task = page.entries[5]!.event;
    expect(task.related_record?.module.api_name).toBe('Leads');
    expect(task.record.module.api_name).toBe('Tasks');
    expect(task.field_history).toBeNull();
  });

  it('accepts the default shape without include_inner_details extras', () => {
    const body = sample();
    for (const event of body.__timeline) {
      const doneBy = event['done_by'] as JsonObject;
      delete doneBy['profile'];
      delete doneBy['type__s'];
      for (const change of (event['field_history'] as JsonObject[] | null) ?? []) {
        for (const key of ['field_label', 'enable_colour_code', 'data_type', 'pick_list_values']) delete change[key];
      }
    }
    expect(parseTimelinePage(body, 'x').entries).toHaveLength(8);
  });

  it('keeps unknown keys Zoho may add, at every level', () => {
    const body = sample();
    const event = body.__timeline[0]!;
    event['new_top_level_thing'] = { a: 1 };
    (event['done_by'] as JsonObject)['zuid'] = '123';
    const page = parseTimelinePage(body, 'x');
    expect((page.entries[0]!.event as Record<string, unknown>)['new_top_level_thing']).toEqual({ a: 1 });
    expect((page.entries[0]!.event.done_by as Record<string, unknown>)['zuid']).toBe('123');
    expect(page.entries[0]!.raw['new_top_level_thing']).toEqual({ a: 1 });
  });

  it('accepts non-string old/new values (numbers, lookups, multi-selects)', () => {
    const body = sample();
    const change = (body.__timeline[1]!['field_history'] as JsonObject[])[0]!;
    change['_value'] = { old: 12.5, new: { name: 'Acme', id: '1' } };
    const change2 = (body.__timeline[2]!['field_history'] as JsonObject[])[0]!;
    change2['_value'] = { old: ['a', 'b'], new: true };
    expect(parseTimelinePage(body, 'x').entries[1]!.event.field_history?.[0]?._value.new).toEqual({ name: 'Acme', id: '1' });
  });
});

describe('parseTimelinePage rejects payloads it cannot trust, naming the record and path', () => {
  it.each<[string, (body: ReturnType<typeof sample>) => unknown, string]>([
    [
      'missing id',
      (b) => {
        delete b.__timeline[2]!['id'];
        return b;
      },
      '__timeline[2].id',
    ],
    // A numeric id has already lost digits (the point of the case).
    [
      'numeric id',
      (b) => {
        // eslint-disable-next-line no-loss-of-precision
        b.__timeline[0]!['id'] = 554023000003097009;
        return b;
      },
      '__timeline[0].id',
    ],
    [
      'bad audited_time',
      (b) => {
        b.__timeline[3]!['audited_time'] = '07/06/2023 19:32';
        return b;
      },
      '__timeline[3].audited_time',
    ],
    [
      'done_by that is not an object',
      (b) => {
        b.__timeline[1]!['done_by'] = 'system';
        return b;
      },
      '__timeline[1].done_by',
    ],
    [
      'done_by without id',
      (b) => {
        delete (b.__timeline[1]!['done_by'] as JsonObject)['id'];
        return b;
      },
      '__timeline[1].done_by.id',
    ],
    [
      'record without module',
      (b) => {
        delete (b.__timeline[0]!['record'] as JsonObject)['module'];
        return b;
      },
      '__timeline[0].record.module',
    ],
    [
      'missing related_record key',
      (b) => {
        delete b.__timeline[0]!['related_record'];
        return b;
      },
      '__timeline[0].related_record',
    ],
    [
      'field_history not a list',
      (b) => {
        b.__timeline[0]!['field_history'] = 'Tag';
        return b;
      },
      '__timeline[0].field_history',
    ],
    [
      'change without _value',
      (b) => {
        delete (b.__timeline[2]!['field_history'] as JsonObject[])[1]!['_value'];
        return b;
      },
      '__timeline[2].field_history[1]._value',
    ],
    [
      'picklist value with a fractional id',
      (b) => {
        ((b.__timeline[4]!['field_history'] as JsonObject[])[0]!['pick_list_values'] as JsonObject[])[3]!['id'] = 5.5;
        return b;
      },
      '__timeline[4].field_history[0].pick_list_values[3].id',
    ],
    [
      'event is a string',
      (b) => {
        (b.__timeline as unknown[])[6] = 'oops';
        return b;
      },
      '__timeline[6]',
    ],
    ['no __timeline', (b) => ({ info: b.info }), '__timeline'],
    ['__timeline not a list', (b) => ({ ...b, __timeline: {} }), '__timeline'],
    ['no info', (b) => ({ __timeline: b.__timeline }), 'info'],
    [
      'more_records not boolean',
      (b) => {
        b.info['more_records'] = 'false';
        return b;
      },
      'info.more_records',
    ],
    [
      'more_records without a token',
      (b) => {
        b.info['more_records'] = true;
        return b;
      },
      'info.next_page_token',
    ],
    ['top level array', (b) => [b], '(top level)'],
  ])('%s', (_name, mutate, path) => {
    const error = malformed(mutate(sample()));
    expect(error.code).toBe('ZOHO_MALFORMED_RESPONSE');
    expect(error.path).toBe(path);
    expect(error.message).toContain('Leads/554023000001122039');
    expect(error.message).toContain(path);
    expect(error.hint).toBeTruthy();
  });

  it('names the event id when the event has one', () => {
    const body = sample();
    body.__timeline[2]!['audited_time'] = 'yesterday';
    expect(malformed(body).message).toContain('event 554023000003095054');
  });
});

describe('parseListPage', () => {
  it('parses a users page and reports bad entries with their path', () => {
    const body = { users: [{ id: '1', full_name: 'A', email: 'a@x', extra: 1 }], info: { page: 1, per_page: 200, count: 1, more_records: false } };
    expect(parseListPage(body, 'users', zohoUserSchema, 'users').items[0]).toMatchObject({ id: '1', extra: 1 });
    expect(() => parseListPage({ users: [{ full_name: 'A' }], info: body.info }, 'users', zohoUserSchema, 'users')).toThrow(/users\[0\]\.id/);
  });
});

describe('lenient where Zoho is: shapes real orgs send', () => {
  const what = 'Leads/554023000001122039';

  it('accepts a system action (done_by null) and keeps it null', () => {
    const body = sample();
    body.__timeline[1]!['done_by'] = null;
    const page = parseTimelinePage(body, what);
    expect(page.entries[1]!.event.done_by).toBeNull();
    expect(page.entries[1]!.rawText).toContain('"done_by":null');
  });

  it('accepts pick-list items without type, colour or sequence', () => {
    const body = sample();
    const items = (body.__timeline[4]!['field_history'] as JsonObject[])[0]!['pick_list_values'] as JsonObject[];
    delete items[0]!['type'];
    delete items[1]!['colour_code'];
    delete items[2]!['sequence_number'];
    delete items[3]!['id'];
    const values = parseTimelinePage(body, what).entries[4]!.event.field_history![0]!.pick_list_values!;
    expect(values).toHaveLength(17);
    expect(values[0]!.type).toBeUndefined();
    expect(values[0]!.display_value).toBe('-None-');
  });

  it('still refuses a pick-list item without its values', () => {
    const body = sample();
    delete ((body.__timeline[4]!['field_history'] as JsonObject[])[0]!['pick_list_values'] as JsonObject[])[2]!['actual_value'];
    expect(malformed(body).path).toBe('__timeline[4].field_history[0].pick_list_values[2].actual_value');
  });

  it('types Zoho’s type and extension when sent', () => {
    const body = sample();
    body.__timeline[0]!['type'] = 'signal';
    body.__timeline[0]!['extension'] = 'email insights';
    body.__timeline[1]!['type'] = 'timeline';
    body.__timeline[1]!['extension'] = null;
    const page = parseTimelinePage(body, what);
    expect(page.entries[0]!.event).toMatchObject({ type: 'signal', extension: 'email insights' });
    expect(page.entries[1]!.event).toMatchObject({ type: 'timeline', extension: null });
    expect(page.entries[2]!.event.type).toBeUndefined();
  });

  it('reads ids sent as bare JSON numbers, above 2^53 too, as the exact digits, and keeps every number’s text in the evidence', () => {
    // Built as text: JSON.parse would already have changed the last digits.
    const text = sampleText
      .replace('"id": "554023000003097009"', '"id": 5540230000030970091')
      .replace(/"id": "554023000000235011"/, '"id": 554023000000235011')
      .replace('"new": "1234567"', '"new": 12345678901234567890.120')
      .replace('"per_page": 200', '"per_page": 200.0');
    expect(text).toContain('5540230000030970091');
    const page = parseTimelinePage(parseZohoBody(text), what);
    const first = page.entries[0]!;
    expect(first.event.id).toBe('5540230000030970091');
    expect(first.event.done_by!.id).toBe('554023000000235011');
    expect(first.rawText).toContain('"id":5540230000030970091');
    expect(first.rawText).toContain('"id":554023000000235011');
    const phone = page.entries[1]!;
    expect(phone.rawText).toContain('"new":12345678901234567890.120');
    // A double cannot hold it: the model keeps the exact digits as text rather than a nearby number.
    expect(phone.event.field_history![0]!._value.new).toBe('12345678901234567890.120');
    expect(page.info?.per_page).toBe(200);
    // Everything else is the same text JSON.stringify gives for the sample.
    expect(page.entries[3]!.rawText).toBe(JSON.stringify(JSON.parse(sampleText).__timeline[3]));
  });

  it('refuses a negative or fractional id sent as a number, naming the path', () => {
    const negative = sampleText.replace('"id": "554023000003097009"', '"id": -5');
    expect(malformed(parseZohoBody(negative)).path).toBe('__timeline[0].id');
    const fraction = sampleText.replace('"id": "554023000003097009"', '"id": 5.0');
    expect(malformed(parseZohoBody(fraction)).path).toBe('__timeline[0].id');
  });

  it('names an event whose id came as a number when a later field is unreadable', () => {
    const text = sampleText.replace('"id": "554023000003097009"', '"id": 5540230000030970091').replace('"audited_time": "2023-06-07T19:32:21-11:00"', '"audited_time": "yesterday"');
    expect(malformed(parseZohoBody(text)).message).toContain('event 5540230000030970091');
  });
});
