import type { ConflictError, StoreUnavailableError, ValidationError } from './store-errors';

/**
 * Errors are told apart by their stable `code`, never by class identity: the same package loaded
 * twice (its ESM and its CommonJS build, or two copies in `node_modules`) has two distinct classes,
 * and an `instanceof` check against the other copy fails.
 */
export function errorCodeOf(err: unknown): string | undefined {
  if (err === null || (typeof err !== 'object' && typeof err !== 'function')) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** A `ValidationError` from any copy of this package: code `VALIDATION` and a list of issues. */
export function isValidationError(err: unknown): err is ValidationError {
  return errorCodeOf(err) === 'VALIDATION' && Array.isArray((err as { issues?: unknown }).issues);
}

/** A `ConflictError` from any copy of this package (a stale version). */
export function isConflictError(err: unknown): err is ConflictError {
  return errorCodeOf(err) === 'CONFLICT';
}

/** A `StoreUnavailableError` from any copy of this package. */
export function isStoreUnavailableError(err: unknown): err is StoreUnavailableError {
  return errorCodeOf(err) === 'STORE_UNAVAILABLE';
}
