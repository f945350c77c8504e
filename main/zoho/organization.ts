/**
 * Zoho CRM "Get Organization Data": GET {api_domain}/crm/{v}/org (scope ZohoCRM.org.READ) answers
 * {"org":[{"id":"…","company_name":"…","time_zone":"Europe/Berlin",…}]}. The app needs the org's
 * time zone: it is what the `org` time-zone setting means.
 */
import { z } from 'zod';
import type { ZohoClient } from './client.js';
import { ZohoMalformedResponseError } from './errors.js';

export interface ZohoOrganization {
  id: string;
  companyName: string | null;
  /** Exactly as Zoho sent it: usually an IANA id (Europe/Berlin), in old orgs sometimes an abbreviation (IST). */
  timeZone: string;
}

const orgSchema = z.object({
  org: z
    .array(
      z
        .object({
          id: z.union([z.string(), z.number()]).transform(String),
          company_name: z.string().nullable().optional(),
          time_zone: z.string().min(1),
        })
        .passthrough(),
    )
    .min(1),
});

const WHAT = 'the organisation (GET /org)';

export async function fetchOrganization(client: Pick<ZohoClient, 'getJson'>, signal?: AbortSignal): Promise<ZohoOrganization> {
  const response = await client.getJson(['org'], { what: WHAT, scope: 'ZohoCRM.org.READ', ...(signal === undefined ? {} : { signal }) });
  const parsed = orgSchema.safeParse(response.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ZohoMalformedResponseError(WHAT, issue === undefined ? '$' : ['$', ...issue.path].join('.'), issue?.message ?? 'not an org answer');
  }
  const org = parsed.data.org[0] as (typeof parsed.data.org)[number];
  return { id: org.id, companyName: org.company_name ?? null, timeZone: org.time_zone };
}
