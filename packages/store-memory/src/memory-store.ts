import { randomUUID } from 'node:crypto';
import {
  applyValueUpdates,
  ChangeHub,
  consoleStoreLogger,
  checkAuditMaxEntries,
  checkExpectedVersion,
  parseFlagWrites,
  prepareFlagWrite,
  prepareFlagWrites,
  StoreUnavailableError,
  validateValueUpdatesAsync,
} from '@switchyard/core';
import type {
  AuditAction,
  AuditEntry,
  AuditQuery,
  FeatureValueOptions,
  FlagDefinition,
  FlagStore,
  FlagWrite,
  JsonValue,
  ListFlagsOptions,
  MigrationResult,
  SetValuesOptions,
  StoreCapabilities,
  StoreChange,
  StoredFlag,
  StoredValues,
  StoreHealth,
  StoreListener,
  StoreOptions,
  ValueLayer,
  ValueUpdate,
  WriteOptions,
} from '@switchyard/core';
import { createMemoryHub, namedMemoryHub, type MemoryHub } from './hub';

export interface MemoryStoreOptions extends Pick<StoreOptions, 'logger' | 'validators' | 'auditMaxEntries'> {
  /** Share state with every client using the same hub: a name (process-wide registry) or a hub object. Default: a fresh hub. */
  hub?: string | MemoryHub;
  /** @deprecated use `auditMaxEntries`. */
  auditLimit?: number;
}

const CAPABILITIES: StoreCapabilities = Object.freeze({ propagation: true, persistent: false, shared: false, sendCommand: false });
/** Expired cache entries are swept after this many cache writes (reads expire lazily). */
const SWEEP_EVERY = 1000;

const clone = <T>(value: T): T => structuredClone(value);

/** An in-process store. Clients on the same hub share state and see each other's changes. */
export class MemoryStore implements FlagStore {
  readonly name = 'memory';
  readonly capabilities = CAPABILITIES;
  readonly clientId = `memory-${randomUUID()}`;

  private readonly hub: MemoryHub;
  /** This client's subscribers (the `ChangeFeed` contract of core: fan-out, errors logged, double subscriptions). */
  private readonly listeners: ChangeHub;
  private readonly auditLimit: number;
  private readonly validators: StoreOptions['validators'];
  private readonly logger: MemoryStoreOptions['logger'];
  private closed = false;
  private readonly member = (change: StoreChange) => {
    // Other clients hear about a change after the writer's own listeners, as they would over a wire.
    queueMicrotask(() => this.emit(change));
  };

  constructor(options: MemoryStoreOptions = {}) {
    this.hub = typeof options.hub === 'string' ? namedMemoryHub(options.hub) : (options.hub ?? createMemoryHub());
    this.auditLimit = checkAuditMaxEntries(options.auditMaxEntries ?? options.auditLimit) ?? 10_000;
    this.validators = options.validators;
    this.logger = options.logger;
    this.listeners = new ChangeHub(options.logger ?? consoleStoreLogger);
    this.hub.members.add(this.member);
  }

  async migrate(): Promise<MigrationResult[]> {
    this.open();
    return [];
  }

