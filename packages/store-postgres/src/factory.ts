import type { StoreFactory, StoreOptions } from '@switchyard/core';
import { PostgresStore } from './postgres-store';
import type { PostgresStoreOptions } from './options';

/** Creates a PostgreSQL store. Connections open lazily; `await store.ready()` to wait for them. */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  return new PostgresStore(options);
}

/**
 * Opens a store from `postgres://…` or `postgresql://…` URLs (`?schema=` chooses the namespace),
 * as used by `openStore(url)`. Resolves once listening; it does not migrate (`openStore` calls
 * `migrate()` itself unless told not to).
 */
export const storeFactory: StoreFactory = async (url: URL, options: StoreOptions = {}) => {
  const connection = new URL(url.href);
  const schema = connection.searchParams.get('schema');
  connection.searchParams.delete('schema');
  const store = createPostgresStore({
    ...options,
    connectionString: connection.href,
    namespace: options.namespace ?? schema ?? undefined,
    autoMigrate: false,
  });
  try {
    await store.ready();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
};
