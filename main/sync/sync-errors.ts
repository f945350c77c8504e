import { AuditorError, serializeError } from '../core/errors.js';
import { ZohoInvalidDataError } from '../zoho/errors.js';

/** Codes of the failures the sync engine itself raises (Zoho's own are ZohoErrorCode). */
export type SyncErrorCode = 'SYNC_INPUT_INVALID' | 'SYNC_CREDIT_BUDGET' | 'SYNC_RUN_NOT_FOUND' | 'SYNC_RATE_LIMITED' | 'SYNC_OFFLINE' | 'SYNC_RECONNECT_REQUIRED' | 'SYNC_SIGN_IN_FAILED' | 'SYNC_CACHE_FAILED' | 'CACHE_DAMAGED';

export class SyncError extends AuditorError {
  declare readonly code: SyncErrorCode;
  constructor(code: SyncErrorCode, message: string, options: { hint?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'SyncError';
  }
}

/** Zoho errors that end the whole run (every further request would fail the same way). */
export function systemicReason(error: unknown): SyncError | undefined {
  if (!(error instanceof AuditorError)) return undefined;
  switch (error.code) {
    case 'ZOHO_TOKEN_REJECTED':
    case 'ZOHO_CANNOT_REFRESH':
      return new SyncError('SYNC_RECONNECT_REQUIRED', `The sync stopped because Zoho no longer accepts the sign-in: ${error.message}`, {
        hint: 'Sign in to Zoho again, then resume the sync; records already fetched are kept.',
        cause: error,
      });
    case 'ZOHO_RATE_LIMITED':
      return new SyncError('SYNC_RATE_LIMITED', 'The sync stopped because Zoho kept refusing requests for this organisation (API limit reached).', {
        hint: `${error.hint ?? 'Wait a while.'} Then resume the sync; records already fetched are kept.`,
        cause: error,
      });
    case 'ZOHO_NETWORK_ERROR':
      return new SyncError('SYNC_OFFLINE', 'The sync stopped because Zoho could not be reached.', {
        hint: 'Check the internet connection, then resume the sync; records already fetched are kept.',
        cause: error,
      });
    default:
      // The sign-in service (main/auth) failed to give a token: no request can succeed until it can.
      if (error.code.startsWith('AUTH_') && error.code !== 'AUTH_CANCELLED') {
        return new SyncError('SYNC_SIGN_IN_FAILED', `The sync stopped because no Zoho sign-in token could be had: ${error.message}`, {
          hint: `${error.hint ?? 'Check the Zoho connection.'} Then resume the sync; records already fetched are kept.`,
          cause: error,
        });
      }
      return undefined;
  }
}

/**
 * True when Zoho refused a request that carried a page token for a reason other than the record or
 * module: the token expired (Zoho's tokens live 24 h) or is not valid any more. The record then
 * restarts from page one, which is safe because pages are upserted by event id.
 */
export function isRejectedPageToken(error: unknown): boolean {
  if (!(error instanceof ZohoInvalidDataError)) return false;
  return error.reason !== 'record-id' && error.reason !== 'module';
}

/** The short form stored with a failed record and shown in progress. */
export function failureOf(error: unknown): { code: string; message: string } {
  const serialized = serializeError(error);
  return { code: serialized.code, message: serialized.message };
}
