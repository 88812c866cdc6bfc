import type { DatabaseDriver, QueryResult } from './types';
import { abortable, loadPeer } from './abortable';

/** Postgres through a `pg` pool; `$1` placeholders. A step timeout also sets the statement's `query_timeout`. */
export async function createPostgresDriver(url: string, options: { max?: number } = {}): Promise<DatabaseDriver> {
  const pg = await loadPeer('pg', () => import('pg'));
  const Pool = pg.default?.Pool ?? (pg as unknown as typeof pg.default).Pool;
  const pool = new Pool({ connectionString: url, max: options.max ?? 5 });
  pool.on('error', () => undefined);
  return {
    async query(sql, params, signal): Promise<QueryResult> {
      const result = await abortable(pool.query({ text: sql, values: params.map((p) => (p === undefined ? null : p)) as unknown[] }), signal);
      return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount ?? result.rows.length };
    },
    async close() {
      await pool.end();
    },
  };
}
