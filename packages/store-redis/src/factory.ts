import type { StoreFactory, StoreOptions } from '@switchyard/core';
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
  const connection = new URL(url.href);
  const prefix = connection.searchParams.get('prefix');
  connection.searchParams.delete('prefix');
  const store = createRedisStore({ ...options, url: connection.href, namespace: options.namespace ?? prefix ?? undefined });
  try {
    await store.ready();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
};
