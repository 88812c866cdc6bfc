export { MemoryStore, type MemoryStoreOptions } from './memory-store';
export { createMemoryStore, storeFactory } from './factory';
export { createMemoryHub, namedMemoryHub, dropMemoryHub, type MemoryHub, type CacheEntry } from './hub';
