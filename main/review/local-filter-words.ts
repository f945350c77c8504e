import { LOCAL_FILTER_FIELD_LABELS, LOCAL_FILTER_OPERATOR_LABELS, type LocalFilterGroupInput, type LocalFilterRuleInput } from '../../preload/contract.js';

/**
 * A Review-screen filter in words, for an export of a saved view made without the screen (the CLI's
 * --view): the same field and operator words as the screen; values as stored (user ids, flag ids),
 * since the manifest keeps the structured filter beside these words.
 */
export function describeLocalFilter(group: LocalFilterGroupInput): string {
  const parts = group.rules.map((node) => ('rules' in node ? `(${describeLocalFilter(node)})` : describeRule(node)));
  const body = parts.length === 0 ? 'everything' : parts.join(group.combinator === 'and' ? ' and ' : ' or ');
  return group.not === true ? `not (${body})` : body;
}

function describeRule(rule: LocalFilterRuleInput): string {
  const field = LOCAL_FILTER_FIELD_LABELS[rule.field];
  const operator = LOCAL_FILTER_OPERATOR_LABELS[rule.operator];
  const value = rule.value;
  if (value === undefined || value === null) return `${field} ${operator}`;
  const text = (item: unknown): string => (item === '' ? '(empty)' : String(item));
  if (rule.operator === 'changedFromTo' && Array.isArray(value)) return `${field} changed from “${text(value[0])}” to “${text(value[1])}”`;
  if (Array.isArray(value)) return `${field} ${operator} ${value.map(text).join(rule.operator === 'between' || rule.operator === 'notBetween' ? ' and ' : ', ')}`;
  if (typeof value === 'boolean') return `${field} ${operator} ${value ? 'yes' : 'no'}`;
  return `${field} ${operator} ${text(value)}`;
}
