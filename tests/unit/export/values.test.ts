import { describe, expect, it } from 'vitest';
import { ZoneClock, canonicalJson, neutraliseCell, renderAutomation, renderValue, restoreCell } from '../../../main/export/values.js';
import { AuditorError } from '../../../main/core/errors.js';

describe('neutraliseCell / restoreCell (OWASP CSV injection)', () => {
  it.each(['=1+1', '+1', '-cmd', '@SUM(1)', '\tTab', '\rCR', "'=already quoted"])('prefixes %j with a quote and restores it exactly', (value) => {
    const cell = neutraliseCell(value);
    expect(cell).toBe(`'${value}`);
    expect(restoreCell(cell)).toBe(value);
  });

  it.each(['Zylker', '', "O'Reilly", "'plain quote", '1-2', ' =not first', '株式会社'])('leaves %j alone', (value) => {
    expect(neutraliseCell(value)).toBe(value);
    expect(restoreCell(neutraliseCell(value))).toBe(value);
  });
});

describe('renderValue', () => {
  it('renders every JSON type readably and deterministically', () => {
    expect(renderValue(null)).toBe('');
    expect(renderValue('text')).toBe('text');
    expect(renderValue(1500.5)).toBe('1500.5');
    expect(renderValue(-20)).toBe('-20');
    expect(renderValue(true)).toBe('true');
    expect(renderValue(['EMEA', '北美'])).toBe('EMEA; 北美');
    expect(renderValue({ name: 'Acme', id: '5540' })).toBe('Acme (5540)');
    expect(renderValue({ b: 1, a: [1, { d: 2, c: null }] })).toBe('{"a":[1,{"c":null,"d":2}],"b":1}');
    expect(renderValue({ a: 1, b: 1 })).toBe(renderValue({ b: 1, a: 1 }));
    expect(canonicalJson({ z: 'x', a: 'y' })).toBe('{"a":"y","z":"x"}');
  });

  it('renders automation details as "type: rule (id)" and anything else as canonical JSON', () => {
    expect(renderAutomation({ type: 'workflow_rule', rule: { name: 'Escalate', id: '77' } })).toBe('workflow_rule: Escalate (77)');
    expect(renderAutomation({ type: 'x', extra: 1 })).toBe('{"extra":1,"type":"x"}');
    expect(renderAutomation(null)).toBe('');
  });

  it('renders a Pathfinder (CommandCenter) step as its state, with the journey and entry/exit, whatever else the object holds', () => {
    const step = { type: 'pathfinder', rule: { name: 'Lead to proposal journey', id: '9' }, pathfinder: { process_entry: false, process_exit: false, state: { id: '11', name: 'Proposal review', trigger_type: 'field_update', is_last_state: false } } };
    expect(renderAutomation(step)).toBe('Pathfinder: Proposal review (Lead to proposal journey)');
    expect(renderAutomation({ pathfinder: { process_entry: true, state: { name: 'First contact' } }, later_key: [1] })).toBe('Pathfinder: First contact (process entry)');
    expect(renderAutomation({ pathfinder: { process_exit: true, state: { name: 'Closed', is_last_state: true } } })).toBe('Pathfinder: Closed (process exit)');
    // No state name: nothing to say in words, so the object as sent (sorted keys), never a guess.
    expect(renderAutomation({ type: 'pathfinder', pathfinder: { state: null } })).toBe('{"pathfinder":{"state":null},"type":"pathfinder"}');
    // A state id that is not a Zoho id does not match the model: JSON, not words.
    expect(renderAutomation({ pathfinder: { state: { id: 'x', name: 'Proposal review' } } })).toBe('{"pathfinder":{"state":{"id":"x","name":"Proposal review"}}}');
  });
});

describe('ZoneClock', () => {
  it('re-expresses Zoho times in the chosen zone with its offset, across DST', () => {
    const berlin = new ZoneClock('Europe/Berlin');
    expect(berlin.of('2023-06-07T19:32:21-11:00')?.iso).toBe('2023-06-08T08:32:21+02:00');
    expect(berlin.of('2024-01-15T12:00:00Z')?.iso).toBe('2024-01-15T13:00:00+01:00');
    // 2024-03-31 01:30 UTC is after the spring-forward at 01:00 UTC.
    expect(berlin.of('2024-03-31T00:59:59+00:00')?.iso).toBe('2024-03-31T01:59:59+01:00');
    expect(berlin.of('2024-03-31T01:00:00+00:00')?.iso).toBe('2024-03-31T03:00:00+02:00');
    const kolkata = new ZoneClock('Asia/Kolkata');
    expect(kolkata.of('2023-06-07T19:32:21-11:00')?.iso).toBe('2023-06-08T12:02:21+05:30');
    expect(new ZoneClock('UTC').at(Date.UTC(2023, 0, 2, 3, 4, 5, 600)).iso).toBe('2023-01-02T03:04:05.600+00:00');
  });

  it('gives weekday (Monday = 0) and hour in the zone', () => {
    const local = new ZoneClock('America/New_York').at(Date.UTC(2024, 0, 1, 3, 0, 0)); // Sunday 22:00 in New York
    expect(local.weekday).toBe(6);
    expect(local.hour).toBe(22);
    expect(local.date).toBe('2023-12-31');
  });

  it('refuses an unknown zone with a plain-words error', () => {
    expect(() => new ZoneClock('Mars/Olympus')).toThrow(AuditorError);
  });
});
