/**
 * A deliberately plain, in-memory model of what the cache's queries should return, computed with
 * array filters over the same generated events. The cache must agree with it.
 */
import type { EventFilter, TextColumn } from '../../../main/cache/index.js';
import type { RecordKey } from '../../../main/sync/sync-store.js';
import type { JsonValue, TimelineEntry } from '../../../main/zoho/models.js';

export interface ReferenceEvent {
  entry: TimelineEntry;
  ms: number;
  /** Timelines the event was written to, in write order (first write decides storage order). */
  timelines: RecordKey[];
  order: number;
}

export class ReferenceModel {
  readonly events = new Map<string, ReferenceEvent>();

  write(key: RecordKey, entries: readonly TimelineEntry[]): void {
    for (const entry of entries) {
      const known = this.events.get(entry.event.id);
      if (known === undefined) {
        this.events.set(entry.event.id, { entry, ms: Date.parse(entry.event.audited_time), timelines: [key], order: this.events.size });
      } else {
        known.entry = entry;
        known.ms = Date.parse(entry.event.audited_time);
        if (!known.timelines.some((timeline) => timeline.module === key.module && timeline.recordId === key.recordId)) known.timelines.push(key);
      }
    }
  }

  matching(filter: EventFilter): ReferenceEvent[] {
    return [...this.events.values()].filter((candidate) => matches(candidate, filter));
  }

  /** Ids in the cache's order: audited time, then storage order. */
  ordered(filter: EventFilter, direction: 'asc' | 'desc'): string[] {
    const sign = direction === 'asc' ? 1 : -1;
    return this.matching(filter)
      .sort((a, b) => sign * (a.ms - b.ms || a.order - b.order))
      .map((candidate) => candidate.entry.event.id);
  }
}

function within<T>(list: readonly T[] | undefined, value: T): boolean {
  return list === undefined || list.includes(value);
}

function matches(candidate: ReferenceEvent, filter: EventFilter): boolean {
  const event = candidate.entry.event;
  // A system action (done_by null) matches no list of users (SQL: NULL IN (…) is not true).
  if (filter.userIds !== undefined && (event.done_by === null || !filter.userIds.includes(event.done_by.id))) return false;
  if (filter.sources !== undefined && (event.source === null || !filter.sources.includes(event.source))) return false;
  if (!within(filter.actions, event.action)) return false;
  if (!within(filter.modules, event.record.module.api_name)) return false;
  if (filter.from !== undefined && candidate.ms < filter.from) return false;
  if (filter.to !== undefined && candidate.ms >= filter.to) return false;
  if (filter.records !== undefined && !candidate.timelines.some((key) => filter.records!.some((wanted) => wanted.module === key.module && wanted.recordId === key.recordId))) return false;
  if (filter.timelineModules !== undefined && !candidate.timelines.some((key) => filter.timelineModules!.includes(key.module))) return false;
  if (filter.fieldApiNames !== undefined && !(event.field_history ?? []).some((change) => filter.fieldApiNames!.includes(change.api_name))) return false;
  if (filter.text !== undefined && !textMatches(candidate, filter.text, filter.textIn)) return false;
  return true;
}

// ---- a plain re-implementation of "unicode61 remove_diacritics 2" plus our CJK/symbol splitting ----

const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}\p{So}]/u;
const SPLIT_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{So}]/u;

/** Decompose, drop combining marks, recompose — what the cache does before indexing. */
function foldMarks(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .normalize('NFC');
}

export function tokens(text: string): string[] {
  const result: string[] = [];
  let current = '';
  for (const character of foldMarks(text)) {
    if (SPLIT_CHAR.test(character)) {
      if (current !== '') result.push(current);
      result.push(fold(character));
      current = '';
    } else if (TOKEN_CHAR.test(character)) {
      current += fold(character);
    } else {
      if (current !== '') result.push(current);
      current = '';
    }
  }
  if (current !== '') result.push(current);
  return result;
}

function fold(character: string): string {
  return character.toLowerCase();
}

function textOf(value: JsonValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function columns(candidate: ReferenceEvent): Record<TextColumn, string[]> {
  const event = candidate.entry.event;
  const changes = event.field_history ?? [];
  return {
    recordNames: tokens([event.record.name ?? '', event.related_record?.name ?? ''].join('\n')),
    doneByName: tokens(event.done_by?.name ?? ''),
    oldValues: tokens(
      changes
        .map((change) => textOf(change._value.old))
        .filter((text) => text !== null)
        .join('\n'),
    ),
    newValues: tokens(
      changes
        .map((change) => textOf(change._value.new))
        .filter((text) => text !== null)
        .join('\n'),
    ),
  };
}

function phraseIn(haystack: readonly string[], phrase: readonly string[], prefix: boolean): boolean {
  if (phrase.length === 0) return false;
  for (let start = 0; start + phrase.length <= haystack.length; start += 1) {
    let ok = true;
    for (let index = 0; index < phrase.length; index += 1) {
      const token = haystack[start + index] ?? '';
      const wanted = phrase[index] ?? '';
      const last = index === phrase.length - 1;
      if (!(token === wanted || (prefix && last && token.startsWith(wanted)))) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

export function textMatches(candidate: ReferenceEvent, text: string, textIn: readonly TextColumn[] | undefined): boolean {
  const terms = text
    .split(/\s+/u)
    .map(foldMarks)
    .filter((term) => TOKEN_CHAR.test(term));
  if (terms.length === 0) return true;
  const cols = columns(candidate);
  const searched = (textIn ?? (['recordNames', 'doneByName', 'oldValues', 'newValues'] as const)).map((column) => cols[column]);
  if (searched.length === 0) return false;
  return terms.every((term, index) => {
    const phrase = tokens(term);
    // A term whose only token characters are dropped (e.g. a lone combining mark) matches nothing.
    return searched.some((column) => phraseIn(column, phrase, index === terms.length - 1));
  });
}
