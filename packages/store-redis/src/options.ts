import type { StoreOptions, ValidatorSource } from '@switchyard/core';

/** Settings of a Redis store. */
export interface RedisStoreOptions extends StoreOptions {
  /** `redis://[[user]:password@]host:6379[/db]` or `rediss://…` for TLS. */
  url: string;
  /** Prefix of every key (`{namespace}:flags`, …) and of the changes channel. Default `switchyard`. */
  namespace?: string;
  /** Connect and command timeout in milliseconds. Default 5000. */
  timeoutMs?: number;
  /** Subscribe to the changes channel so writes of other clients arrive as change events. Default `true`. */
  propagation?: boolean;
  /** Custom value validators referenced by definitions' `validations` (`{ validator: name }`); names not found fall back to `registerValidator`'s. */
  validators?: ValidatorSource;
  /**
   * Longest wait between reconnect attempts, in milliseconds. Default 500: after an outage the
   * store is caught up within about half a second of Redis coming back.
   */
  maxReconnectDelayMs?: number;
}

export const DEFAULT_NAMESPACE = 'switchyard';
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_RECONNECT_DELAY_MS = 500;

export function namespaceProblem(namespace: string): string | undefined {
  if (typeof namespace !== 'string' || namespace.length === 0) return 'namespace must be a non-empty string';
  if (/[\s*?[\]]/.test(namespace)) return `namespace "${namespace}" must not contain whitespace or glob characters (* ? [ ])`;
  return undefined;
}
