import { AuditorError } from '../core/errors.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { AccessToken, TokenProvider } from './token-provider.js';
import { ZohoApiError, ZohoCancelledError, ZohoInvalidDataError, ZohoInvalidRequestError, ZohoMalformedResponseError, type InvalidDataReason } from './errors.js';
import { encodeTimelineFilter, type TimelineFilter } from './filters.js';
import { exactJsonText, parseZohoBody } from './json-body.js';
import { parseListPage, parseTimelinePage, zohoRecordSchema, zohoUserSchema, type ListPage, type TimelineEntry, type TimelinePage, type ZohoRecord, type ZohoUser } from './models.js';
import { assertModuleApiName, assertRecordId, readScopeForModule } from './modules.js';

/** Current Zoho CRM REST API version (zoho.com/crm/developer/docs/api/v8/). */
export const DEFAULT_API_VERSION = 'v8';

/** The six documented values of include_inner_details. */
export const INNER_DETAILS = ['field_history.data_type', 'field_history.field_label', 'field_history.pick_list_values', 'field_history.enable_colour_code', 'done_by.profile', 'done_by.type__s'] as const;
export type InnerDetail = (typeof INNER_DETAILS)[number];

export const TIMELINE_INCLUDE_VALUES = ['extension', 'type'] as const;
export type TimelineIncludeValue = (typeof TIMELINE_INCLUDE_VALUES)[number];

/** Maximum per_page the timeline and list APIs accept. */
export const MAX_PER_PAGE = 200;

export interface TimelineOptions {
  /** First page only (the doc forbids per_page together with page_token). 1–200. */
  perPage?: number;
  /** true = all six documented inner details; or a chosen subset. */
  includeInnerDetails?: boolean | readonly InnerDetail[];
  /** Signals entries: include_timeline_type=signals. Requires `include`. */
  includeTimelineType?: 'signals';
  /** Mandatory with includeTimelineType (doc). */
  include?: readonly TimelineIncludeValue[];
  /** The only sort the doc shows. */
  sortBy?: 'audited_time';
  filters?: TimelineFilter;
  signal?: AbortSignal;
}

export interface TimelinePageRequest extends TimelineOptions {
  /** next_page_token / previous_page_token of a previous page. */
  pageToken?: string;
}

export interface TimelineFetchResult {
  module: string;
  recordId: string;
  /** Every event exactly once, in the order Zoho returned them. */
  entries: TimelineEntry[];
  pages: number;
  /** Events Zoho repeated verbatim on a later page (dropped, counted for the audit log). */
  duplicatesDropped: number;
}

export type UserType = 'AllUsers' | 'ActiveUsers' | 'DeactiveUsers' | 'ConfirmedUsers' | 'NotConfirmedUsers' | 'DeletedUsers' | 'ActiveConfirmedUsers' | 'AdminUsers' | 'ActiveConfirmedAdmins' | 'CurrentUser';

