import { createHash } from 'node:crypto';
import { isConflictError, isStoreUnavailableError, isValidationError, StoreUnavailableError } from '@switchyard/core';
import { ErrorReply, type createClient } from 'redis';

export type RedisClient = ReturnType<typeof createClient>;

/** Server replies that mean "not now" rather than "wrong request". */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN|OOM|NOREPLICAS)\b/;

export function isUnavailable(err: unknown): boolean {
  if (err instanceof ErrorReply) return UNAVAILABLE_REPLY.test(err.message);
  // Matched by code: core may be loaded in its other module format.
  if (isValidationError(err) || isConflictError(err) || isStoreUnavailableError(err)) return false;
  // Socket, offline, closed-client and timeout errors of the client; programming errors (TypeError, …) stay visible.
  return err instanceof Error && !(err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError || err instanceof ReferenceError);
}

export function translateError(err: unknown, what: string): unknown {
  if (!isUnavailable(err)) return err;
  const reason = err instanceof Error ? err.message || err.name : String(err);
  return new StoreUnavailableError(`redis: ${what} failed: ${reason}`, { cause: err });
}

/** Exponential backoff with jitter: 50–100 ms, 100–200 ms, … up to `maxMs`. */
export function backoff(maxMs: number): (retries: number) => number {
  return (retries) => {
    const base = Math.min(100 * 2 ** Math.min(retries, 16), maxMs);
    return Math.round(base / 2 + (Math.random() * base) / 2);
  };
}

/** A Lua script run by SHA (EVALSHA), loaded on first use and again after a server restart (NOSCRIPT). */
export class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run<T>(client: RedisClient, args: readonly string[]): Promise<T> {
    try {
      return await client.sendCommand(['EVALSHA', this.sha, '0', ...args]);
    } catch (err) {
      if (!(err instanceof ErrorReply) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await client.sendCommand(['EVAL', this.source, '0', ...args]);
    }
  }
}
