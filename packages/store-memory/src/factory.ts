import type { StoreFactory } from '@switchyard/core';
import { MemoryStore, type MemoryStoreOptions } from './memory-store';

/** A memory store: a fresh hub unless `options.hub` names or passes a shared one. */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(options);
}

/**
 * `memory:` → a fresh hub; `memory:NAME` → the process-wide hub `NAME`, shared by every store opened with it.
 * `options.namespace` names the hub when the URL does not.
 */
export const storeFactory: StoreFactory = (url, options = {}) => {
  const name = decodeURIComponent(url.pathname.replace(/^\/+/, '')) || options.namespace || undefined;
  return new MemoryStore({ hub: name, logger: options.logger, validators: options.validators, auditMaxEntries: options.auditMaxEntries });
};
