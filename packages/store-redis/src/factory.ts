import { takeNamespaceParam, whenReady, type StoreFactory, type StoreOptions } from '@switchyard/core';
import type { RedisStoreOptions } from './options';
import { RedisStore } from './redis-store';

/** Creates a Redis store. It connects in the background; `await store.ready()` to wait for it. */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  return new RedisStore(options);
}

/**
 * Opens a store from `redis://…` or `rediss://…` URLs (`?prefix=` chooses the namespace), as used
 * by `openStore(url)`. Resolves once connected and subscribed.
 */
export const storeFactory: StoreFactory = async (url: URL, options: StoreOptions = {}) => {
  const { connection, namespace } = takeNamespaceParam(url, 'prefix');
  return whenReady(createRedisStore({ ...options, url: connection, namespace: options.namespace ?? namespace }));
};
