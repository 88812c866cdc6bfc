import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { isDeadConnection, isUnavailable } from './errors';

/** The connection died before the transaction started: safe to retry elsewhere. */
class BeginFailed extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'BeginFailed';
  }
}

async function transaction<T>(c: PoolClient, fn: () => Promise<T>): Promise<T> {
  try {
    await c.query('BEGIN');
  } catch (err) {
    throw isDeadConnection(err) ? new BeginFailed(err) : err;
  }
  try {
    const result = await fn();
    await c.query('COMMIT');
    return result;
  } catch (err) {
    if (!isUnavailable(err)) await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Runs `fn` on a pooled connection; a connection that failed mid-query is destroyed instead of going back to the pool. */
export async function withClient<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await fn(client);
  } catch (err) {
    if (isUnavailable(err) || err instanceof BeginFailed) broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

/** A read; retried once on a fresh connection when the pooled one turns out dead (reads are idempotent). */
export async function readRows<R extends QueryResultRow>(pool: Pool, sql: string, params: unknown[] = []): Promise<R[]> {
  try {
    return (await pool.query<R>(sql, params)).rows;
  } catch (err) {
    if (!isDeadConnection(err)) throw err;
    return (await pool.query<R>(sql, params)).rows;
  }
}

/**
 * Runs `fn` in one transaction (with its audit rows and NOTIFYs, delivered on commit). When the
 * pooled connection is found dead at `BEGIN`, nothing was sent yet, so it retries once on a fresh one.
 */
export async function inTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  try {
    return await withClient(pool, (c) => transaction(c, () => fn(c)));
  } catch (err) {
    if (!(err instanceof BeginFailed)) throw err;
    try {
      return await withClient(pool, (c) => transaction(c, () => fn(c)));
    } catch (again) {
      throw again instanceof BeginFailed ? again.cause : again;
    }
  }
}

/** Ends a write statement: sends the payloads in parameter `n + 1` on the channel in parameter `n` (delivered on commit). */
export function notifySelect(n: number): string {
  return `SELECT count(pg_notify($${n}, p)) FROM unnest($${n + 1}::text[]) AS p`;
}
