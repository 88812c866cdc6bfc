import type { PoolClient } from 'pg';
import type { DatabaseDriver, QueryResult } from './types';
import { abortable, abortReason, loadPeer } from './abortable';

type PgClient = PoolClient & { activeQuery?: unknown };

/**
 * Postgres through a `pg` pool; `$1` placeholders. An abort (a step timeout, the run's
 * deadline, a caller who went away) sends PostgreSQL a cancel request for the running
 * statement, so it stops on the server too, and the connection is then discarded.
 */
export async function createPostgresDriver(url: string, options: { max?: number } = {}): Promise<DatabaseDriver> {
  const pg = await loadPeer('pg', () => import('pg'));
  const { Pool, Client } = pg.default ?? pg;
  const pool = new Pool({ connectionString: url, max: options.max ?? 5 });
  pool.on('error', () => undefined);

  /** Asks the server to cancel what `client` runs, over a connection of its own (the protocol's CancelRequest). */
  const cancel = (client: PgClient) => {
    const canceller = new Client({ connectionString: url }) as unknown as { cancel(c: unknown, q: unknown): void; connection: { on(e: string, f: () => void): void } };
    canceller.connection.on('error', () => undefined);
    canceller.cancel(client, client.activeQuery);
  };

  return {
    async query(sql, params, signal): Promise<QueryResult> {
      if (signal.aborted) throw abortReason(signal);
      const checkout = pool.connect();
      let client: PgClient;
      try {
        client = await abortable(checkout, signal);
      } catch (err) {
        // Aborted while waiting for a connection: hand it back once it arrives.
        checkout.then((c) => c.release(), () => undefined);
        throw err;
      }
      let discard = false;
      const onAbort = () => {
        discard = true;
        if (client.activeQuery) cancel(client);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await client.query({ text: sql, values: params.map((p) => (p === undefined ? null : p)) });
        if (signal.aborted) throw abortReason(signal);
        return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount ?? result.rows.length };
      } catch (err) {
        if (signal.aborted) throw abortReason(signal);
        throw err;
      } finally {
        signal.removeEventListener('abort', onAbort);
        client.release(discard || undefined);
      }
    },
    async close() {
      await pool.end();
    },
  };
}