export interface RetryPolicy {
  /** Total tries for one request on transient failures (429, 5xx, network: refused, DNS, TLS, reset, timeout). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails with ZOHO_RATE_LIMITED at once. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

/**
 * An unreadable 200 (broken JSON, an HTML page from a proxy or a login wall) is tried once more, then
 * the record fails with ZOHO_MALFORMED_RESPONSE: retrying garbage for half a minute helps nobody, and
 * one retry covers a body damaged once on its way.
 */
export const MALFORMED_RESPONSE_RETRIES = 1;

/** Zoho's answer header with the organisation's API credits left in the current 24 h window (api-limits.html). */
export const CREDITS_REMAINING_HEADER = 'x-api-credits-remaining';

/** How one attempt (one HTTP request to Zoho) ended, as a RequestGate is told. */
export type AttemptResult =
  /** Zoho answered 2xx/204 with a readable body. */
  (
    | { kind: 'ok' }
    /** Zoho answered 429; `retryAfterMs` when it said how long to wait. */
    | { kind: 'rate-limited'; retryAfterMs: number | undefined }
    /** Anything else: 5xx, 4xx, 401, a network failure, an unreadable body, or the attempt was cancelled. */
    | { kind: 'error' }
  ) & {
    /** X-API-CREDITS-REMAINING of the answer, when Zoho sent one (absent when it did not, or there was no answer). */
    creditsRemaining?: number;
  };

/** A gate's permission for one attempt; released exactly once with how the attempt ended. */
export interface RequestTicket {
  release(result: AttemptResult): void;
}

/**
 * Admits every attempt, first tries and retries alike: `acquire` before the request is sent (it may
 * wait, or throw to refuse), `release` when its answer is known, before any backoff. The sync engine
 * passes its adaptive concurrency window (and credit budget) as a gate, so it sees every 429.
 */
export interface RequestGate {
  acquire(signal: AbortSignal | undefined): Promise<RequestTicket>;
}

export interface ZohoClientOptions {
  tokenProvider: TokenProvider;
  fetch?: typeof fetch;
  clock?: Clock;
  apiVersion?: string;
  retry?: Partial<RetryPolicy>;
  /** Admits each attempt; none = every attempt goes out at once. */
  requestGate?: RequestGate;
  /** Source of jitter in [0, 1); injectable for deterministic tests. */
  random?: () => number;
  /**
   * Longest one attempt may take, from sending the request to the last byte of the answer; then it is a
   * network failure (retried, then ZOHO_NETWORK_ERROR). Default DEFAULT_ATTEMPT_TIMEOUT_MS.
   */
  attemptTimeoutMs?: number;
}

/**
 * Zoho documents no response time; without a limit of our own a server that accepts the connection and
 * never answers would hold a request for undici's defaults (300 s for the headers, 300 s between body
 * chunks). One minute is far beyond a normal timeline page (a 200-event page is well under a second)
 * and short enough that a stalled connection is called what it is: the network, not Zoho's data.
 * Measured on the wall clock, not the injected Clock: it bounds real sockets, not simulated time.
 */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 60_000;

/** Why an attempt was aborted when it ran past attemptTimeoutMs (the cause of its ZOHO_NETWORK_ERROR). */
export class AttemptTimeoutError extends Error {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(`no complete answer within ${timeoutMs / 1000} s`);
    this.name = 'AttemptTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

interface CallContext {
  /** For messages: "the timeline of Leads/554023000001122039 (page 2)". */
  what: string;
  /** The scope a person must grant if Zoho answers OAUTH_SCOPE_MISMATCH. */
  scope: string;
  signal: AbortSignal | undefined;
}

interface RawResponse {
  status: number;
  body: unknown;
  /** The body as received ('' for 204): the source the evidence text of each event is cut from. */
  text: string;
}

type TransientKind = 'rate-limited' | 'server' | 'network';

/** What an unreadable 2xx looked like, for the message and the record's stored reason. */
interface MalformedBody {
  status: number;
  contentType: string | null;
  /** Why it could not be read, e.g. "Unexpected end of JSON input" or "an HTML page". */
  problem: string;
  /** The first characters of the body (for the report; never stored as evidence). */
  start: string;
  length: number;
}

interface ZohoErrorBody {
  code: string | undefined;
  message: string | undefined;
  details: Record<string, unknown> | undefined;
}

function readErrorBody(text: string): ZohoErrorBody {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      // Zoho answers {"code","details","message","status"}, sometimes wrapped in {"data":[…]}.
      const object = parsed as Record<string, unknown>;
      const source = Array.isArray(object['data']) && typeof object['data'][0] === 'object' && object['data'][0] !== null ? (object['data'][0] as Record<string, unknown>) : object;
      const details = source['details'];
      return {
        code: typeof source['code'] === 'string' ? source['code'] : undefined,
        message: typeof source['message'] === 'string' ? source['message'] : undefined,
        details: typeof details === 'object' && details !== null && !Array.isArray(details) ? (details as Record<string, unknown>) : undefined,
      };
    }
  } catch {
    // not JSON: fall through
  }
  return { code: undefined, message: undefined, details: undefined };
}

/** Milliseconds to wait from Retry-After (seconds or HTTP date) or X-RateLimit-Reset, if Zoho sent one. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  // Older Zoho CRM API versions documented X-RATELIMIT-RESET as the epoch milliseconds when the window resets.
  const reset = headers.get('x-ratelimit-reset');
  if (reset !== null && reset.trim() !== '') {
    const value = Number(reset);
    if (Number.isFinite(value) && value >= 0) {
      if (value > 1e12) return Math.max(0, value - now); // epoch ms
      if (value > 1e9) return Math.max(0, value * 1000 - now); // epoch s
      return value * 1000; // seconds from now
    }
  }
  return undefined;
}

function classifyInvalidData(body: ZohoErrorBody): InvalidDataReason {
  const message = (body.message ?? '').toLowerCase();
  const details = body.details ?? {};
  const paramName = typeof details['param_name'] === 'string' ? details['param_name'].toLowerCase() : '';
  const apiName = typeof details['api_name'] === 'string' ? details['api_name'].toLowerCase() : '';
  if (message.includes('encod')) return 'filter-encoding';
  if (paramName === 'filters' || apiName === 'filters' || message.includes('filter') || message.includes('comparator')) return 'filter';
  if (details['resource_path_index'] === 0) return 'module';
  if ('resource_path_index' in details || message.includes('id given') || message.includes('record id') || message.includes('invalid id')) return 'record-id';
  if (message.includes('module')) return 'module';
  if (paramName !== '' || apiName !== '') return 'parameter';
  return 'unknown';
}

const INVALID_DATA_TEXT: Record<InvalidDataReason, { message: string; hint: string }> = {
  filter: {
    message: 'Zoho did not accept the timeline filter (a field, comparator or value it does not allow).',
    hint: 'Filter only by record.module.api_name, done_by.id, source (equal/in) or audited_time (between), with the documented values.',
  },
  'filter-encoding': {
    message: 'Zoho could not read the timeline filter because it was not encoded.',
    hint: 'This is a bug in Timeline Auditor (filters are always encoded before sending); please report it.',
  },
  'record-id': {
    message: 'Zoho says the record id is not valid.',
    hint: "Check the record id (the digits at the end of the record's address in Zoho CRM) and that the record still exists in this module.",
  },
  module: {
    message: 'Zoho does not know this module, or the timeline is not available for it.',
    hint: "Check the module's API name in Zoho CRM (Setup → Developer Hub → APIs → API names).",
  },
  parameter: {
    message: "Zoho did not accept one of the request's parameters.",
    hint: 'Check the options used for this fetch; if they look right, report this message.',
  },
  unknown: {
    message: 'Zoho did not accept the request (INVALID_DATA).',
    hint: 'Check the module, record id and filter; if they look right, report this message.',
  },
};

/**
 * Zoho CRM REST client for what an auditor needs: record timelines, users, record lists.
 * Holds the one retry policy of the app: transient failures (isTransientZohoError) are retried with
 * exponential backoff and full jitter, never sooner than Retry-After, every attempt through the
 * request gate if one is given. Refreshes a rejected token once per request, and validates every
 * answer before handing it on.
 */
