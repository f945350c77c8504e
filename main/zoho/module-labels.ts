/**
 * Zoho CRM "Modules Metadata": GET {api_domain}/crm/{v}/settings/modules (scope
 * ZohoCRM.settings.modules.READ) answers {"modules":[{ api_name, module_name, singular_label,
 * plural_label, generated_type, api_supported, … }]}. The labels are what the org calls its modules
 * (renamed tabs, custom modules such as Services__s), so screens, the PDF and verify's output say
 * the org's own words; the API names stay as they were sent.
 */
import { z } from 'zod';
import type { ZohoClient } from './client.js';
import { ZohoMalformedResponseError } from './errors.js';

export interface ZohoModuleLabel {
  apiName: string;
  /** The module's name in the org (may differ from its label after a rename). */
  moduleName: string | null;
  singularLabel: string;
  pluralLabel: string;
}

const modulesSchema = z.object({
  modules: z.array(
    z
      .object({
        api_name: z.string().min(1).max(200),
        module_name: z.string().nullable().optional(),
        singular_label: z.string().min(1).max(200),
        plural_label: z.string().min(1).max(200),
      })
      .passthrough(),
  ),
});

const WHAT = 'the list of modules (GET /settings/modules)';

export async function fetchModuleLabels(client: Pick<ZohoClient, 'getJson'>, signal?: AbortSignal): Promise<ZohoModuleLabel[]> {
  const response = await client.getJson(['settings', 'modules'], { what: WHAT, scope: 'ZohoCRM.settings.modules.READ', ...(signal === undefined ? {} : { signal }) });
  // 204: an org without modules the token may read; nothing to label.
  if (response.status === 204) return [];
  const parsed = modulesSchema.safeParse(response.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ZohoMalformedResponseError(WHAT, issue === undefined ? '$' : ['$', ...issue.path].join('.'), issue?.message ?? 'not a modules answer');
  }
  return parsed.data.modules.map((module) => ({ apiName: module.api_name, moduleName: module.module_name ?? null, singularLabel: module.singular_label, pluralLabel: module.plural_label }));
}
