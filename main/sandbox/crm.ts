/**
 * The Zoho CRM half of the sandbox: the record timeline (timeline-api.md), users and record listings.
 * Authentication, limits, faults and latency are applied by server.ts before these handlers run.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { crmError, exactJson, idsAsNumbers, json, type SandboxResponse } from './http-util.js';
import { RECORD_MODULES, SAMPLE_INFO, SAMPLE_RECORD, TIMELINE_MODULES, USERS, type RecordHistory, type SandboxDataset, type SandboxUser, type StoredEvent, type TimelineEvent } from './dataset.js';
import { FilterError, looksUnencoded, matchesFilter, parseTimelineFilter, type TimelineFilter } from './filters.js';
import { SANDBOX_USER } from './accounts.js';
import { modulesMetadata } from './modules-metadata.js';
import type { SandboxEdition } from './types.js';

/** timeline-api.md, include_inner_details: the six documented values. */
export const INNER_DETAILS = ['field_history.data_type', 'field_history.field_label', 'field_history.pick_list_values', 'field_history.enable_colour_code', 'done_by.profile', 'done_by.type__s'] as const;
const INCLUDE_VALUES = ['extension', 'type'];
const TIMELINE_TYPES = ['signals'];
const MAX_PER_PAGE = 200;
/** Zoho v3+ records API: page/per_page reach at most 2000 records; beyond that page_token is required. */
const DISCRETE_PAGINATION_LIMIT = 2000;
const PAGE_TOKEN_LIFETIME_MS = 24 * 3600_000;

/** The sandbox org's zone unless configured: one with daylight saving. */
export const DEFAULT_ORG_TIME_ZONE = 'Europe/Berlin';

const SUPPORTED_VERSIONS = ['v2', 'v2.1', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8'];

export interface CrmRequest {
  version: string;
  /** Path segments after /crm/{version}/. */
  segments: string[];
  query: URLSearchParams;
  /** The raw query string (no leading ?), still percent-encoded, for the `filters` encoding check. */
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  scopes: string[];
  now: number;
}

const invalidData = (details: Record<string, unknown>, message = 'the given data is invalid'): SandboxResponse => crmError(400, 'INVALID_DATA', message, details);

function canonicalModule(name: string): string | undefined {
  return TIMELINE_MODULES.find((module) => module.toLowerCase() === name.toLowerCase());
}

/** Scope grammar from Zoho's OAuth scopes page: ZohoCRM.modules.{ALL|READ} or ZohoCRM.modules.{module}.{ALL|READ}; case-insensitive. */
export function scopeAllowsModule(scopes: string[], module: string): boolean {
  const wanted = new Set(['zohocrm.modules.all', 'zohocrm.modules.read', `zohocrm.modules.${module.toLowerCase()}.all`, `zohocrm.modules.${module.toLowerCase()}.read`]);
  return scopes.some((scope) => wanted.has(scope.toLowerCase()));
}

function scopeAllowsUsers(scopes: string[]): boolean {
  const wanted = new Set(['zohocrm.users.all', 'zohocrm.users.read']);
  return scopes.some((scope) => wanted.has(scope.toLowerCase()));
}

const scopeMismatch = (): SandboxResponse => crmError(401, 'OAUTH_SCOPE_MISMATCH', 'invalid oauth scope to access this URL');

function parsePerPage(raw: string | null): number | 'invalid' {
  if (raw === null) return MAX_PER_PAGE;
  if (!/^\d+$/.test(raw)) return 'invalid';
  const value = Number(raw);
  return value >= 1 && value <= MAX_PER_PAGE ? value : 'invalid';
}

function commaList(raw: string | null): string[] {
  return raw === null
    ? []
    : raw
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0);
}

/** The raw (undecoded) value of a query parameter, or undefined. */
function rawParam(rawQuery: string, name: string): string | undefined {
  for (const pair of rawQuery.split('&')) {
    const equals = pair.indexOf('=');
    const key = equals < 0 ? pair : pair.slice(0, equals);
    if (key === name) return equals < 0 ? '' : pair.slice(equals + 1);
  }
  return undefined;
}