export class ZohoClient {
  private readonly options: ZohoClientOptions;
  private readonly tokenProvider: TokenProvider;
  private readonly fetchImpl: typeof fetch;
  private readonly clock: Clock;
  readonly apiVersion: string;
  /** The retry policy in force (defaults merged with the options). */
  readonly retry: Readonly<RetryPolicy>;
  private readonly gate: RequestGate | undefined;
  private readonly random: () => number;
  private readonly attemptTimeoutMs: number;

  constructor(options: ZohoClientOptions) {
    this.options = options;
    this.tokenProvider = options.tokenProvider;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.clock = options.clock ?? systemClock;
    this.apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
    if (!/^v[0-9]+(\.[0-9]+)?$/.test(this.apiVersion)) {
      throw new ZohoInvalidRequestError(`"${this.apiVersion}" is not a Zoho CRM API version.`, 'Use a version such as v8.');
    }
    const retry = { ...DEFAULT_RETRY, ...options.retry };
    if (!(retry.maxAttempts >= 1)) retry.maxAttempts = 1;
    this.retry = retry;
    this.gate = options.requestGate;
    this.random = options.random ?? Math.random;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    if (!(this.attemptTimeoutMs > 0)) throw new ZohoInvalidRequestError(`An attempt timeout of ${this.attemptTimeoutMs} ms is not allowed.`, 'Use a positive number of milliseconds.');
  }

  /**
   * The same client (token, transport, clock) with a request gate and/or retry settings of its own;
   * `retry` is merged over this client's policy. The sync engine makes one per run.
   */
  withPolicy(overrides: { requestGate?: RequestGate; retry?: Partial<RetryPolicy> }): ZohoClient {
    return new ZohoClient({
      ...this.options,
      retry: { ...this.retry, ...overrides.retry },
      ...(overrides.requestGate === undefined ? {} : { requestGate: overrides.requestGate }),
    });
  }

  // ---------------------------------------------------------------- timeline

  /** One page of GET /crm/{v}/{module}/{id}/__timeline. 204 NO_CONTENT → no entries, info null. */
  async getTimelinePage(module: string, recordId: string, request: TimelinePageRequest = {}): Promise<TimelinePage> {
    const query = buildTimelineQuery(module, recordId, request);
    const what = `the timeline of ${module}/${recordId}${request.pageToken === undefined ? '' : ' (a later page)'}`;
    const response = await this.call([module, recordId, '__timeline'], query, { what, scope: readScopeForModule(module), signal: request.signal });
    if (response.status === 204) return { entries: [], info: null };
    return parseTimelinePage(response.body, `${module}/${recordId}`, response.text);
  }

  /** Every page in order, following next_page_token; stops with ZOHO_PAGINATION_LOOP if a token repeats. */
  async *iterateTimelinePages(module: string, recordId: string, options: TimelineOptions = {}): AsyncGenerator<TimelinePage, void, undefined> {
    // Validate everything before the first request is sent.
    buildTimelineQuery(module, recordId, options);
    const seenTokens = new Set<string>();
    let pageToken: string | undefined;
    for (;;) {
      // per_page is for the first page only (doc); later pages carry just the token.
      const page = await this.getTimelinePage(module, recordId, pageToken === undefined ? options : { ...options, perPage: undefined, pageToken });
      yield page;
      const next = page.info?.more_records === true ? page.info.next_page_token : null;
      if (next === null) return;
      if (seenTokens.has(next)) {
        throw new ZohoApiError('ZOHO_PAGINATION_LOOP', `Zoho sent the same page of the timeline of ${module}/${recordId} twice, so the timeline cannot be read completely.`, {
          hint: 'Nothing partial was kept. Try again later; if it persists, report it to Zoho support with this record id.',
          details: { module, recordId, pageToken: next },
        });
      }
      seenTokens.add(next);
      pageToken = next;
    }
  }

