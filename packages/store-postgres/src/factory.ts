import { takeNamespaceParam, whenReady, type StoreFactory, type StoreOptions } from '@switchyard/core';
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
  const { connection, namespace } = takeNamespaceParam(url, 'schema');
  return whenReady(createPostgresStore({ ...options, connectionString: connection, namespace: options.namespace ?? namespace, autoMigrate: false }));
};
