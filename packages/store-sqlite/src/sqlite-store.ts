// Why this file is long: the SQLite store is one class over one better-sqlite3 connection. Every
// write runs its flag, value, feature, audit and change-log statements in the same synchronous
// IMMEDIATE transaction (`write`), so the repositories share that connection, its prepared
// statements and the transaction wrapper; split apart they would need all three passed around.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  ChangeHub,
  consoleStoreLogger,
  applyValueUpdates,
  checkAuditMaxEntries,
  checkExpectedVersion,
  parseFlagWrites,
  prepareFlagWrite,
  prepareFlagWrites,
  StoreUnavailableError,
  ValidationError,
  entriesOf,
  validateValueUpdatesAsync,
  valuesFromEntries,
} from '@switchyard/core';
import type {
  AuditAction,
  AuditEntry,
  AuditQuery,
  FeatureValueOptions,
  FlagDefinition,
  FlagStore,
  FlagValue,
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
import { mapSqliteError } from './errors';
import { runMigrations } from './migrations';
import { ChangeLogPoller, toChange, type ChangeKind } from './change-log-poller';
import { prepareStatements, type AuditRow, type FlagRow, type Statements } from './statements';
import { MEMORY_PATH } from './url';

export interface SqliteStoreOptions extends Pick<StoreOptions, 'timeoutMs' | 'logger' | 'validators' | 'auditMaxEntries' | 'create'> {
  /** Database file, or `:memory:` for a private in-memory database. A missing file (and its folder) is created unless `create` is `false`. */
  path: string;
  /** How often other clients' changes are looked for while someone is subscribed. Default 50 ms. */
  pollIntervalMs?: number;
  /** How often expired cache entries and old change-log rows are deleted. Default 60 s. */
  sweepIntervalMs?: number;
  /** Change-log rows older than this are deleted by the sweep. Default 10 minutes. */
  changeLogRetentionMs?: number;
}

const FILE_CAPABILITIES: StoreCapabilities = Object.freeze({ propagation: true, persistent: true, shared: true, sendCommand: false });
const MEMORY_CAPABILITIES: StoreCapabilities = Object.freeze({ propagation: false, persistent: false, shared: false, sendCommand: false });

/**
 * A store in one SQLite file (better-sqlite3, WAL). Every write is one IMMEDIATE transaction that
 * also appends its audit entry and a change-log row; other connections (in this or other processes)
 * notice commits through `PRAGMA data_version` and replay the change log.
 */
export class SqliteStore implements FlagStore {
  readonly name = 'sqlite';
  readonly capabilities: StoreCapabilities;
  readonly clientId = `sqlite-${randomUUID()}`;
  readonly path: string;
  /** True when this store created its database file (it did not exist before). */
  readonly created: boolean;

  private readonly db: Database.Database;
  /** One reusable transaction wrapper: runs its callback inside BEGIN … COMMIT (or ROLLBACK on a throw). */
  private readonly transaction: Database.Transaction<(body: () => unknown) => unknown>;
  private readonly logger: StoreOptions['logger'];
  private readonly validators: StoreOptions['validators'];
  private readonly pollIntervalMs: number;
  private readonly sweepIntervalMs: number;
  private readonly changeLogRetentionMs: number;
  private readonly auditMaxEntries: number | undefined;
  private s: Statements | undefined;
  /** This client's subscribers (the `ChangeFeed` contract of core: fan-out, errors logged, double subscriptions). */
  private readonly hub: ChangeHub;
  /** Follows other connections' commits through the change log (only while someone is subscribed). */
  private readonly poller: ChangeLogPoller;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    this.logger = options.logger;
    this.validators = options.validators;
    this.hub = new ChangeHub(options.logger ?? consoleStoreLogger);
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    this.changeLogRetentionMs = options.changeLogRetentionMs ?? 10 * 60_000;
    this.auditMaxEntries = checkAuditMaxEntries(options.auditMaxEntries);
    const inMemory = options.path === MEMORY_PATH;
    this.capabilities = inMemory ? MEMORY_CAPABILITIES : FILE_CAPABILITIES;
    const missing = !inMemory && !existsSync(options.path);
    if (missing && options.create === false) {
      const folder = dirname(options.path);
      const why = existsSync(folder) ? '' : ` (nor does its folder ${folder})`;
      const message = `the SQLite database ${options.path} does not exist${why}`;
      throw new ValidationError([{ path: ['url'], message }], message);
    }
    this.created = missing;
    if (missing) this.logger?.warn(`creating a new SQLite database at ${options.path}`);
    try {
      if (missing) mkdirSync(dirname(options.path), { recursive: true });
      this.db = new Database(options.path, { timeout: options.timeoutMs ?? 5000 });
      if (!inMemory) this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.transaction = this.db.transaction((body: () => unknown) => body());
    } catch (err) {
      throw toUnavailable(err, options.path);
    }
    this.poller = new ChangeLogPoller({
      clientId: this.clientId,
      intervalMs: this.pollIntervalMs,
      statements: () => this.s ?? this.prepare(),
      prepared: () => (this.closed ? undefined : this.s),
      snapshot: (fn) => this.transaction.deferred(fn),
      emit: (change) => this.emit(change),
      logger: this.logger,
    });
  }

  async migrate(): Promise<MigrationResult[]> {
    this.assertOpen();
    const results = this.guard(() => runMigrations(this.db));
    if (!results.some((r) => r.status === 'Error')) this.prepare();
    return results;
  }

  async health(): Promise<StoreHealth> {
    if (this.closed) return { ok: false, error: 'sqlite store is closed' };
    const started = performance.now();
    try {
      (this.s?.ping ?? this.db.prepare('SELECT 1')).get();
      return { ok: true, latencyMs: performance.now() - started };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // better-sqlite3 is synchronous: every write has committed by the time close() runs.
    this.closed = true;
    this.poller.stop();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.hub.clear();
    this.db.close();
  }

  async getFlag(key: string): Promise<StoredFlag | undefined> {
    return this.read((s) => {
      const row = s.getFlag.get(key) as FlagRow | undefined;
      return row && toStoredFlag(row);
    });
  }

  async listFlags(options: ListFlagsOptions = {}): Promise<StoredFlag[]> {
    return this.read((s) => {
      const enabledOnly = options.includeDisabled === false;
      const rows = (
        options.flagSet === undefined
          ? (enabledOnly ? s.listEnabledFlags : s.listFlags).all()
          : (enabledOnly ? s.listEnabledFlagsInSet : s.listFlagsInSet).all(options.flagSet)
      ) as FlagRow[];
      return rows.map(toStoredFlag);
    });
  }

  async upsertFlag(definition: FlagDefinition, options: WriteOptions = {}): Promise<StoredFlag> {
    return this.write((s) => {
      const key = (definition as Partial<FlagDefinition> | null)?.key;
      // A key that is not a string cannot be stored; prepareFlagWrite reports it as a ValidationError.
      const row = typeof key === 'string' ? (s.getFlag.get(key) as FlagRow | undefined) : undefined;
      const current = row && toStoredFlag(row);
      const next = prepareFlagWrite(definition, current, options);
      const def = next.definition;
      const text = JSON.stringify(def);
      s.upsertFlag.run(def.key, text, def.enabled === false ? 0 : 1, def.flagSet ?? null, next.version, next.createdAt, next.updatedAt);
      this.audit(s, options.actor, 'flag.upsert', def.key, row ? row.definition : 'null', text);
      return { result: next, changes: [['flags', [def.key]]] };
    });
  }

  async upsertFlags(writes: FlagWrite[], options: Pick<WriteOptions, 'actor'> = {}): Promise<StoredFlag[]> {
    const parsed = parseFlagWrites(writes);
    return this.write((s) => {
      const rows = new Map<string, FlagRow>();
      const records = prepareFlagWrites(writes, parsed, (key) => {
        const row = s.getFlag.get(key) as FlagRow | undefined;
        if (!row) return undefined;
        rows.set(key, row);
        return toStoredFlag(row);
      });
      for (const next of records) {
        const def = next.definition;
        const text = JSON.stringify(def);
        s.upsertFlag.run(def.key, text, def.enabled === false ? 0 : 1, def.flagSet ?? null, next.version, next.createdAt, next.updatedAt);
        this.audit(s, options.actor, 'flag.upsert', def.key, rows.get(def.key)?.definition ?? 'null', text);
      }
      return { result: records, changes: records.length ? [['flags', records.map((r) => r.definition.key)]] : [] };
    });
  }

  async deleteFlag(key: string, options: WriteOptions = {}): Promise<boolean> {
    return this.write((s) => {
      const row = s.getFlag.get(key) as FlagRow | undefined;
      checkExpectedVersion(key, row?.version ?? 0, options.expectedVersion);
      if (!row) return { result: false, changes: [] };
      s.deleteFlag.run(key);
      const hadValues = s.deleteValueKey.run(key).changes > 0;
      s.deleteValueRows.run(key);
      this.audit(s, options.actor, 'flag.delete', key, row.definition, 'null');
      return { result: true, changes: hadValues ? [['flags', [key]], ['values', [key]]] : [['flags', [key]]] };
    });
  }

  async getValues(key: string): Promise<StoredValues | undefined> {
    return this.read((s) => {
      const version = s.valueVersion.get(key) as number | undefined;
      if (version === undefined) return undefined;
      return { ...rowsToValues(s.valueRows.all(key) as ValueRow[]), version };
    });
  }

  async listValues(): Promise<Record<string, StoredValues>> {
    return this.read((s) => {
      const rows = new Map<string, ValueRow[]>();
      for (const row of s.allValueRows.all() as (ValueRow & { key: string })[]) {
        let list = rows.get(row.key);
        if (!list) rows.set(row.key, (list = []));
        list.push(row);
      }
      const out: Record<string, StoredValues> = {};
      for (const { key, version } of s.allValueKeys.all() as { key: string; version: number }[]) out[key] = { ...rowsToValues(rows.get(key) ?? []), version };
      return out;
    });
  }

  async setValues(updates: ValueUpdate[], options: SetValuesOptions = {}): Promise<void> {
    if (updates.length === 0) {
      this.assertOpen();
      return;
    }
    // Definitions are read and custom validators (possibly async) run before the write transaction,
    // which better-sqlite3 cannot hold open across an await.
    const definitions = this.read((s) => {
      const out = new Map<string, FlagDefinition>();
      for (const u of updates) {
        const key = (u as Partial<ValueUpdate> | null)?.key;
        if (typeof key !== 'string' || out.has(key) || options.definitionOf?.(key)) continue;
        const text = s.getDefinition.get(key) as string | undefined;
        if (text !== undefined) out.set(key, JSON.parse(text) as FlagDefinition);
      }
      return out;
    });
    await validateValueUpdatesAsync(updates, (key) => options.definitionOf?.(key) ?? definitions.get(key), options.validators ?? this.validators, {
      custom: !options.skipCustomValidators,
    });
    return this.write((s) => {
      const versions = new Map<string, number>();
      const versionOf = (key: string): number => {
        let v = versions.get(key);
        if (v === undefined) versions.set(key, (v = (s.valueVersion.get(key) as number | undefined) ?? 0));
        return v;
      };
      for (const u of updates) checkExpectedVersion(u.key, versionOf(u.key), u.expectedVersion);

      const stored = new Map<string, Map<string, string>>();
      const next = applyValueUpdates(
        (key) => {
          const rows = s.valueRows.all(key) as ValueRow[];
          stored.set(key, new Map(rows.map((r) => [r.scope, r.value])));
          return rows.length ? rowsToValues(rows) : undefined;
        },
        updates,
        options.seededValuesOf,
      );

      for (const [key, values] of next) {
        const before = stored.get(key) ?? new Map<string, string>();
        const after = valuesToRows(values);
        for (const scope of before.keys()) if (!after.has(scope)) s.deleteValueRow.run(key, scope);
        for (const [scope, text] of after) if (before.get(scope) !== text) s.setValueRow.run(key, scope, text);
        if (values) s.setValueVersion.run(key, versionOf(key) + 1);
        else s.deleteValueKey.run(key);
        const beforeText = before.size ? JSON.stringify(rowsToValues([...before].map(([scope, value]) => ({ scope, value })))) : 'null';
        this.audit(s, options.actor, 'values.update', key, beforeText, values ? JSON.stringify(values) : 'null');
      }
      return { result: undefined, changes: [['values', [...next.keys()]]] };
    });
  }

  async getFeatureValues(feature: string, scopeIds: string[]): Promise<Map<string, JsonValue>> {
    return this.read((s) => {
      const out = new Map<string, JsonValue>();
      if (scopeIds.length === 0) return out;
      for (const row of s.getFeatureValues.all(feature, JSON.stringify(scopeIds)) as { scope_id: string; value: string }[]) {
        out.set(row.scope_id, JSON.parse(row.value) as JsonValue);
      }
      return out;
    });
  }

  async setFeatureValue(feature: string, scopeId: string, value: JsonValue, options: FeatureValueOptions = {}): Promise<JsonValue> {
    const text = JSON.stringify(value);
    return this.write((s) => {
      if (options.onlyIfAbsent && s.insertFeatureValue.run(feature, scopeId, text).changes === 0) {
        return { result: JSON.parse(s.getFeatureValue.get(feature, scopeId) as string) as JsonValue, changes: [] };
      }
      if (!options.onlyIfAbsent) s.upsertFeatureValue.run(feature, scopeId, text);
      return { result: JSON.parse(text) as JsonValue, changes: [['features', [feature]]] };
    });
  }

  async updateFeatureValues(feature: string, value: JsonValue): Promise<number> {
    const text = JSON.stringify(value);
    return this.write((s) => {
      const n = s.updateFeatureValues.run(text, feature).changes;
      return { result: n, changes: n ? [['features', [feature]]] : [] };
    });
  }

  async deleteFeatureValue(feature: string, scopeId: string): Promise<void> {
    return this.write((s) => {
      const n = s.deleteFeatureValue.run(feature, scopeId).changes;
      return { result: undefined, changes: n ? [['features', [feature]]] : [] };
    });
  }

  async purgeFeatures(features?: string[]): Promise<number> {
    return this.write((s) => {
      const purged: string[] = [];
      let removed = 0;
      const names = features ? [...new Set(features)] : (s.listFeatures.all() as string[]);
      for (const name of names) {
        const n = s.deleteFeature.run(name).changes;
        if (n === 0) continue;
        removed += n;
        purged.push(name);
        this.audit(s, undefined, 'feature.purge', name, String(n), 'null');
      }
      return { result: removed, changes: purged.length ? [['features', purged]] : [] };
    });
  }

  async listFeatures(): Promise<string[]> {
    return this.read((s) => s.listFeatures.all() as string[]);
  }

  async cacheGet(key: string): Promise<JsonValue | undefined> {
    return this.read((s) => {
      const row = s.cacheGet.get(key) as { value: string; expires_at: number | null } | undefined;
      if (!row) return undefined;
      const now = Date.now();
      if (row.expires_at !== null && row.expires_at <= now) {
        s.cacheExpireOne.run(key, now);
        return undefined;
      }
      return JSON.parse(row.value) as JsonValue;
    });
  }

  async cacheSet(key: string, value: JsonValue, ttlMs?: number): Promise<void> {
    const text = JSON.stringify(value);
    this.read((s) => s.cacheSet.run(key, text, ttlMs === undefined ? null : Date.now() + ttlMs));
  }

  async cacheDelete(key: string): Promise<void> {
    this.read((s) => s.cacheDelete.run(key));
  }

  async listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    return this.read((s) => {
      const limit = Math.min(Math.max(Math.trunc(query.limit ?? 100), 1), 1000);
      const { key, beforeId } = query;
      const rows = (
        key === undefined
          ? beforeId === undefined
            ? s.audit.all(limit)
            : s.auditBefore.all(beforeId, limit)
          : beforeId === undefined
            ? s.auditOfKey.all(key, limit)
            : s.auditOfKeyBefore.all(key, beforeId, limit)
      ) as AuditRow[];
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        actor: r.actor,
        action: r.action as AuditAction,
        key: r.key,
        before: JSON.parse(r.before) as JsonValue,
        after: JSON.parse(r.after) as JsonValue,
      }));
    });
  }

  subscribe(listener: StoreListener): () => void {
    const unsubscribe = this.hub.subscribe(listener);
    if (this.capabilities.propagation && !this.closed) this.poller.start();
    return () => {
      unsubscribe();
      if (this.hub.size === 0) this.poller.stop();
    };
  }

  /** Runs `fn` once the schema is ready, mapping SQLite failures to typed errors. */
  private read<T>(fn: (s: Statements) => T): T {
    this.assertOpen();
    const s = this.s ?? this.prepare();
    return this.guard(() => fn(s));
  }

  /** Runs `fn` in one IMMEDIATE transaction with its change-log rows, then tells this client's listeners. */
  private write<T>(fn: (s: Statements) => { result: T; changes: [ChangeKind, string[]][] }): T {
    this.assertOpen();
    const s = this.s ?? this.prepare();
    const { result, changes } = this.guard(() =>
      this.transaction.immediate(() => {
        const out = fn(s);
        const at = Date.now();
        for (const [kind, keys] of out.changes) s.insertChange.run(at, this.clientId, kind, JSON.stringify(keys));
        return out;
      }),
    ) as { result: T; changes: [ChangeKind, string[]][] };
    for (const [kind, keys] of changes) this.emit(toChange(kind, keys, this.clientId));
    return result;
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw mapSqliteError(err, this.path);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('sqlite store is closed');
  }

  /** Migrates on first use when the caller did not, prepares statements and starts the sweep. */
  private prepare(): Statements {
    if (this.s) return this.s;
    const failed = this.guard(() => runMigrations(this.db)).find((r) => r.status === 'Error');
    if (failed) throw new StoreUnavailableError(`sqlite migration ${failed.migrationName} failed: ${failed.error}`);
    this.s = this.guard(() => prepareStatements(this.db));
    this.sweepTimer = setInterval(() => this.sweep(), this.sweepIntervalMs);
    this.sweepTimer.unref();
    return this.s;
  }

  private audit(s: Statements, actor: string | undefined, action: AuditAction, key: string, before: string, after: string): void {
    const { lastInsertRowid } = s.insertAudit.run(new Date().toISOString(), actor ?? 'system', action, key, before, after);
    // Retention inside the same transaction: ids only grow, so everything this far behind the
    // newest is older than the newest `auditMaxEntries` entries.
    if (this.auditMaxEntries !== undefined) s.trimAudit.run(Number(lastInsertRowid) - this.auditMaxEntries);
  }

  private sweep(): void {
    if (this.closed || !this.s) return;
    try {
      const now = Date.now();
      this.s.cacheSweep.run(now);
      this.s.pruneChanges.run(now - this.changeLogRetentionMs);
    } catch (err) {
      this.logger?.warn('sqlite sweep failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private emit(change: StoreChange): void {
    this.hub.emit(change);
  }
}

interface ValueRow {
  scope: string;
  value: string;
}

function toStoredFlag(row: FlagRow): StoredFlag {
  return { definition: JSON.parse(row.definition) as FlagDefinition, version: row.version, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** One row per scope; a row holding JSON `null` records a removed seeded value (`removedSeeds`). */
function rowsToValues(rows: readonly ValueRow[]): ValueLayer {
  return valuesFromEntries(rows.map((r) => [r.scope, JSON.parse(r.value) as FlagValue | null] as const)) ?? {};
}

function valuesToRows(values: ValueLayer | undefined): Map<string, string> {
  const rows = new Map<string, string>();
  for (const [scope, value] of entriesOf(values)) rows.set(scope, JSON.stringify(value));
  return rows;
}

function toUnavailable(err: unknown, path: string): unknown {
  const mapped = mapSqliteError(err, path);
  if (mapped !== err) return mapped;
  return new StoreUnavailableError(`cannot open sqlite database ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
