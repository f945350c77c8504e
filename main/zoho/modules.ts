import { ZohoInvalidRequestError } from './errors.js';

/**
 * The modules the timeline API documents (timeline-api.md "Supported Modules"), by display label and
 * the API name used in the URL. Labels with no obvious API name follow Zoho's standard API names
 * (Meetings → Events, Services → Services__s, Appointments → Appointments__s). "Custom" means any
 * custom module, addressed by its own API name.
 */
export const TIMELINE_MODULES = [
  { label: 'Leads', apiName: 'Leads' },
  { label: 'Contacts', apiName: 'Contacts' },
  { label: 'Accounts', apiName: 'Accounts' },
  { label: 'Deals', apiName: 'Deals' },
  { label: 'Tasks', apiName: 'Tasks' },
  { label: 'Meetings', apiName: 'Events' },
  { label: 'Calls', apiName: 'Calls' },
  { label: 'Products', apiName: 'Products' },
  { label: 'Services', apiName: 'Services__s' },
  { label: 'Appointments', apiName: 'Appointments__s' },
  { label: 'Purchase Orders', apiName: 'Purchase_Orders' },
  { label: 'Sales Orders', apiName: 'Sales_Orders' },
  { label: 'Quotes', apiName: 'Quotes' },
  { label: 'Invoices', apiName: 'Invoices' },
  { label: 'Notes', apiName: 'Notes' },
] as const;

export type StandardTimelineModule = (typeof TIMELINE_MODULES)[number]['apiName'];

/** Zoho module API names: a letter, then letters, digits and underscores (custom ones end in __c/__s etc.). */
const MODULE_API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
/** Zoho record ids are long integers sent as strings. */
const RECORD_ID = /^[0-9]{1,25}$/;

export function isValidModuleApiName(name: string): boolean {
  return MODULE_API_NAME.test(name);
}

export function assertModuleApiName(name: string): void {
  if (!MODULE_API_NAME.test(name)) {
    throw new ZohoInvalidRequestError(
      `"${name}" is not a Zoho module API name.`,
      `Use the module's API name, e.g. ${TIMELINE_MODULES.map((m) => m.apiName).join(', ')}, or a custom module's API name (letters, digits and underscores, starting with a letter).`,
      { module: name },
    );
  }
}

export function assertRecordId(recordId: string, module?: string): void {
  if (!RECORD_ID.test(recordId)) {
    throw new ZohoInvalidRequestError(
      `"${recordId}" is not a Zoho record id${module === undefined ? '' : ` (module ${module})`}.`,
      "A record id is the long number at the end of the record's address in Zoho CRM, digits only (e.g. 554023000001122039).",
      { recordId, ...(module === undefined ? {} : { module }) },
    );
  }
}

/** Zoho's per-module scope name is the module API name in lower case (scope=ZohoCRM.modules.{module_name}.READ). */
export function readScopeForModule(module: string): string {
  return `ZohoCRM.modules.${module.toLowerCase()}.READ`;
}
