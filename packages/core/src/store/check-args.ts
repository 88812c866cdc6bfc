import { ValidationError } from '../errors/store-errors';
import type { AuditQuery } from './store';

/** Argument checks shared by every method, so bad input fails with a precise error before any I/O. */

export function checkKey(key: unknown, what = 'key'): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) throw new ValidationError([{ path: [what], message: `${what} must be a non-empty string` }]);
}

export function checkFeatureArgs(feature: unknown, scopeIds: unknown): void {
  checkKey(feature, 'feature');
  if (!Array.isArray(scopeIds)) throw new ValidationError([{ path: ['scopeIds'], message: 'scopeIds must be an array of strings' }]);
  scopeIds.forEach((id, i) => {
    if (typeof id !== 'string' || id.length === 0) throw new ValidationError([{ path: ['scopeIds', i], message: 'scope id must be a non-empty string' }]);
  });
}

export function checkTtl(ttlMs: unknown): void {
  if (ttlMs === undefined) return;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new ValidationError([{ path: ['ttlMs'], message: 'ttlMs must be a positive number of milliseconds' }]);
  }
}

/** JSON text of a value; values JSON cannot represent are refused instead of silently dropped. */
export function toJson(value: unknown, what = 'definition'): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new ValidationError([{ path: [what], message: `${what} is not JSON: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  if (text === undefined) throw new ValidationError([{ path: [what], message: `${what} must be a JSON value` }]);
  return text;
}

const DEFAULT_AUDIT_LIMIT = 100;
const MAX_AUDIT_LIMIT = 1000;

/** The page size of an audit query: default 100, capped at 1000. */
export function auditLimit(query: AuditQuery): number {
  if (query.key !== undefined) checkKey(query.key);
  if (query.beforeId !== undefined && !(Number.isSafeInteger(query.beforeId) && query.beforeId > 0)) {
    throw new ValidationError([{ path: ['beforeId'], message: 'beforeId must be a positive integer' }]);
  }
  if (query.limit === undefined) return DEFAULT_AUDIT_LIMIT;
  if (!Number.isSafeInteger(query.limit) || query.limit < 1) throw new ValidationError([{ path: ['limit'], message: 'limit must be a positive integer' }]);
  return Math.min(query.limit, MAX_AUDIT_LIMIT);
}

/** Checks the `auditMaxEntries` store option: a whole number of at least 1, or absent. */
export function checkAuditMaxEntries(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError([{ path: ['auditMaxEntries'], message: `auditMaxEntries must be a whole number of at least 1, got ${String(value)}` }]);
  }
  return value;
}