// ---- page tokens: opaque, signed, so a tampered or foreign token is INVALID_DATA ---------------

class PageTokens {
  private readonly key = randomBytes(32);

  encode(payload: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  decode(token: string): Record<string, unknown> | undefined {
    const [body, signature, extra] = token.split('.');
    if (body === undefined || signature === undefined || extra !== undefined) return undefined;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url').slice(0, 22);
  }
}

// ---- response shaping --------------------------------------------------------------------------

/**
 * Default shape: the doc says api_name and _value are in field_history "by default" and that
 * data_type, enable_colour_code and pick_list_values are "available ... when you specify the
 * include_inner_details parameter"; include_inner_details lists field_label, done_by.profile and
 * done_by.type__s the same way ("Gives the details of ..."). So each of the six appears only when asked
 * for; the sample response shows all six because the sample request asks for all six.
 */
export function shapeEvent(event: TimelineEvent, inner: ReadonlySet<string>, include: ReadonlySet<string>): Record<string, unknown> {
  const shaped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === 'done_by' && event.done_by === null) {
      shaped.done_by = null;
    } else if (key === 'done_by' && event.done_by !== null) {
      const doneBy: Record<string, unknown> = {};
      for (const [doneKey, doneValue] of Object.entries(event.done_by)) {
        if ((doneKey === 'profile' || doneKey === 'type__s') && !inner.has(`done_by.${doneKey}`)) continue;
        doneBy[doneKey] = doneValue;
      }
      shaped.done_by = doneBy;
    } else if (key === 'field_history') {
      shaped.field_history =
        event.field_history === null
          ? null
          : event.field_history.map((entry) => {
              const shapedEntry: Record<string, unknown> = {};
              for (const [entryKey, entryValue] of Object.entries(entry)) {
                if (['field_label', 'data_type', 'pick_list_values', 'enable_colour_code'].includes(entryKey) && !inner.has(`field_history.${entryKey}`)) continue;
                shapedEntry[entryKey] = entryValue;
              }
              return shapedEntry;
            });
    } else if (key === 'type' || key === 'extension') {
      if (include.has(key)) shaped[key] = value;
    } else {
      shaped[key] = value;
    }
  }
  return shaped;
}

// ---- the handlers ------------------------------------------------------------------------------

interface RecordSummary {
  id: string;
  fields: Record<string, string | null>;
  ownerId: string;
  createdBy: string;
  createdTime: string;
  modifiedTime: string;
  modifiedEpochMs: number;
}

export class SandboxCrm {
  private readonly pageTokens = new PageTokens();
  private readonly summaries = new Map<string, RecordSummary>();

  constructor(
    private readonly dataset: SandboxDataset,
    /** What GET /org reports (a knob: tests change the zone). */
    private readonly org: () => { id: string; timeZone: string; edition: SandboxEdition } = () => ({ id: SANDBOX_USER.orgId, timeZone: DEFAULT_ORG_TIME_ZONE, edition: 'standard' }),
  ) {}

  handle(request: CrmRequest): SandboxResponse {
    if (!SUPPORTED_VERSIONS.includes(request.version)) return invalidUrl();
    const [first, second, third, ...rest] = request.segments;
    if (first === undefined || rest.length > 0) return invalidUrl();
    if (first === 'users' && second === undefined) return this.users(request);
    if (first === 'org' && second === undefined) return this.organization(request);
    if (first === 'settings' && second === 'modules' && third === undefined) return this.modules(request);
    if (second === undefined) return this.listRecords(request, first);
    if (third === '__timeline') return this.timeline(request, first, second);
    return invalidUrl();
  }

