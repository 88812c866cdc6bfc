// The worked example of the "Writing an adapter" guide (README.md): a complete store kept in plain
// Maps. Everything every adapter repeats comes from core (StoreKit, prepareFlagWrite,
// validateUpdates, applyValueUpdates, the argument checks); what is left is the storage itself.
import { randomUUID } from 'node:crypto';
import {
  actorOf,
  applyValueUpdates,
  auditLimit,
  checkAuditMaxEntries,
  checkExpectedVersion,
  checkFeatureArgs,
  checkFeatureNames,
  checkKey,
  checkTtl,
  checkValueBatch,
  parseFlagWrites,
  prepareFlagWrite,
  prepareFlagWrites,
  StoreKit,
  toJson,
  type AuditAction,
  type AuditEntry,
  type AuditQuery,
  type FeatureValueOptions,
  type FlagDefinition,
  type FlagWrite,
  type FlagStore,
  type JsonValue,
  type ListFlagsOptions,
  type MigrationResult,
  type SetValuesOptions,
  type StoreCapabilities,
  type StoredFlag,
  type StoredValues,
  type StoreHealth,
  type StoreListener,
  type StoreOptions,
  type ValueUpdate,
  type WriteOptions,
} from '@switchyard/core';

/** The "backend": state shared by every client opened on it. */
export interface MapBackend {
  flags: Map<string, StoredFlag>;
  values: Map<string, StoredValues>;
  features: Map<string, Map<string, JsonValue>>;
  cache: Map<string, { json: string; expiresAt?: number }>;
  audit: AuditEntry[];
  migrated: boolean;
}

export function createMapBackend(): MapBackend {
  return { flags: new Map(), values: new Map(), features: new Map(), cache: new Map(), audit: [], migrated: false };
}

