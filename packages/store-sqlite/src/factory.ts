import type { StoreFactory } from '@switchyard/core';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store';
import { sqlitePathFromUrl } from './url';

/** The embedded default store URL: a file under `./data`, created on first use. */
export const DEFAULT_SQLITE_URL = 'sqlite:./data/switchyard.db';

/** Opens a SQLite store. The schema is migrated on first use unless `migrate()` was called before. */
export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}

/** `sqlite:./relative.db` (to the working directory), `sqlite:///absolute.db`, `sqlite::memory:`. */
export const storeFactory: StoreFactory = (url, options = {}) =>
  new SqliteStore({
    path: sqlitePathFromUrl(url),
    timeoutMs: options.timeoutMs,
    logger: options.logger,
    validators: options.validators,
    auditMaxEntries: options.auditMaxEntries,
    create: options.create,
  });
