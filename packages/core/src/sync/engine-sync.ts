import type { Engine } from '../engine/engine';
import { safeParseDefinition } from '../schema/parse-definition';
import type { FlagStore, StoreChange, StoredFlag, StoredValues, ValueLayer } from '../store/store';
import { overlayValues } from '../store/value-updates';
import type { FlagDefinition, MaintainedValues } from '../types/flag';

export interface EngineSyncOptions {
  /** Called with problems that do not stop syncing: unreachable store, invalid stored rows. */
  onError?: (error: Error) => void;
  /** Called after every applied change with the keys it touched (`['*']` after a full resync). */
  onSync?: (keys: string[]) => void;
  /** First retry delay after a failed read; doubles up to `maxRetryMs`. Default 100 ms. */
  retryMs?: number;
  maxRetryMs?: number;
}

export interface EngineSyncStatus {
  /** The engine reflects the store as of the last successful read. */
  synced: boolean;
  lastSyncAt?: string;
  lastError?: string;
}

/**
 * Keeps an engine equal to base definitions (manifests, code) merged with a store's definitions
 * and maintained values, and follows the store's change events. Base definitions win over stored
 * ones with the same key. Values merge per (key, scope): a stored value wins over the value seeded
 * by a manifest for the same scope, seeded values of other scopes stay, and a scope whose seeded
 * value was removed through the store (`removedSeeds`) has none. Write with
 * `seededValuesOf: (key) => sync.seededValues(key)` so removals of seeded values are recorded.
 *
 * When the store cannot be read, the engine keeps serving the last synchronized snapshot and the
 * sync retries with backoff; a `reset` event (the adapter reconnected) triggers a full resync.
 */
export class EngineSync {
  private baseDefinitions: FlagDefinition[] = [];
  private baseValues: Record<string, MaintainedValues> = {};
  private baseKeySet = new Set<string>();
  private baseByKey = new Map<string, FlagDefinition>();
  /** Whether the engine has been built, and whether its last build included stored flags or values. */
  private built = false;
  private builtWithStored = false;
  private storedFlags = new Map<string, FlagDefinition>();
  private storedValues = new Map<string, ValueLayer>();
  private unsubscribe: (() => void) | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay: number;
  private stopped = false;
  /**
   * Work waiting to be applied. Changes are coalesced by key rather than queued one by one: a burst
   * of writes to one key costs one read, and a store that announces changes faster than they can be
   * read never builds an unbounded backlog (memory and propagation delay would grow without end).
   */
  private readonly pendingFlags = new Set<string>();
  private readonly pendingValues = new Set<string>();
  private pendingFull = false;
  private draining = false;
  private drained: Promise<void> = Promise.resolve();
  private readonly state: EngineSyncStatus = { synced: false };

  constructor(
    readonly engine: Engine,
    readonly store: FlagStore | undefined,
    private readonly options: EngineSyncOptions = {},
  ) {
    this.retryDelay = options.retryMs ?? 100;
  }

  /** Loads everything once and starts following changes. Resolves even if the store is down (then it retries). */
  async start(): Promise<void> {
    if (this.store && !this.unsubscribe) this.unsubscribe = this.store.subscribe((change) => void this.onChange(change));
    await this.resync();
  }

