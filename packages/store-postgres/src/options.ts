import type { StoreOptions } from '@switchyard/core';
import type { ValidatorSource } from '@switchyard/core';
import type { PoolConfig } from 'pg';

/** Settings of a PostgreSQL store. */
export interface PostgresStoreOptions extends StoreOptions {
  /** `postgres://user:password@host:5432/database`; a `?schema=` query parameter sets `namespace`. */
  connectionString: string;
  /** The schema every table lives in. Default `switchyard`. */
  namespace?: string;
  /** Connection, statement and query timeout in milliseconds. Default 5000. */
  timeoutMs?: number;
  /** Most pooled connections (the change listener uses one more). Default 10. */
  maxConnections?: number;
  /** Apply pending migrations before the first call. Default `true`. */
  autoMigrate?: boolean;
  /**
   * Longest wait between reconnect attempts of the change listener, in milliseconds. Default 500:
   * after an outage the store is caught up within about half a second of the server coming back.
   */
  maxReconnectDelayMs?: number;
  /** Keep a listening connection so writes of other clients arrive as change events. Default `true`. */
  propagation?: boolean;
  /** Custom value validators referenced by definitions' `validations` (`{ validator: name }`); names not found fall back to `registerValidator`'s. */
  validators?: ValidatorSource;
  /** Extra `pg` settings (TLS, application name, …); connection string and timeouts above take precedence. */
  pg?: Omit<PoolConfig, 'connectionString' | 'max'>;
}

export const DEFAULT_NAMESPACE = 'switchyard';
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_RECONNECT_DELAY_MS = 500;

/** Postgres identifiers longer than this are silently truncated, so longer schema names are refused. */
const MAX_IDENTIFIER_BYTES = 63;

/** Checks a schema name; any characters are allowed (identifiers are quoted) except NUL. */
export function namespaceProblem(namespace: string): string | undefined {
  if (typeof namespace !== 'string' || namespace.length === 0) return 'namespace must be a non-empty string';
  if (namespace.includes('\0')) return 'namespace must not contain NUL characters';
  if (Buffer.byteLength(namespace) > MAX_IDENTIFIER_BYTES) return `namespace "${namespace}" is longer than ${MAX_IDENTIFIER_BYTES} bytes`;
  if (namespace.startsWith('pg_')) return `namespace "${namespace}" must not start with "pg_" (reserved by PostgreSQL)`;
  return undefined;
}
