import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import {
  actorOf,
  auditLimit,
  checkAuditMaxEntries,
  checkExpectedVersion,
  checkKey,
  checkValueBatch,
  ConflictError,
  decodeChange,
  parseDefinition,
  parseFlagWrites,
  prepareFlagWrites,
  prepareFlagWrite,
  StoreBase,
  StoreKit,
  StoreUnavailableError,
  TrailingTask,
  ValidationError,
  type AuditAction,
  type AuditEntry,
  type AuditQuery,
  type FeatureCache,
  type FlagDefinition,
  type FlagStore,
  type FlagWrite,
  type JsonValue,
  type ListFlagsOptions,
  type MigrationResult,
  type SetValuesOptions,
  type StoreCapabilities,
  type StoredFlag,
  type StoredValues,
  type StoreHealth,
  type ValueUpdate,
  type WriteOptions,
} from '@switchyard/core';
import { backoff, isUnavailable, translateError, type RedisClient, type Script } from './connection';
import { compare, RedisFeatureCache } from './feature-cache';
import { DEFAULT_MAX_RECONNECT_DELAY_MS, DEFAULT_NAMESPACE, DEFAULT_TIMEOUT_MS, namespaceProblem, type RedisStoreOptions } from './options';
import { scripts } from './scripts';
import { setValuesArgs, toStoredValues } from './values';

/** Migrations of the key layout, in order. `0001` records the layout described in the README. */
export const MIGRATION_NAMES: readonly string[] = ['0001_key_layout_v1'];

/** Most audit entries one retention script removes (a large backlog is trimmed in steps). */
const AUDIT_TRIM_BATCH = 1000;
/** Compare-and-set attempts of one flag write before giving up under extreme contention. */
const MAX_CAS_ATTEMPTS = 100;

/**
 * A `FlagStore` on Redis: every write is one Lua script (version check, write, audit entry and
 * change message atomically), propagation by pub/sub on `{prefix}:changes`.
 */
export class RedisStore extends StoreBase implements FlagStore {
  readonly name = 'redis';
  readonly capabilities: StoreCapabilities;
  readonly clientId = randomUUID();
  /** The key prefix. */
  readonly namespace: string;

  readonly #client: RedisClient;
  readonly #sub: RedisClient | undefined;
  protected readonly kit: StoreKit;
  protected readonly featureCache: FeatureCache;
  readonly #timeoutMs: number;
  readonly #validators: RedisStoreOptions['validators'];
  readonly #p: string;
  readonly #channel: string;
  readonly #connected: Promise<void>;
  readonly #subscribed: Promise<void>;
  #everReady = false;
  readonly #auditMaxEntries: number | undefined;
  /** Audit retention runs after writes (bounded scripts, at most every 100 ms), so writes never wait on it. */
  readonly #auditRetention = new TrailingTask(() => this.#trimAudit(), 100);

