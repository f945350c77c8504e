import { automationDetailsSchema } from './models.js';

/**
 * Zoho's automation_details in words, the same everywhere (Review table and detail, record timeline,
 * CSV `automation` column, PDF). A CommandCenter journey step — `pathfinder` in the API, modelled by
 * Zoho's SDK — reads as its state: "Pathfinder: Proposal review (Lead to proposal journey; process
 * entry)". A rule reads as "workflow rule: Notify owner". null when the object says neither; callers
 * then show the JSON as Zoho sent it rather than guess.
 */
export function describeAutomation(details: unknown): string | null {
  const parsed = automationDetailsSchema.safeParse(details);
  if (!parsed.success) return null;
  const { type, rule, pathfinder } = parsed.data;
  const stateName = pathfinder?.state?.name;
  if (typeof stateName === 'string' && stateName !== '') {
    const notes = [rule?.name ?? null, pathfinder?.process_entry === true ? 'process entry' : null, pathfinder?.process_exit === true ? 'process exit' : null].filter((note): note is string => note !== null && note !== '');
    return `Pathfinder: ${stateName}${notes.length === 0 ? '' : ` (${notes.join('; ')})`}`;
  }
  const words = [typeof type === 'string' && type !== '' ? type.replace(/_/g, ' ') : null, rule?.name ?? null].filter((part): part is string => part !== null && part !== '');
  return words.length === 0 ? null : words.join(': ');
}

/** The Pathfinder wording alone (null for any other automation), for renderers that keep their own form for rules. */
export function describePathfinder(details: unknown): string | null {
  const parsed = automationDetailsSchema.safeParse(details);
  const stateName = parsed.success ? parsed.data.pathfinder?.state?.name : undefined;
  if (typeof stateName !== 'string' || stateName === '') return null;
  return describeAutomation(details);
}
