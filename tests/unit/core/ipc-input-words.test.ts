import { describe, expect, it } from 'vitest';
import type { IpcHandlers } from '../../../main/core/ipc-dispatch.js';
import { dispatchRequest } from '../../../main/core/ipc-dispatch.js';
import { requestChannelNames } from '../../../preload/contract.js';
import type { FlagRules } from '../../../preload/contract.js';

/** Handlers that must never run: every input below is refused before a handler is reached. */
const handlers = new Proxy({} as IpcHandlers, {
  get: () => () => Promise.reject(new Error('a handler ran for input the contract should refuse')),
});

const RULES: FlagRules = {
  offHours: { enabled: true, startHour: 8, endHour: 18, workDays: [1, 2, 3, 4, 5], timeZone: 'Europe/Berlin' },
  massChange: { enabled: true, events: 20, minutes: 10 },
  apiByPerson: { enabled: true, sources: ['bulkapi'] },
  ownerChange: { enabled: false },
  deletion: { enabled: true },
  sensitiveFields: { enabled: true, fields: ['Email'] },
};

async function refusal(channel: string, input: unknown): Promise<string> {
  const result = await dispatchRequest(handlers, channel, input);
  if (result.ok) throw new Error(`${channel} accepted ${JSON.stringify(input)}`);
  expect(result.error.code).toBe('INVALID_INPUT');
  return result.error.message;
}

/** What zod says when nobody worded an issue, and the internal names a reviewer must not see. */
const ZOD_PHRASES = /Invalid input|Invalid option|Too (big|small)|\bexpected\b|\breceived\b|Unrecognized key|\b(offHours|startHour|endHour|timeZone|massChange)\b/;

describe('refused input, in plain words', () => {
  it('every channel names what is wrong without its channel name or zod’s phrasing', async () => {
    for (const channel of requestChannelNames) {
      for (const input of ['not an object', { strayField: 1 }]) {
        const message = await refusal(channel, input);
        expect(message, channel).not.toContain(channel);
        expect(message, channel).not.toMatch(ZOD_PHRASES);
        expect(message, channel).toMatch(/^[A-Z“].+\.$/);
      }
    }
  });

  it('flag rules: the field and what is wrong, for each mistake a person can make in the dialog', async () => {
    const withHours = (offHours: Partial<FlagRules['offHours']>): unknown => ({ ...RULES, offHours: { ...RULES.offHours, ...offHours } });
    expect(await refusal('review:set-rules', withHours({ startHour: 25 }))).toBe('Working hours: the start hour must be a whole number from 0 to 23.');
    expect(await refusal('review:set-rules', withHours({ endHour: -1 }))).toBe('Working hours: the end hour must be a whole number from 0 to 23.');
    expect(await refusal('review:set-rules', withHours({ endHour: 24 }))).toBe('Working hours: the end hour must be a whole number from 0 to 23.');
    expect(await refusal('review:set-rules', withHours({ startHour: 8.5 }))).toBe('Working hours: the start hour must be a whole number from 0 to 23.');
    expect(await refusal('review:set-rules', withHours({ timeZone: 'Mars/Olympus' }))).toBe('Working hours: “Mars/Olympus” is not a time zone; choose one from the list, such as Europe/Berlin or UTC.');
    expect(await refusal('review:set-rules', withHours({ timeZone: '+02:00' }))).toContain('“+02:00” is not a time zone');
    expect(await refusal('review:set-rules', withHours({ startHour: 9, endHour: 9 }))).toBe('Working hours: the start and end hour must differ (for work round the clock, turn this rule off).');
    expect(await refusal('review:set-rules', { ...RULES, massChange: { enabled: true, events: 1, minutes: 10 } })).toBe('Mass changes: the number of events must be at least 2.');
    // Two mistakes: both said.
    expect(await refusal('review:set-rules', withHours({ startHour: 25, timeZone: 'Nowhere' }))).toBe(
      'Working hours: the start hour must be a whole number from 0 to 23. Working hours: “Nowhere” is not a time zone; choose one from the list, such as Europe/Berlin or UTC.',
    );
  });

  it('fields without a message of their own are named and described', async () => {
    expect(await refusal('review:add-note', { eventId: '1', text: 'x'.repeat(5001), tag: null })).toBe('Note text must be at most 5,000 characters long.');
    expect(await refusal('review:add-note', { eventId: '1', text: '   ', tag: null })).toBe('Note text: write a note.');
    expect(await refusal('settings:update', { theme: 'neon' })).toBe('Theme must be one of “system”, “light” or “dark”.');
    expect(await refusal('review:delete-note', { id: 0 })).toBe('Id must be at least 1.');
    expect(await refusal('app:versions', { extra: true })).toBe('The request has a field it does not know: “extra”.');
  });

  it('accepts what the dialog offers: overnight hours and real zones', async () => {
    const accepted = await dispatchRequest({ ...handlers, 'review:set-rules': (rules: FlagRules) => Promise.resolve({ rules, flagged: 0 }) }, 'review:set-rules', {
      ...RULES,
      offHours: { ...RULES.offHours, startHour: 22, endHour: 6, timeZone: 'America/Argentina/Buenos_Aires' },
    });
    expect(accepted).toMatchObject({ ok: true, value: { rules: { offHours: { startHour: 22, endHour: 6 } } } });
  });
});
