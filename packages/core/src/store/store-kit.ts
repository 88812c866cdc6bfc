import { StoreUnavailableError, ValidationError } from '../errors/store-errors';
import type { FlagDefinition } from '../types/flag';
import type { JsonValue } from '../types/values';
import { validateValueUpdatesAsync } from './value-updates';
import type { StoreChange, StoreListener } from './change-feed';
import { ChangeHub, consoleStoreLogger } from './change-hub';
import { checkFeatureArgs } from './check-args';
import type { StoreHealth, StoreOptions } from './store';
import type { SetValuesOptions, ValueUpdate } from './value-repository';

export interface StoreKitOptions {
  /** The adapter name, used in error messages (`postgres: getFlag called after close()`). */
  name: string;
  /** The store's `clientId`: the `origin` of the changes it reports. */
  clientId: string;
  logger?: StoreOptions['logger'];
  /** Turns a backend error into the error callers see (typically `StoreUnavailableError` for outages). */
  translateError?: (err: unknown, operation: string) => unknown;
}

/**
 * What every adapter repeats, in one place: the `ChangeFeed` (subscribers, reporting committed
 * changes with this client as origin, the contract on `ChangeFeed`), refusing calls after
 * `close()`, letting pending operations finish on `close()`, and turning backend errors into the
 * errors callers see. An adapter keeps one kit and holds only its storage specifics.
 */
export class StoreKit {
  readonly logger: NonNullable<StoreOptions['logger']>;
  readonly #hub: ChangeHub;
  readonly #pending = new Set<Promise<unknown>>();
  #closed: Promise<void> | undefined;

  constructor(private readonly options: StoreKitOptions) {
    this.logger = options.logger ?? consoleStoreLogger;
    this.#hub = new ChangeHub(this.logger);
  }

  /** `true` once `close()` was called. */
  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /**
   * Runs one public operation: refused with `StoreUnavailableError` once `close()` was called,
   * tracked so `close()` waits for it, and its errors passed through `translateError`.
   */
  op<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreUnavailableError(`${this.options.name}: ${operation} called after close()`));
    const translate = this.options.translateError;
    let run: Promise<T>;
    try {
      run = fn();
    } catch (err) {
      run = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (translate) {
      run = run.catch((err: unknown) => {
        throw translate(err, operation);
      });
    }
    this.#pending.add(run);
    const done = () => void this.#pending.delete(run);
    run.then(done, done);
    return run;
  }

  /**
   * `getFeatureValues` as every adapter runs it: one operation that checks the arguments, answers an
   * empty map for no scope ids without I/O, and otherwise puts what `read` finds (scope id → value) in it.
   */
  featureValues(feature: string, scopeIds: string[], read: (out: Map<string, JsonValue>) => Promise<void>): Promise<Map<string, JsonValue>> {
    return this.op('getFeatureValues', async () => {
      checkFeatureArgs(feature, scopeIds);
      const out = new Map<string, JsonValue>();
      if (scopeIds.length) await read(out);
      return out;
    });
  }

  /** Closes once: waits for pending operations, drops every subscriber, then runs `release`. */
  close(release: () => Promise<void>): Promise<void> {
    this.#closed ??= (async () => {
      await Promise.allSettled([...this.#pending]);
      this.#hub.clear();
      await release();
    })();
    return this.#closed;
  }

  /** A `health()` answer: `ping` resolving is healthy (with its latency), rejecting is not (with the reason). */
  async health(ping: () => Promise<unknown>): Promise<StoreHealth> {
    const started = performance.now();
    try {
      await this.op('health', ping);
      return { ok: true, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  subscribe(listener: StoreListener): () => void {
    return this.#hub.subscribe(listener);
  }

  /** The change a committed write of this client reports. */
  change(kind: 'flags' | 'values', keys: string[]): StoreChange;
  change(kind: 'features', features: string[]): StoreChange;
  change(kind: 'flags' | 'values' | 'features', keys: string[]): StoreChange {
    const origin = this.options.clientId;
    return kind === 'features' ? { kind, features: keys, origin } : { kind, keys, origin };
  }

  /** Reports a committed write of this client to its listeners (call after commit, before resolving). */
  committed(kind: 'flags' | 'values' | 'features', keys: string[]): void {
    this.#hub.emit(this.change(kind as 'flags', keys));
  }

  /** Reports a change that arrived from another client; this client's own echoes are dropped. */
  received(change: StoreChange | undefined): void {
    if (!change || change.origin === this.options.clientId) return;
    this.#hub.emit(change);
  }

  /** Tells listeners they may have missed changes (`reset`): after a reconnect or a gap in the feed. */
  resync(): void {
    this.#hub.emit({ kind: 'reset', origin: this.options.clientId });
  }
}

/** Who made a change, for the audit log. */
export function actorOf(options: { actor?: string } | undefined): string {
  return options?.actor ?? 'system';
}

/** Refuses a `setValues` argument that is not an array. */
export function checkUpdates(updates: unknown): asserts updates is ValueUpdate[] {
  if (!Array.isArray(updates)) throw new ValidationError([{ path: [], message: 'updates must be an array' }]);
}

/** Refuses a `purgeFeatures` argument that is neither absent nor an array of feature names. */
export function checkFeatureNames(features: unknown): asserts features is string[] | undefined {
  if (features === undefined) return;
  if (!Array.isArray(features)) throw new ValidationError([{ path: ['features'], message: 'features must be an array of feature names' }]);
  for (const f of features) checkFeatureArgs(f, []);
}

/**
 * The checks that open every `setValues`: refuses a non-array, then validates the batch (see
 * {@link validateUpdates}). Resolves `false` for an empty batch, which writes and reports nothing.
 */
export async function checkValueBatch(
  updates: unknown,
  options: SetValuesOptions,
  storeValidators: StoreOptions['validators'],
  loadStored: (keys: string[]) => Promise<Map<string, FlagDefinition>> | Map<string, FlagDefinition>,
): Promise<boolean> {
  checkUpdates(updates);
  if (updates.length === 0) return false;
  await validateUpdates(updates, options, storeValidators, loadStored);
  return true;
}

/**
 * Validates a `setValues` batch before anything is written: the built-in checks always, custom
 * validators unless `skipCustomValidators`. Definitions come from `options.definitionOf`, then from
 * `loadStored` (given the keys the caller did not define, so an adapter reads only those).
 */
export async function validateUpdates(
  updates: ValueUpdate[],
  options: SetValuesOptions,
  storeValidators: StoreOptions['validators'],
  loadStored: (keys: string[]) => Promise<Map<string, FlagDefinition>> | Map<string, FlagDefinition>,
): Promise<void> {
  const wanted = new Set<string>();
  for (const u of updates) {
    // remoteOnly keys too: a key that has a definition is validated against it.
    if (u && typeof u.key === 'string' && u.key.length > 0 && !options.definitionOf?.(u.key)) wanted.add(u.key);
  }
  const stored = wanted.size ? await loadStored([...wanted]) : new Map<string, FlagDefinition>();
  await validateValueUpdatesAsync(updates, (key) => options.definitionOf?.(key) ?? stored.get(key), options.validators ?? storeValidators, {
    custom: !options.skipCustomValidators,
  });
}
