import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient, type PoolConfig, type QueryResultRow } from 'pg';
import {
  checkExpectedVersion,
  parseDefinition,
  prepareFlagWrite,
  StoreUnavailableError,
  ValidationError,
  validateValueUpdatesAsync,
  type AuditAction,
  type AuditEntry,
  type AuditQuery,
  type FeatureValueOptions,
  type FlagDefinition,
  type FlagStore,
  type JsonValue,
  type ListFlagsOptions,
  type MigrationResult,
  type SetValuesOptions,
  type StoreCapabilities,
  type StoreChange,
  type StoredFlag,
  type StoredValues,
  type StoreHealth,
  type StoreListener,
  type StoreOptions,
  type ValueUpdate,
  type WriteOptions,
} from '@switchyard/core';
import { encodeChange } from './changes';
import { isDeadConnection, isUnavailable, translateError } from './errors';
import { runMigrations } from './migrations';
import { NotifyListener } from './notify-listener';
import { DEFAULT_MAX_RECONNECT_DELAY_MS, DEFAULT_NAMESPACE, DEFAULT_TIMEOUT_MS, namespaceProblem, type PostgresStoreOptions } from './options';
import { tablesFor, type Tables } from './tables';
import { maintained, scopedColumn, ValueWriter, type GroupCommitHooks, type ValuesRow } from './value-writer';
import { auditLimit, ChangeHub, checkAuditMaxEntries, consoleStoreLogger, checkFeatureArgs, checkKey, checkTtl, decodeChange, toJson, TrailingTask } from '@switchyard/core';

interface FlagRow {
  definition: FlagDefinition;
  version: number;
  created_at: Date;
  updated_at: Date;
}


interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: AuditAction;
  key: string;
  before: JsonValue;
  after: JsonValue;
}

/** Ends a write statement: sends the payloads in parameter `n + 1` on the channel in parameter `n` (delivered on commit). */
function notifySelect(n: number): string {
  return `SELECT count(pg_notify($${n}, p)) FROM unnest($${n + 1}::text[]) AS p`;
}

/** Expired cache rows are swept at most this often, piggybacking on `cacheSet`. */
const CACHE_SWEEP_INTERVAL_MS = 60_000;

/**
 * A `FlagStore` on PostgreSQL: one schema per namespace, every write in one transaction with its
 * audit row, row locks for optimistic concurrency, LISTEN/NOTIFY for propagation.
 */
export class PostgresStore implements FlagStore {
  readonly name = 'postgres';
  readonly capabilities: StoreCapabilities;
  readonly clientId = randomUUID();
  /** The schema this store's tables live in. */
  readonly namespace: string;

  readonly #pool: Pool;
  readonly #t: Tables;
  readonly #hub: ChangeHub;
  readonly #listener: NotifyListener | undefined;
  readonly #logger: NonNullable<StoreOptions['logger']>;
  readonly #timeoutMs: number;
  readonly #autoMigrate: boolean;
  readonly #validators: PostgresStoreOptions['validators'];
  #migrated: Promise<void> | undefined;
  #isMigrated = false;
  #closed: Promise<void> | undefined;
  readonly #pending = new Set<Promise<unknown>>();
  #lastSweep = 0;
  readonly #values = new ValueWriter(this.#valueHooks());
  readonly #auditMaxEntries: number | undefined;
  /** Audit retention runs after commits, outside the writing transactions, at most once a second. */
  readonly #auditRetention = new TrailingTask(() => this.#trimAudit(), 1000);