  constructor(options: RedisStoreOptions) {
    super();
    const namespace = options.namespace ?? DEFAULT_NAMESPACE;
    const problem = namespaceProblem(namespace);
    if (problem) throw new ValidationError([{ path: ['namespace'], message: problem }]);
    this.namespace = namespace;
    this.#p = namespace;
    this.#channel = `${namespace}:changes`;
    this.kit = new StoreKit({ name: 'redis', clientId: this.clientId, logger: options.logger, translateError });
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#validators = options.validators;
    this.#auditMaxEntries = checkAuditMaxEntries(options.auditMaxEntries);
    this.featureCache = new RedisFeatureCache({
      kit: this.kit,
      prefix: this.#p,
      cmd: (command) => this.#cmd(command),
      script: (script, args) => this.#script(script, args),
    });
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
        if (subscribedOnce) this.kit.resync();
      });
      this.#subscribed = sub
        .connect()
        .then(() => sub.subscribe(this.#channel, (message) => this.kit.received(decodeChange(message))))
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
      if (down || this.kit.closed) return;
      down = true;
      this.kit.logger.warn(`redis: ${label} lost; reconnecting`, { error: err.message });
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
    return this.kit.op('migrate', async () => {
      const applied = await this.#script<string[]>(scripts.migrate, [new Date().toISOString(), ...MIGRATION_NAMES]);
      return applied.map((migrationName) => ({ migrationName, direction: 'Up' as const, status: 'Success' as const }));
    });
  }

  health(): Promise<StoreHealth> {
    return this.kit.health(() => this.#cmd(['PING']));
  }

  close(): Promise<void> {
    return this.kit.close(async () => {
      await this.#auditRetention.idle();
      await Promise.all([this.#sub, this.#client].filter((c) => c !== undefined).map(shutdown));
    });
  }

  /** Any Redis command (`['INFO']`, `['KEYS', 'switchyard:*']`, …); restricting commands is the caller's job. */
  sendCommand(command: string[]): Promise<unknown> {
    return this.kit.op('sendCommand', async () => {
      if (!Array.isArray(command) || command.length === 0 || !command.every((part) => typeof part === 'string')) {
        throw new ValidationError([{ path: ['command'], message: 'command must be a non-empty array of strings' }]);
      }
      return this.#cmd(command);
    });
  }

  // ---- flags ----------------------------------------------------------------------------------

  getFlag(key: string): Promise<StoredFlag | undefined> {
    return this.kit.op('getFlag', async () => {
      checkKey(key);
      const raw = await this.#cmd<string | null>(['HGET', `${this.#p}:flags`, key]);
      return raw === null ? undefined : (JSON.parse(raw) as StoredFlag);
    });
  }

  listFlags(options: ListFlagsOptions = {}): Promise<StoredFlag[]> {
    return this.kit.op('listFlags', async () => {
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
    return this.kit.op('upsertFlag', async () => {
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
          actorOf(options),
          'flag.upsert' satisfies AuditAction,
          current ? JSON.stringify(current.definition) : 'null',
          JSON.stringify(next.definition),
          JSON.stringify(this.kit.change('flags', [parsed.key])),
        ]);
        if (outcome === 'retry') continue;
        this.kit.committed('flags', [parsed.key]);
        return next;
      }
      throw new StoreUnavailableError(`redis: upsertFlag of "${parsed.key}" gave up after ${MAX_CAS_ATTEMPTS} concurrent changes`);
    });
  }

  upsertFlags(writes: FlagWrite[], options: Pick<WriteOptions, 'actor'> = {}): Promise<StoredFlag[]> {
    return this.kit.op('upsertFlags', async () => {
      const parsed = parseFlagWrites(writes);
      if (parsed.length === 0) return [];
      const keys = parsed.map((d) => d.key);
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const raw = await this.#cmd<(string | null)[]>(['HMGET', `${this.#p}:flags`, ...keys]);
        const current = new Map<string, StoredFlag>();
        for (const [i, text] of raw.entries()) if (text !== null) current.set(keys[i]!, JSON.parse(text) as StoredFlag);
        const records = prepareFlagWrites(writes, parsed, (key) => current.get(key));
        const args = [records[0]!.updatedAt, actorOf(options), JSON.stringify(this.kit.change('flags', keys)), String(records.length)];
        for (const next of records) {
          const before = current.get(next.definition.key);
          args.push(next.definition.key, String(before?.version ?? 0), JSON.stringify(next), before ? JSON.stringify(before.definition) : 'null', JSON.stringify(next.definition));
        }
        if ((await this.#script<string>(scripts.writeFlags, args)) === 'retry') continue;
        this.kit.committed('flags', keys);
        return records;
      }
      throw new StoreUnavailableError(`redis: upsertFlags of ${keys.length} flags gave up after ${MAX_CAS_ATTEMPTS} concurrent changes`);
    });
  }

  deleteFlag(key: string, options: WriteOptions = {}): Promise<boolean> {
    return this.kit.op('deleteFlag', async () => {
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
          actorOf(options),
          'flag.delete' satisfies AuditAction,
          JSON.stringify(current.definition),
          'null',
          JSON.stringify(this.kit.change('flags', [key])),
          JSON.stringify(this.kit.change('values', [key])),
        ]);
        if (outcome === 'retry') continue;
        this.kit.committed('flags', [key]);
        if (outcome === 'ok+values') this.kit.committed('values', [key]);
        return true;
      }
      throw new StoreUnavailableError(`redis: deleteFlag of "${key}" gave up after ${MAX_CAS_ATTEMPTS} concurrent changes`);
    });
  }

  // ---- maintained values --------------------------------------------------------------------

  getValues(key: string): Promise<StoredValues | undefined> {
    return this.kit.op('getValues', async () => {
      checkKey(key);
      return toStoredValues(await this.#cmd<string[]>(['HGETALL', `${this.#p}:values:${key}`]));
    });
  }

  listValues(): Promise<Record<string, StoredValues>> {
    return this.kit.op('listValues', async () => {
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
    return this.kit.op('setValues', async () => {
      if (!(await checkValueBatch(updates, options, this.#validators, (keys) => this.#storedDefinitions(keys)))) return;

      const keys = [...new Set(updates.map((u) => u.key))];
      const args = setValuesArgs(updates, keys, actorOf(options), JSON.stringify(this.kit.change('values', keys)), options.seededValuesOf);
      const outcome = await this.#script<string[]>(scripts.setValues, args);
      if (outcome[0] === 'conflict') throw new ConflictError(outcome[1]!, Number(outcome[2]), Number(outcome[3]));
      this.kit.committed('values', keys);
    });
  }

  /** Stored definitions of the keys that need one (validation comes before the write). */
  async #storedDefinitions(keys: string[]): Promise<Map<string, FlagDefinition>> {
    const raw = await this.#cmd<(string | null)[]>(['HMGET', `${this.#p}:flags`, ...keys]);
    const out = new Map<string, FlagDefinition>();
    raw.forEach((text, i) => {
      if (text !== null) out.set(keys[i]!, (JSON.parse(text) as StoredFlag).definition);
    });
    return out;
  }

  // ---- audit ----------------------------------------------------------------------------------

  listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    return this.kit.op('listAudit', async () => {
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
    return this.#withTimeout(this.#client.sendCommand<T>(command), command[0]!);
  }

  async #script<T>(script: Script, args: string[]): Promise<T> {
    if (!this.#client.isReady) await this.#awaitConnection('EVALSHA');
    const result = await this.#withTimeout(script.run<T>(this.#client, [this.#p, ...args]), 'EVALSHA');
    if (this.#auditMaxEntries !== undefined && script !== scripts.migrate && script !== scripts.trimAudit) this.#auditRetention.trigger();
    return result;
  }

  /** Removes audit entries older than the newest `auditMaxEntries` (see `TRIM_AUDIT`); `true` when more remain. */
  async #trimAudit(): Promise<boolean> {
    if (this.kit.closed || !this.#client.isReady) return false;
    try {
      const removed = await this.#withTimeout(scripts.trimAudit.run<number>(this.#client, [this.#p, String(this.#auditMaxEntries), String(AUDIT_TRIM_BATCH)]), 'EVALSHA');
      return removed >= AUDIT_TRIM_BATCH;
    } catch (err) {
      this.kit.logger.warn('redis: audit retention failed; it runs again after the next write', { error: err instanceof Error ? err.message : String(err) });
      return false;
    }
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
