import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient, type PoolConfig, type QueryResultRow } from 'pg';
import {
  actorOf,
  checkAuditMaxEntries,
  checkExpectedVersion,
  checkKey,
  checkValueBatch,
  decodeChange,
  parseDefinition,
  parseFlagWrites,
  prepareFlagWrite,
  prepareFlagWrites,
  StoreBase,
  StoreKit,
  StoreUnavailableError,
  toJson,
  TrailingTask,
  ValidationError,
  type AuditEntry,
  type AuditQuery,
  type FeatureCache,
  type FlagDefinition,
  type FlagStore,
  type FlagWrite,
  type ListFlagsOptions,
  type MigrationResult,
  type SetValuesOptions,
  type StoreCapabilities,
  type StoreChange,
  type StoredFlag,
  type StoredValues,
  type StoreHealth,
  type ValueUpdate,
  type WriteOptions,
} from '@switchyard/core';
import { readAudit, trimAudit } from './audit-log';
import { encodeChange } from './changes';
import { writeFlagBatch } from './flag-batch';
import { inTransaction, notifySelect, readRows, withClient } from './connection';
import { translateError } from './errors';
import { PostgresFeatureCache } from './feature-cache';
import { runMigrations } from './migrations';
import { NotifyListener } from './notify-listener';
import { DEFAULT_MAX_RECONNECT_DELAY_MS, DEFAULT_NAMESPACE, DEFAULT_TIMEOUT_MS, namespaceProblem, type PostgresStoreOptions } from './options';
import { tablesFor, type Tables } from './tables';
import { maintained, scopedColumn, ValueWriter, type GroupCommitHooks, type ValuesRow } from './value-writer';

interface FlagRow {
  definition: FlagDefinition;
  version: number;
  created_at: Date;
  updated_at: Date;
}


/**
 * A `FlagStore` on PostgreSQL: one schema per namespace, every write in one transaction with its
 * audit row, row locks for optimistic concurrency, LISTEN/NOTIFY for propagation.
 */
export class PostgresStore extends StoreBase implements FlagStore {
  readonly name = 'postgres';
  readonly capabilities: StoreCapabilities;
  readonly clientId = randomUUID();
  /** The schema this store's tables live in. */
  readonly namespace: string;

  readonly #pool: Pool;
  readonly #t: Tables;
  protected readonly kit: StoreKit;
  readonly #listener: NotifyListener | undefined;
  readonly #timeoutMs: number;
  readonly #autoMigrate: boolean;
  readonly #validators: PostgresStoreOptions['validators'];
  #migrated: Promise<void> | undefined;
  #isMigrated = false;
  readonly #values = new ValueWriter(this.#valueHooks());
  protected readonly featureCache: FeatureCache;
  readonly #auditMaxEntries: number | undefined;
  /** Audit retention runs after commits, outside the writing transactions, at most once a second. */
  readonly #auditRetention = new TrailingTask(() => this.#trimAudit(), 1000);

