import type { StoreFactory } from '@switchyard/core';

/** How each supported URL scheme loads its adapter. Imports are lazy: unused drivers are never loaded. */
export const ADAPTERS: Record<string, { example: string; load: () => Promise<{ storeFactory?: StoreFactory }>; packageName: string }> = {
  'memory:': { example: 'memory: or memory:NAME', packageName: '@switchyard/store-memory', load: () => import('@switchyard/store-memory') },
  'sqlite:': { example: 'sqlite:PATH or sqlite:///ABSOLUTE/PATH', packageName: '@switchyard/store-sqlite', load: () => import('@switchyard/store-sqlite') },
  'postgres:': { example: 'postgres://USER@HOST:5432/DB', packageName: '@switchyard/store-postgres', load: () => import('@switchyard/store-postgres') },
  'postgresql:': { example: 'postgresql://USER@HOST:5432/DB', packageName: '@switchyard/store-postgres', load: () => import('@switchyard/store-postgres') },
  'redis:': { example: 'redis://HOST:6379', packageName: '@switchyard/store-redis', load: () => import('@switchyard/store-redis') },
  'rediss:': { example: 'rediss://HOST:6380 (TLS)', packageName: '@switchyard/store-redis', load: () => import('@switchyard/store-redis') },
};

/** The schemes `openStore` accepts, e.g. `sqlite:`. */
export const SUPPORTED_SCHEMES: readonly string[] = Object.keys(ADAPTERS);

/** One line listing every accepted URL form, for error messages and help texts. */
export function supportedSchemesText(): string {
  return Object.values(ADAPTERS)
    .map((a) => a.example)
    .join(', ');
}
