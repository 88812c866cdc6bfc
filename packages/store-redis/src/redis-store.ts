import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import {
  checkExpectedVersion,
  ConflictError,
  parseDefinition,
  prepareFlagWrite,
  ROOT_SCOPE_KEY,
  scopeKey,
  StoreUnavailableError,
  ValidationError,
  entriesOf,
  isSubScope,
  parseScopeKey,
  validateValueUpdatesAsync,
  valuesFromEntries,
  type AuditAction,
  type AuditEntry,
  type AuditQuery,
  type FeatureValueOptions,
  type FlagDefinition,
  type FlagStore,
  type FlagValue,
  type JsonValue,
  type ListFlagsOptions,
  type MaintainedValues,
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
import { backoff, isUnavailable, Script, translateError, type RedisClient } from './connection';
import { DELETE_FEATURE, MIGRATE, PURGE_FEATURES, SET_FEATURE, SET_VALUES, TRIM_AUDIT, UPDATE_FEATURE, WRITE_FLAG } from './lua';
import { DEFAULT_MAX_RECONNECT_DELAY_MS, DEFAULT_NAMESPACE, DEFAULT_TIMEOUT_MS, namespaceProblem, type RedisStoreOptions } from './options';
import { auditLimit, ChangeHub, checkAuditMaxEntries, consoleStoreLogger, TrailingTask, checkFeatureArgs, checkKey, checkTtl, decodeChange, toJson } from '@switchyard/core';

/** Migrations of the key layout, in order. `0001` records the layout described in the README. */
export const MIGRATION_NAMES: readonly string[] = ['0001_key_layout_v1'];

const VERSION_FIELD = '#v';
/** Most audit entries one retention script removes (a large backlog is trimmed in steps). */
const AUDIT_TRIM_BATCH = 1000;
/** Compare-and-set attempts of one flag write before giving up under extreme contention. */
const MAX_CAS_ATTEMPTS = 100;

const scripts = {
  writeFlag: new Script(WRITE_FLAG),
  setValues: new Script(SET_VALUES),
  setFeature: new Script(SET_FEATURE),
  updateFeature: new Script(UPDATE_FEATURE),
  deleteFeature: new Script(DELETE_FEATURE),
  purgeFeatures: new Script(PURGE_FEATURES),
  migrate: new Script(MIGRATE),
  trimAudit: new Script(TRIM_AUDIT),
};

/**
 * A `FlagStore` on Redis: every write is one Lua script (version check, write, audit entry and
 * change message atomically), propagation by pub/sub on `{prefix}:changes`.
 */
export class RedisStore implements FlagStore {
  readonly name = 'redis';
  readonly capabilities: StoreCapabilities;
  readonly clientId = randomUUID();
  /** The key prefix. */
  readonly namespace: string;

  readonly #client: RedisClient;
  readonly #sub: RedisClient | undefined;
  readonly #hub: ChangeHub;
  readonly #logger: NonNullable<StoreOptions['logger']>;
  readonly #timeoutMs: number;
  readonly #validators: RedisStoreOptions['validators'];
  readonly #p: string;
  readonly #channel: string;
  readonly #connected: Promise<void>;
  readonly #subscribed: Promise<void>;
  #everReady = false;
  #closed: Promise<void> | undefined;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #auditMaxEntries: number | undefined;
  /** Audit retention runs after writes (bounded scripts, at most every 100 ms), so writes never wait on it. */
  readonly #auditRetention = new TrailingTask(() => this.#trimAudit(), 100);

  constructor(options: RedisStoreOptions) {
    const namespace = options.namespace ?? DEFAULT_NAMESPACE;
    const problem = namespaceProblem(namespace);
    if (problem) throw new ValidationError([{ path: ['namespace'], message: problem }]);
    this.namespace = namespace;
    this.#p = namespace;
    this.#channel = `${namespace}:changes`;
    this.#logger = options.logger ?? consoleStoreLogger;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#validators = options.validators;
    this.#auditMaxEntries = checkAuditMaxEntries(options.auditMaxEntries);
    this.#hub = new ChangeHub(this.#logger);
    const propagation = options.propagation ?? true;
    this.capabilities = { propagation, persistent: true, shared: true, sendCommand: true };

    this.#client = createClient({
      url: options.url,
      // Fail fast while disconnected instead of queueing commands until the server is back.
      disableOfflineQueue: true,
      // Named so operators (and CLIENT KILL) can tell the connections of each store apart.
      name: `switchyard:${this.clientId}`,
      commandOptions: { timeout: this.#timeoutMs },
      socket: { connectTimeout: this.#timeoutMs, reconnectStrategy: backoff(options.maxReconnectDelayMs ?? DEFAULT_MAX_RECONNECT_DELAY_MS) },
    });
    this.#watch(this.#client, 'connection', () => undefined);
    this.#connected = this.#client.connect().then(
      () => void (this.#everReady = true),
      () => undefined,
    );

    if (propagation) {
      const sub = this.#client.duplicate({ name: `switchyard-sub:${this.clientId}` });
      this.#sub = sub;
      let subscribedOnce = false;
      // node-redis re-subscribes by itself after a reconnect; changes published meanwhile are lost, hence `reset`.
      this.#watch(sub, 'subscriber connection', () => {
        if (subscribedOnce) this.#hub.emit({ kind: 'reset', origin: this.clientId });
      });
      this.#subscribed = sub
        .connect()
        .then(() => sub.subscribe(this.#channel, (message) => this.#onMessage(message)))
        .then(
          () => void (subscribedOnce = true),
          () => undefined,
        );
    } else this.#subscribed = Promise.resolve();
  }

  /** Logs each outage once, and calls `onReady` whenever the connection is (re)established. */
  #watch(client: RedisClient, label: string, onReady: () => void) {
    let down = false;
    client.on('error', (err: Error) => {
      if (down || this.#closed) return;
      down = true;
      this.#logger.warn(`redis: ${label} lost; reconnecting`, { error: err.message });
    });
    client.on('ready', () => {
      down = false;
      onReady();
    });
  }

  /** Resolves once connected (and subscribed, with propagation); rejects with `StoreUnavailableError` after `timeoutMs`. */
  async ready(): Promise<void> {
    await this.#withTimeout(Promise.all([this.#connected, this.#subscribed]), 'connect');
    if (!this.#client.isReady) throw new StoreUnavailableError('redis: not connected');
  }

  async #withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError(`redis: ${what} timed out after ${this.#timeoutMs} ms`)), this.#timeoutMs);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  migrate(): Promise<MigrationResult[]> {
    return this.#op('migrate', async () => {
      const applied = await this.#script<string[]>(scripts.migrate, [new Date().toISOString(), ...MIGRATION_NAMES]);
      return applied.map((migrationName) => ({ migrationName, direction: 'Up' as const, status: 'Success' as const }));
    });
  }

  async health(): Promise<StoreHealth> {
    const started = performance.now();
    try {
      await this.#op('health', () => this.#cmd(['PING']));
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
      await Promise.all([this.#sub, this.#client].map((c) => c && shutdown(c)));
    })();
    return this.#closed;
  }

  subscribe(listener: StoreListener): () => void {
    return this.#hub.subscribe(listener);
  }

  /** Any Redis command (`['INFO']`, `['KEYS', 'switchyard:*']`, …); restricting commands is the caller's job. */
  sendCommand(command: string[]): Promise<unknown> {
    return this.#op('sendCommand', async () => {
      if (!Array.isArray(command) || command.length === 0 || !command.every((part) => typeof part === 'string')) {
        throw new ValidationError([{ path: ['command'], message: 'command must be a non-empty array of strings' }]);
      }
      return this.#cmd(command);
    });
  }

  // ---- flags ----------------------------------------------------------------------------------

  getFlag(key: string): Promise<StoredFlag | undefined> {
    return this.#op('getFlag', async () => {
      checkKey(key);
      const raw = await this.#cmd<string | null>(['HGET', `${this.#p}:flags`, key]);
      return raw === null ? undefined : (JSON.parse(raw) as StoredFlag);
    });
  }

  listFlags(options: ListFlagsOptions = {}): Promise<StoredFlag[]> {
    return this.#op('listFlags', async () => {
      const raw = await this.#cmd<string[]>(['HVALS', `${this.#p}:flags`]);
      const includeDisabled = options.includeDisabled ?? true;
      const out: StoredFlag[] = [];
      for (const text of raw) {
        const flag = JSON.parse(text) as StoredFlag;
        if (!includeDisabled && flag.definition.enabled === false) continue;
        if (options.flagSet !== undefined && flag.definition.flagSet !== options.flagSet) continue;
        out.push(flag);
      }
      return out.sort((a, b) => compare(a.definition.key, b.definition.key));
    });
  }

  upsertFlag(definition: FlagDefinition, options: WriteOptions = {}): Promise<StoredFlag> {
    return this.#op('upsertFlag', async () => {
      const parsed = parseDefinition(definition);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const raw = await this.#cmd<string | null>(['HGET', `${this.#p}:flags`, parsed.key]);
        const current = raw === null ? undefined : (JSON.parse(raw) as StoredFlag);
        const next = prepareFlagWrite(parsed, current, options);
        const outcome = await this.#script<string>(scripts.writeFlag, [
          parsed.key,
          String(current?.version ?? 0),
          JSON.stringify(next),
          next.updatedAt,
          options.actor ?? 'system',
          'flag.upsert' satisfies AuditAction,
          current ? JSON.stringify(current.definition) : 'null',
          JSON.stringify(next.definition),
          JSON.stringify({ kind: 'flags', keys: [parsed.key], origin: this.clientId }),
        ]);
        if (outcome === 'retry') continue;
        this.#hub.emit({ kind: 'flags', keys: [parsed.key], origin: this.clientId });
        return next;
      }
      throw new StoreUnavailableError(`redis: upsertFlag of "${parsed.key}" gave up after ${MAX_CAS_ATTEMPTS} concurrent changes`);
    });
  }

  deleteFlag(key: string, options: WriteOptions = {}): Promise<boolean> {
    return this.#op('deleteFlag', async () => {
      checkKey(key);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const raw = await this.#cmd<string | null>(['HGET', `${this.#p}:flags`, key]);
        const current = raw === null ? undefined : (JSON.parse(raw) as StoredFlag);
        checkExpectedVersion(key, current?.version ?? 0, options.expectedVersion);
        if (!current) return false;
        const outcome = await this.#script<string>(scripts.writeFlag, [
          key,
          String(current.version),
          '',
          new Date().toISOString(),
          options.actor ?? 'system',
          'flag.delete' satisfies AuditAction,
          JSON.stringify(current.definition),
          'null',
          JSON.stringify({ kind: 'flags', keys: [key], origin: this.clientId }),
          JSON.stringify({ kind: 'values', keys: [key], origin: this.clientId }),
        ]);
        if (outcome === 'retry') continue;
        this.#hub.emit({ kind: 'flags', keys: [key], origin: this.clientId });
        if (outcome === 'ok+values') this.#hub.emit({ kind: 'values', keys: [key], origin: this.clientId });
        return true;
      }
      throw new StoreUnavailableError(`redis: deleteFlag of "${key}" gave up after ${MAX_CAS_ATTEMPTS} concurrent changes`);
    });
  }

  // ---- maintained values --------------------------------------------------------------------

  getValues(key: string): Promise<StoredValues | undefined> {
    return this.#op('getValues', async () => {
      checkKey(key);
      return toStoredValues(await this.#cmd<string[]>(['HGETALL', `${this.#p}:values:${key}`]));
    });
  }

  listValues(): Promise<Record<string, StoredValues>> {
    return this.#op('listValues', async () => {
      const keys = (await this.#cmd<string[]>(['SMEMBERS', `${this.#p}:values`])).sort(compare);
      // Issued together: node-redis pipelines them on the one connection.
      const hashes = await Promise.all(keys.map((key) => this.#cmd<string[]>(['HGETALL', `${this.#p}:values:${key}`])));
      const out: Record<string, StoredValues> = {};
      keys.forEach((key, i) => {
        const values = toStoredValues(hashes[i]!);
        if (values) out[key] = values;
      });
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

      const keys = [...new Set(updates.map((u) => u.key))];
      const index = new Map(keys.map((k, i) => [k, i + 1]));
      const args: string[] = [
        new Date().toISOString(),
        options.actor ?? 'system',
        JSON.stringify({ kind: 'values', keys, origin: this.clientId }),
        String(keys.length),
        ...keys,
        String(updates.length),
      ];
      for (const u of updates) {
        const field = scopeKey(u.scope);
        const pairs = field === ROOT_SCOPE_KEY ? [] : field.split('##');
        const marks = removedSeedsOf(u, options.seededValuesOf?.(u.key));
        args.push(
          String(index.get(u.key)),
          field,
          u.value === null ? '' : JSON.stringify(u.value),
          u.value === null ? '1' : '0',
          u.clearSubScopes ? '1' : '0',
          u.expectedVersion === undefined ? '' : String(u.expectedVersion),
          String(pairs.length),
          ...pairs,
          String(marks.length),
          ...marks,
        );
      }
      const outcome = await this.#script<string[]>(scripts.setValues, args);
      if (outcome[0] === 'conflict') throw new ConflictError(outcome[1]!, Number(outcome[2]), Number(outcome[3]));
      this.#hub.emit({ kind: 'values', keys, origin: this.clientId });
    });
  }

  async #definitionsFor(updates: ValueUpdate[], given: SetValuesOptions['definitionOf']): Promise<Map<string, FlagDefinition>> {
    // remoteOnly keys too: a key that has a definition is validated against it.
    const wanted = [...new Set(updates.filter((u) => u && typeof u.key === 'string' && u.key && !given?.(u.key)).map((u) => u.key))];
    if (wanted.length === 0) return new Map();
    const raw = await this.#cmd<(string | null)[]>(['HMGET', `${this.#p}:flags`, ...wanted]);
    const out = new Map<string, FlagDefinition>();
    raw.forEach((text, i) => {
      if (text !== null) out.set(wanted[i]!, (JSON.parse(text) as StoredFlag).definition);
    });
    return out;
  }

  // ---- feature results ----------------------------------------------------------------------

  getFeatureValues(feature: string, scopeIds: string[]): Promise<Map<string, JsonValue>> {
    return this.#op('getFeatureValues', async () => {
      checkFeatureArgs(feature, scopeIds);
      const out = new Map<string, JsonValue>();
      if (scopeIds.length === 0) return out;
      const raw = await this.#cmd<(string | null)[]>(['HMGET', `${this.#p}:features:${feature}`, ...scopeIds]);
      raw.forEach((text, i) => {
        if (text !== null) out.set(scopeIds[i]!, JSON.parse(text) as JsonValue);
      });
      return out;
    });
  }

  setFeatureValue(feature: string, scopeId: string, value: JsonValue, options: FeatureValueOptions = {}): Promise<JsonValue> {
    return this.#op('setFeatureValue', async () => {
      checkFeatureArgs(feature, [scopeId]);
      const json = toJson(value, 'value');
      const [wrote, stored] = await this.#script<[number, string?]>(scripts.setFeature, [
        feature,
        scopeId,
        json,
        options.onlyIfAbsent ? '1' : '0',
        JSON.stringify({ kind: 'features', features: [feature], origin: this.clientId }),
      ]);
      if (wrote !== 1) return JSON.parse(stored ?? 'null') as JsonValue;
      this.#hub.emit({ kind: 'features', features: [feature], origin: this.clientId });
      return value;
    });
  }

  updateFeatureValues(feature: string, value: JsonValue): Promise<number> {
    return this.#op('updateFeatureValues', async () => {
      checkFeatureArgs(feature, []);
      const n = await this.#script<number>(scripts.updateFeature, [
        feature,
        toJson(value, 'value'),
        JSON.stringify({ kind: 'features', features: [feature], origin: this.clientId }),
      ]);
      if (n > 0) this.#hub.emit({ kind: 'features', features: [feature], origin: this.clientId });
      return n;
    });
  }

  deleteFeatureValue(feature: string, scopeId: string): Promise<void> {
    return this.#op('deleteFeatureValue', async () => {
      checkFeatureArgs(feature, [scopeId]);
      const removed = await this.#script<number>(scripts.deleteFeature, [
        feature,
        scopeId,
        JSON.stringify({ kind: 'features', features: [feature], origin: this.clientId }),
      ]);
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
      const [total, ...purged] = await this.#script<[number, ...string[]]>(scripts.purgeFeatures, [
        new Date().toISOString(),
        'system',
        this.clientId,
        features ? '0' : '1',
        ...(features ?? []),
      ]);
      if (purged.length) this.#hub.emit({ kind: 'features', features: purged, origin: this.clientId });
      return total;
    });
  }

  listFeatures(): Promise<string[]> {
    return this.#op('listFeatures', async () => (await this.#cmd<string[]>(['SMEMBERS', `${this.#p}:features`])).sort(compare));
  }

  // ---- cache ----------------------------------------------------------------------------------

  cacheGet(key: string): Promise<JsonValue | undefined> {
    return this.#op('cacheGet', async () => {
      checkKey(key);
      const raw = await this.#cmd<string | null>(['GET', `${this.#p}:cache:${key}`]);
      return raw === null ? undefined : (JSON.parse(raw) as JsonValue);
    });
  }

  cacheSet(key: string, value: JsonValue, ttlMs?: number): Promise<void> {
    return this.#op('cacheSet', async () => {
      checkKey(key);
      checkTtl(ttlMs);
      const command = ['SET', `${this.#p}:cache:${key}`, toJson(value, 'value')];
      if (ttlMs !== undefined) command.push('PX', String(Math.ceil(ttlMs)));
      await this.#cmd(command);
    });
  }

  cacheDelete(key: string): Promise<void> {
    return this.#op('cacheDelete', async () => {
      checkKey(key);
      await this.#cmd(['DEL', `${this.#p}:cache:${key}`]);
    });
  }

  // ---- audit ----------------------------------------------------------------------------------

  listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    return this.#op('listAudit', async () => {
      const limit = auditLimit(query);
      const stream = `${this.#p}:audit`;
      if (query.key === undefined) {
        const end = query.beforeId === undefined ? '+' : `(${query.beforeId}-0`;
        return (await this.#cmd<StreamEntry[]>(['XREVRANGE', stream, end, '-', 'COUNT', String(limit)])).map(toAuditEntry);
      }
      const max = query.beforeId === undefined ? '+inf' : `(${query.beforeId}`;
      const ids = await this.#cmd<string[]>(['ZREVRANGEBYSCORE', `${this.#p}:audit:key:${query.key}`, max, '-inf', 'LIMIT', '0', String(limit)]);
      const entries = await Promise.all(ids.map((id) => this.#cmd<StreamEntry[]>(['XRANGE', stream, `${id}-0`, `${id}-0`])));
      return entries.flatMap((found) => found.map(toAuditEntry));
    });
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  /**
   * Runs one public operation: refused once `close()` was called, tracked so `close()` waits for
   * it, and with connection problems reported as `StoreUnavailableError`.
   */
  #op<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreUnavailableError(`redis: ${what} called after close()`));
    const run = (async () => {
      try {
        return await fn();
      } catch (err) {
        throw translateError(err, what);
      }
    })();
    this.#pending.add(run);
    const done = () => void this.#pending.delete(run);
    run.then(done, done);
    return run;
  }

  /** Before the first connection, calls wait for it (up to `timeoutMs`); after an outage they fail fast. */
  async #awaitConnection(command: string): Promise<void> {
    if (this.#everReady) throw new StoreUnavailableError(`redis: not connected (reconnecting); ${command} not sent`);
    await this.#withTimeout(this.#connected, 'connect');
    if (!this.#client.isReady) throw new StoreUnavailableError(`redis: not connected; ${command} not sent`);
  }

  /** Input is checked before the first command, so bad input is refused even while disconnected. */
  async #cmd<T>(command: string[]): Promise<T> {
    if (!this.#client.isReady) await this.#awaitConnection(command[0]!);
    // A Redis that hangs (stopped process, dead network) keeps the socket open: bound every call.
    return this.#withTimeout(this.#client.sendCommand(command) as Promise<T>, command[0]!);
  }

  async #script<T>(script: Script, args: string[]): Promise<T> {
    if (!this.#client.isReady) await this.#awaitConnection('EVALSHA');
    const result = await this.#withTimeout(script.run<T>(this.#client, [this.#p, ...args]), 'EVALSHA');
    if (this.#auditMaxEntries !== undefined && script !== scripts.migrate && script !== scripts.trimAudit) this.#auditRetention.trigger();
    return result;
  }

  /** Removes audit entries older than the newest `auditMaxEntries` (see `TRIM_AUDIT`); `true` when more remain. */
  async #trimAudit(): Promise<boolean> {
    if (this.#closed || !this.#client.isReady) return false;
    try {
      const removed = await this.#withTimeout(scripts.trimAudit.run<number>(this.#client, [this.#p, String(this.#auditMaxEntries), String(AUDIT_TRIM_BATCH)]), 'EVALSHA');
      return removed >= AUDIT_TRIM_BATCH;
    } catch (err) {
      this.#logger.warn('redis: audit retention failed; it runs again after the next write', { error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  #onMessage(message: string): void {
    const change = decodeChange(message);
    // Own writes were already delivered synchronously after they were applied.
    if (!change || change.origin === this.clientId) return;
    this.#hub.emit(change);
  }
}

type StreamEntry = [id: string, fields: string[]];

function toAuditEntry([id, fields]: StreamEntry): AuditEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  return {
    id: Number(id.slice(0, id.indexOf('-'))),
    at: f.at ?? '',
    actor: f.actor ?? '',
    action: f.action as AuditAction,
    key: f.key ?? '',
    before: JSON.parse(f.before ?? 'null') as JsonValue,
    after: JSON.parse(f.after ?? 'null') as JsonValue,
  };
}

/** A values hash: one field per scope (JSON; `null` marks a removed seeded value) and the version under `#v`. */
function toStoredValues(flat: string[]): StoredValues | undefined {
  let version = 0;
  const entries: [string, FlagValue | null][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!;
    const text = flat[i + 1]!;
    if (field === VERSION_FIELD) version = Number(text);
    else entries.push([field, JSON.parse(text) as FlagValue | null]);
  }
  if (version === 0) return undefined;
  return { ...valuesFromEntries(entries), version };
}

/**
 * The seeded scopes an update removes, as core's applyValueUpdate records them: with
 * `clearSubScopes` every seeded scope below the update's (every seeded scope for the root), and
 * with `null` the update's own scope when it is seeded.
 */
function removedSeedsOf(update: ValueUpdate, seeded: MaintainedValues | undefined): string[] {
  if (!seeded) return [];
  const seededKeys = [...entriesOf(seeded).keys()];
  if (seededKeys.length === 0) return [];
  const field = scopeKey(update.scope);
  const scope = update.scope ?? {};
  const marks = new Set<string>();
  if (update.clearSubScopes) {
    for (const k of seededKeys) {
      if (k === ROOT_SCOPE_KEY) continue;
      const map = parseScopeKey(k);
      if (field === ROOT_SCOPE_KEY || (map && isSubScope(map, scope))) marks.add(k);
    }
  }
  if (update.value === null && seededKeys.includes(field)) marks.add(field);
  return [...marks];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Closes gracefully when connected, else stops reconnecting at once. */
async function shutdown(client: RedisClient): Promise<void> {
  if (!client.isOpen) return;
  try {
    if (client.isReady) await client.close();
    else client.destroy();
  } catch (err) {
    if (isUnavailable(err)) client.destroy();
  }
}