  constructor(options: PostgresStoreOptions) {
    super();
    const namespace = options.namespace ?? DEFAULT_NAMESPACE;
    const problem = namespaceProblem(namespace);
    if (problem) throw new ValidationError([{ path: ['namespace'], message: problem }]);
    this.namespace = namespace;
    this.#t = tablesFor(namespace);
    this.kit = new StoreKit({ name: 'postgres', clientId: this.clientId, logger: options.logger, translateError });
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#autoMigrate = options.autoMigrate ?? true;
    this.#validators = options.validators;
    this.#auditMaxEntries = checkAuditMaxEntries(options.auditMaxEntries);
    this.featureCache = new PostgresFeatureCache({
      kit: this.kit,
      t: this.#t,
      read: (sql, params) => this.#read(sql, params),
      write: (fn) => this.#write(fn),
      notify: (c, change) => this.#notify(c, change),
    });

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
    this.#pool.on('error', (err) => this.kit.logger.warn('postgres: pooled connection lost', { error: err.message }));

    const propagation = options.propagation ?? true;
    this.capabilities = { propagation, persistent: true, shared: true, sendCommand: false };
    if (propagation) {
      const { max: _max, ...clientConfig } = config;
      this.#listener = new NotifyListener({
        config: clientConfig,
        channel: this.#t.channel,
        logger: this.kit.logger,
        onPayload: (payload) => this.kit.received(decodeChange(payload)),
        onReconnect: () => this.kit.resync(),
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
    return this.kit.op('migrate', async () => {
      const results = await withClient(this.#pool, (c) => runMigrations(c, this.namespace, this.#t));
      if (results.every((r) => r.status === 'Success')) this.#isMigrated = true;
      return results;
    });
  }

  health(): Promise<StoreHealth> {
    return this.kit.health(() => this.#pool.query('SELECT 1'));
  }

  close(): Promise<void> {
    return this.kit.close(async () => {
      await this.#auditRetention.idle();
      await this.#listener?.close();
      await this.#pool.end().catch(() => undefined);
    });
  }

  // ---- flags ----------------------------------------------------------------------------------

  getFlag(key: string): Promise<StoredFlag | undefined> {
    return this.kit.op('getFlag', async () => {
      checkKey(key);
      const rows = await this.#read<FlagRow>(`SELECT definition, version, created_at, updated_at FROM ${this.#t.flags} WHERE key = $1`, [key]);
      return rows[0] && toStoredFlag(rows[0]);
    });
  }

  listFlags(options: ListFlagsOptions = {}): Promise<StoredFlag[]> {
    return this.kit.op('listFlags', async () => {
      const rows = await this.#read<FlagRow>(`SELECT definition, version, created_at, updated_at FROM ${this.#t.flags}
         WHERE ($1::boolean OR enabled) AND ($2::text IS NULL OR flag_set = $2) ORDER BY key`,
        [options.includeDisabled ?? true, options.flagSet ?? null],
      );
      return rows.map(toStoredFlag);
    });
  }

  upsertFlag(definition: FlagDefinition, options: WriteOptions = {}): Promise<StoredFlag> {
    return this.kit.op('upsertFlag', async () => {
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
            this.#t.channel, this.#payloads(this.kit.change('flags', [d.key])),
          ],
        );
        return next;
      });
      this.kit.committed('flags', [stored.definition.key]);
      return stored;
    });
  }

  upsertFlags(writes: FlagWrite[], options: Pick<WriteOptions, 'actor'> = {}): Promise<StoredFlag[]> {
    return this.kit.op('upsertFlags', async () => {
      const parsed = parseFlagWrites(writes);
      if (parsed.length === 0) return [];
      const keys = parsed.map((d) => d.key);
      const records = await this.#write(async (c) => {
        await this.#lock(c, 'flags', keys);
        const { rows } = await c.query<FlagRow & { key: string }>(
          `SELECT key, definition, version, created_at, updated_at FROM ${this.#t.flags} WHERE key = ANY($1::text[]) FOR UPDATE`,
          [keys],
        );
        const current = new Map(rows.map((r) => [r.key, toStoredFlag(r)]));
        const next = prepareFlagWrites(writes, parsed, (key) => current.get(key));
        const batch = next.map((record) => ({ next: record, before: current.get(record.definition.key) }));
        await writeFlagBatch(c, this.#t, batch, actorOf(options), this.#payloads(this.kit.change('flags', keys)));
        return next;
      });
      this.kit.committed('flags', keys);
      return records;
    });
  }

  deleteFlag(key: string, options: WriteOptions = {}): Promise<boolean> {
    return this.kit.op('deleteFlag', async () => {
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
        await this.#notify(c, this.kit.change('flags', [key]));
        if (hadValues) await this.#notify(c, this.kit.change('values', [key]));
        return { deleted: true, hadValues };
      });
      if (outcome.deleted) this.kit.committed('flags', [key]);
      if (outcome.hadValues) this.kit.committed('values', [key]);
      return outcome.deleted;
    });
  }

  // ---- maintained values --------------------------------------------------------------------

