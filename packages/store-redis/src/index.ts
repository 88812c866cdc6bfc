export { createRedisStore, storeFactory } from './factory';
export { RedisStore, MIGRATION_NAMES } from './redis-store';
export { DEFAULT_NAMESPACE, DEFAULT_TIMEOUT_MS, type RedisStoreOptions } from './options';
