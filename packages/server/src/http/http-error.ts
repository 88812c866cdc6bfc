import { errorCodeOf, isValidationError, type ValidationIssue } from '@switchyard/core';

/** The stable error codes of the native API, with their HTTP status. */
export const ERROR_STATUS = {
  VALIDATION: 422,
  CONFLICT: 409,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  MISDIRECTED_REQUEST: 421,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  STORE_UNAVAILABLE: 503,
  SERVICE_UNAVAILABLE: 503,
  READ_ONLY: 409,
  /** A write through a compatibility API would drop what that API cannot express. */
  NOT_EXPRESSIBLE: 409,
  INTERNAL: 500,
} as const;

export type ErrorCodeName = keyof typeof ERROR_STATUS;

/** An error with an HTTP status and a stable code; every surface renders it in its own shape. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  constructor(
    readonly code: ErrorCodeName,
    message: string,
    readonly issues?: ValidationIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (message: string) => new HttpError('NOT_FOUND', message);
export const badRequest = (message: string) => new HttpError('BAD_REQUEST', message);

/** True for an `HttpError` of this module, or an equal one from another copy of it. */
function isHttpError(err: unknown): err is HttpError {
  if (err instanceof HttpError) return true;
  const e = err as { name?: unknown; code?: unknown; status?: unknown } | null;
  return typeof e === 'object' && e !== null && e.name === 'HttpError' && typeof e.code === 'string' && Object.hasOwn(ERROR_STATUS, e.code) && typeof e.status === 'number';
}

/**
 * Any thrown value as an `HttpError`: core's typed errors keep their meaning, body-parser errors
 * become 400/413, everything else is an internal error whose details stay in the log. Errors are
 * told apart by their stable `code`, never by class: a store adapter or a workflow may throw core's
 * errors from core's other module format (ESM vs CommonJS), which `instanceof` would not recognise.
 */
export function toHttpError(err: unknown): HttpError {
  if (isHttpError(err)) return err;
  const message = (err as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : String(err);
  if (isValidationError(err)) return new HttpError('VALIDATION', text, err.issues);
  switch (errorCodeOf(err)) {
    case 'CONFLICT':
      return new HttpError('CONFLICT', text);
    case 'STORE_UNAVAILABLE':
      return new HttpError('STORE_UNAVAILABLE', text);
  }
  const e = err as { type?: unknown; status?: unknown; expose?: unknown; message?: unknown } | null;
  if (e && typeof e === 'object') {
    if (e.type === 'entity.parse.failed') return new HttpError('BAD_REQUEST', `malformed JSON in the request body: ${String(e.message)}`);
    if (e.type === 'entity.too.deep') return new HttpError('BAD_REQUEST', String(e.message));
    if (e.type === 'entity.too.large') return new HttpError('PAYLOAD_TOO_LARGE', 'the request body is larger than the server accepts');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return new HttpError('BAD_REQUEST', String(e.message));
    // Other client errors raised by express, its router or body-parser (e.g. a bad URI encoding).
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return new HttpError(e.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', String(e.message));
    }
  }
  return new HttpError('INTERNAL', 'internal server error');
}