  getValues(key: string): Promise<StoredValues | undefined> {
    return this.kit.op('getValues', async () => {
      checkKey(key);
      const rows = await this.#read<ValuesRow>(`SELECT key, root_value, scoped_values, version FROM ${this.#t.values} WHERE key = $1`, [key]);
      return rows[0] && toStoredValues(rows[0]);
    });
  }

  listValues(): Promise<Record<string, StoredValues>> {
    return this.kit.op('listValues', async () => {
      const rows = await this.#read<ValuesRow>(`SELECT key, root_value, scoped_values, version FROM ${this.#t.values} ORDER BY key`);
      const out: Record<string, StoredValues> = {};
      for (const row of rows) out[row.key] = toStoredValues(row);
      return out;
    });
  }

  setValues(updates: ValueUpdate[], options: SetValuesOptions = {}): Promise<void> {
    return this.kit.op('setValues', async () => {
      if (!(await checkValueBatch(updates, options, this.#validators, (keys) => this.#storedDefinitions(keys)))) return;
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
        const payloads = plan.batches.flatMap((b) => this.#payloads(this.kit.change('values', b.keys)));
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
      committed: (batch) => this.kit.committed('values', batch.keys),
    };
  }

  /** Stored definitions of the keys that need one; read before the write transaction (validation comes first). */
  async #storedDefinitions(keys: string[]): Promise<Map<string, FlagDefinition>> {
    const rows = await this.#read<{ key: string; definition: FlagDefinition }>(`SELECT key, definition FROM ${this.#t.flags} WHERE key = ANY($1::text[])`, [keys]);
    return new Map(rows.map((r) => [r.key, r.definition]));
  }

  // ---- audit ----------------------------------------------------------------------------------

  listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    return this.kit.op('listAudit', () => readAudit((sql, params) => this.#read(sql, params), this.#t, query));
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  #ensureMigrated(): Promise<void> {
    if (this.#isMigrated || !this.#autoMigrate) return Promise.resolve();
    this.#migrated ??= withClient(this.#pool, (c) => runMigrations(c, this.namespace, this.#t)).then(
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

  async #read<R extends QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    await this.#ensureMigrated();
    return readRows<R>(this.#pool, sql, params);
  }

  async #write<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    await this.#ensureMigrated();
    const result = await inTransaction(this.#pool, fn);
    if (this.#auditMaxEntries !== undefined) this.#auditRetention.trigger();
    return result;
  }

  /** Audit retention (see `trimAudit`): `true` when more rows remain to delete. */
  async #trimAudit(): Promise<boolean> {
    if (this.kit.closed) return false;
    try {
      return await trimAudit(this.#pool, this.#t, this.#auditMaxEntries!);
    } catch (err) {
      this.kit.logger.warn('postgres: audit retention failed; it runs again after the next write', { error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  /**
   * Serializes writers of the same keys across connections and processes, including keys that do
   * not exist yet (which `FOR UPDATE` cannot lock). A key's lock is one of `LOCK_BUCKETS` advisory
   * locks per domain, so a batch of any size takes a bounded number of them (PostgreSQL's shared
   * lock table holds about `max_locks_per_transaction` × connections, ~6,400 by default); taken in
   * bucket order so batches never deadlock.
   */
  async #lock(c: PoolClient, domain: 'flags' | 'values', keys: string[]): Promise<void> {
    await c.query(
      `SELECT count(pg_advisory_xact_lock(hashtext($1), b)) FROM (SELECT DISTINCT hashtext(k) & ${LOCK_BUCKETS - 1} AS b FROM unnest($2::text[]) AS k ORDER BY b) AS s`,
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
}

function toStoredFlag(row: FlagRow): StoredFlag {
  return { definition: row.definition, version: row.version, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}

function toStoredValues(row: ValuesRow): StoredValues {
  return { ...maintained(row), version: row.version };
}

/** Advisory locks per domain (a power of two): a key's lock is `hashtext(key) & (LOCK_BUCKETS - 1)`. */
const LOCK_BUCKETS = 1024;