  async health(): Promise<StoreHealth> {
    if (this.closed) return { ok: false, error: 'store is closed' };
    return { ok: true, latencyMs: 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.members.delete(this.member);
    this.listeners.clear();
  }

  async getFlag(key: string): Promise<StoredFlag | undefined> {
    this.open();
    const flag = this.hub.flags.get(key);
    return flag && clone(flag);
  }

  async listFlags(options: ListFlagsOptions = {}): Promise<StoredFlag[]> {
    this.open();
    const includeDisabled = options.includeDisabled ?? true;
    const out: StoredFlag[] = [];
    for (const flag of this.hub.flags.values()) {
      if (!includeDisabled && flag.definition.enabled === false) continue;
      if (options.flagSet !== undefined && flag.definition.flagSet !== options.flagSet) continue;
      out.push(clone(flag));
    }
    return out.sort((a, b) => compare(a.definition.key, b.definition.key));
  }

  async upsertFlag(definition: FlagDefinition, options: WriteOptions = {}): Promise<StoredFlag> {
    this.open();
    const key = (definition as Partial<FlagDefinition> | null)?.key;
    const current = typeof key === 'string' ? this.hub.flags.get(key) : undefined;
    // Validate first (zod refuses anything that is not JSON), then keep a private copy.
    const next = clone(prepareFlagWrite(definition, current, options));
    this.hub.flags.set(next.definition.key, next);
    this.audit(options.actor, 'flag.upsert', next.definition.key, current?.definition ?? null, next.definition);
    this.publish({ kind: 'flags', keys: [next.definition.key], origin: this.clientId });
    return clone(next);
  }

  async upsertFlags(writes: FlagWrite[], options: Pick<WriteOptions, 'actor'> = {}): Promise<StoredFlag[]> {
    this.open();
    const parsed = parseFlagWrites(writes);
    // Planned in full (versions checked) before the first record changes: all or nothing.
    const records = prepareFlagWrites(writes, parsed, (key) => this.hub.flags.get(key)).map(clone);
    if (records.length === 0) return [];
    for (const next of records) {
      const key = next.definition.key;
      this.audit(options.actor, 'flag.upsert', key, this.hub.flags.get(key)?.definition ?? null, next.definition);
      this.hub.flags.set(key, next);
    }
    this.publish({ kind: 'flags', keys: records.map((r) => r.definition.key), origin: this.clientId });
    return records.map(clone);
  }

  async deleteFlag(key: string, options: WriteOptions = {}): Promise<boolean> {
    this.open();
    const current = this.hub.flags.get(key);
    checkExpectedVersion(key, current?.version ?? 0, options.expectedVersion);
    if (!current) return false;
    this.hub.flags.delete(key);
    const hadValues = this.hub.values.delete(key);
    this.audit(options.actor, 'flag.delete', key, current.definition, null);
    this.publish({ kind: 'flags', keys: [key], origin: this.clientId });
    if (hadValues) this.publish({ kind: 'values', keys: [key], origin: this.clientId });
    return true;
  }

  async getValues(key: string): Promise<StoredValues | undefined> {
    this.open();
    const values = this.hub.values.get(key);
    return values && clone(values);
  }

  async listValues(): Promise<Record<string, StoredValues>> {
    this.open();
    const out: Record<string, StoredValues> = {};
    for (const [key, values] of this.hub.values) out[key] = clone(values);
    return out;
  }

  async setValues(updates: ValueUpdate[], options: SetValuesOptions = {}): Promise<void> {
    this.open();
    const hub = this.hub;
    await validateValueUpdatesAsync(updates, (key) => options.definitionOf?.(key) ?? hub.flags.get(key)?.definition, options.validators ?? this.validators, {
      custom: !options.skipCustomValidators,
    });
    // Custom validators may have awaited: the checks below and the write run without a pause.
    this.open();
    for (const u of updates) checkExpectedVersion(u.key, hub.values.get(u.key)?.version ?? 0, u.expectedVersion);
    const next = applyValueUpdates((key) => hub.values.get(key), clone(updates), options.seededValuesOf);
    for (const [key, values] of next) {
      const current = hub.values.get(key);
      if (values) hub.values.set(key, { ...values, version: (current?.version ?? 0) + 1 });
      else hub.values.delete(key);
      this.audit(options.actor, 'values.update', key, current ? withoutVersion(current) : null, values ? (values as JsonValue) : null);
    }
    if (next.size) this.publish({ kind: 'values', keys: [...next.keys()], origin: this.clientId });
  }

  async getFeatureValues(feature: string, scopeIds: string[]): Promise<Map<string, JsonValue>> {
    this.open();
    const out = new Map<string, JsonValue>();
    const stored = this.hub.features.get(feature);
    if (!stored) return out;
    for (const id of scopeIds) if (stored.has(id)) out.set(id, clone(stored.get(id) as JsonValue));
    return out;
  }

  async setFeatureValue(feature: string, scopeId: string, value: JsonValue, options: FeatureValueOptions = {}): Promise<JsonValue> {
    this.open();
    let stored = this.hub.features.get(feature);
    if (options.onlyIfAbsent && stored?.has(scopeId)) return clone(stored.get(scopeId) as JsonValue);
    if (!stored) this.hub.features.set(feature, (stored = new Map<string, JsonValue>()));
    stored.set(scopeId, clone(value));
    this.publish({ kind: 'features', features: [feature], origin: this.clientId });
    return clone(value);
  }

  async updateFeatureValues(feature: string, value: JsonValue): Promise<number> {
    this.open();
    const stored = this.hub.features.get(feature);
    if (!stored?.size) return 0;
    for (const id of stored.keys()) stored.set(id, clone(value));
    this.publish({ kind: 'features', features: [feature], origin: this.clientId });
    return stored.size;
  }

  async deleteFeatureValue(feature: string, scopeId: string): Promise<void> {
    this.open();
    const stored = this.hub.features.get(feature);
    if (!stored?.delete(scopeId)) return;
    if (stored.size === 0) this.hub.features.delete(feature);
    this.publish({ kind: 'features', features: [feature], origin: this.clientId });
  }

  async purgeFeatures(features?: string[]): Promise<number> {
    this.open();
    const names = features ?? [...this.hub.features.keys()];
    const purged: string[] = [];
    let removed = 0;
    for (const name of new Set(names)) {
      const stored = this.hub.features.get(name);
      if (!stored) continue;
      this.hub.features.delete(name);
      removed += stored.size;
      purged.push(name);
      this.audit(undefined, 'feature.purge', name, stored.size, null);
    }
    if (purged.length) this.publish({ kind: 'features', features: purged, origin: this.clientId });
    return removed;
  }

  async listFeatures(): Promise<string[]> {
    this.open();
    return [...this.hub.features.keys()].sort(compare);
  }

  async cacheGet(key: string): Promise<JsonValue | undefined> {
    this.open();
    const entry = this.hub.cache.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.hub.cache.delete(key);
      return undefined;
    }
    return clone(entry.value);
  }

