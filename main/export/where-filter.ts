import { exportWhereSchema } from '../../preload/contract.js';
import type { EventFilter } from '../cache/index.js';
import { AuditorError } from '../core/errors.js';

const toMs = (value: number | string): number => (typeof value === 'number' ? value : Date.parse(value));

/** Validates `--where` and says in plain words what it selects (for the report's cover). */
export function parseWhereFilter(json: unknown): { filter: EventFilter; description: string } {
  const parsed = exportWhereSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AuditorError('CLI_USAGE', `--where is not a filter Timeline Auditor understands: ${issue === undefined ? 'invalid' : `${issue.path.join('.') || 'value'}: ${issue.message}`}.`, {
      hint: 'Use keys userIds, sources, actions, modules, fieldApiNames (lists), from, to (ISO 8601), text — e.g. {"sources":["crm_api"],"from":"2026-01-01T00:00:00Z"}.',
    });
  }
  const where = parsed.data;
  const filter: EventFilter = {
    ...(where.userIds === undefined ? {} : { userIds: where.userIds }),
    ...(where.sources === undefined ? {} : { sources: where.sources }),
    ...(where.actions === undefined ? {} : { actions: where.actions }),
    ...(where.modules === undefined ? {} : { modules: where.modules }),
    ...(where.fieldApiNames === undefined ? {} : { fieldApiNames: where.fieldApiNames }),
    ...(where.from === undefined ? {} : { from: toMs(where.from) }),
    ...(where.to === undefined ? {} : { to: toMs(where.to) }),
    ...(where.text === undefined ? {} : { text: where.text }),
  };
  const parts = [
    where.userIds && `user is ${where.userIds.join(' or ')}`,
    where.sources && `source is ${where.sources.join(' or ')}`,
    where.actions && `action is ${where.actions.join(' or ')}`,
    where.modules && `module is ${where.modules.join(' or ')}`,
    where.fieldApiNames && `changed field is ${where.fieldApiNames.join(' or ')}`,
    where.from !== undefined && `from ${new Date(toMs(where.from)).toISOString()}`,
    where.to !== undefined && `until ${new Date(toMs(where.to)).toISOString()}`,
    where.text && `text contains "${where.text}"`,
  ].filter((part): part is string => typeof part === 'string');
  return { filter, description: parts.join(', and ') };
}