  /** The whole timeline, each event once, in API order. */
  async fetchTimeline(module: string, recordId: string, options: TimelineOptions = {}): Promise<TimelineFetchResult> {
    const entries: TimelineEntry[] = [];
    const seen = new Map<string, string>();
    let pages = 0;
    let duplicatesDropped = 0;
    for await (const page of this.iterateTimelinePages(module, recordId, options)) {
      pages += 1;
      for (const entry of page.entries) {
        const serialized = entry.rawText ?? JSON.stringify(entry.raw);
        const earlier = seen.get(entry.event.id);
        if (earlier !== undefined) {
          // The same event may come back with other spacing or escapes: only a different value is inconsistent.
          if (earlier !== serialized && exactJsonText(parseZohoBody(earlier)) !== exactJsonText(parseZohoBody(serialized))) {
            throw new ZohoApiError('ZOHO_INCONSISTENT_DATA', `Zoho returned two different versions of timeline event ${entry.event.id} for ${module}/${recordId}.`, {
              hint: 'The timeline changed while it was being read, or Zoho answered inconsistently. Fetch it again.',
              details: { module, recordId, eventId: entry.event.id },
            });
          }
          duplicatesDropped += 1;
          continue;
        }
        seen.set(entry.event.id, serialized);
        entries.push(entry);
      }
    }
    return { module, recordId, entries, pages, duplicatesDropped };
  }

  // ---------------------------------------------------------------- users

  /** GET /crm/{v}/users, page by page (page/per_page). */
  async *iterateUsers(options: { type?: UserType; perPage?: number; signal?: AbortSignal } = {}): AsyncGenerator<ListPage<ZohoUser>, void, undefined> {
    const perPage = checkPerPage(options.perPage);
    for (let page = 1; ; page += 1) {
      const params: string[] = [];
      if (options.type !== undefined) params.push(`type=${encodeURIComponent(options.type)}`);
      params.push(`page=${page}`);
      if (perPage !== undefined) params.push(`per_page=${perPage}`);
      const response = await this.call(['users'], params.join('&'), { what: `the list of users (page ${page})`, scope: 'ZohoCRM.users.READ', signal: options.signal });
      if (response.status === 204) return;
      const parsed = parseListPage(response.body, 'users', zohoUserSchema, `the list of users, page ${page}`);
      yield parsed;
      if (parsed.info?.more_records !== true) return;
      if (parsed.items.length === 0) {
        throw new ZohoMalformedResponseError(`the list of users, page ${page}`, 'info.more_records', 'Zoho says there are more users but sent an empty page');
      }
    }
  }

  async listUsers(options: { type?: UserType; signal?: AbortSignal } = {}): Promise<ZohoUser[]> {
    const users: ZohoUser[] = [];
    for await (const page of this.iterateUsers(options)) users.push(...page.items);
    return users;
  }

  // ---------------------------------------------------------------- records

  /**
   * GET /crm/{v}/{module}?fields=… page by page. `fields` is mandatory for listing (max 50, doc).
   * Uses page=N, switching to page_token whenever Zoho offers one (needed past 2,000 records).
   */
  async *iterateRecords(module: string, options: { fields: readonly string[]; perPage?: number; signal?: AbortSignal }): AsyncGenerator<ListPage<ZohoRecord>, void, undefined> {
    assertModuleApiName(module);
    if (options.fields.length === 0 || options.fields.length > 50) {
      throw new ZohoInvalidRequestError('Listing records needs between 1 and 50 field API names.', 'Pass the fields to show, e.g. Last_Name,Email.');
    }
    for (const field of options.fields) {
      if (!/^[A-Za-z$][A-Za-z0-9_$]{0,99}$/.test(field)) {
        throw new ZohoInvalidRequestError(`"${field}" is not a Zoho field API name.`, 'Use field API names (letters, digits, underscores), e.g. Last_Name.');
      }
    }
    const perPage = checkPerPage(options.perPage);
    const seenTokens = new Set<string>();
    let page = 1;
    let pageToken: string | undefined;
    for (;;) {
      const params = [`fields=${options.fields.map(encodeURIComponent).join(',')}`];
      if (pageToken !== undefined) params.push(`page_token=${encodeURIComponent(pageToken)}`);
      else params.push(`page=${page}`);
      if (perPage !== undefined) params.push(`per_page=${perPage}`);
      const what = `the list of ${module} records (page ${page})`;
      const response = await this.call([module], params.join('&'), { what, scope: readScopeForModule(module), signal: options.signal });
      if (response.status === 204) return;
      const parsed = parseListPage(response.body, 'data', zohoRecordSchema, what);
      yield parsed;
      if (parsed.info?.more_records !== true) return;
      if (parsed.items.length === 0) {
        throw new ZohoMalformedResponseError(what, 'info.more_records', 'Zoho says there are more records but sent an empty page');
      }
      const token = parsed.info.next_page_token;
      if (typeof token === 'string' && token !== '') {
        if (seenTokens.has(token)) {
          throw new ZohoApiError('ZOHO_PAGINATION_LOOP', `Zoho sent the same page of ${module} records twice.`, { hint: 'Try again later.', details: { module, pageToken: token } });
        }
        seenTokens.add(token);
        pageToken = token;
      } else {
        pageToken = undefined;
      }
      page += 1;
    }
  }

