import { AuditorError } from '../core/errors.js';

/**
 * Every failure of the Zoho client is a ZohoApiError (an AuditorError) with one of these codes.
 * Programs branch on `code`; people read `message` and `hint`.
 */
export type ZohoErrorCode =
  /** Our own input was wrong; nothing was sent to Zoho. */
  | 'ZOHO_INVALID_REQUEST'
  | 'ZOHO_INVALID_FILTER'
  /** Zoho rejected the request (400 INVALID_DATA / AMBIGUITY_DURING_PROCESSING / other 4xx). */
  | 'ZOHO_INVALID_DATA'
  | 'ZOHO_AMBIGUOUS_REQUEST'
  | 'ZOHO_REQUEST_REJECTED'
  /** Sign-in problems. */
  | 'ZOHO_TOKEN_REJECTED'
  | 'ZOHO_SCOPE_MISMATCH'
  | 'ZOHO_CANNOT_REFRESH'
  /** Zoho is busy or failing; retried, then given up. */
  | 'ZOHO_RATE_LIMITED'
  | 'ZOHO_SERVER_ERROR'
  | 'ZOHO_NETWORK_ERROR'
  /** Zoho answered something we cannot trust as audit evidence. */
  | 'ZOHO_MALFORMED_RESPONSE'
  | 'ZOHO_PAGINATION_LOOP'
  | 'ZOHO_INCONSISTENT_DATA'
  /** The person cancelled. */
  | 'CANCELLED';

export class ZohoApiError extends AuditorError {
  declare readonly code: ZohoErrorCode;
  /** HTTP status Zoho answered, when there was an answer. */
  readonly httpStatus: number | undefined;
  /** Zoho's own error code (INVALID_DATA, …), when it sent one. */
  readonly zohoCode: string | undefined;

  constructor(
    code: ZohoErrorCode,
    message: string,
    options: {
      hint?: string;
      details?: Record<string, unknown>;
      cause?: unknown;
      httpStatus?: number;
      zohoCode?: string;
    } = {},
  ) {
    super(code, message, options);
    this.name = 'ZohoApiError';
    this.httpStatus = options.httpStatus;
    this.zohoCode = options.zohoCode;
  }
}

/** Input the client refuses to send (bad module name, record id, option). */
export class ZohoInvalidRequestError extends ZohoApiError {
  constructor(message: string, hint: string, details?: Record<string, unknown>) {
    super('ZOHO_INVALID_REQUEST', message, { hint, ...(details === undefined ? {} : { details }) });
    this.name = 'ZohoInvalidRequestError';
  }
}

/** A timeline filter outside the documented grammar; `path` points into the filter JSON. */
export class ZohoFilterError extends ZohoApiError {
  readonly path: string;
  constructor(path: string, problem: string, allowed: string) {
    super('ZOHO_INVALID_FILTER', `The timeline filter is not valid at ${path}: ${problem}`, {
      hint: `Allowed here: ${allowed}`,
      details: { path, allowed },
    });
    this.name = 'ZohoFilterError';
    this.path = path;
  }
}

/** Which part of the request Zoho's INVALID_DATA blamed (as far as its message/details tell). */
export type InvalidDataReason = 'filter' | 'filter-encoding' | 'record-id' | 'module' | 'parameter' | 'unknown';

export class ZohoInvalidDataError extends ZohoApiError {
  readonly reason: InvalidDataReason;
  constructor(reason: InvalidDataReason, message: string, hint: string, options: { details?: Record<string, unknown>; httpStatus: number; zohoCode: string }) {
    super('ZOHO_INVALID_DATA', message, { hint, ...options });
    this.name = 'ZohoInvalidDataError';
    this.reason = reason;
  }
}

/** The server's answer could not be read as the documented shape. `path` is the zod issue path. */
export class ZohoMalformedResponseError extends ZohoApiError {
  readonly path: string;
  constructor(what: string, path: string, problem: string, details?: Record<string, unknown>, cause?: unknown) {
    super('ZOHO_MALFORMED_RESPONSE', `Zoho's answer for ${what} is not in the expected format at ${path}: ${problem}`, {
      hint: 'Nothing was saved from this answer. Try again; if it keeps happening, Zoho may have changed its API — report it with this message.',
      details: { ...details, path },
      ...(cause === undefined ? {} : { cause }),
    });
    this.name = 'ZohoMalformedResponseError';
    this.path = path;
  }
}

export class ZohoCancelledError extends ZohoApiError {
  constructor(cause?: unknown) {
    super('CANCELLED', 'The request to Zoho was cancelled.', {
      hint: 'Start it again when you are ready.',
      ...(cause === undefined ? {} : { cause }),
    });
    this.name = 'ZohoCancelledError';
  }
}
