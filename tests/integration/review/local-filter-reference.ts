/**
 * A plain evaluation of a local filter over the reference model's events (array code, no SQL),
 * for the compiler to be compared with.
 */
import type { LocalFilterGroup, LocalFilterRule } from '../../../main/cache/index.js';
import type { JsonValue } from '../../../main/zoho/models.js';
import { textMatches, type ReferenceEvent } from '../cache/reference.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

function textOf(value: JsonValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const empty = (text: string | null): boolean => text === null || text === '';
const list = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.map(String)
    : String(value)
        .split(',')
        .map((item) => item.trim());

export interface ReferenceExtras {
  flags: (eventId: string) => string[];
  notes: (eventId: string) => Array<{ text: string; tag: string | null }>;
}

function ruleMatches(candidate: ReferenceEvent, rule: LocalFilterRule, offsetMinutes: number, extras: ReferenceExtras): boolean {
  const event = candidate.entry.event;
  const changes = event.field_history ?? [];
  const op = rule.operator;
  const negate = op === '!=' || op === 'notIn' || op === 'doesNotContain' || op === 'notBetween';
  const among = (value: string | null): boolean => value !== null && list(rule.value).includes(value);
  let result: boolean;
  switch (rule.field) {
    case 'user':
      // A system action (done_by null) has no user: "is empty"; never equal to a user, so "is not X" holds.
      if (op === 'null') return event.done_by === null;
      if (op === 'notNull') return event.done_by !== null;
      result = among(event.done_by?.id ?? null);
      break;
    case 'timelineType':
      if (op === 'null') return event.type === null || event.type === undefined;
      if (op === 'notNull') return event.type !== null && event.type !== undefined;
      result = among(event.type ?? null);
      break;
    case 'extension': {
      const text = event.extension === null || event.extension === undefined ? null : typeof event.extension === 'string' ? event.extension : JSON.stringify(event.extension);
      if (op === 'null') return text === null;
      if (op === 'notNull') return text !== null;
      if (op === 'contains' || op === 'doesNotContain') result = text !== null && text.toLowerCase().includes(String(rule.value).toLowerCase());
      else result = text === rule.value;
      break;
    }
    case 'action':
      result = among(event.action);
      break;
    case 'module':
      result = among(event.record.module.api_name);
      break;
    case 'source':
      if (op === 'null') return empty(event.source);
      if (op === 'notNull') return !empty(event.source);
      result = among(event.source);
      break;
    case 'record':
      result = candidate.timelines.some((key) => `${key.module}/${key.recordId}` === rule.value);
      break;
    case 'field':
      result = changes.some((change) => among(change.api_name));
      break;
    case 'oldValue':
    case 'newValue': {
      const side = (change: (typeof changes)[number]): string | null => textOf(rule.field === 'oldValue' ? change._value.old : change._value.new);
      const wanted = String(rule.value ?? '');
      if (op === 'null') return changes.some((change) => empty(side(change)));
      if (op === 'notNull') return changes.some((change) => !empty(side(change)));
      if (op === 'contains' || op === 'doesNotContain') result = changes.some((change) => (side(change) ?? '').toLowerCase().includes(wanted.toLowerCase()));
      else result = changes.some((change) => side(change) === wanted);
      break;
    }
    case 'valueChange': {
      const [from, to] = list(rule.value);
      const same = (text: string | null, wanted: string | undefined): boolean => (wanted === '' ? empty(text) : text === wanted);
      return changes.some((change) => same(textOf(change._value.old), from) && same(textOf(change._value.new), to));
    }
    case 'time': {
      if (op === 'between' || op === 'notBetween') {
        const [from, to] = list(rule.value).map((text) => Date.parse(text));
        result = candidate.ms >= from! && candidate.ms <= to!;
        break;
      }
      const at = Date.parse(String(rule.value));
      return op === '>=' ? candidate.ms >= at : candidate.ms < at;
    }
    case 'day': {
      const day = new Date(candidate.ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
      const [first, last] = op === 'between' ? list(rule.value) : [String(rule.value), String(rule.value)];
      return day >= first! && day <= last!;
    }
    case 'hourOfWeek': {
      const hour = (((Math.floor((candidate.ms + offsetMinutes * 60_000) / HOUR) + 72) % 168) + 168) % 168;
      return list(rule.value).map(Number).includes(hour);
    }
    case 'automation':
      if (op === 'null') return event.automation_details === null;
      if (op === 'notNull') return event.automation_details !== null;
      return event.automation_details !== null && JSON.stringify(event.automation_details).toLowerCase().includes(String(rule.value).toLowerCase());
    case 'text':
      result = textMatches(candidate, String(rule.value), undefined);
      break;
    case 'flag': {
      const flags = extras.flags(event.id);
      if (op === 'null') return flags.length === 0;
      if (op === 'notNull') return flags.length > 0;
      result = flags.some((flag) => among(flag));
      break;
    }
    case 'note': {
      const notes = extras.notes(event.id);
      if (op === 'null') return notes.length === 0;
      if (op === 'notNull') return notes.length > 0;
      const wanted = String(rule.value).toLowerCase();
      return notes.some((note) => note.text.toLowerCase().includes(wanted) || (note.tag ?? '').toLowerCase().includes(wanted));
    }
    default:
      throw new Error(`reference does not know ${(rule as { field: string }).field}`);
  }
  void DAY;
  return negate ? !result : result;
}

export function referenceMatches(candidate: ReferenceEvent, group: LocalFilterGroup, offsetMinutes: number, extras: ReferenceExtras): boolean {
  const results = group.rules.map((child) => ('rules' in child ? referenceMatches(candidate, child, offsetMinutes, extras) : ruleMatches(candidate, child, offsetMinutes, extras)));
  const body = results.length === 0 ? true : group.combinator === 'and' ? results.every(Boolean) : results.some(Boolean);
  return group.not === true ? !body : body;
}
