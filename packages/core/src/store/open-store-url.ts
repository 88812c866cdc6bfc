import type { FlagStore } from './store';

/**
 * `url` without its namespace parameter (`?schema=`, `?prefix=`), and that parameter's value: the
 * connection string a driver gets and the namespace the store uses.
 */
export function takeNamespaceParam(url: URL, param: string): { connection: string; namespace: string | undefined } {
  const connection = new URL(url.href);
  const namespace = connection.searchParams.get(param) ?? undefined;
  connection.searchParams.delete(param);
  return { connection: connection.href, namespace };
}

/** Resolves `store` once it is ready; a store that cannot get ready is closed and the error passed on. */
export async function whenReady<S extends FlagStore & { ready(): Promise<void> }>(store: S): Promise<S> {
  try {
    await store.ready();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
