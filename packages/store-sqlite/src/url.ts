import { isAbsolute, resolve } from 'node:path';

/** The in-memory database name of SQLite. */
export const MEMORY_PATH = ':memory:';

/**
 * The database file named by a `sqlite:` URL: `sqlite:./data/x.db` and `sqlite:data/x.db` are
 * relative to `cwd`; `sqlite:///abs/x.db` and `sqlite:/abs/x.db` are absolute; `sqlite::memory:` is
 * a private in-memory database. Returns an absolute path or `:memory:`.
 */
export function sqlitePathFromUrl(url: URL, cwd: string = process.cwd()): string {
  if (url.protocol !== 'sqlite:') throw new Error(`not a sqlite: URL: ${url.protocol}`);
  if (url.host) {
    throw new Error(`sqlite URL must not name a host ("${url.host}"); use sqlite:./relative/path.db or sqlite:///absolute/path.db`);
  }
  const path = decodeURIComponent(url.pathname);
  if (!path) throw new Error('sqlite URL names no file; use sqlite:./data/switchyard.db, sqlite:///absolute/path.db or sqlite::memory:');
  if (path === MEMORY_PATH) return MEMORY_PATH;
  return isAbsolute(path) ? path : resolve(cwd, path);
}
