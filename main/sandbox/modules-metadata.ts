/**
 * What the sandbox org answers to GET /crm/{v}/settings/modules (Zoho's "Modules Metadata"): the
 * documented shape {"modules":[…]} with the fields a client reads (api_name, module_name,
 * singular_label, plural_label) and the common flags around them. The org has the standard modules,
 * Zoho's system modules whose API names end in __s (Services__s, Appointments__s), and one custom
 * module (generated_type "custom") whose labels are nothing like its API name.
 */
import { MODULE_IDS } from './dataset.js';

interface SandboxModule {
  api_name: string;
  module_name: string;
  singular_label: string;
  plural_label: string;
  generated_type: 'default' | 'custom' | 'linking';
  api_supported: boolean;
}

const MODULES: readonly SandboxModule[] = [
  { api_name: 'Leads', module_name: 'Leads', singular_label: 'Lead', plural_label: 'Leads', generated_type: 'default', api_supported: true },
  { api_name: 'Contacts', module_name: 'Contacts', singular_label: 'Contact', plural_label: 'Contacts', generated_type: 'default', api_supported: true },
  { api_name: 'Accounts', module_name: 'Accounts', singular_label: 'Account', plural_label: 'Accounts', generated_type: 'default', api_supported: true },
  { api_name: 'Deals', module_name: 'Deals', singular_label: 'Deal', plural_label: 'Deals', generated_type: 'default', api_supported: true },
  { api_name: 'Tasks', module_name: 'Tasks', singular_label: 'Task', plural_label: 'Tasks', generated_type: 'default', api_supported: true },
  // Meetings are `Events` in the API.
  { api_name: 'Events', module_name: 'Events', singular_label: 'Meeting', plural_label: 'Meetings', generated_type: 'default', api_supported: true },
  { api_name: 'Calls', module_name: 'Calls', singular_label: 'Call', plural_label: 'Calls', generated_type: 'default', api_supported: true },
  { api_name: 'Products', module_name: 'Products', singular_label: 'Product', plural_label: 'Products', generated_type: 'default', api_supported: true },
  { api_name: 'Services__s', module_name: 'Services', singular_label: 'Service', plural_label: 'Services', generated_type: 'default', api_supported: true },
  { api_name: 'Appointments__s', module_name: 'Appointments', singular_label: 'Appointment', plural_label: 'Appointments', generated_type: 'default', api_supported: true },
  { api_name: 'Purchase_Orders', module_name: 'Purchase_Orders', singular_label: 'Purchase Order', plural_label: 'Purchase Orders', generated_type: 'default', api_supported: true },
  { api_name: 'Sales_Orders', module_name: 'Sales_Orders', singular_label: 'Sales Order', plural_label: 'Sales Orders', generated_type: 'default', api_supported: true },
  { api_name: 'Quotes', module_name: 'Quotes', singular_label: 'Quote', plural_label: 'Quotes', generated_type: 'default', api_supported: true },
  { api_name: 'Invoices', module_name: 'Invoices', singular_label: 'Invoice', plural_label: 'Invoices', generated_type: 'default', api_supported: true },
  { api_name: 'Notes', module_name: 'Notes', singular_label: 'Note', plural_label: 'Notes', generated_type: 'default', api_supported: true },
  { api_name: 'Attachments', module_name: 'Attachments', singular_label: 'Attachment', plural_label: 'Attachments', generated_type: 'default', api_supported: true },
  { api_name: 'Emails', module_name: 'Emails', singular_label: 'Email', plural_label: 'Emails', generated_type: 'default', api_supported: true },
  { api_name: 'Site_Inspections', module_name: 'Site_Inspections', singular_label: 'Site inspection', plural_label: 'Site inspections', generated_type: 'custom', api_supported: true },
  // A module the API does not serve: listed, as Zoho lists it.
  { api_name: 'Home', module_name: 'Home', singular_label: 'Home', plural_label: 'Home', generated_type: 'default', api_supported: false },
];

const PROFILES = [
  { name: 'Administrator', id: '554023000000026011' },
  { name: 'Standard', id: '554023000000026014' },
];

export function modulesMetadata(): { modules: Array<Record<string, unknown>> } {
  return {
    modules: MODULES.map((module, index) => ({
      has_more_profiles: false,
      access_type: 'org_based',
      global_search_supported: module.api_supported,
      deletable: module.generated_type === 'custom',
      creatable: module.api_supported,
      modified_time: module.generated_type === 'custom' ? '2025-09-12T10:41:07+02:00' : null,
      plural_label: module.plural_label,
      presence_sub_menu: false,
      id: MODULE_IDS[module.api_name] ?? String(554023000000001000n + BigInt(index) * 2n + 1n),
      visibility: 1,
      convertable: module.api_name === 'Leads',
      editable: module.api_supported,
      profiles: PROFILES.map((profile) => ({ ...profile })),
      filter_supported: module.api_supported,
      show_as_tab: module.api_supported,
      web_link: null,
      sequence_number: index + 1,
      singular_label: module.singular_label,
      viewable: true,
      api_supported: module.api_supported,
      api_name: module.api_name,
      quick_create: module.api_supported,
      modified_by: null,
      generated_type: module.generated_type,
      feeds_required: false,
      scoring_supported: module.api_supported,
      webform_supported: module.generated_type !== 'linking' && module.api_supported,
      arguments: [],
      module_name: module.module_name,
      business_card_field_limit: 5,
      parent_module: {},
      status: 'visible',
    })),
  };
}
