/**
 * Zoho CRM "Get Organization Data": GET {api_domain}/crm/{v}/org (scope ZohoCRM.org.READ) answers
 * {"org":[{"id":"…","company_name":"…","time_zone":"Europe/Berlin","license_details":{"paid_type":"enterprise",…},…}]}.
 * The app needs the org's time zone (what the `org` time-zone setting means) and its edition (how
 * many calls Zoho lets it make at once: docs/zoho-api.md, "Editions and concurrency").
 */
import { z } from 'zod';
import type { ZohoClient } from './client.js';
import { ZohoMalformedResponseError } from './errors.js';
import { zohoIdSchema } from './models.js';

export interface ZohoOrganization {
  id: string;
  companyName: string | null;
  /** Exactly as Zoho sent it: usually an IANA id (Europe/Berlin), in old orgs sometimes an abbreviation (IST). */
  timeZone: string;
  /** license_details.paid_type exactly as Zoho sent it ("enterprise", "free", …); null when absent. */
  paidType: string | null;
}

/** Zoho CRM editions with a documented concurrent-call limit. */
export type ZohoEdition = 'free' | 'standard' | 'professional' | 'enterprise' | 'ultimate';

/**
 * Concurrent API calls per org per app, by edition (zoho.com/crm/developer/docs/api/v8/api-limits.html,
 * "Concurrency limit"; limits-and-tokens.md). Going over answers 429 TOO_MANY_REQUESTS.
 */
export const EDITION_CONCURRENCY: Readonly<Record<ZohoEdition, number>> = { free: 5, standard: 10, professional: 15, enterprise: 20, ultimate: 25 };

/** When the edition is unknown: Standard's limit, the most common paid edition; the window adapts down on 429 anyway. */
export const UNKNOWN_EDITION_CONCURRENCY = EDITION_CONCURRENCY.standard;

/**
 * paid_type names as Zoho's sample answers spell them ("free", "enterprise"), plus the bundles the
 * limits page groups with an edition (Starter with Standard, Zoho One with Enterprise, CRM Plus with Ultimate).
 */
const PAID_TYPE_EDITIONS: Readonly<Record<string, ZohoEdition>> = {
  free: 'free',
  standard: 'standard',
  starter: 'standard',
  professional: 'professional',
  enterprise: 'enterprise',
  zohoone: 'enterprise',
  ultimate: 'ultimate',
  crmplus: 'ultimate',
};

/** The edition a paid_type names, or null for one the limits page does not list (then the caller assumes Standard). */
export function editionOf(paidType: string | null | undefined): ZohoEdition | null {
  if (paidType === null || paidType === undefined) return null;
  return PAID_TYPE_EDITIONS[paidType.toLowerCase().replace(/[\s_-]+/g, '')] ?? null;
}

/** The concurrency a sync starts with for an org of this edition. */
export function editionConcurrency(edition: ZohoEdition | null | undefined): number {
  return edition === null || edition === undefined ? UNKNOWN_EDITION_CONCURRENCY : EDITION_CONCURRENCY[edition];
}

const orgSchema = z.object({
  org: z
    .array(
      z
        .object({
          // A string or a bare JSON number (a LosslessNumber from the body parser), kept as its exact digits.
          id: zohoIdSchema,
          company_name: z.string().nullable().optional(),
          time_zone: z.string().min(1),
          // Optional: an org answer without it still gives the zone; the edition is then unknown.
          license_details: z.object({ paid_type: z.string().nullable().optional() }).passthrough().nullable().optional(),
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
  return { id: org.id, companyName: org.company_name ?? null, timeZone: org.time_zone, paidType: org.license_details?.paid_type ?? null };
}
