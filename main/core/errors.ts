/**
 * Every failure the app reports to a person is an AuditorError: a stable `code` for programs and
 * tests, a `message` a compliance officer understands, and a `hint` saying what to do next.
 * Capabilities subclass it (ZohoApiError, AuthError, …); the IPC layer and the CLI print it as is.
 */
export class AuditorError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: string, message: string, options: { hint?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuditorError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }
}

/** The plain-data form of an error that crosses a process boundary (IPC, HTTP host, CLI --json). */
export interface SerializedError {
  code: string;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof AuditorError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
      ...(error.details === undefined ? {} : { details: { ...error.details } }),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `Unexpected error: ${message}`, hint: 'This is a bug in Timeline Auditor; please report it with the steps that led here.' };
}