  async listRecords(module: string, options: { fields: readonly string[]; signal?: AbortSignal }): Promise<ZohoRecord[]> {
    const records: ZohoRecord[] = [];
    for await (const page of this.iterateRecords(module, options)) records.push(...page.items);
    return records;
  }

  // ---------------------------------------------------------------- generic

  /**
   * GET /crm/{v}/{pathSegments…} with the client's token handling, retries and errors; the body is
   * returned unvalidated (null for 204) for a caller that validates it (e.g. zoho/organization.ts).
   */
  async getJson(pathSegments: readonly string[], options: { what: string; scope: string; signal?: AbortSignal }): Promise<{ status: number; body: unknown }> {
    return this.call(pathSegments, '', { what: options.what, scope: options.scope, signal: options.signal });
  }

  // ---------------------------------------------------------------- transport

  private async call(pathSegments: readonly string[], query: string, context: CallContext): Promise<RawResponse> {
    const { signal } = context;
    const guard = async <T>(work: () => Promise<T>): Promise<T> => {
      if (signal?.aborted) throw new ZohoCancelledError(signal.reason);
      try {
        return await work();
      } catch (error) {
        if (signal?.aborted) throw error instanceof ZohoCancelledError ? error : new ZohoCancelledError(signal.reason);
        throw error;
      }
    };

    let token: AccessToken = await guard(() => this.tokenProvider.getToken(signal));
    let refreshed = false;
    let failures = 0;
    let malformed = 0;

    for (;;) {
      const url = buildUrl(token.apiDomain, this.apiVersion, pathSegments, query);
      const outcome = await guard(() => this.gatedAttempt(url, token.accessToken, signal));

      if (outcome.kind === 'ok') return outcome.response;

      if (outcome.kind === 'token-rejected') {
        if (refreshed) {
          throw new ZohoApiError('ZOHO_TOKEN_REJECTED', `Zoho rejected the sign-in for ${context.what}, even after it was renewed.`, {
            hint: 'Sign in to Zoho again. If it keeps happening, the connection may have been revoked in Zoho Accounts.',
            httpStatus: 401,
            ...(outcome.zohoCode === undefined ? {} : { zohoCode: outcome.zohoCode }),
          });
        }
        refreshed = true;
        token = await guard(() => this.tokenProvider.refreshAfterRejection(token.accessToken, signal));
        continue;
      }

      failures += 1;
      if (outcome.kind === 'malformed') {
        // Not a network failure and not worth a long backoff: one more try, then the record fails, named so.
        malformed += 1;
        if (malformed > MALFORMED_RESPONSE_RETRIES || failures >= this.retry.maxAttempts) throw malformedError(outcome.body, context, failures);
        await guard(() => this.clock.sleep(Math.floor(this.random() * this.retry.baseDelayMs), signal));
        continue;
      }
      const waitHint = outcome.kind === 'transient' ? outcome.retryAfterMs : undefined;
      const error = outcome.kind === 'fatal' ? this.fatalError(outcome, context) : this.transientError(outcome, context, failures, waitHint);
      // The one retry policy: transient failures only, at most maxAttempts tries, never a Retry-After we will not wait out.
      if (!isTransientZohoError(error)) throw error;
      if (waitHint !== undefined && waitHint > this.retry.maxRetryAfterMs) throw error;
      if (failures >= this.retry.maxAttempts) throw error;
      // Exponential backoff with full jitter, but never sooner than Zoho asked.
      const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (failures - 1));
      const delay = Math.max(Math.floor(this.random() * ceiling), waitHint ?? 0);
      await guard(() => this.clock.sleep(delay, signal));
    }
  }

  /** One attempt through the request gate (if any), which is told how it ended before any backoff. */
  private async gatedAttempt(url: string, accessToken: string, signal: AbortSignal | undefined): Promise<AttemptOutcome> {
    if (this.gate === undefined) return this.attempt(url, accessToken, signal);
    const ticket = await this.gate.acquire(signal);
    let outcome: AttemptOutcome;
    try {
      outcome = await this.attempt(url, accessToken, signal);
    } catch (error) {
      ticket.release({ kind: 'error' });
      throw error;
    }
    const result = attemptResultOf(outcome);
    ticket.release(outcome.creditsRemaining === undefined ? result : { ...result, creditsRemaining: outcome.creditsRemaining });
    return outcome;
  }

  /**
   * One request and its whole body, aborted by the caller's signal or after attemptTimeoutMs. Either
   * failure of the transport (refused, DNS, TLS, reset, timeout) comes back as a network outcome; only
   * the caller's own abort is thrown (the call then ends as CANCELLED).
   */
  private async attempt(url: string, accessToken: string, signal: AbortSignal | undefined): Promise<AttemptOutcome> {
    const attemptController = new AbortController();
    const onCallerAbort = (): void => attemptController.abort(signal?.reason);
    if (signal?.aborted) attemptController.abort(signal.reason);
    else signal?.addEventListener('abort', onCallerAbort, { once: true });
    const timer = setTimeout(() => attemptController.abort(new AttemptTimeoutError(this.attemptTimeoutMs)), this.attemptTimeoutMs);
    try {
      return await this.attemptUntilAborted(url, accessToken, signal, attemptController.signal);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private async attemptUntilAborted(url: string, accessToken: string, signal: AbortSignal | undefined, attemptSignal: AbortSignal): Promise<AttemptOutcome> {
    // A timeout's abort reason (AttemptTimeoutError) is the cause the person's error names.
    const causeOf = (error: unknown): unknown => (attemptSignal.aborted && attemptSignal.reason instanceof AttemptTimeoutError ? attemptSignal.reason : error);
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: 'GET',
        headers: { Authorization: `Zoho-oauthtoken ${accessToken}`, Accept: 'application/json' },
        signal: attemptSignal,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      return { kind: 'transient', transient: 'network', cause: causeOf(error), retryAfterMs: undefined };
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw error;
      // Connection dropped (or stalled past the timeout) while the body was arriving.
      return { kind: 'transient', transient: 'network', cause: causeOf(error), retryAfterMs: undefined, status: response.status };
    }
    const status = response.status;
    const credits = creditsRemainingOf(response.headers);
    const answered = <T extends AttemptOutcome>(outcome: T): T => (credits === undefined ? outcome : { ...outcome, creditsRemaining: credits });
    if (status === 204) return answered({ kind: 'ok', response: { status, body: null, text: '' } });
    if (status >= 200 && status < 300) {
      // The body arrived whole (the connection did not fail), so an unreadable one is Zoho's answer, not the network's.
      const contentType = response.headers.get('content-type');
      const malformed = (problem: string): AttemptOutcome => answered({ kind: 'malformed', body: { status, contentType, problem, start: text.slice(0, 80), length: text.length } });
      if (contentType !== null && /^\s*text\/html/i.test(contentType)) return malformed('an HTML page, not JSON');
      try {
        return answered({ kind: 'ok', response: { status, body: parseZohoBody(text), text } });
      } catch (error) {
        return malformed(/^\s*</.test(text) ? 'markup, not JSON' : `JSON that cannot be read (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    const body = readErrorBody(text);
    const retryAfter = retryAfterMs(response.headers, this.clock.now());
    if (status === 401 && body.code !== 'OAUTH_SCOPE_MISMATCH') {
      return answered({ kind: 'token-rejected', zohoCode: body.code });
    }
    if (status === 429) return answered({ kind: 'transient', transient: 'rate-limited', retryAfterMs: retryAfter, status, body });
    if (status >= 500) return answered({ kind: 'transient', transient: 'server', retryAfterMs: retryAfter, status, body });
    return answered({ kind: 'fatal', status, body });
  }

  private fatalError(outcome: Extract<AttemptOutcome, { kind: 'fatal' }>, context: CallContext): ZohoApiError {
    const { status, body } = outcome;
    const zohoCode = body.code ?? `HTTP_${status}`;
    const zohoDetails = { zohoMessage: body.message, zohoDetails: body.details };
    if (body.code === 'OAUTH_SCOPE_MISMATCH') {
      return new ZohoApiError('ZOHO_SCOPE_MISMATCH', `Timeline Auditor is not allowed to read ${context.what}: the Zoho connection lacks the needed permission.`, {
        hint: `Reconnect to Zoho and approve the scope ${context.scope} (or the module-wide ZohoCRM.modules.ALL / ZohoCRM.modules.READ).`,
        httpStatus: status,
        zohoCode,
        details: { ...zohoDetails, requiredScope: context.scope },
      });
    }
    if (body.code === 'INVALID_DATA' || body.code === 'INVALID_MODULE') {
      const reason = body.code === 'INVALID_MODULE' ? 'module' : classifyInvalidData(body);
      const text = INVALID_DATA_TEXT[reason];
      return new ZohoInvalidDataError(reason, `${text.message} (${context.what}${body.message === undefined ? '' : `; Zoho said: "${body.message}"`})`, text.hint, {
        httpStatus: status,
        zohoCode,
        details: zohoDetails,
      });
    }
    if (body.code === 'AMBIGUITY_DURING_PROCESSING') {
      return new ZohoApiError('ZOHO_AMBIGUOUS_REQUEST', `Zoho could not tell which page to send for ${context.what} (page size and page token were both given).`, {
        hint: 'This is a bug in Timeline Auditor; please report it. Fetching again from the start should work.',
        httpStatus: status,
        zohoCode,
        details: zohoDetails,
      });
    }
    return new ZohoApiError('ZOHO_REQUEST_REJECTED', `Zoho refused ${context.what} (${zohoCode}${body.message === undefined ? '' : `: ${body.message}`}).`, {
      hint: status === 403 || body.code === 'NO_PERMISSION' ? 'Your Zoho user may not have permission to see this record or module; ask your Zoho CRM administrator.' : 'Check the module and record id. If they are right, report this message.',
      httpStatus: status,
      zohoCode,
      details: zohoDetails,
    });
  }

  private transientError(outcome: Extract<AttemptOutcome, { kind: 'transient' }>, context: CallContext, attempts: number, waitMs: number | undefined): ZohoApiError {
    const tries = `${attempts} ${attempts === 1 ? 'try' : 'tries'}`;
    const details = { attempts, ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }), ...(outcome.body === undefined ? {} : { zohoMessage: outcome.body.message }) };
    const common = {
      details,
      ...(outcome.status === undefined ? {} : { httpStatus: outcome.status }),
      ...(outcome.body?.code === undefined ? {} : { zohoCode: outcome.body.code }),
      ...(outcome.cause === undefined ? {} : { cause: outcome.cause }),
    };
    switch (outcome.transient) {
      case 'rate-limited':
        return new ZohoApiError('ZOHO_RATE_LIMITED', `Zoho is limiting how many requests this organisation may make, so ${context.what} could not be fetched (after ${tries}).`, {
          hint: waitMs !== undefined ? `Zoho asks to wait about ${Math.ceil(waitMs / 1000)} seconds; try again after that.` : "Wait a few minutes and try again; other integrations may be using the organisation's API allowance.",
          ...common,
        });
      case 'server':
        return new ZohoApiError('ZOHO_SERVER_ERROR', `Zoho had an internal error while sending ${context.what} (after ${tries}).`, {
          hint: 'Try again later. If it persists, contact support@zohocrm.com with the record id.',
          ...common,
        });
      case 'network':
        return new ZohoApiError('ZOHO_NETWORK_ERROR', `Zoho could not be reached for ${context.what} (after ${tries}${outcome.cause instanceof AttemptTimeoutError ? `; the last had ${outcome.cause.message}` : ''}).`, {
          hint: 'Check your internet connection (and any proxy or firewall) and try again.',
          ...common,
        });
    }
  }
}

type AttemptOutcome = (
  | { kind: 'ok'; response: RawResponse }
  | { kind: 'token-rejected'; zohoCode: string | undefined }
  | { kind: 'fatal'; status: number; body: ZohoErrorBody }
  /** A 2xx whose body arrived whole but is not JSON (truncated by a proxy, an HTML page). */
  | { kind: 'malformed'; body: MalformedBody }
  | { kind: 'transient'; transient: TransientKind; retryAfterMs: number | undefined; status?: number; body?: ZohoErrorBody; cause?: unknown }
) & { creditsRemaining?: number };

/** X-API-CREDITS-REMAINING as a whole number, or undefined when absent or not a number. */
export function creditsRemainingOf(headers: Headers): number | undefined {
  const raw = headers.get(CREDITS_REMAINING_HEADER);
  if (raw === null || !/^\s*\d+\s*$/.test(raw)) return undefined;
  return Number(raw);
}

function malformedError(body: MalformedBody, context: CallContext, attempts: number): ZohoMalformedResponseError {
  return new ZohoMalformedResponseError(`${context.what} (HTTP ${body.status}, after ${attempts} ${attempts === 1 ? 'try' : 'tries'})`, '$', body.problem, {
    httpStatus: body.status,
    contentType: body.contentType,
    bodyLength: body.length,
    bodyStart: body.start,
    attempts,
  });
}

function attemptResultOf(outcome: AttemptOutcome): AttemptResult {
  switch (outcome.kind) {
    case 'ok':
      return { kind: 'ok' };
    case 'transient':
      return outcome.transient === 'rate-limited' ? { kind: 'rate-limited', retryAfterMs: outcome.retryAfterMs } : { kind: 'error' };
    case 'token-rejected':
    case 'fatal':
    case 'malformed':
      return { kind: 'error' };
    default: {
      const unreachable: never = outcome;
      return unreachable;
    }
  }
}

function buildUrl(apiDomain: string, version: string, pathSegments: readonly string[], query: string): string {
  let base: URL;
  try {
    base = new URL(apiDomain);
  } catch {
    throw new ZohoInvalidRequestError(`"${apiDomain}" is not a valid Zoho API domain.`, 'Sign in again; the API domain comes from Zoho (e.g. https://www.zohoapis.com).');
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new ZohoInvalidRequestError(`"${apiDomain}" is not a web address.`, 'Use the API domain Zoho gave at sign-in, e.g. https://www.zohoapis.eu.');
  }
  const prefix = base.origin + base.pathname.replace(/\/+$/, '');
  const path = ['crm', version, ...pathSegments].map(encodeURIComponent).join('/');
  return `${prefix}/${path}${query === '' ? '' : `?${query}`}`;
}

function checkPerPage(perPage: number | undefined): number | undefined {
  if (perPage === undefined) return undefined;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
    throw new ZohoInvalidRequestError(`A page size of ${perPage} is not allowed.`, `Use a whole number from 1 to ${MAX_PER_PAGE}.`);
  }
  return perPage;
}

/** Validates a timeline request and builds its query string (already encoded). Throws before anything is sent. */
export function buildTimelineQuery(module: string, recordId: string, request: TimelinePageRequest): string {
  assertModuleApiName(module);
  assertRecordId(recordId, module);
  const params: string[] = [];
  const perPage = checkPerPage(request.perPage);
  if (perPage !== undefined && request.pageToken !== undefined) {
    throw new ZohoInvalidRequestError('A page size can only be given for the first page of a timeline.', 'Leave out the page size when continuing with a page token (Zoho answers AMBIGUITY_DURING_PROCESSING otherwise).');
  }
  if (perPage !== undefined) params.push(`per_page=${perPage}`);
  if (request.pageToken !== undefined) {
    if (request.pageToken === '') throw new ZohoInvalidRequestError('The page token is empty.', 'Use the next_page_token Zoho sent with the previous page.');
    params.push(`page_token=${encodeURIComponent(request.pageToken)}`);
  }
  if (request.sortBy !== undefined) {
    if (request.sortBy !== 'audited_time') throw new ZohoInvalidRequestError(`Sorting by "${String(request.sortBy)}" is not supported.`, 'The timeline can be sorted by audited_time only.');
    params.push('sort_by=audited_time');
  }
  if (request.includeInnerDetails !== undefined && request.includeInnerDetails !== false) {
    const chosen = request.includeInnerDetails === true ? INNER_DETAILS : request.includeInnerDetails;
    for (const detail of chosen) {
      if (!(INNER_DETAILS as readonly string[]).includes(detail)) {
        throw new ZohoInvalidRequestError(`"${String(detail)}" is not a timeline detail Zoho can include.`, `Choose from ${INNER_DETAILS.join(', ')}.`);
      }
    }
    if (chosen.length > 0) params.push(`include_inner_details=${[...new Set(chosen)].join(',')}`);
  }
  const include = request.include ?? [];
  if (request.includeTimelineType !== undefined) {
    if (request.includeTimelineType !== 'signals') {
      throw new ZohoInvalidRequestError(`"${String(request.includeTimelineType)}" is not a timeline type Zoho documents.`, 'The only extra timeline type is signals.');
    }
    if (include.length === 0) {
      throw new ZohoInvalidRequestError('Including signals needs "include" too (Zoho requires it).', 'Pass include: extension and/or type.');
    }
    params.push('include_timeline_type=signals');
  } else if (include.length > 0) {
    throw new ZohoInvalidRequestError('"include" only applies together with the signals timeline type.', 'Also set includeTimelineType: signals, or leave include out.');
  }
  if (include.length > 0) {
    for (const value of include) {
      if (!(TIMELINE_INCLUDE_VALUES as readonly string[]).includes(value)) {
        throw new ZohoInvalidRequestError(`"${String(value)}" is not a value of "include".`, 'Use extension and/or type.');
      }
    }
    params.push(`include=${[...new Set(include)].join(',')}`);
  }
  if (request.filters !== undefined) params.push(`filters=${encodeTimelineFilter(request.filters)}`);
  return params.join('&');
}

/** True for the errors worth showing a person as "try again later" rather than "fix your input". */
export function isTransientZohoError(error: unknown): boolean {
  return error instanceof AuditorError && ['ZOHO_RATE_LIMITED', 'ZOHO_SERVER_ERROR', 'ZOHO_NETWORK_ERROR'].includes(error.code);
}
