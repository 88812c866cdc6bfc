import { ConflictError, StoreUnavailableError, ValidationError, type ValidationIssue } from '@switchyard/core';

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
  INTERNAL: 500,
} as const;

export type ErrorCodeName = keyof typeof ERROR_STATUS;

/** An error with an HTTP status and a stable code; every surface renders it in its own shape. */
export class HttpError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCodeName,
    message: string,
    readonly issues?: ValidationIssue[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (message: string) => new HttpError('NOT_FOUND', message);
export const badRequest = (message: string) => new HttpError('BAD_REQUEST', message);

/**
 * Any thrown value as an `HttpError`: core's typed errors keep their meaning, body-parser errors
 * become 400/413, everything else is an internal error whose details stay in the log.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof ValidationError) return new HttpError('VALIDATION', err.message, err.issues);
  if (err instanceof ConflictError) return new HttpError('CONFLICT', err.message);
  if (err instanceof StoreUnavailableError) return new HttpError('STORE_UNAVAILABLE', err.message);
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
