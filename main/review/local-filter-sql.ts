import { compileLocalFilter, LocalFilterError, localFilterText, localFilterValues, sqlMemberOf, type ExtensionFieldCompilers, type LocalFilterGroup, type SqlCondition } from '../cache/index.js';

/**
 * SQL for the local filter's fields over review's own tables (event_flags, event_notes): the cache's
 * compiler writes every other field and asks for these through its extension point, so it never
 * names review's tables. Pure: no database, safe to call anywhere (validation of saved filters).
 */
export const REVIEW_FILTER_FIELDS: ExtensionFieldCompilers = {
  flag(rule, params) {
    const hasFlag = (values: string[]): string => `EXISTS (SELECT 1 FROM event_flags f WHERE f.event_rowid = e.id AND ${sqlMemberOf('f.flag', values, params)})`;
    switch (rule.operator) {
      case 'null':
        return 'NOT EXISTS (SELECT 1 FROM event_flags f WHERE f.event_rowid = e.id)';
      case 'notNull':
        return 'EXISTS (SELECT 1 FROM event_flags f WHERE f.event_rowid = e.id)';
      case '=':
        return hasFlag([localFilterText(rule)]);
      case '!=':
        return `NOT (${hasFlag([localFilterText(rule)])})`;
      case 'in':
        return hasFlag(localFilterValues(rule));
      case 'notIn':
        return `NOT (${hasFlag(localFilterValues(rule))})`;
      default:
        return unknownOperator(rule.field, rule.operator);
    }
  },
  note(rule, params) {
    switch (rule.operator) {
      case 'null':
        return 'NOT EXISTS (SELECT 1 FROM event_notes n WHERE n.event_id = e.event_id)';
      case 'notNull':
        return 'EXISTS (SELECT 1 FROM event_notes n WHERE n.event_id = e.event_id)';
      case 'contains': {
        const text = localFilterText(rule);
        params.push(text, text);
        return `EXISTS (SELECT 1 FROM event_notes n WHERE n.event_id = e.event_id AND (instr(lower(n.text), lower(?)) > 0 OR instr(lower(coalesce(n.tag, '')), lower(?)) > 0))`;
      }
      default:
        return unknownOperator(rule.field, rule.operator);
    }
  },
};

/** Exhaustiveness: an operator the contract adds for flag or note stops this file compiling until handled. */
function unknownOperator(field: string, operator: never): never {
  throw new LocalFilterError(`"${String(operator)}" cannot be used with ${field}.`, 'Pick an operator the builder offers.');
}

/** The Review screen's filter as a condition over `events e` (the cache's fields and review's). */
export function compileReviewFilter(group: LocalFilterGroup, timeZone = 'UTC'): SqlCondition {
  return compileLocalFilter(group, { timeZone, extensions: REVIEW_FILTER_FIELDS });
}