  /** Every event of a record in API order, shaped as with all six inner details (or none). */
  groundTruth(module: string, recordId: string, includeInnerDetails: boolean): unknown[] {
    const history = this.dataset.history(module, recordId);
    if (history === undefined) throw new Error(`The sandbox has no record ${module}/${recordId}.`);
    const inner = new Set<string>(includeInnerDetails ? INNER_DETAILS : []);
    // A deep copy, so a caller cannot change what the server answers.
    return structuredClone(history.events.filter((event) => !event.signal).map((event) => shapeEvent(event.json, inner, new Set())));
  }

  // GET /crm/{version}/{module}/{id}/__timeline
  private timeline(request: CrmRequest, moduleName: string, recordId: string): SandboxResponse {
    const { query } = request;
    const module = canonicalModule(moduleName);
    if (module === undefined) return crmError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { resource_path_index: 0 });
    if (!scopeAllowsModule(request.scopes, module)) return scopeMismatch();
    if (!/^\d{1,19}$/.test(recordId) || !this.dataset.hasRecord(module, recordId)) {
      return invalidData({ resource_path_index: 1 }, 'the id given seems to be invalid');
    }
    if (query.has('per_page') && query.has('page_token')) {
      return crmError(400, 'AMBIGUITY_DURING_PROCESSING', 'ambiguity while processing the request', { ambiguity_due_to: ['per_page', 'page_token'] });
    }
    const sortBy = query.get('sort_by');
    if (sortBy !== null && sortBy !== 'audited_time') return invalidData({ param_name: 'sort_by', supported_values: ['audited_time'] });

