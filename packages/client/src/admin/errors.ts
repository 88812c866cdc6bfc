import type { AdminIssue } from '@switchyard/core';

/** The server refused a request: `status` and the `code`, `message` and `details` of its JSON error body. */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    readonly status: number,
    /** The server's error code (`VALIDATION`, `NOT_FOUND`, …), or one derived from the status when the body had none. */
    readonly code: string,
    message: string,
    /** Every issue the server listed (validation failures name each field). */
    readonly details: AdminIssue[],
    /** The parsed response body, as received. */
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** The server could not be reached (refused, reset, DNS); `cause` is the underlying fetch error. */
export class AdminNetworkError extends Error {
  override readonly name: string = 'AdminNetworkError';
}

/** No answer within `timeoutMs`. */
export class AdminTimeoutError extends Error {
  override readonly name = 'AdminTimeoutError';
  constructor(
    readonly timeoutMs: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The error code a status stands for when the body names none. */
export function codeOfStatus(status: number): string {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 422:
      return 'VALIDATION';
    default:
      return status >= 500 ? 'INTERNAL' : `HTTP_${status}`;
  }
}

/**
 * The server's `{ error: { code, message, issues } }` body (native and cds routes) as an `AdminApiError`;
 * other bodies keep only the status. `what` names the request in the fallback message.
 */
export function adminApiErrorOf(status: number, body: unknown, what: string): AdminApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; issues?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' && !/^\d+$/.test(error.code) ? error.code : codeOfStatus(status);
  const message = typeof error?.message === 'string' ? error.message : `${what} answered HTTP ${status}`;
  const details = Array.isArray(error?.issues) ? (error.issues as AdminApiError['details']) : [];
  return new AdminApiError(status, code, message, details, body);
}
