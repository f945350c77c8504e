import { DateTime } from 'luxon';
import type { RuleGroupType, RuleType } from 'react-querybuilder';
import { isLocalFilterRule, LOCAL_FILTER_OPERATOR_LABELS, SYSTEM_ACTOR } from '../../preload/contract';
import type { LocalFilterGroupInput, LocalFilterRuleInput, RequestChannel, RequestInput, RequestOutput, ReviewFacets, ReviewFlag } from '../../preload/contract';
import { call } from '../ipc/client';
import { parseTypedDay, parseTypedTime } from '../components/time';

/** A piece of the active filter shown as a chip: from a heatmap click, or one top-level builder condition. */
export interface FilterChip {
  id: string;
  label: string;
  group: LocalFilterGroupInput;
}

/** One name per flag everywhere (preload/labels.ts): the table's pill says what the detail and the PDF say. */
import { actionLabel, FLAG_LABELS, sourceLabel } from '../../preload/labels';
import { moduleName } from '../components/module-names';
export { FLAG_LABELS };

export const OPERATOR_LABELS: Record<string, string> = LOCAL_FILTER_OPERATOR_LABELS;

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function hourOfWeekLabel(hour: number): string {
  return `${WEEKDAYS[Math.floor(hour / 24)] ?? '?'} ${String(hour % 24).padStart(2, '0')}:00`;
}

const NO_VALUE_OPERATORS = new Set(['null', 'notNull']);

function isGroup(node: RuleType | RuleGroupType | string): node is RuleGroupType {
  return typeof node === 'object' && 'rules' in node;
}

function hasValue(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && value.every((item) => isFilled(item));
  return isFilled(value);
}

/** Blank strings, null and undefined are "no value"; anything else (numbers, lists' items, objects) is a value. */
function isFilled(value: unknown): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  return value !== undefined && value !== null;
}

/** The instant a time condition's value names: typed text in `zone`, or an absolute ISO time (saved views); null if neither. */
function instantOf(value: unknown, zone: string): DateTime | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  const typed = parseTypedTime(text, zone);
  if (typed !== null && !/[zZ]|[+-]\d{2}:?\d{2}$/.test(text)) return typed;
  const absolute = DateTime.fromISO(text, { setZone: true });
  return absolute.isValid ? absolute : typed;
}

function pairOf(value: unknown): [unknown, unknown] {
  if (Array.isArray(value)) return [value[0], value[1]];
  if (typeof value === 'string' && value.includes(',')) {
    const [first, second] = value.split(',');
    return [first, second];
  }
  return [value, undefined];
}

/**
 * Why a time or day condition cannot be used as typed ("ends before it starts", "not a time"), or
 * null. The builder shows it at the input and leaves the condition out of the filter: main is never
 * asked for a reversed range (it would refuse, and the table would wait for rows forever).
 */
export function ruleProblem(rule: Pick<RuleType, 'field' | 'operator' | 'value'>, zone: string): string | null {
  if (rule.field !== 'time' && rule.field !== 'day') return null;
  const ranged = rule.operator === 'between' || rule.operator === 'notBetween';
  const values = ranged ? pairOf(rule.value) : [rule.value];
  if (!values.every((value) => isFilled(value))) return null; // still being typed: incomplete, not wrong
  if (rule.field === 'day') {
    const days = values.map((value) => parseTypedDay(String(value)));
    if (days.some((day) => day === null)) return 'Type a day as yyyy-mm-dd.';
    if (ranged && days[0]! > days[1]!) return 'The range ends before it starts: put the earlier day first.';
    return null;
  }
  const instants = values.map((value) => instantOf(value, zone));
  if (instants.some((instant) => instant === null)) return 'Type a time as yyyy-mm-dd hh:mm (24-hour).';
  if (ranged && instants[0]!.toMillis() > instants[1]!.toMillis()) return 'The range ends before it starts: put the earlier time first.';
  return null;
}

/**
 * The builder's query as main expects it: conditions still being typed (or refused, see ruleProblem)
 * are left out, times typed in the chosen zone become absolute ISO date-times.
 */
export function toWireGroup(group: RuleGroupType, zone: string): LocalFilterGroupInput {
  const rules: Array<LocalFilterRuleInput | LocalFilterGroupInput> = [];
  for (const node of group.rules) {
    if (typeof node === 'string') continue;
    if (isGroup(node)) {
      rules.push(toWireGroup(node, zone));
      continue;
    }
    const valueFree = NO_VALUE_OPERATORS.has(node.operator);
    if (!valueFree && node.operator !== 'changedFromTo' && !hasValue(node.value)) continue;
    // "changed from … to" counts blank sides once typed (blank = empty value); untouched, it is incomplete.
    if (node.operator === 'changedFromTo' && !Array.isArray(node.value) && !isFilled(node.value)) continue;
    if (ruleProblem(node, zone) !== null) continue;
    let value = valueFree ? undefined : (node.value as LocalFilterRuleInput['value']);
    if (node.field === 'time' && value !== undefined) {
      const toIso = (text: string | number): string => instantOf(text, zone)?.toISO() ?? String(text);
      const ranged = node.operator === 'between' || node.operator === 'notBetween';
      value = ranged ? pairOf(value).map((part) => toIso(part as string)) : typeof value === 'string' ? toIso(value) : value;
    }
    if (node.field === 'day' && node.operator === 'between' && value !== undefined) value = pairOf(value).map((part) => String(part).trim());
    if (node.operator === 'changedFromTo') {
      const pair = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
      value = [pair[0] ?? '', pair[1] ?? ''];
    }
    // The builder's field and operator are plain strings: only the contract's pairs go on the wire.
    const rule = { field: node.field, operator: node.operator };
    if (!isLocalFilterRule(rule)) continue;
    rules.push({ ...rule, ...(value === undefined ? {} : { value }) });
  }
  return { combinator: group.combinator === 'or' ? 'or' : 'and', ...(group.not === true ? { not: true } : {}), rules };
}

