import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/app/core.js';
import { createIpcHandlers } from '../../../main/app/ipc-handlers.js';
import { nodePlatformPorts } from '../../../main/app/node-platform.js';
import { dispatchRequest } from '../../../main/core/ipc-dispatch.js';
import { sampleTimeline } from '../cache/helpers.js';

let root: string;
let services: Core;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'auditor-review-ipc-'));
  const env = { TIMELINE_AUDITOR_PASSPHRASE: 'review ipc test' };
  services = createCore(nodePlatformPorts({ shell: 'browser', home: root, env }));
  const sample = sampleTimeline();
  await (await services.data()).sync.writeTimelinePage(sample.key, sample.entries, null);
});
afterEach(async () => {
  await services.close();
  rmSync(root, { recursive: true, force: true });
});

describe('review IPC channels (the contract’s schemas, the wired service)', () => {
  it('serves pages, summary, rules and the Zoho filter, and refuses invalid input', async () => {
    const handlers = createIpcHandlers(services);
    const everything = { combinator: 'and', rules: [] };
    const summary = await dispatchRequest(handlers, 'review:summary', { filter: everything, timeZone: 'UTC' });
    expect(summary).toMatchObject({ ok: true, value: { events: 8, totalEvents: 8 } });
    const page = await dispatchRequest(handlers, 'review:page', {
      filter: { combinator: 'or', rules: [{ id: 'r1', field: 'action', operator: '=', value: 'updated', valueSource: 'value' }] },
      timeZone: 'UTC',
      sort: { column: 'time', direction: 'asc' },
      offset: 0,
      limit: 3,
    });
    expect(page.ok).toBe(true);
    expect((page as { value: { rows: Array<{ action: string }> } }).value.rows.map((row) => row.action)).toEqual(['updated', 'updated', 'updated']);

    let deep: Record<string, unknown> = everything;
    for (let level = 0; level < 7; level += 1) deep = { combinator: 'and', rules: [deep] };
    expect(await dispatchRequest(handlers, 'review:summary', { filter: deep, timeZone: 'UTC' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatchRequest(handlers, 'review:page', { filter: everything, timeZone: 'UTC', sort: { column: 'time', direction: 'desc' }, offset: 0, limit: 100_000 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    // An operator the field does not take: refused by the contract's per-field union, before main compiles.
    expect(await dispatchRequest(handlers, 'review:summary', { filter: { combinator: 'and', rules: [{ field: 'user', operator: 'contains', value: 'x' }] }, timeZone: 'UTC' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    // A well-formed condition whose value cannot be compiled: refused by main's compiler.
    expect(await dispatchRequest(handlers, 'review:summary', { filter: { combinator: 'and', rules: [{ field: 'hourOfWeek', operator: '=', value: '168' }] }, timeZone: 'UTC' })).toMatchObject({
      ok: false,
      error: { code: 'REVIEW_FILTER_INVALID' },
    });
    expect(await dispatchRequest(handlers, 'review:zoho-filter', { operator: 'AND', conditions: [{ field: 'source', comparator: 'between', value: ['a', 'b'] }] })).toMatchObject({
      ok: false,
      error: { code: 'ZOHO_INVALID_FILTER' },
    });
    expect(await dispatchRequest(handlers, 'review:zoho-filter', { operator: 'AND', conditions: [{ field: 'source', comparator: 'equal', value: 'crm_ui' }] })).toMatchObject({
      ok: true,
      value: { json: '{"field":{"api_name":"source"},"comparator":"equal","value":"crm_ui"}' },
    });

    const rules = await dispatchRequest(handlers, 'review:rules', {});
    expect(rules.ok).toBe(true);
    const onlySensitive = { ...(rules as { value: Record<string, { enabled: boolean }> }).value };
    for (const key of Object.keys(onlySensitive)) onlySensitive[key] = { ...onlySensitive[key]!, enabled: key === 'sensitiveFields' };
    onlySensitive['sensitiveFields'] = { enabled: true, fields: ['Phone', 'Company'] } as { enabled: boolean };
    const sensitive = sampleTimeline().entries.filter(({ event }) => (event.field_history ?? []).some((change) => change.api_name === 'Phone' || change.api_name === 'Company')).length;
    expect(sensitive).toBeGreaterThan(0);
    expect(sensitive).toBeLessThan(8);
    expect(await dispatchRequest(handlers, 'review:set-rules', onlySensitive)).toMatchObject({ ok: true, value: { flagged: sensitive } });
    expect(await dispatchRequest(handlers, 'review:set-rules', { ...onlySensitive, offHours: { enabled: true, startHour: 18, endHour: 25, workDays: [1], timeZone: 'UTC' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'Working hours: the end hour must be a whole number from 0 to 23.' },
    });
    expect(await dispatchRequest(handlers, 'review:set-rules', { ...onlySensitive, offHours: { enabled: true, startHour: 18, endHour: 18, workDays: [1], timeZone: 'UTC' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    // Overnight hours (18 → 8) are a rule of their own now, accepted and kept as given.
    expect(await dispatchRequest(handlers, 'review:set-rules', { ...onlySensitive, offHours: { enabled: false, startHour: 18, endHour: 8, workDays: [1], timeZone: 'UTC' } })).toMatchObject({
      ok: true,
      value: { rules: { offHours: { startHour: 18, endHour: 8 } }, flagged: sensitive },
    });

    // Main-side preferences survive a new service on the same settings file.
    expect(await dispatchRequest(handlers, 'review:set-preferences', { columns: ['time', 'flags'] })).toMatchObject({ ok: true });
    expect(await dispatchRequest(createIpcHandlers(services), 'review:preferences', {})).toEqual({ ok: true, value: { columns: ['time', 'flags'] } });
  });

  it('serves review work through the data worker: mark with progress, the bulk guard, sign-off refused then given, the log’s chain; invalid input refused', async () => {
    const handlers = createIpcHandlers(services);
    const everything = { combinator: 'and', rules: [] };
    const query = { filter: everything, timeZone: 'UTC' };
    const page = (await dispatchRequest(handlers, 'review:page', { ...query, sort: { column: 'time', direction: 'asc' }, offset: 0, limit: 8 })) as { ok: true; value: { rows: Array<{ eventId: string; review: unknown }> } };
    expect(page.value.rows.every((row) => (row.review as { state: string }).state === 'unreviewed')).toBe(true);
    const ids = page.value.rows.map((row) => row.eventId);
    expect(await dispatchRequest(handlers, 'review:mark', { eventIds: ids.slice(0, 3), state: 'reviewed', query })).toEqual({ ok: true, value: { marked: 3, progress: { total: 8, reviewed: 3, followUp: 0, unreviewed: 5 } } });
    expect(await dispatchRequest(handlers, 'review:mark', { eventIds: [ids[3]], state: 'follow_up', query })).toMatchObject({ ok: true, value: { progress: { followUp: 1, unreviewed: 4 } } });
    expect(await dispatchRequest(handlers, 'review:mark', { eventIds: [], state: 'reviewed', query })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatchRequest(handlers, 'review:mark', { eventIds: [ids[0]], state: 'done', query })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatchRequest(handlers, 'review:progress', query)).toEqual({ ok: true, value: { total: 8, reviewed: 3, followUp: 1, unreviewed: 4 } });

    const key = sampleTimeline().key;
    const signOff = { scope: { kind: 'records', records: [{ module: key.module, recordId: key.recordId }] }, statement: 'Every change of this lead was reviewed.', name: 'Ada Auditor', role: 'Compliance officer', timeZone: 'UTC' };
    expect(await dispatchRequest(handlers, 'review:sign-off', { ...signOff, unreviewedReason: null })).toMatchObject({ ok: false, error: { code: 'SIGN_OFF_UNREVIEWED', message: '4 of the 8 events in scope are not reviewed yet.' } });
    expect(await dispatchRequest(handlers, 'review:mark-filtered', { filter: everything, timeZone: 'UTC', state: 'reviewed', expectedEvents: 7 })).toMatchObject({ ok: false, error: { code: 'REVIEW_SCOPE_CHANGED' } });
    expect(await dispatchRequest(handlers, 'review:mark-filtered', { filter: everything, timeZone: 'UTC', state: 'reviewed', expectedEvents: 8 })).toEqual({
      ok: true,
      value: { marked: 8, progress: { total: 8, reviewed: 8, followUp: 0, unreviewed: 0 } },
    });
    const given = await dispatchRequest(handlers, 'review:sign-off', { ...signOff, unreviewedReason: null });
    expect(given).toMatchObject({ ok: true, value: { id: 1, progress: { total: 8, reviewed: 8 }, scopeWords: expect.stringContaining('1 record:') } });
    expect(await dispatchRequest(handlers, 'review:sign-offs', {})).toMatchObject({ ok: true, value: [{ id: 1, name: 'Ada Auditor' }] });
    expect(await dispatchRequest(handlers, 'review:progress-overview', { timeZone: 'UTC' })).toMatchObject({ ok: true, value: { views: [], records: [{ module: key.module, recordId: key.recordId, progress: { total: 8, reviewed: 8 } }] } });

    const log = (await dispatchRequest(handlers, 'review:log', { beforeSeq: null, limit: 10 })) as { ok: true; value: { entries: Array<{ seq: number; action: string; hash: string }>; chain: unknown } };
    expect(log.value.entries.map((entry) => entry.action)).toEqual(['signed_off', 'bulk_state_changed', 'state_changed', 'state_changed']);
    expect(log.value.chain).toEqual({ intact: true, entries: 4, head: { seq: 4, hash: log.value.entries[0]!.hash } });
    expect(await dispatchRequest(handlers, 'review:log', { beforeSeq: 3, limit: 10 })).toMatchObject({ ok: true, value: { entries: [{ seq: 2 }, { seq: 1 }] } });
  });
});