/** Stored values are copied through JSON, so callers never share objects with the backend. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class MapStore implements FlagStore {
  readonly name = 'map';
  /** No propagation: the suite skips the propagation cases and names the capability. */
  readonly capabilities: StoreCapabilities = { propagation: false, persistent: false, shared: false, sendCommand: false };
  readonly clientId = randomUUID();
  readonly #kit: StoreKit;

  constructor(
    private readonly db: MapBackend,
    private readonly options: Pick<StoreOptions, 'auditMaxEntries' | 'logger' | 'validators'> = {},
  ) {
    checkAuditMaxEntries(options.auditMaxEntries); // refused precisely (ValidationError) when not a whole number ≥ 1
    this.#kit = new StoreKit({ name: this.name, clientId: this.clientId, logger: options.logger });
  }

  // ---- lifecycle ----
  migrate(): Promise<MigrationResult[]> {
    return this.#kit.op('migrate', async () => {
      if (this.db.migrated) return [];
      this.db.migrated = true;
      return [{ migrationName: '0001_maps', direction: 'Up', status: 'Success' }];
    });
  }
  async health(): Promise<StoreHealth> {
    return this.#kit.closed ? { ok: false, error: 'closed' } : { ok: true, latencyMs: 0 };
  }
  close(): Promise<void> {
    return this.#kit.close(async () => undefined);
  }
  subscribe(listener: StoreListener): () => void {
    return this.#kit.subscribe(listener);
  }

  // ---- FlagRepository ----
  getFlag(key: string): Promise<StoredFlag | undefined> {
    return this.#kit.op('getFlag', async () => {
      checkKey(key);
      const flag = this.db.flags.get(key);
      return flag && copy(flag);
    });
  }
  listFlags(options: ListFlagsOptions = {}): Promise<StoredFlag[]> {
    return this.#kit.op('listFlags', async () =>
      [...this.db.flags.values()]
        .filter((f) => (options.includeDisabled ?? true) || f.definition.enabled !== false)
        .filter((f) => options.flagSet === undefined || f.definition.flagSet === options.flagSet)
        .sort((a, b) => byKey(a.definition.key, b.definition.key))
        .map(copy),
    );
  }
  upsertFlag(definition: FlagDefinition, options: WriteOptions = {}): Promise<StoredFlag> {
    return this.#kit.op('upsertFlag', async () => {
      const key = (definition as Partial<FlagDefinition> | null)?.key;
      const current = typeof key === 'string' ? this.db.flags.get(key) : undefined;
      const next = copy(prepareFlagWrite(definition, current, options)); // validation, expectedVersion, version + 1
      this.db.flags.set(next.definition.key, next);
      this.#audit(options, 'flag.upsert', next.definition.key, current?.definition ?? null, next.definition);
      this.#kit.committed('flags', [next.definition.key]);
      return copy(next);
    });
  }
  upsertFlags(writes: FlagWrite[], options: Pick<WriteOptions, 'actor'> = {}): Promise<StoredFlag[]> {
    return this.#kit.op('upsertFlags', async () => {
      const parsed = parseFlagWrites(writes); // array shape, each definition valid, no key twice
      const records = prepareFlagWrites(writes, parsed, (key) => this.db.flags.get(key)); // every version checked before any write
      for (const next of records) {
        const key = next.definition.key;
        this.#audit(options, 'flag.upsert', key, this.db.flags.get(key)?.definition ?? null, next.definition);
        this.db.flags.set(key, copy(next));
      }
      if (records.length) this.#kit.committed('flags', records.map((r) => r.definition.key));
      return records;
    });
  }
  deleteFlag(key: string, options: WriteOptions = {}): Promise<boolean> {
    return this.#kit.op('deleteFlag', async () => {
      checkKey(key);
      const current = this.db.flags.get(key);
      checkExpectedVersion(key, current?.version ?? 0, options.expectedVersion);
      if (!current) return false;
      this.db.flags.delete(key);
      const hadValues = this.db.values.delete(key);
      this.#audit(options, 'flag.delete', key, current.definition, null);
      this.#kit.committed('flags', [key]);
      if (hadValues) this.#kit.committed('values', [key]);
      return true;
    });
  }

  // ---- ValueRepository ----
  getValues(key: string): Promise<StoredValues | undefined> {
    return this.#kit.op('getValues', async () => {
      checkKey(key);
      const values = this.db.values.get(key);
      return values && copy(values);
    });
  }
  listValues(): Promise<Record<string, StoredValues>> {
    return this.#kit.op('listValues', async () => Object.fromEntries([...this.db.values].sort(([a], [b]) => byKey(a, b)).map(([k, v]) => [k, copy(v)])));
  }
  setValues(updates: ValueUpdate[], options: SetValuesOptions = {}): Promise<void> {
    return this.#kit.op('setValues', async () => {
      if (!(await checkValueBatch(updates, options, this.options.validators, (keys) => this.#definitions(keys)))) return;
      // Validation may have awaited custom validators: version checks and the write run without a pause.
      for (const u of updates) checkExpectedVersion(u.key, this.db.values.get(u.key)?.version ?? 0, u.expectedVersion);
      const next = applyValueUpdates((key) => this.db.values.get(key), copy(updates), options.seededValuesOf);
      for (const [key, layer] of next) {
        const current = this.db.values.get(key);
        if (layer) this.db.values.set(key, { ...layer, version: (current?.version ?? 0) + 1 });
        else this.db.values.delete(key);
        const { version: _version, ...before } = current ?? { version: 0 };
        this.#audit(options, 'values.update', key, current ? before : null, layer ?? null);
      }
      this.#kit.committed('values', [...next.keys()]);
    });
  }

  // ---- FeatureCache ----
  getFeatureValues(feature: string, scopeIds: string[]): Promise<Map<string, JsonValue>> {
    // The kit checks the arguments and answers no scope ids without a read.
    return this.#kit.featureValues(feature, scopeIds, async (out) => {
      const stored = this.db.features.get(feature);
      for (const id of scopeIds) if (stored?.has(id)) out.set(id, copy(stored.get(id)!));
    });
  }
  setFeatureValue(feature: string, scopeId: string, value: JsonValue, options: FeatureValueOptions = {}): Promise<JsonValue> {
    return this.#kit.op('setFeatureValue', async () => {
      checkFeatureArgs(feature, [scopeId]);
      const json = toJson(value, 'value');
      const stored = this.db.features.get(feature) ?? new Map<string, JsonValue>();
      if (options.onlyIfAbsent && stored.has(scopeId)) return copy(stored.get(scopeId)!);
      this.db.features.set(feature, stored.set(scopeId, JSON.parse(json) as JsonValue));
      this.#kit.committed('features', [feature]);
      return value;
    });
  }
  updateFeatureValues(feature: string, value: JsonValue): Promise<number> {
    return this.#kit.op('updateFeatureValues', async () => {
      checkFeatureArgs(feature, []);
      const json = toJson(value, 'value');
      const stored = this.db.features.get(feature);
      if (!stored?.size) return 0;
      for (const id of stored.keys()) stored.set(id, JSON.parse(json) as JsonValue);
      this.#kit.committed('features', [feature]);
      return stored.size;
    });
  }
  deleteFeatureValue(feature: string, scopeId: string): Promise<void> {
    return this.#kit.op('deleteFeatureValue', async () => {
      checkFeatureArgs(feature, [scopeId]);
      const stored = this.db.features.get(feature);
      if (!stored?.delete(scopeId)) return;
      if (stored.size === 0) this.db.features.delete(feature);
      this.#kit.committed('features', [feature]);
    });
  }
  purgeFeatures(features?: string[]): Promise<number> {
    return this.#kit.op('purgeFeatures', async () => {
      checkFeatureNames(features);
      const purged = [...new Set(features ?? this.db.features.keys())].filter((f) => this.db.features.has(f)).sort(byKey);
      let removed = 0;
      for (const feature of purged) {
        const count = this.db.features.get(feature)!.size;
        this.db.features.delete(feature);
        removed += count;
        this.#audit({}, 'feature.purge', feature, count, null);
      }
      if (purged.length) this.#kit.committed('features', purged);
      return removed;
    });
  }
  listFeatures(): Promise<string[]> {
    return this.#kit.op('listFeatures', async () => [...this.db.features.keys()].sort(byKey));
  }
  cacheGet(key: string): Promise<JsonValue | undefined> {
    return this.#kit.op('cacheGet', async () => {
      checkKey(key);
      const entry = this.db.cache.get(key);
      if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) this.db.cache.delete(key);
      else if (entry) return JSON.parse(entry.json) as JsonValue;
      return undefined;
    });
  }
  cacheSet(key: string, value: JsonValue, ttlMs?: number): Promise<void> {
    return this.#kit.op('cacheSet', async () => {
      checkKey(key);
      checkTtl(ttlMs);
      this.db.cache.set(key, { json: toJson(value, 'value'), expiresAt: ttlMs === undefined ? undefined : Date.now() + ttlMs });
    });
  }
  cacheDelete(key: string): Promise<void> {
    return this.#kit.op('cacheDelete', async () => {
      checkKey(key);
      this.db.cache.delete(key);
    });
  }

  // ---- AuditLog ----
  listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    return this.#kit.op('listAudit', async () => {
      const limit = auditLimit(query);
      return this.db.audit
        .filter((e) => (query.key === undefined || e.key === query.key) && (query.beforeId === undefined || e.id < query.beforeId))
        .slice(-limit)
        .reverse()
        .map(copy);
    });
  }

  /** Stored definitions of `keys` (those the caller did not define), for validating value updates. */
  #definitions(keys: string[]): Map<string, FlagDefinition> {
    return new Map(keys.flatMap((k) => (this.db.flags.has(k) ? [[k, this.db.flags.get(k)!.definition] as const] : [])));
  }

  #audit(options: { actor?: string }, action: AuditAction, key: string, before: unknown, after: unknown): void {
    const id = (this.db.audit.at(-1)?.id ?? 0) + 1;
    this.db.audit.push(copy({ id, at: new Date().toISOString(), actor: actorOf(options), action, key, before: before as JsonValue, after: after as JsonValue }));
    const max = this.options.auditMaxEntries;
    if (max !== undefined && this.db.audit.length > max) this.db.audit.splice(0, this.db.audit.length - max);
  }
}
