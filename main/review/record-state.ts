import { SYSTEM_ACTOR, type RecordStateView } from '../../preload/contract.js';
import type { CachedEvent } from '../cache/index.js';

/**
 * A record as it was after the event at `index` (its events oldest first): every tracked field's
 * value, replayed from field_history. A field first changed later shows the OLD value of that first
 * change — what it held before — marked 'earlier'.
 */
export function replayRecord(events: readonly CachedEvent[], index: number): RecordStateView['fields'] {
  const fields = new Map<string, RecordStateView['fields'][number]>();
  events.forEach((event, position) => {
    for (const change of event.fieldChanges) {
      const known = fields.get(change.apiName);
      if (position <= index) {
        fields.set(change.apiName, {
          apiName: change.apiName,
          label: change.fieldLabel ?? known?.label ?? null,
          dataType: change.dataType ?? known?.dataType ?? null,
          value: change.newText,
          basis: 'set',
          changedAt: event.auditedTime,
          changedBy: event.doneBy === null ? SYSTEM_ACTOR : (event.doneBy.name ?? event.doneBy.id),
          changedHere: position === index,
        });
      } else if (known === undefined) {
        fields.set(change.apiName, {
          apiName: change.apiName,
          label: change.fieldLabel,
          dataType: change.dataType,
          value: change.oldText,
          basis: 'earlier',
          changedAt: null,
          changedBy: null,
          changedHere: false,
        });
      }
    }
  });
  return [...fields.values()].sort((a, b) => (a.label ?? a.apiName).localeCompare(b.label ?? b.apiName));
}

/** Index of the last event at or before `ms` (-1 when all are later). Events oldest first. */
export function indexAtTime(events: readonly CachedEvent[], ms: number): number {
  let found = -1;
  events.forEach((event, position) => {
    if (event.auditedAtMs <= ms) found = position;
  });
  return found;
}
