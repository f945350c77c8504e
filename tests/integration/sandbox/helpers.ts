import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../../../main/core/clock.js';
import { SAMPLE_TIMELINE_RESPONSE } from '../../../main/sandbox/data/sample-timeline.js';

/** A clock tests move by hand: token expiry and rate windows without waiting. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 15, 12, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
}

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Where Zoho's timeline API reference may be: `shared/zoho/timeline-api.md` beside the repository
 * (../shared/zoho/), or beside a folder further up (a git worktree sits one level deeper).
 */
export const TIMELINE_DOC_CANDIDATES: readonly string[] = (() => {
  const candidates: string[] = [];
  for (let folder = resolve(REPO_ROOT, '..'); ; folder = dirname(folder)) {
    candidates.push(join(folder, 'shared', 'zoho', 'timeline-api.md'));
    if (dirname(folder) === folder) return candidates;
  }
})();

/** The reference, or undefined when it is not beside the repository. */
export const TIMELINE_DOC: string | undefined = TIMELINE_DOC_CANDIDATES.find((candidate) => existsSync(candidate));

/** The doc's sample response, parsed fresh from timeline-api.md when it is there, else the stored copy. */
export function docSampleResponse(): unknown {
  if (TIMELINE_DOC === undefined) return structuredClone(SAMPLE_TIMELINE_RESPONSE);
  const text = readFileSync(TIMELINE_DOC, 'utf8');
  const marker = text.indexOf('Sample Response');
  const start = text.indexOf('{', marker);
  if (marker < 0 || start < 0) throw new Error('timeline-api.md has no "Sample Response" JSON');
  return JSON.parse(text.slice(start)) as unknown;
}

export const ALL_INNER_DETAILS = 'field_history.data_type,field_history.field_label,field_history.pick_list_values,field_history.enable_colour_code,done_by.profile,done_by.type__s';

export function auth(accessToken: string): Record<string, string> {
  return { Authorization: `Zoho-oauthtoken ${accessToken}` };
}

export interface TimelinePage {
  __timeline: Array<Record<string, unknown>>;
  info: { per_page: number; next_page_token: string | null; count: number; page: number; previous_page_token: string | null; more_records: boolean };
}

export interface ZohoErrorBody {
  code: string;
  details: Record<string, unknown>;
  message: string;
  status: string;
}

/** A form-encoded POST, as OAuth clients send to the token endpoint. */
export function postForm(url: string, params: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params) });
}