    const include = commaList(query.get('include'));
    const timelineTypes = commaList(query.get('include_timeline_type'));
    if (query.has('include_timeline_type') && !query.has('include')) {
      return crmError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'include' });
    }
    if (include.some((value) => !INCLUDE_VALUES.includes(value))) return invalidData({ param_name: 'include', supported_values: INCLUDE_VALUES });
    if (timelineTypes.some((value) => !TIMELINE_TYPES.includes(value))) return invalidData({ param_name: 'include_timeline_type', supported_values: TIMELINE_TYPES });
    const inner = commaList(query.get('include_inner_details'));
    if (inner.some((value) => !(INNER_DETAILS as readonly string[]).includes(value))) {
      return invalidData({ param_name: 'include_inner_details', supported_values: [...INNER_DETAILS] });
    }

    let filterText: string | null = null;
    const rawFilters = rawParam(request.rawQuery, 'filters');
    if (rawFilters !== undefined) {
      if (looksUnencoded(rawFilters)) return invalidData({ param_name: 'filters' }, 'the filters parameter value is not encoded');
      filterText = query.get('filters');
    }

    let offset = 0;
    let perPage: number;
    let signals = timelineTypes.includes('signals');
    const pageToken = query.get('page_token');
    if (pageToken !== null) {
      const state = this.pageTokens.decode(pageToken);
      if (
        state === undefined ||
        state.kind !== 'timeline' ||
        state.module !== module ||
        state.record !== recordId ||
        typeof state.offset !== 'number' ||
        typeof state.perPage !== 'number' ||
        typeof state.expires !== 'number' ||
        state.expires <= request.now
      ) {
        return invalidData({ param_name: 'page_token' }, 'the page_token is invalid or has expired');
      }
      offset = state.offset;
      perPage = state.perPage;
      // The token carries the query it paginates (filters, timeline types); shaping params are read from each request.
      filterText = typeof state.filters === 'string' ? state.filters : null;
      signals = state.signals === true;
    } else {
      const parsed = parsePerPage(query.get('per_page'));
      if (parsed === 'invalid') return invalidData({ param_name: 'per_page', maximum_length: MAX_PER_PAGE });
      perPage = parsed;
    }

    let filter: TimelineFilter | undefined;
    if (filterText !== null) {
      try {
        filter = parseTimelineFilter(filterText);
      } catch (error) {
        if (error instanceof FilterError) return invalidData({ param_name: 'filters', reason: error.message }, 'the filters parameter is invalid');
        throw error;
      }
    }

    const history = this.dataset.history(module, recordId);
    if (history === undefined) return invalidData({ resource_path_index: 1 }, 'the id given seems to be invalid');
    const visible = history.events.filter((event: StoredEvent) => (signals || !event.signal) && (filter === undefined || matchesFilter(filter, event.json, event.time)));
    if (visible.length === 0 || offset >= visible.length) return { status: 204 };

    const innerSet = new Set(inner);
    const includeSet = new Set(include);
    const page = visible.slice(offset, offset + perPage);
    const more = offset + perPage < visible.length;
    const token = (at: number): string =>
      this.pageTokens.encode({
        kind: 'timeline',
        module,
        record: recordId,
        offset: at,
        perPage,
        filters: filterText,
        signals,
        expires: request.now + PAGE_TOKEN_LIFETIME_MS,
      });
    const isFullSample = module === SAMPLE_RECORD.module && recordId === SAMPLE_RECORD.id && offset === 0 && perPage === MAX_PER_PAGE && visible.length === history.events.length && INNER_DETAILS.every((value) => innerSet.has(value));
    const info = isFullSample
      ? SAMPLE_INFO
      : {
          per_page: perPage,
          next_page_token: more ? token(offset + perPage) : null,
          count: page.length,
          page: Math.floor(offset / perPage) + 1,
          previous_page_token: offset > 0 ? token(Math.max(0, offset - perPage)) : null,
          more_records: more,
        };
    const body = { __timeline: page.map((event) => shapeEvent(event.json, innerSet, includeSet)), info };
    return history.idsAsNumbers === true ? exactJson(200, idsAsNumbers(body)) : json(200, body);
  }

  // GET /crm/{version}/org — Zoho's "Get Organization Data" (scope ZohoCRM.org.READ/ALL); the fields
  // an auditor's sandbox needs, in the documented shape {"org":[{…}]}.
  private organization(request: CrmRequest): SandboxResponse {
    const wanted = new Set(['zohocrm.org.all', 'zohocrm.org.read']);
    if (!request.scopes.some((scope) => wanted.has(scope.toLowerCase()))) return scopeMismatch();
    const org = this.org();
    return json(200, {
      org: [
        {
          id: org.id,
          company_name: 'Zylker (sandbox)',
          domain_name: 'org700123456',
          primary_email: SANDBOX_USER.Email,
          country_code: 'DE',
          currency: 'Euro',
          iso_code: 'EUR',
          currency_locale: 'de_DE',
          time_zone: org.timeZone,
          zgid: SANDBOX_USER.orgId,
          mc_status: false,
          type: 'production',
          // Get Organization Data: license_details.paid_type names the edition (lower case, e.g. "enterprise").
          license_details: {
            paid_expiry: null,
            users_license_purchased: 10,
            trial_type: null,
            trial_expiry: null,
            paid: org.edition !== 'free',
            paid_type: org.edition,
          },
        },
      ],
    });
  }

  // GET /crm/{version}/settings/modules — "Modules Metadata" (scope ZohoCRM.settings.modules.READ, or
  // the wider ZohoCRM.settings.modules.ALL / ZohoCRM.settings.ALL).
  private modules(request: CrmRequest): SandboxResponse {
    const wanted = new Set(['zohocrm.settings.all', 'zohocrm.settings.read', 'zohocrm.settings.modules.all', 'zohocrm.settings.modules.read']);
    if (!request.scopes.some((scope) => wanted.has(scope.toLowerCase()))) return scopeMismatch();
    return json(200, modulesMetadata());
  }

  // GET /crm/{version}/users
  private users(request: CrmRequest): SandboxResponse {
    if (!scopeAllowsUsers(request.scopes)) return scopeMismatch();
    const type = request.query.get('type') ?? 'AllUsers';
    const selectors: Record<string, (user: SandboxUser) => boolean> = {
      AllUsers: () => true,
      ActiveUsers: (user) => user.status === 'active',
      DeactiveUsers: (user) => user.status === 'disabled',
      ConfirmedUsers: (user) => user.confirm,
      NotConfirmedUsers: (user) => !user.confirm,
      DeletedUsers: (user) => user.status === 'deleted',
      ActiveConfirmedUsers: (user) => user.status === 'active' && user.confirm,
      AdminUsers: (user) => user.profile.name === 'Administrator',
      ActiveConfirmedAdmins: (user) => user.profile.name === 'Administrator' && user.status === 'active' && user.confirm,
      CurrentUser: (user) => user.email === SANDBOX_USER.Email,
    };
    const selector = selectors[type];
    if (selector === undefined) return invalidData({ param_name: 'type', supported_values: Object.keys(selectors) });
    const perPage = parsePerPage(request.query.get('per_page'));
    if (perPage === 'invalid') return invalidData({ param_name: 'per_page', maximum_length: MAX_PER_PAGE });
    const pageRaw = request.query.get('page') ?? '1';
    if (!/^[1-9]\d*$/.test(pageRaw)) return invalidData({ param_name: 'page' });
    const page = Number(pageRaw);
    const selected = USERS.filter(selector);
    const slice = selected.slice((page - 1) * perPage, page * perPage);
    if (slice.length === 0) return { status: 204 };
    return json(200, {
      users: slice.map(userJson),
      info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < selected.length },
    });
  }

  // GET /crm/{version}/{module}
  private listRecords(request: CrmRequest, moduleName: string): SandboxResponse {
    const { query } = request;
    const module = canonicalModule(moduleName);
    if (module === undefined) return crmError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { resource_path_index: 0 });
    if (!scopeAllowsModule(request.scopes, module)) return scopeMismatch();
    const fields = commaList(query.get('fields'));
    const versionNumber = Number(request.version.slice(1));
    // Since v3 the fields parameter is mandatory for Get Records.
    if (versionNumber >= 3 && fields.length === 0) {
      return crmError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'fields' });
    }
    if (fields.length > 50) return invalidData({ param_name: 'fields', maximum_length: 50 });
    const sortBy = query.get('sort_by') ?? 'id';
    if (!['id', 'Created_Time', 'Modified_Time'].includes(sortBy)) return invalidData({ param_name: 'sort_by', supported_values: ['id', 'Created_Time', 'Modified_Time'] });
    const sortOrder = query.get('sort_order') ?? 'desc';
    if (sortOrder !== 'asc' && sortOrder !== 'desc') return invalidData({ param_name: 'sort_order', supported_values: ['asc', 'desc'] });

    let since: number | undefined;
    const ifModifiedSince = request.headers['if-modified-since'];
    if (typeof ifModifiedSince === 'string') {
      since = Date.parse(ifModifiedSince);
      if (Number.isNaN(since)) return invalidData({ header_name: 'If-Modified-Since' });
    }

    let offset: number;
    let perPage: number;
    const pageToken = query.get('page_token');
    if (pageToken !== null) {
      const state = this.pageTokens.decode(pageToken);
      if (state === undefined || state.kind !== 'records' || state.module !== module || typeof state.offset !== 'number' || typeof state.perPage !== 'number' || typeof state.expires !== 'number' || state.expires <= request.now) {
        return invalidData({ param_name: 'page_token' }, 'the page_token is invalid or has expired');
      }
      offset = state.offset;
      perPage = state.perPage;
    } else {
      const parsed = parsePerPage(query.get('per_page'));
      if (parsed === 'invalid') return invalidData({ param_name: 'per_page', maximum_length: MAX_PER_PAGE });
      perPage = parsed;
      const pageRaw = query.get('page') ?? '1';
      if (!/^[1-9]\d*$/.test(pageRaw)) return invalidData({ param_name: 'page' });
      offset = (Number(pageRaw) - 1) * perPage;
      if (versionNumber >= 3 && offset + perPage > DISCRETE_PAGINATION_LIMIT) {
        return crmError(400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', 'cannot fetch more than 2000 records. Use page_token to fetch more records', {});
      }
    }

    let summaries = (RECORD_MODULES as readonly string[]).includes(module) ? this.dataset.listRecordIds(module).map((id) => this.summary(module, id)) : [];
    if (since !== undefined) {
      const threshold = since;
      summaries = summaries.filter((summary) => summary.modifiedEpochMs > threshold);
      if (summaries.length === 0) return { status: 304 };
    }
    const key = (summary: RecordSummary): string | bigint => (sortBy === 'id' ? BigInt(summary.id) : String(sortBy === 'Created_Time' ? Date.parse(summary.createdTime) : summary.modifiedEpochMs).padStart(16, '0'));
    summaries.sort((a, b) => {
      const left = key(a);
      const right = key(b);
      const order = left < right ? -1 : left > right ? 1 : 0;
      return sortOrder === 'asc' ? order : -order;
    });
    const slice = summaries.slice(offset, offset + perPage);
    if (slice.length === 0) return { status: 204 };
    const more = offset + perPage < summaries.length;
    const expires = request.now + PAGE_TOKEN_LIFETIME_MS;
    const token = (at: number): string => this.pageTokens.encode({ kind: 'records', module, offset: at, perPage, expires });
    const wanted = fields.length > 0 ? fields : ['Owner', 'Created_Time', 'Modified_Time', ...Object.keys(slice[0]?.fields ?? {})];
    return json(200, {
      data: slice.map((summary) => recordJson(summary, wanted)),
      info: {
        per_page: perPage,
        next_page_token: more ? token(offset + perPage) : null,
        count: slice.length,
        sort_by: sortBy,
        page: Math.floor(offset / perPage) + 1,
        previous_page_token: offset > 0 ? token(Math.max(0, offset - perPage)) : null,
        page_token_expiry: more ? `${new Date(expires).toISOString().slice(0, 19)}+00:00` : null,
        sort_order: sortOrder,
        more_records: more,
      },
    });
  }

  private summary(module: string, id: string): RecordSummary {
    const cached = this.summaries.get(id);
    if (cached !== undefined) return cached;
    const history = this.dataset.history(module, id) as RecordHistory;
    const summary: RecordSummary = {
      id,
      fields: history.fields,
      ownerId: history.ownerId,
      createdBy: history.createdBy,
      createdTime: history.createdTime,
      modifiedTime: history.modifiedTime,
      modifiedEpochMs: history.modifiedEpochMs,
    };
    this.summaries.set(id, summary);
    return summary;
  }
}

