import type { ZohoFilterModel } from '../../preload/contract.js';
import { encodeTimelineFilter, validateTimelineFilter, type TimelineFilter } from '../zoho/filters.js';

/**
 * The Zoho filter builder's model → the timeline API's `filters` parameter. One condition is sent
 * on its own; two or more form one AND/OR group (the documented grammar has one level). Everything
 * is checked by validateTimelineFilter, so the builder can never produce what the doc rules out.
 */
export function buildZohoFilter(model: ZohoFilterModel): { filter: TimelineFilter; json: string; encoded: string } {
  const conditions = model.conditions.map((condition) => ({ field: { api_name: condition.field }, comparator: condition.comparator, value: condition.value }));
  const candidate = conditions.length === 1 ? conditions[0] : { group_operator: model.operator, group: conditions };
  // Throws ZohoFilterError (code ZOHO_INVALID_FILTER) naming the failing part and what is allowed.
  const filter = validateTimelineFilter(candidate);
  return { filter, json: JSON.stringify(filter), encoded: encodeTimelineFilter(filter) };
}
