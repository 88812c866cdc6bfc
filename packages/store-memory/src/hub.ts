import type { AuditEntry, JsonValue, StoreChange, StoredFlag, StoredValues } from '@switchyard/core';

export interface CacheEntry {
  value: JsonValue;
  /** Epoch milliseconds; absent = never expires. */
  expiresAt?: number;
}

/** The state shared by every memory client attached to it. */
export interface MemoryHub {
  readonly name: string | undefined;
  readonly flags: Map<string, StoredFlag>;
  readonly values: Map<string, StoredValues>;
  /** feature → scopeId → value */
  readonly features: Map<string, Map<string, JsonValue>>;
  readonly cache: Map<string, CacheEntry>;
  /** Oldest first. */
  readonly audit: AuditEntry[];
  nextAuditId: number;
  cacheWritesSinceSweep: number;
  /** Delivers a change to every attached client. */
  readonly members: Set<(change: StoreChange) => void>;
}

const namedHubs = new Map<string, MemoryHub>();

/** A new, empty hub. */
export function createMemoryHub(name?: string): MemoryHub {
  return {
    name,
    flags: new Map(),
    values: new Map(),
    features: new Map(),
    cache: new Map(),
    audit: [],
    nextAuditId: 1,
    cacheWritesSinceSweep: 0,
    members: new Set(),
  };
}

/** The hub registered under `name` in this process, created on first use. */
export function namedMemoryHub(name: string): MemoryHub {
  let hub = namedHubs.get(name);
  if (!hub) {
    hub = createMemoryHub(name);
    namedHubs.set(name, hub);
  }
  return hub;
}

/** Forgets a named hub: clients attached to it keep it, later `memory:NAME` stores get a fresh one. */
export function dropMemoryHub(name: string): boolean {
  return namedHubs.delete(name);
}