  /** Reads everything again now (e.g. after a health check saw the store come back). */
  resync(): Promise<void> {
    this.pendingFull = true;
    return this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  get status(): Readonly<EngineSyncStatus> {
    return { ...this.state };
  }

  /** Replaces the base definitions (e.g. after a manifest reload) and rebuilds the engine. */
  setBase(definitions: readonly FlagDefinition[], values: Readonly<Record<string, MaintainedValues>> = {}): void {
    this.baseDefinitions = [...definitions];
    this.baseByKey = new Map(definitions.map((d) => [d.key, d]));
    this.baseKeySet = new Set(this.baseByKey.keys());
    this.baseValues = { ...values };
    this.rebuild();
  }

  /** Keys defined by the base (read-only for store writes). */
  baseKeys(): ReadonlySet<string> {
    return this.baseKeySet;
  }

  /** The base definition of a key, if any. */
  baseDefinition(key: string): FlagDefinition | undefined {
    return this.baseByKey.get(key);
  }

  /** Values seeded for a key by the base (manifest `values:`), for `setValues({ seededValuesOf })`. */
  seededValues(key: string): MaintainedValues | undefined {
    return Object.prototype.hasOwnProperty.call(this.baseValues, key) ? this.baseValues[key] : undefined;
  }

  private onChange(change: StoreChange): Promise<void> {
    if (change.kind === 'reset') this.pendingFull = true;
    else if (change.kind === 'flags') for (const k of change.keys) this.pendingFlags.add(k);
    else if (change.kind === 'values') for (const k of change.keys) this.pendingValues.add(k);
    else return Promise.resolve();
    return this.kick();
  }

  /** Starts draining unless a drain is running (it picks up new work before it ends). */
  private kick(): Promise<void> {
    if (!this.draining) {
      this.draining = true;
      this.drained = this.drain();
    }
    return this.drained;
  }

  /** Applies pending work one batch at a time, in order: full resyncs first, then flags, then values. */
  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (this.pendingFull || this.pendingFlags.size || this.pendingValues.size)) {
        if (this.pendingFull || !this.state.synced) {
          this.pendingFull = false;
          this.pendingFlags.clear();
          this.pendingValues.clear();
          await this.fullSync();
          // Still not synced: the store is down; the retry timer tries again, events need not. A
          // resync requested meanwhile (a caller awaiting it, a reconnect) still gets its attempt.
          if (!this.state.synced && !this.pendingFull) break;
          continue;
        }
        const flags = [...this.pendingFlags];
        this.pendingFlags.clear();
        const values = [...this.pendingValues];
        this.pendingValues.clear();
        if (flags.length) await this.apply({ kind: 'flags', keys: flags });
        if (values.length && this.state.synced) await this.apply({ kind: 'values', keys: values });
      }
    } catch (err) {
      this.fail(err);
    } finally {
      // Set before the promise settles, with no await after the loop's last check: work arriving
      // from now on starts a new drain.
      this.draining = false;
    }
  }

  private async fullSync(): Promise<void> {
    if (this.stopped) return;
    if (!this.store) {
      this.rebuild();
      this.markSynced(['*']);
      return;
    }
    try {
      const [flags, values] = await Promise.all([this.store.listFlags(), this.store.listValues()]);
      this.storedFlags = new Map();
      for (const f of flags) this.acceptStored(f);
      this.storedValues = new Map(Object.entries(values).map(([k, v]) => [k, stripVersion(v)]));
      // An empty store over an engine built without stored entries changes nothing: a large
      // manifest set is not loaded twice at start-up.
      if (!this.built || this.builtWithStored || this.storedFlags.size > 0 || this.storedValues.size > 0) this.rebuild();
      this.markSynced(['*']);
    } catch (err) {
      this.fail(err);
      this.scheduleRetry();
    }
  }

  private async apply(change: { kind: 'flags' | 'values'; keys: string[] }): Promise<void> {
    if (this.stopped || !this.store) return;
    try {
      if (change.kind === 'flags') {
        const rows = await Promise.all(change.keys.map((k) => this.store!.getFlag(k)));
        const upserts: FlagDefinition[] = [];
        const removals: string[] = [];
        change.keys.forEach((k, i) => {
          const row = rows[i];
          if (row) this.acceptStored(row);
          else this.storedFlags.delete(k);
          // Base definitions win: a stored change under a base key changes nothing.
          if (this.baseKeySet.has(k)) return;
          const stored = this.storedFlags.get(k);
          if (stored) upserts.push(stored);
          else removals.push(k);
        });
        // Only the changed flags are recompiled.
        if (upserts.length) this.engine.upsert(upserts, { validate: false });
        if (removals.length) this.engine.remove(removals);
        this.markSynced(change.keys);
      } else if (change.kind === 'values') {
        const rows = await Promise.all(change.keys.map((k) => this.store!.getValues(k)));
        change.keys.forEach((k, i) => {
          const row = rows[i];
          if (row) this.storedValues.set(k, stripVersion(row));
          else this.storedValues.delete(k);
        });
        const updates: Record<string, MaintainedValues | undefined> = {};
        for (const k of change.keys) updates[k] = this.mergedValues(k);
        this.engine.setManyValues(updates);
        this.markSynced(change.keys);
      }
    } catch (err) {
      this.fail(err);
      this.state.synced = false;
      this.scheduleRetry();
    }
  }

  private acceptStored(row: StoredFlag): void {
    const parsed = safeParseDefinition(row.definition);
    if (parsed.success) this.storedFlags.set(parsed.data.key, parsed.data);
    else this.fail(new Error(`stored flag "${row.definition?.key}" is invalid and was skipped: ${parsed.error.issues[0]?.message}`));
  }

  private mergedValues(key: string): MaintainedValues | undefined {
    return overlayValues(this.seededValues(key), this.storedValues.get(key));
  }

  private rebuild(): void {
    this.built = true;
    this.builtWithStored = this.storedFlags.size > 0 || this.storedValues.size > 0;
    const definitions = new Map<string, FlagDefinition>();
    for (const d of this.storedFlags.values()) definitions.set(d.key, d);
    for (const d of this.baseDefinitions) definitions.set(d.key, d);
    const values: Record<string, MaintainedValues> = {};
    for (const k of new Set([...Object.keys(this.baseValues), ...this.storedValues.keys()])) {
      const merged = this.mergedValues(k);
      if (merged) values[k] = merged;
    }
    try {
      this.engine.load({ definitions: [...definitions.values()], values }, { validate: false });
    } catch (err) {
      // A prerequisite cycle across manifest and stored flags: keep the previous snapshot.
      this.fail(err);
    }
  }

  private markSynced(keys: string[]): void {
    this.state.synced = true;
    this.state.lastSyncAt = new Date().toISOString();
    this.state.lastError = undefined;
    this.retryDelay = this.options.retryMs ?? 100;
    this.options.onSync?.(keys);
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(delay * 2, this.options.maxRetryMs ?? 5000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.resync();
    }, delay);
    this.retryTimer.unref?.();
  }

  private fail(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.state.lastError = error.message;
    this.options.onError?.(error);
  }
}

function stripVersion(v: StoredValues): ValueLayer {
  const out: ValueLayer = {};
  if (v.rootValue !== undefined) out.rootValue = v.rootValue;
  if (v.scopedValues !== undefined) out.scopedValues = v.scopedValues;
  if (v.removedSeeds !== undefined) out.removedSeeds = v.removedSeeds;
  return out;
}