/** The active filter: the builder's query AND every chip. */
export function activeFilter(builder: LocalFilterGroupInput, chips: readonly FilterChip[]): LocalFilterGroupInput {
  if (chips.length === 0) return builder;
  return { combinator: 'and', rules: [builder, ...chips.map((chip) => chip.group)] };
}

export function userLabel(facets: ReviewFacets | null, id: string): string {
  // '' is the heatmaps' row of system actions (Zoho's done_by: null).
  if (id === '') return SYSTEM_ACTOR;
  return facets?.users.find((user) => user.id === id)?.name ?? id;
}

/** Words for one condition, for chips: "User is Patricia Boyle". */
export function describeRule(rule: LocalFilterRuleInput, facets: ReviewFacets | null, fieldLabels: Record<string, string>): string {
  const field = fieldLabels[rule.field] ?? rule.field;
  const operator = OPERATOR_LABELS[rule.operator] ?? rule.operator;
  const name = (value: string | number): string => {
    const text = String(value);
    if (rule.field === 'user') return userLabel(facets, text);
    if (rule.field === 'flag') return FLAG_LABELS[text as ReviewFlag] ?? text;
    if (rule.field === 'hourOfWeek') return hourOfWeekLabel(Number(text));
    if (rule.field === 'field') return facets?.fields.find((candidate) => candidate.apiName === text)?.label ?? text;
    if (rule.field === 'time') {
      // Wire times carry the offset of the zone they were typed in: shown as typed, with that offset.
      const time = DateTime.fromISO(text, { setZone: true });
      return time.isValid ? time.toFormat('yyyy-LL-dd HH:mm ZZ') : text;
    }
    if (rule.field === 'source') return sourceLabel(text);
    if (rule.field === 'action') return actionLabel(text);
    if (rule.field === 'module') return moduleName(text);
    return text === '' ? '(empty)' : text;
  };
  if (rule.value === undefined || rule.value === null) return `${field} ${operator}`;
  if (rule.operator === 'changedFromTo' && Array.isArray(rule.value)) return `${field} changed from “${name(rule.value[0] ?? '')}” to “${name(rule.value[1] ?? '')}”`;
  if (Array.isArray(rule.value)) {
    const joiner = rule.operator === 'between' || rule.operator === 'notBetween' ? ' and ' : ', ';
    return `${field} ${operator} ${rule.value.map(name).join(joiner)}`;
  }
  if (typeof rule.value === 'boolean') return `${field} ${operator} ${rule.value ? 'yes' : 'no'}`;
  return `${field} ${operator} ${name(rule.value)}`;
}

export function describeGroup(group: LocalFilterGroupInput, facets: ReviewFacets | null, fieldLabels: Record<string, string>): string {
  const parts = group.rules.map((node) => ('rules' in node ? `(${describeGroup(node, facets, fieldLabels)})` : describeRule(node, facets, fieldLabels)));
  const body = parts.length === 0 ? 'everything' : parts.join(group.combinator === 'and' ? ' and ' : ' or ');
  return group.not === true ? `not (${body})` : body;
}

/** Display value of a change side; JSON null and '' are "empty". */
export function shown(value: string | null): string {
  return value === null || value === '' ? '—' : value;
}

// ---- requests started at the person's input, before React renders the change -------------------

const prefetched = new Map<string, Promise<unknown>>();

/**
 * Starts a request now and keeps its promise for the first component that asks for the very same
 * input through `requestOnce`: a filter change sends its queries while React is still rendering the
 * builder, instead of after the render (the answers arrive sooner).
 */
export function prefetch<C extends RequestChannel>(channel: C, input: RequestInput<C>): void {
  const key = `${channel} ${JSON.stringify(input)}`;
  if (prefetched.has(key)) return;
  const promise = call(channel, input);
  promise.catch(() => undefined);
  prefetched.set(key, promise);
  // Unclaimed answers are dropped after a while (the person changed the filter again).
  setTimeout(() => prefetched.delete(key), 5_000);
}

/** The prefetched answer for exactly this input if there is one, else a new request. */
export function requestOnce<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<RequestOutput<C>> {
  const key = `${channel} ${JSON.stringify(input)}`;
  const waiting = prefetched.get(key);
  if (waiting !== undefined) {
    prefetched.delete(key);
    return waiting as Promise<RequestOutput<C>>;
  }
  return call(channel, input);
}

/** The table's window request; one function so prefetch and table build byte-identical inputs. */
export function pageInput(filter: LocalFilterGroupInput, timeZone: string, sort: { column: 'time' | 'user' | 'source' | 'action' | 'module' | 'record'; direction: 'asc' | 'desc' }, offset: number, limit: number): RequestInput<'review:page'> {
  return { filter, timeZone, sort: { column: sort.column, direction: sort.direction }, offset, limit };
}
