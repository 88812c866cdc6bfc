import type { FlagDefinition, MaintainedValues, ScopeMap } from '../types/flag';
import type { FlagValue, JsonValue } from '../types/values';
import type { ValidatorSource } from '../validation/validators';

/** A flag definition as a store keeps it. `version` starts at 1 and grows by one per write. */
export interface StoredFlag {
  definition: FlagDefinition;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Maintained values as a layer over seeded values (manifests): `removedSeeds` lists the canonical
 * scope keys (`//` for the root) whose seeded value was removed by a write, so it stays hidden.
 */
export interface ValueLayer extends MaintainedValues {
  removedSeeds?: string[];
}

/** Maintained values as a store keeps them; `version` grows by one per applied update batch touching the key. */
export interface StoredValues extends ValueLayer {
  version: number;
}

/** What an adapter can do. Conformance tests and callers branch on these, never on the adapter's name. */
export interface StoreCapabilities {
  /** Writes by one client reach other clients (other connections, processes or hosts). */
  propagation: boolean;
  /** State survives the process. */
  persistent: boolean;
  /** Several processes can share the state. */
  shared: boolean;
  /** Raw backend commands through `sendCommand`. */
  sendCommand: boolean;
}

export interface WriteOptions {
  /** Who made the change; recorded in the audit log. Default `system`. */
  actor?: string;
  /**
   * Optimistic concurrency: the version the caller last read. A write against any other
   * version is refused with `ConflictError`. `0` means "must not exist yet".
   */
  expectedVersion?: number;
}

/** One maintained-value change (cds `redisUpdate`). */
export interface ValueUpdate {
  key: string;
  /** `null` removes the value at this scope. */
  value: FlagValue | null;
  /** Absent or empty: the root value. */
  scope?: ScopeMap;
  /** Also remove every value of a more specific scope (root: every scoped value). */
  clearSubScopes?: boolean;
  /**
   * Allowed for keys that have no definition (cleaning legacy keys). A key that has a definition is
   * validated as usual: type, regex, scopes and custom validators.
   */
  remoteOnly?: boolean;
  /** Optimistic concurrency against the key's values version. */
  expectedVersion?: number;
}

export interface SetValuesOptions {
  actor?: string;
  /** Definitions the store does not hold itself (manifests, code), used to validate updates. */
  definitionOf?: (key: string) => FlagDefinition | undefined;
  /**
   * Values a key has in the layer below the store (manifest `values:`). Stored values overlay them
   * scope by scope; removing (`null`, `clearSubScopes`) a scope that has a seeded value records the
   * removal in `removedSeeds` instead of forgetting it, so the seeded value does not come back.
   */
  seededValuesOf?: (key: string) => MaintainedValues | undefined;
  /** Custom validators for this call (else the store's own `validators`, then the process-wide registry). */
  validators?: ValidatorSource;
  /**
   * The caller ran the custom validators of these updates already (with `validateValueUpdatesAsync`),
   * so the store runs the built-in checks only (type, regex, scopes) and user code runs once per write.
   */
  skipCustomValidators?: boolean;
}

export interface ListFlagsOptions {
  /** Include flags whose `enabled` is false. Default `true`. */
  includeDisabled?: boolean;
  flagSet?: string;
}

export type AuditAction = 'flag.upsert' | 'flag.delete' | 'values.update' | 'feature.purge';

/** One applied change. Written in the same transaction as the change itself. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  key: string;
  before: JsonValue;
  after: JsonValue;
}

export interface AuditQuery {
  key?: string;
  /** Newest first; entries with an id below this one. */
  beforeId?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

/** As in Workertown's `/v1/admin/migrate`. */
export interface MigrationResult {
  migrationName: string;
  direction: 'Up';
  status: 'Success' | 'Error';
  error?: string;
}

/** What changed. `reset` means "state may have changed arbitrarily; read it all again" (after a reconnect). */
export type StoreChange =
  | { kind: 'flags'; keys: string[]; origin: string }
  | { kind: 'values'; keys: string[]; origin: string }
  | { kind: 'features'; features: string[]; origin: string }
  | { kind: 'reset'; origin: string };

export type StoreListener = (change: StoreChange) => void;

export interface StoreHealth {
  ok: boolean;
  latencyMs?: number;
  error?: string;
}

export interface FeatureValueOptions {
  /** Store only when nothing is stored yet; returns the value that is stored after the call. */
  onlyIfAbsent?: boolean;
}

/**
 * The contract every storage adapter implements. All methods may reject with `StoreUnavailableError`
 * when the backend cannot be reached; writes are all-or-nothing.
 */
export interface FlagStore {
  /** Adapter name: `memory`, `sqlite`, `postgres`, `redis`, … */
  readonly name: string;
  readonly capabilities: StoreCapabilities;
  /** Identifies this client in change events (`origin`), so it can tell its own writes apart. */
  readonly clientId: string;

