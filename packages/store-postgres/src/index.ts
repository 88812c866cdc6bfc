export { createPostgresStore, storeFactory } from './factory';
export { PostgresStore } from './postgres-store';
export { MIGRATION_NAMES } from './migrations';
export { DEFAULT_NAMESPACE, DEFAULT_TIMEOUT_MS, type PostgresStoreOptions } from './options';
