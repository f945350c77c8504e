import type { PacketSignerView } from '../../../preload/contract.js';
/**
 * Deterministic export input built from the sandbox's data generator: realistic raw events with
 * quotes, newlines, CJK, Arabic/Hebrew, emoji and spreadsheet formulas, plus a few hand-made events
 * with non-string values (numbers, booleans, multi-select arrays, lookups).
 */
import { SandboxDataset, USERS, SAMPLE_RECORD } from '../../../main/sandbox/dataset.js';
import { timelineEventSchema, zohoUserSchema, type JsonObject, type ZohoUser } from '../../../main/zoho/models.js';
import { recordKeyOf, type RecordCompleteness } from '../../../main/export/completeness.js';
import type { ExportEvent, ExportEventSource, ExportInput, ExportScope } from '../../../main/export/types.js';

export function toExportEvent(raw: JsonObject, owner: { module: string; recordId: string }, index: number): ExportEvent {
  const event = timelineEventSchema.parse(raw);
  return {
    entry: { event, raw },
    owner,
    flags: index % 7 === 3 ? ['suspicious', 'follow-up'] : index % 11 === 5 ? ['=cmd flag'] : [],
    notes: index % 9 === 4 ? [{ author: 'Reviewer Ana', text: `Checked with the owner — ok ✅\nSecond line for ${index}`, at: Date.UTC(2024, 0, 2, 10, 0, 0) }] : [],
  };
}

/** Events with values that are not strings, as Zoho sends for number, boolean, multi-select and lookup fields. */
export function oddValueEvents(): JsonObject[] {
  const base = (id: string, field: JsonObject[] | null): JsonObject => ({
    done_by: { name: null, id: '554023000000235023' },
    related_record: null,
    automation_details: { type: 'workflow_rule', rule: { name: 'Escalate =urgent', id: '554023000000999001' } },
    record: { module: { api_name: 'Deals', id: '554023000000000131' }, name: '"Quoted", deal\nwith newline', id: '554023000009000001' },
    audited_time: '2024-03-31T01:30:00+00:00',
    action: 'updated',
    id,
    source: 'crm_api',
    field_history: field,
  });
  return [
    base('554023000009100001', [
      { api_name: 'Amount', _value: { old: 1500.5, new: -20 } },
      { api_name: 'Closed', _value: { old: false, new: true } },
      { api_name: 'Regions', field_label: 'Regions', data_type: 'multiselectpicklist', _value: { old: ['EMEA', 'APAC'], new: ['EMEA', '北美', 'الشرق'] } },
      { api_name: 'Account', field_label: 'Account', data_type: 'lookup', _value: { old: null, new: { name: 'Acme 🚀', id: '554023000000777001' } } },
      { api_name: 'Config', _value: { old: { b: 1, a: [1, 2] }, new: { a: { z: null, y: '+x' } } } },
      { api_name: 'Description', field_label: 'Description', data_type: 'textarea', _value: { old: '株式会社ゾーホー 서울', new: 'שלום עולם 🎉 مرحبا بكم' } },
    ]),
    base('554023000009100002', null),
  ];
}

export const TEST_USERS: ZohoUser[] = USERS.map((user) => zohoUserSchema.parse(user));

/** `count` events (deterministic) from the sandbox's Leads/Contacts/Deals records, then the odd-value events. */
export function buildEvents(count: number, seed = 42): ExportEvent[] {
  const dataset = new SandboxDataset(seed, 400);
  const events: ExportEvent[] = [];
  let index = 0;
  const sample = dataset.history(SAMPLE_RECORD.module, SAMPLE_RECORD.id);
  for (const stored of sample?.events ?? []) {
    events.push(toExportEvent(JSON.parse(JSON.stringify(stored.json)) as JsonObject, { module: SAMPLE_RECORD.module, recordId: SAMPLE_RECORD.id }, index++));
  }
  outer: for (const module of ['Leads', 'Contacts', 'Accounts', 'Deals']) {
    for (const id of dataset.listRecordIds(module)) {
      if (id === SAMPLE_RECORD.id) continue;
      const history = dataset.history(module, id);
      for (const stored of history?.events ?? []) {
        if (events.length >= count) break outer;
        events.push(toExportEvent(JSON.parse(JSON.stringify(stored.json)) as JsonObject, { module, recordId: id }, index++));
      }
    }
  }
  oddValueEvents().forEach((raw) => events.push(toExportEvent(raw, { module: 'Deals', recordId: '554023000009000001' }, index++)));
  return events;
}

export function sourceOf(events: readonly ExportEvent[]): ExportEventSource {
  return async function* replay() {
    for (const event of events) yield event;
  };
}

export function testScope(overrides: Partial<ExportScope> = {}): ExportScope {
  return {
    records: [
      { module: 'Leads', recordId: SAMPLE_RECORD.id, name: 'Patricia Boyle' },
      { module: 'Contacts', recordId: '554023005100000039', name: '佐藤 美咲' },
      { module: 'Deals', recordId: '554023000009000001', name: 'ليلى حداد — חברת בדיקה 🚀' },
    ],
    filterDescription: 'source is crm_ui or workflow',
    filter: { kind: 'where', where: { sources: ['crm_ui', 'workflow'] }, words: 'source is crm_ui or workflow' },
    case: null,
    allowIncomplete: false,
    timeRange: { from: Date.UTC(2022, 0, 1), to: Date.UTC(2024, 11, 31, 23, 59, 59) },
    timeZone: 'Europe/Berlin',
    dataCentre: 'EU',
    orgId: '20071234567',
    apiDomain: 'https://www.zohoapis.eu',
    generatedBy: 'Ana Compliance <ana@zylker.example>',
    generatedAt: Date.UTC(2026, 10, 25, 1, 0, 0),
    appVersion: '0.1.0',
    ...overrides,
  };
}

/** When the fixtures' records were "fetched": every record complete unless named in `incomplete`. */
export const FETCHED_AT = Date.UTC(2026, 10, 24, 9, 30, 0);

/**
 * An export input over `events`: the scope's records plus every other record that owns one of the
 * events (as the cache's read guarantees), each complete unless listed in `incomplete`.
 */
export function exportInputOf(events: readonly ExportEvent[], scope: ExportScope = testScope(), options: { source?: ExportEventSource; incomplete?: ReadonlyMap<string, RecordCompleteness> } = {}): ExportInput {
  const records = [...scope.records];
  const known = new Set(records.map(recordKeyOf));
  for (const event of events) {
    if (known.has(recordKeyOf(event.owner))) continue;
    known.add(recordKeyOf(event.owner));
    records.push({ module: event.owner.module, recordId: event.owner.recordId, name: null });
  }
  const completeness = new Map<string, RecordCompleteness>(records.map((record) => [recordKeyOf(record), options.incomplete?.get(recordKeyOf(record)) ?? { complete: true, fetchedAt: FETCHED_AT, pages: 2, syncMode: 'full' }]));
  return { scope: { ...scope, records }, events: options.source ?? sourceOf(events), users: TEST_USERS, completeness };
}

/** Who signs the test packets (manifest.signing.signer). */
export const TEST_SIGNER: PacketSignerView = {
  zohoUser: { name: 'Patricia Boyle', email: 'patricia.boyle@zylker.example' },
  organisation: { orgId: '20071234567', dataCentre: 'EU' },
  installation: { id: '3f0c4f1e-7d7a-4c61-9d0e-2a4f5b6c7d8e', hostname: 'audit-laptop' },
};