  async cacheSet(key: string, value: JsonValue, ttlMs?: number): Promise<void> {
    this.open();
    this.hub.cache.set(key, ttlMs === undefined ? { value: clone(value) } : { value: clone(value), expiresAt: Date.now() + ttlMs });
    if (++this.hub.cacheWritesSinceSweep >= SWEEP_EVERY) this.sweepCache();
  }

  async cacheDelete(key: string): Promise<void> {
    this.open();
    this.hub.cache.delete(key);
  }

  async listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    this.open();
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 1000);
    const out: AuditEntry[] = [];
    const audit = this.hub.audit;
    for (let i = audit.length - 1; i >= 0 && out.length < limit; i--) {
      const entry = audit[i]!;
      if (query.beforeId !== undefined && entry.id >= query.beforeId) continue;
      if (query.key !== undefined && entry.key !== query.key) continue;
      out.push(clone(entry));
    }
    return out;
  }

  subscribe(listener: StoreListener): () => void {
    return this.listeners.subscribe(listener);
  }

  private open(): void {
    if (this.closed) throw new StoreUnavailableError('memory store is closed');
  }

  private audit(actor: string | undefined, action: AuditAction, key: string, before: JsonValue | FlagDefinition, after: JsonValue | FlagDefinition): void {
    const hub = this.hub;
    hub.audit.push({
      id: hub.nextAuditId++,
      at: new Date().toISOString(),
      actor: actor ?? 'system',
      action,
      key,
      before: clone(before) as JsonValue,
      after: clone(after) as JsonValue,
    });
    if (hub.audit.length > this.auditLimit) hub.audit.splice(0, hub.audit.length - this.auditLimit);
  }

  private publish(change: StoreChange): void {
    this.emit(change);
    for (const member of this.hub.members) if (member !== this.member) member(change);
  }

  private emit(change: StoreChange): void {
    this.listeners.emit(change);
  }

  private sweepCache(): void {
    this.hub.cacheWritesSinceSweep = 0;
    const now = Date.now();
    for (const [key, entry] of this.hub.cache) if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.hub.cache.delete(key);
  }
}

function withoutVersion(values: StoredValues): JsonValue {
  const out: ValueLayer = {};
  if (values.rootValue !== undefined) out.rootValue = values.rootValue;
  if (values.scopedValues !== undefined) out.scopedValues = values.scopedValues;
  if (values.removedSeeds !== undefined) out.removedSeeds = values.removedSeeds;
  return out as JsonValue;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