  /** Apply pending schema migrations; idempotent. Returns the migrations applied by this call. */
  migrate(): Promise<MigrationResult[]>;
  health(): Promise<StoreHealth>;
  /** Release connections; pending writes finish first. */
  close(): Promise<void>;

  getFlag(key: string): Promise<StoredFlag | undefined>;
  listFlags(options?: ListFlagsOptions): Promise<StoredFlag[]>;
  /** Create or replace a definition after validating it (`ValidationError`), honouring `expectedVersion` (`ConflictError`). */
  upsertFlag(definition: FlagDefinition, options?: WriteOptions): Promise<StoredFlag>;
  /** Remove a definition and its maintained values. Resolves `false` when there was none. */
  deleteFlag(key: string, options?: WriteOptions): Promise<boolean>;

  getValues(key: string): Promise<StoredValues | undefined>;
  /** Every key with maintained values, including keys without a definition. */
  listValues(): Promise<Record<string, StoredValues>>;
  /** Apply a batch of value updates atomically after validating every one of them. */
  setValues(updates: ValueUpdate[], options?: SetValuesOptions): Promise<void>;

  /** Per-(feature, scope) resolved values of code-defined features. */
  getFeatureValues(feature: string, scopeIds: string[]): Promise<Map<string, JsonValue>>;
  setFeatureValue(feature: string, scopeId: string, value: JsonValue, options?: FeatureValueOptions): Promise<JsonValue>;
  /** Set `value` for every scope that already has a stored result of `feature`. Returns how many. */
  updateFeatureValues(feature: string, value: JsonValue): Promise<number>;
  deleteFeatureValue(feature: string, scopeId: string): Promise<void>;
  /** Remove stored results of the given features, or of all features. Returns how many were removed. */
  purgeFeatures(features?: string[]): Promise<number>;
  /** Names of features that have stored results. */
  listFeatures(): Promise<string[]>;

  /** Key-value area for caches; entries expire after `ttlMs`. */
  cacheGet(key: string): Promise<JsonValue | undefined>;
  cacheSet(key: string, value: JsonValue, ttlMs?: number): Promise<void>;
  cacheDelete(key: string): Promise<void>;

  listAudit(query?: AuditQuery): Promise<AuditEntry[]>;

  /** Listen for changes made through this client (synchronously after commit) and, with `propagation`, through others. */
  subscribe(listener: StoreListener): () => void;

  /** Raw backend command (Redis `INFO`, …); only when `capabilities.sendCommand`. */
  sendCommand?(command: string[]): Promise<unknown>;
}

/** Builds a store from a URL such as `sqlite:./data/switchyard.db`. */
export type StoreFactory = (url: URL, options?: StoreOptions) => FlagStore | Promise<FlagStore>;

export interface StoreOptions {
  /** Namespace inside the backend: a Postgres schema, a Redis key prefix. */
  namespace?: string;
  /** Milliseconds before a backend call fails with `StoreUnavailableError`. */
  timeoutMs?: number;
  logger?: { warn(msg: string, data?: object): void; error(msg: string, data?: object): void };
  /** Custom value validators referenced by definitions' `{ validator: name }` validations (names not found fall back to `registerValidator`'s). */
  validators?: ValidatorSource;
  /**
   * Audit retention: keep the newest this-many entries and remove older ones as writes add new
   * ones (removal may trail a write briefly). Default: keep every entry (the memory store: 10,000).
   * Store URLs take it as `?auditMaxEntries=N`.
   */
  auditMaxEntries?: number;
  /**
   * For stores kept in a local file (SQLite): create the file, and its folder, when the URL names
   * one that does not exist. Default `true`; with `false` a missing file is refused with a
   * `ValidationError` naming the path, so a mistyped path never creates anything.
   */
  create?: boolean;
}
