/**
 * The one table of plain-language labels for Zoho's codes: timeline sources, actions, modules and
 * the review's flags. The screens, the PDF and verify's output all say the same words; the raw
 * codes stay in event detail, tooltips and the CSV (whose header and values never change).
 *
 * Pure data and functions (no Node, no Electron): the renderer and the main process both read it.
 */
import type { ReviewFlag } from './contract.js';

/** timeline-api.md "source": the 23 documented values, each with the words a reviewer would use. */
export const SOURCE_LABELS: Readonly<Record<string, string>> = {
  crm_api: 'API',
  mass_delete_via_crm_api: 'Mass delete via API',
  bulkapi: 'Bulk API',
  approval_process: 'Approval process',
  assignment_rules: 'Assignment rule',
  blueprint: 'Blueprint',
  mass_update_via_blueprint: 'Mass update via Blueprint',
  orchestration: 'Orchestration (CommandCenter)',
  convert: 'Lead conversion',
  massconvert: 'Mass lead conversion',
  custom_function: 'Custom function',
  macro: 'Macro',
  crm_ui: 'CRM web/app',
  mass_update: 'Mass update',
  mass_update_via_scheduler: 'Scheduled mass update',
  mass_delete_via_clean_up: 'Mass delete (data clean-up)',
  bulk_action: 'Bulk action',
  change_owner: 'Owner change',
  mass_change_owner_via_scheduler: 'Scheduled mass owner change',
  review_process: 'Review process',
  scoringrule: 'Scoring rule',
  wizard: 'Wizard',
  workflow: 'Workflow rule',
};

/** timeline-api.md "action": the documented examples and the values seen in real orgs. */
export const ACTION_LABELS: Readonly<Record<string, string>> = {
  added: 'Created',
  updated: 'Updated',
  deleted: 'Deleted',
  restored: 'Restored',
  owner_assigned: 'Owner assigned',
  task_assigned: 'Task assigned',
  relatedrecords_added: 'Related record added',
  relatedrecords_removed: 'Related record removed',
  tag_added: 'Tag added',
  tag_removed: 'Tag removed',
  converted: 'Converted',
  approved: 'Approved',
  rejected: 'Rejected',
  state_changed: 'State changed',
};

/** Standard modules by API name (Meetings is `Events` in Zoho's API). Custom modules get their label from Zoho's modules API. */
export const STANDARD_MODULE_LABELS: Readonly<Record<string, string>> = {
  Leads: 'Leads',
  Contacts: 'Contacts',
  Accounts: 'Accounts',
  Deals: 'Deals',
  Tasks: 'Tasks',
  Events: 'Meetings',
  Calls: 'Calls',
  Products: 'Products',
  Services: 'Services',
  Appointments: 'Appointments',
  Purchase_Orders: 'Purchase Orders',
  Sales_Orders: 'Sales Orders',
  Quotes: 'Quotes',
  Invoices: 'Invoices',
  Notes: 'Notes',
  Vendors: 'Vendors',
  Price_Books: 'Price Books',
  Cases: 'Cases',
  Solutions: 'Solutions',
  Campaigns: 'Campaigns',
};

/** One name per flag, everywhere (the table's chips, the detail, the rules, the PDF, verify). */
export const FLAG_LABELS: Readonly<Record<ReviewFlag, string>> = {
  off_hours: 'Outside working hours',
  mass_change: 'Mass change',
  api_by_person: 'API used by a person',
  owner_change: 'Owner change',
  deletion: 'Deletion',
  sensitive_field: 'Sensitive field changed',
};

/** "mass_change_owner" → "Mass change owner": an unknown code still reads as words (the code itself is in the tooltip). */
export function humanizeCode(code: string): string {
  const words = code
    .replace(/__s$/, '')
    .replace(/[_\s]+/g, ' ')
    .trim();
  if (words === '') return code;
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function sourceLabel(source: string | null): string {
  if (source === null || source === '') return 'No source';
  return SOURCE_LABELS[source] ?? humanizeCode(source);
}

export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? humanizeCode(action);
}

/**
 * A module's label: Zoho's own (from the modules API, cached at sign-in/sync) when known, else the
 * standard name, else the API name made readable ("Services__s" → "Services").
 */
export function moduleLabel(apiName: string, fromZoho?: Readonly<Record<string, string>> | null): string {
  return fromZoho?.[apiName] ?? STANDARD_MODULE_LABELS[apiName] ?? humanizeCode(apiName);
}

export function flagLabel(flag: ReviewFlag): string {
  return FLAG_LABELS[flag];
}