  constructor(options: PostgresStoreOptions) {
    const namespace = options.namespace ?? DEFAULT_NAMESPACE;
    const problem = namespaceProblem(namespace);
    if (problem) throw new ValidationError([{ path: ['namespace'], message: problem }]);
    this.namespace = namespace;
    this.#t = tablesFor(namespace);
    this.#logger = options.logger ?? consoleStoreLogger;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#autoMigrate = options.autoMigrate ?? true;
    this.#validators = options.validators;
    this.#auditMaxEntries = checkAuditMaxEntries(options.auditMaxEntries);
    this.#hub = new ChangeHub(this.#logger);

    const config: PoolConfig = {
      ...options.pg,
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: this.#timeoutMs,
      statement_timeout: this.#timeoutMs,
      query_timeout: this.#timeoutMs + 500,
      // TCP keepalive probes find silently dropped connections (the listener is idle most of the time).
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      application_name: options.pg?.application_name ?? 'switchyard',
    };
    this.#pool = new Pool(config);
    // Idle connections that die (server restart, terminated backend) surface here; without a
    // handler the 'error' event would crash the process. The pool replaces them on demand.
    this.#pool.on('error', (err) => this.#logger.warn('postgres: pooled connection lost', { error: err.message }));

    const propagation = options.propagation ?? true;
    this.capabilities = { propagation, persistent: true, shared: true, sendCommand: false };
    if (propagation) {
      const { max: _max, ...clientConfig } = config;
      this.#listener = new NotifyListener({
        config: clientConfig,
        channel: this.#t.channel,
        logger: this.#logger,
        onPayload: (payload) => this.#onNotification(payload),
        onReconnect: () => this.#hub.emit({ kind: 'reset', origin: this.clientId }),
        maxReconnectDelayMs: options.maxReconnectDelayMs ?? DEFAULT_MAX_RECONNECT_DELAY_MS,
      });
    }
  }

  /**
   * Resolves when the store is usable: migrations applied (unless `autoMigrate: false`) and the
   * change listener listening. Rejects with `StoreUnavailableError` when that takes longer than `timeoutMs`.
   */
  async ready(): Promise<void> {
    try {
      await this.#ensureMigrated();
    } catch (err) {
      throw translateError(err, 'ready');
    }
    if (!this.#listener) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(`postgres: change listener not connected within ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
    });
    try {
      await Promise.race([this.#listener.listening, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Backend pid of the listening connection (diagnostics). */
  get listenerProcessId(): number | undefined {
    return this.#listener?.processId;
  }

  migrate(): Promise<MigrationResult[]> {
    return this.#op('migrate', async () => {
      const results = await this.#withClient((c) => runMigrations(c, this.namespace, this.#t));
      if (results.every((r) => r.status === 'Success')) this.#isMigrated = true;
      return results;
    });
  }

  async health(): Promise<StoreHealth> {
    const started = performance.now();
    try {
      await this.#op('health', () => this.#pool.query('SELECT 1'));
      return { ok: true, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      await Promise.allSettled([...this.#pending]);
      await this.#auditRetention.idle();
      this.#hub.clear();
      await this.#listener?.close();
      await this.#pool.end().catch(() => undefined);
    })();
    return this.#closed;
  }

  subscribe(listener: StoreListener): () => void {
    return this.#hub.subscribe(listener);
  }

  // ---- flags ----------------------------------------------------------------------------------

  getFlag(key: string): Promise<StoredFlag | undefined> {
    return this.#op('getFlag', async () => {
      checkKey(key);
      const rows = await this.#read<FlagRow>(`SELECT definition, version, created_at, updated_at FROM ${this.#t.flags} WHERE key = $1`, [key]);
      return rows[0] && toStoredFlag(rows[0]);
    });
  }

  listFlags(options: ListFlagsOptions = {}): Promise<StoredFlag[]> {
    return this.#op('listFlags', async () => {
      const rows = await this.#read<FlagRow>(`SELECT definition, version, created_at, updated_at FROM ${this.#t.flags}
         WHERE ($1::boolean OR enabled) AND ($2::text IS NULL OR flag_set = $2) ORDER BY key`,
        [options.includeDisabled ?? true, options.flagSet ?? null],
      );
      return rows.map(toStoredFlag);
    });
  }

  upsertFlag(definition: FlagDefinition, options: WriteOptions = {}): Promise<StoredFlag> {
    return this.#op('upsertFlag', async () => {
      // Validated before any I/O: bad input is a ValidationError even while the server is down.
      const parsed = parseDefinition(definition);
      const stored = await this.#write(async (c) => {
        await this.#lock(c, 'flags', [parsed.key]);
        const { rows } = await c.query<FlagRow>(
          `SELECT definition, version, created_at, updated_at FROM ${this.#t.flags} WHERE key = $1 FOR UPDATE`,
          [parsed.key],
        );
        const current = rows[0] && toStoredFlag(rows[0]);
        const next = prepareFlagWrite(parsed, current, options);
        const d = next.definition;
        await c.query(
          `WITH w AS (
             INSERT INTO ${this.#t.flags} (key, definition, version, enabled, flag_set, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (key) DO UPDATE SET definition = EXCLUDED.definition, version = EXCLUDED.version,
               enabled = EXCLUDED.enabled, flag_set = EXCLUDED.flag_set, updated_at = EXCLUDED.updated_at
           ), a AS (
             INSERT INTO ${this.#t.audit} (at, actor, action, key, before, after) VALUES ($7, $8, 'flag.upsert', $1, $9, $2)
           )
           ${notifySelect(10)}`,
          [
            d.key, toJson(d), next.version, d.enabled ?? true, d.flagSet ?? null, next.createdAt, next.updatedAt,
            actorOf(options), current ? toJson(current.definition) : 'null',
            this.#t.channel, this.#payloads({ kind: 'flags', keys: [d.key], origin: this.clientId }),
          ],
        );
        return next;
      });
      this.#hub.emit({ kind: 'flags', keys: [stored.definition.key], origin: this.clientId });
      return stored;
    });
  }

  deleteFlag(key: string, options: WriteOptions = {}): Promise<boolean> {
    return this.#op('deleteFlag', async () => {
      checkKey(key);
      const outcome = await this.#write(async (c) => {
        await this.#lock(c, 'flags', [key]);
        await this.#lock(c, 'values', [key]);
        const { rows } = await c.query<FlagRow>(`SELECT definition, version, created_at, updated_at FROM ${this.#t.flags} WHERE key = $1 FOR UPDATE`, [key]);
        const current = rows[0];
        checkExpectedVersion(key, current?.version ?? 0, options.expectedVersion);
        if (!current) return { deleted: false, hadValues: false };
        const { rows: removed } = await c.query<ValuesRow>(
          `WITH f AS (DELETE FROM ${this.#t.flags} WHERE key = $1),
                v AS (DELETE FROM ${this.#t.values} WHERE key = $1 RETURNING key, root_value, scoped_values, version),
                a AS (INSERT INTO ${this.#t.audit} (at, actor, action, key, before, after) VALUES (now(), $2, 'flag.delete', $1, $3, 'null'))
           SELECT * FROM v`,
          [key, actorOf(options), toJson(current.definition)],
        );
        const hadValues = removed.length > 0;
        await this.#notify(c, { kind: 'flags', keys: [key], origin: this.clientId });
        if (hadValues) await this.#notify(c, { kind: 'values', keys: [key], origin: this.clientId });
        return { deleted: true, hadValues };
      });
      if (outcome.deleted) this.#hub.emit({ kind: 'flags', keys: [key], origin: this.clientId });
      if (outcome.hadValues) this.#hub.emit({ kind: 'values', keys: [key], origin: this.clientId });
      return outcome.deleted;
    });
  }

  // ---- maintained values --------------------------------------------------------------------

  getValues(key: string): Promise<StoredValues | undefined> {
    return this.#op('getValues', async () => {
      checkKey(key);
      const rows = await this.#read<ValuesRow>(`SELECT key, root_value, scoped_values, version FROM ${this.#t.values} WHERE key = $1`, [key]);
      return rows[0] && toStoredValues(rows[0]);
    });
  }

  listValues(): Promise<Record<string, StoredValues>> {
    return this.#op('listValues', async () => {
      const rows = await this.#read<ValuesRow>(`SELECT key, root_value, scoped_values, version FROM ${this.#t.values} ORDER BY key`);
      const out: Record<string, StoredValues> = {};
      for (const row of rows) out[row.key] = toStoredValues(row);
      return out;
    });
  }

  setValues(updates: ValueUpdate[], options: SetValuesOptions = {}): Promise<void> {
    return this.#op('setValues', async () => {
      if (!Array.isArray(updates)) throw new ValidationError([{ path: [], message: 'updates must be an array' }]);
      if (updates.length === 0) return;
      const definitions = await this.#definitionsFor(updates, options.definitionOf);
      await validateValueUpdatesAsync(updates, (key) => options.definitionOf?.(key) ?? definitions.get(key), options.validators ?? this.#validators, {
      custom: !options.skipCustomValidators,
    });
      await this.#values.submit(updates, actorOf(options), options.seededValuesOf);
    });
  }

  #valueHooks(): GroupCommitHooks {
    return {
      transaction: (fn) => this.#write(fn),
      lockAndRead: async (c, keys) => {
        await this.#lock(c, 'values', keys);
        const { rows } = await c.query<ValuesRow>(
          `SELECT key, root_value, scoped_values, version FROM ${this.#t.values} WHERE key = ANY($1::text[]) FOR UPDATE`,
          [keys],
        );
        return rows;
      },
      write: async (c, plan) => {
        const payloads = plan.batches.flatMap((b) => this.#payloads({ kind: 'values', keys: b.keys, origin: this.clientId }));
        await c.query(
          `WITH d AS (DELETE FROM ${this.#t.values} WHERE key = ANY($1::text[])),
                w AS (
                  INSERT INTO ${this.#t.values} (key, root_value, scoped_values, version, updated_at)
                  SELECT k, r, s, v, now() FROM unnest($2::text[], $3::jsonb[], $4::jsonb[], $5::int[]) AS u(k, r, s, v)
                  ON CONFLICT (key) DO UPDATE SET root_value = EXCLUDED.root_value, scoped_values = EXCLUDED.scoped_values,
                    version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
                ),
                a AS (
                  INSERT INTO ${this.#t.audit} (at, actor, action, key, before, after)
                  SELECT now(), e->>0, 'values.update', e->>1, e->2, e->3 FROM json_array_elements($6::json) WITH ORDINALITY AS u(e, n) ORDER BY n
                )
           ${notifySelect(7)}`,
          [
            plan.deletes,
            plan.upserts.map((u) => u.key),
            plan.upserts.map((u) => (u.values.rootValue === undefined ? null : JSON.stringify(u.values.rootValue))),
            plan.upserts.map((u) => scopedColumn(u.values)),
            plan.upserts.map((u) => u.version),
            // One JSON document instead of text arrays: array literals are slow to build and parse at this size.
            `[${plan.audit.map((a) => `[${JSON.stringify(a.actor)},${JSON.stringify(a.key)},${a.before},${a.after}]`).join(',')}]`,
            this.#t.channel,
            payloads,
          ],
        );
      },
      committed: (batch) => this.#hub.emit({ kind: 'values', keys: batch.keys, origin: this.clientId }),
    };
  }

  /** Stored definitions of the keys that need one; read before the write transaction (validation comes first). */
  async #definitionsFor(updates: ValueUpdate[], given: SetValuesOptions['definitionOf']): Promise<Map<string, FlagDefinition>> {
    const wanted = new Set<string>();
    for (const u of updates) {
      // remoteOnly keys too: a key that has a definition is validated against it.
      if (u && typeof u.key === 'string' && u.key.length > 0 && !given?.(u.key)) wanted.add(u.key);
    }
    if (wanted.size === 0) return new Map();
    const rows = await this.#read<{ key: string; definition: FlagDefinition }>(`SELECT key, definition FROM ${this.#t.flags} WHERE key = ANY($1::text[])`, [
      [...wanted],
    ]);
    return new Map(rows.map((r) => [r.key, r.definition]));
  }

  // ---- feature results ----------------------------------------------------------------------

  getFeatureValues(feature: string, scopeIds: string[]): Promise<Map<string, JsonValue>> {
    return this.#op('getFeatureValues', async () => {
      checkFeatureArgs(feature, scopeIds);
      const out = new Map<string, JsonValue>();
      if (scopeIds.length === 0) return out;
      const rows = await this.#read<{ scope_id: string; value: JsonValue }>(`SELECT scope_id, value FROM ${this.#t.features} WHERE feature = $1 AND scope_id = ANY($2::text[])`,
        [feature, scopeIds],
      );
      for (const row of rows) out.set(row.scope_id, row.value);
      return out;
    });
  }

  setFeatureValue(feature: string, scopeId: string, value: JsonValue, options: FeatureValueOptions = {}): Promise<JsonValue> {
    return this.#op('setFeatureValue', async () => {
      checkFeatureArgs(feature, [scopeId]);
      const json = toJson(value, 'value');
      const stored = await this.#write(async (c) => {
        if (!options.onlyIfAbsent) {
          await c.query(
            `INSERT INTO ${this.#t.features} (feature, scope_id, value, updated_at) VALUES ($1, $2, $3, now())
             ON CONFLICT (feature, scope_id) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
            [feature, scopeId, json],
          );
          await this.#notify(c, { kind: 'features', features: [feature], origin: this.clientId });
          return { value, changed: true };
        }
        const inserted = await c.query<{ value: JsonValue }>(
          `INSERT INTO ${this.#t.features} (feature, scope_id, value, updated_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (feature, scope_id) DO NOTHING RETURNING value`,
          [feature, scopeId, json],
        );
        if (inserted.rows.length) {
          await this.#notify(c, { kind: 'features', features: [feature], origin: this.clientId });
          return { value, changed: true };
        }
        // A fresh statement sees the row a concurrent transaction committed after ours started.
        const existing = await c.query<{ value: JsonValue }>(`SELECT value FROM ${this.#t.features} WHERE feature = $1 AND scope_id = $2`, [feature, scopeId]);
        const row = existing.rows[0];
        return { value: row ? row.value : value, changed: false };
      });
      if (stored.changed) this.#hub.emit({ kind: 'features', features: [feature], origin: this.clientId });
      return stored.value;
    });
  }

  updateFeatureValues(feature: string, value: JsonValue): Promise<number> {
    return this.#op('updateFeatureValues', async () => {
      checkFeatureArgs(feature, []);
      const json = toJson(value, 'value');
      const count = await this.#write(async (c) => {
        const result = await c.query(`UPDATE ${this.#t.features} SET value = $2, updated_at = now() WHERE feature = $1`, [feature, json]);
        const n = result.rowCount ?? 0;
        if (n > 0) await this.#notify(c, { kind: 'features', features: [feature], origin: this.clientId });
        return n;
      });
      if (count > 0) this.#hub.emit({ kind: 'features', features: [feature], origin: this.clientId });
      return count;
    });
  }

  deleteFeatureValue(feature: string, scopeId: string): Promise<void> {
    return this.#op('deleteFeatureValue', async () => {
      checkFeatureArgs(feature, [scopeId]);
      const removed = await this.#write(async (c) => {
        const result = await c.query(`DELETE FROM ${this.#t.features} WHERE feature = $1 AND scope_id = $2`, [feature, scopeId]);
        const n = result.rowCount ?? 0;
        if (n > 0) await this.#notify(c, { kind: 'features', features: [feature], origin: this.clientId });
        return n;
      });
      if (removed > 0) this.#hub.emit({ kind: 'features', features: [feature], origin: this.clientId });
    });
  }

  purgeFeatures(features?: string[]): Promise<number> {
    return this.#op('purgeFeatures', async () => {
      if (features !== undefined) {
        if (!Array.isArray(features)) throw new ValidationError([{ path: ['features'], message: 'features must be an array of feature names' }]);
        for (const f of features) checkFeatureArgs(f, []);
        if (features.length === 0) return 0;
      }
      const purged = await this.#write(async (c) => {
        const { rows } = await c.query<{ feature: string; n: number }>(
          `WITH d AS (
             DELETE FROM ${this.#t.features} WHERE $1::text[] IS NULL OR feature = ANY($1::text[]) RETURNING feature
           ), counts AS (SELECT feature, count(*)::int AS n FROM d GROUP BY feature),
           a AS (
             INSERT INTO ${this.#t.audit} (at, actor, action, key, before, after)
             SELECT now(), 'system', 'feature.purge', feature, to_jsonb(n), 'null'::jsonb FROM counts ORDER BY feature
           )
           SELECT feature, n FROM counts ORDER BY feature`,
          [features ?? null],
        );
        if (rows.length) await this.#notify(c, { kind: 'features', features: rows.map((r) => r.feature), origin: this.clientId });
        return rows;
      });
      if (purged.length) this.#hub.emit({ kind: 'features', features: purged.map((r) => r.feature), origin: this.clientId });
      return purged.reduce((sum, r) => sum + r.n, 0);
    });
  }

  listFeatures(): Promise<string[]> {
    return this.#op('listFeatures', async () => {
      const rows = await this.#read<{ feature: string }>(`SELECT DISTINCT feature FROM ${this.#t.features} ORDER BY feature`);
      return rows.map((r) => r.feature);
    });
  }

  // ---- cache ----------------------------------------------------------------------------------

  cacheGet(key: string): Promise<JsonValue | undefined> {
    return this.#op('cacheGet', async () => {
      checkKey(key);
      const rows = await this.#read<{ value: JsonValue }>(`SELECT value FROM ${this.#t.cache} WHERE key = $1 AND (expires_at IS NULL OR expires_at > clock_timestamp())`,
        [key],
      );
      return rows[0]?.value;
    });
  }

  cacheSet(key: string, value: JsonValue, ttlMs?: number): Promise<void> {
    return this.#op('cacheSet', async () => {
      checkKey(key);
      checkTtl(ttlMs);
      const json = toJson(value, 'value');
      const sweep = Date.now() - this.#lastSweep > CACHE_SWEEP_INTERVAL_MS;
      if (sweep) this.#lastSweep = Date.now();
      await this.#write(async (c) => {
        await c.query(
          `INSERT INTO ${this.#t.cache} (key, value, expires_at)
           VALUES ($1, $2, CASE WHEN $3::double precision IS NULL THEN NULL ELSE clock_timestamp() + $3::double precision * interval '1 millisecond' END)
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
          [key, json, ttlMs ?? null],
        );
        if (sweep) await c.query(`DELETE FROM ${this.#t.cache} WHERE expires_at <= clock_timestamp()`);
      });
    });
  }

  cacheDelete(key: string): Promise<void> {
    return this.#op('cacheDelete', async () => {
      checkKey(key);
      await this.#write((c) => c.query(`DELETE FROM ${this.#t.cache} WHERE key = $1`, [key]));
    });
  }

  // ---- audit ----------------------------------------------------------------------------------

  listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    return this.#op('listAudit', async () => {
      const limit = auditLimit(query);
      const rows = await this.#read<AuditRow>(`SELECT id, at, actor, action, key, before, after FROM ${this.#t.audit}
         WHERE ($1::text IS NULL OR key = $1) AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
        [query.key ?? null, query.beforeId ?? null, limit],
      );
      return rows.map((r) => ({ id: Number(r.id), at: r.at.toISOString(), actor: r.actor, action: r.action, key: r.key, before: r.before, after: r.after }));
    });
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  #ensureMigrated(): Promise<void> {
    if (this.#isMigrated || !this.#autoMigrate) return Promise.resolve();
    this.#migrated ??= this.#withClient((c) => runMigrations(c, this.namespace, this.#t)).then(
      (results) => {
        const failed = results.find((r) => r.status === 'Error');
        if (failed) throw new Error(`postgres: migration ${failed.migrationName} failed: ${failed.error}`);
        this.#isMigrated = true;
      },
      (err: unknown) => {
        // Let the next call try again (the server may be back by then).
        this.#migrated = undefined;
        throw err;
      },
    );
    return this.#migrated;
  }

  /**
   * Runs one public operation: refused once `close()` was called, tracked so `close()` waits for
   * it, and with backend outages reported as `StoreUnavailableError`.
   */
  #op<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreUnavailableError(`postgres: ${what} called after close()`));
    const run = fn().catch((err: unknown) => {
      throw translateError(err, what);
    });
    this.#pending.add(run);
    const done = () => void this.#pending.delete(run);
    run.then(done, done);
    return run;
  }

  async #withClient<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (err) {
      if (isUnavailable(err) || err instanceof BeginFailed) broken = err as Error;
      throw err;
    } finally {
      // A connection that failed mid-query is destroyed instead of going back to the pool.
      client.release(broken);
    }
  }

  /** A read; retried once on a fresh connection when the pooled one turns out dead (reads are idempotent). */
  async #read<R extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    await this.#ensureMigrated();
    try {
      return (await this.#pool.query<R>(sql, params)).rows;
    } catch (err) {
      if (!isDeadConnection(err)) throw err;
      return (await this.#pool.query<R>(sql, params)).rows;
    }
  }

  /**
   * Runs `fn` in one transaction (with its audit rows and NOTIFYs, delivered on commit). When the
   * pooled connection is found dead at `BEGIN`, nothing was sent yet, so it retries once on a fresh one.
   */
  async #write<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    await this.#ensureMigrated();
    let result: T;
    try {
      result = await this.#withClient((c) => transaction(c, () => fn(c)));
    } catch (err) {
      if (!(err instanceof BeginFailed)) throw err;
      try {
        result = await this.#withClient((c) => transaction(c, () => fn(c)));
      } catch (again) {
        throw again instanceof BeginFailed ? again.cause : again;
      }
    }
    if (this.#auditMaxEntries !== undefined) this.#auditRetention.trigger();
    return result;
  }

  /**
   * Deletes audit rows older than the newest `auditMaxEntries`, at most `AUDIT_TRIM_BATCH` per call
   * (`true` when more remain). The cut-off is the N-th newest id itself, not `max(id) - N`: rolled-back
   * transactions leave gaps in the sequence.
   */
  async #trimAudit(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      const result = await this.#pool.query(
        `DELETE FROM ${this.#t.audit} WHERE id IN (
           SELECT id FROM ${this.#t.audit}
            WHERE id < (SELECT id FROM ${this.#t.audit} ORDER BY id DESC OFFSET $1 LIMIT 1)
            ORDER BY id LIMIT $2)`,
        [this.#auditMaxEntries! - 1, AUDIT_TRIM_BATCH],
      );
      return (result.rowCount ?? 0) >= AUDIT_TRIM_BATCH;
    } catch (err) {
      this.#logger.warn('postgres: audit retention failed; it runs again after the next write', { error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  /**
   * Serializes writers of the same keys across connections and processes, including keys that do
   * not exist yet (which `FOR UPDATE` cannot lock). Taken in hash order so batches never deadlock.
   */
  async #lock(c: PoolClient, domain: 'flags' | 'values', keys: string[]): Promise<void> {
    await c.query(
      `SELECT count(pg_advisory_xact_lock(hashtext($1), h)) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($2::text[]) AS k ORDER BY h) AS s`,
      [`switchyard:${this.namespace}:${domain}`, keys],
    );
  }

  /** NOTIFY payloads of a change (none without propagation), for statements ending in `NOTIFY_SELECT`. */
  #payloads(change: StoreChange): string[] {
    return this.capabilities.propagation ? encodeChange(change) : [];
  }

  async #notify(c: PoolClient, change: StoreChange): Promise<void> {
    if (!this.capabilities.propagation) return;
    for (const payload of encodeChange(change)) await c.query('SELECT pg_notify($1, $2)', [this.#t.channel, payload]);
  }

  #onNotification(payload: string): void {
    const change = decodeChange(payload);
    // Own writes were already delivered synchronously after their commit.
    if (!change || change.origin === this.clientId) return;
    this.#hub.emit(change);
  }
}

function toStoredFlag(row: FlagRow): StoredFlag {
  return { definition: row.definition, version: row.version, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}


function toStoredValues(row: ValuesRow): StoredValues {
  return { ...maintained(row), version: row.version };
}

function actorOf(options: { actor?: string }): string {
  return options.actor ?? 'system';
}

/** Most audit rows one retention statement deletes (a large backlog is trimmed in steps). */
const AUDIT_TRIM_BATCH = 1000;

/** The connection died before the transaction started: safe to retry elsewhere. */
class BeginFailed extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'BeginFailed';
  }
}

async function transaction<T>(c: PoolClient, fn: () => Promise<T>): Promise<T> {
  try {
    await c.query('BEGIN');
  } catch (err) {
    throw isDeadConnection(err) ? new BeginFailed(err) : err;
  }
  try {
    const result = await fn();
    await c.query('COMMIT');
    return result;
  } catch (err) {
    if (!isUnavailable(err)) await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