function invalidUrl(): SandboxResponse {
  return crmError(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
}

function userRef(id: string): { name: string; id: string; email: string } {
  const found = USERS.find((candidate) => candidate.id === id) ?? USERS[0];
  return { name: found?.full_name ?? '', id, email: found?.email ?? '' };
}

function recordJson(summary: RecordSummary, fields: string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const name of fields) {
    if (name === 'id') continue;
    if (name === 'Owner') record.Owner = userRef(summary.ownerId);
    else if (name === 'Created_By') record.Created_By = userRef(summary.createdBy);
    else if (name === 'Modified_By') record.Modified_By = userRef(summary.ownerId);
    else if (name === 'Created_Time') record.Created_Time = summary.createdTime;
    else if (name === 'Modified_Time') record.Modified_Time = summary.modifiedTime;
    else if (Object.hasOwn(summary.fields, name)) record[name] = summary.fields[name] ?? null;
    // Unknown field names are left out rather than rejected.
  }
  record.id = summary.id;
  return record;
}

function userJson(user: SandboxUser): Record<string, unknown> {
  return {
    country: null,
    role: { ...user.role },
    city: null,
    language: 'en_US',
    locale: 'en_US',
    Modified_By: { name: USERS[0]?.full_name ?? '', id: USERS[0]?.id ?? '' },
    street: null,
    alias: null,
    id: user.id,
    first_name: user.first_name,
    last_name: user.last_name,
    full_name: user.full_name,
    email: user.email,
    profile: { ...user.profile },
    status: user.status,
    confirm: user.confirm,
    time_zone: 'Pacific/Midway',
    created_time: user.created_time,
    Modified_Time: user.created_time,
  };
}
