import { isConflictError, isStoreUnavailableError, isValidationError, StoreUnavailableError } from '@switchyard/core';
import { DatabaseError } from 'pg';

/**
 * SQLSTATE classes meaning "the server cannot serve us right now": 08 connection exception,
 * 53 insufficient resources, 57 operator intervention (shutdown, terminated backend, statement
 * timeout), 3D invalid catalog name (the database is missing), 28 invalid authorization.
 */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57', '3D', '28']);

/** True for errors that mean the backend is unreachable, overloaded or too slow. */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseError) return typeof err.code === 'string' && UNAVAILABLE_CLASSES.has(err.code.slice(0, 2));
  // pg raises plain `Error`s outside the protocol (terminated sockets, connect and query timeouts)
  // and passes socket errors (ECONNREFUSED, …) through; programming errors (TypeError, …) stay visible.
  return err instanceof Error && (err.constructor === Error || 'errno' in err);
}

/** Our own errors pass through; backend outages become `StoreUnavailableError`; SQL errors stay as they are. */
export function translateError(err: unknown, what: string): unknown {
  // Matched by code: core may be loaded in its other module format.
  if (isStoreUnavailableError(err) || isValidationError(err) || isConflictError(err)) return err;
  if (isUnavailable(err)) {
    const reason = err instanceof Error ? err.message : String(err);
    return new StoreUnavailableError(`postgres: ${what} failed: ${reason}`, { cause: err });
  }
  return err;
}

/**
 * The connection was closed under us (terminated backend, server restart, broken socket): a
 * retry on another connection can succeed at once. Timeouts are not included: retrying them
 * would double the wait.
 */
export function isDeadConnection(err: unknown): boolean {
  if (err instanceof DatabaseError) return err.code === '57P01' || err.code === '57P02' || err.code === '57P03' || err.code?.startsWith('08') === true;
  return err instanceof Error && /Connection terminated unexpectedly|ECONNRESET|EPIPE|Client has encountered a connection error/.test(err.message);
}
