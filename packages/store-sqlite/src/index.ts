export { SqliteStore, type SqliteStoreOptions } from './sqlite-store';
export { createSqliteStore, storeFactory, DEFAULT_SQLITE_URL } from './factory';
export { sqlitePathFromUrl, MEMORY_PATH } from './url';
export { MIGRATIONS, MIGRATIONS_TABLE, runMigrations, type Migration } from './migrations';
export { mapSqliteError } from './errors';
