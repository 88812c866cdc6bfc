import type { DatabaseDriver, QueryResult } from './types';
import { abortReason, loadPeer } from './abortable';

/**
 * SQLite through better-sqlite3; `?` placeholders. Booleans bind as 1/0, objects as JSON text.
 * Statements run synchronously, so an abort is honoured before a statement starts, not during it.
 */
export async function createSqliteDriver(path: string, options: { readonly?: boolean } = {}): Promise<DatabaseDriver> {
  const { default: Database } = await loadPeer('better-sqlite3', () => import('better-sqlite3'));
  const db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  const statements = new Map<string, ReturnType<typeof db.prepare<unknown[]>>>();
  return {
    async query(sql, params, signal): Promise<QueryResult> {
      if (signal.aborted) throw abortReason(signal);
      let stmt = statements.get(sql);
      if (!stmt) {
        stmt = db.prepare<unknown[]>(sql);
        if (statements.size > 256) statements.clear();
        statements.set(sql, stmt);
      }
      const bound = params.map(bindSqlite);
      if (stmt.reader) {
        const rows = stmt.all(...bound) as Record<string, unknown>[];
        return { rows, rowCount: rows.length };
      }
      const info = stmt.run(...bound);
      return { rows: [], rowCount: info.changes };
    },
    async close() {
      db.close();
    },
  };
}

function bindSqlite(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) return JSON.stringify(value);
  return value;
}
