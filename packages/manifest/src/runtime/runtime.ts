import { EngineSync, type Diagnostic, type Engine, type EngineSyncStatus, type FlagDefinition, type FlagStore, type MaintainedValues } from '@switchyard/core';
import { loadManifests } from '../load-manifests';
import { watch, type ManifestChange, type ManifestWatcher } from '../watch';
import { RuntimeEmitter, type RuntimeEvents, type RuntimeListener } from './runtime-events';
import { RuntimeStartError } from './runtime-start-error';

/** A manifest directory a runtime loads (and, by default, follows). */
export interface RuntimeManifests {
  dir: string;
  /** Apply the files again when they change. Default `true`. */
  watch?: boolean;
  /** Quiet period after file events before the files are read again. Default 100 ms. */
  debounceMs?: number;
  /** Acceptance sources that are configured; acceptance rules naming another one are warned about. */
  acceptanceSources?: readonly string[];
  /** Poll instead of using native file events. */
  usePolling?: boolean;
  /**
   * Checks a valid set before it is applied (e.g. `resolveValidators`). Problems stop the start,
   * or keep the last good set on a reload (reported as an `error` event).
   */
  validate?: (definitions: readonly FlagDefinition[], values: Record<string, MaintainedValues>) => Promise<Diagnostic[]> | Diagnostic[];
}

export interface RuntimeOptions {
  /** The engine kept equal to the manifests (or `base`) merged with the store. */
  engine: Engine;
  /**
   * The store whose flags and values go on top of the base: an open store (closed by `close()`
   * only with `ownsStore`), or a function opening one during `start()` (then always closed by it).
   */
  store?: FlagStore | (() => Promise<FlagStore>);
  /** Close a given open store on `close()` and on a failed start. Default `false`. */
  ownsStore?: boolean;
  /** Manifests as the base definitions. */
  manifests?: RuntimeManifests;
  /** Base definitions given directly (instead of `manifests`), e.g. read by the caller. */
  base?: { definitions: readonly FlagDefinition[]; values?: Readonly<Record<string, MaintainedValues>> };
  /** First retry delay after a failed store read, doubling up to `maxRetryMs` (see `EngineSync`). */
  retryMs?: number;
  maxRetryMs?: number;
}

/** `idle` until `start()`, then `starting`, `ready` or `failed`; `closed` after `close()`. */
export type RuntimeState = 'idle' | 'starting' | 'ready' | 'failed' | 'closed';

/**
 * Manifests, a store and an engine kept in step: the one composition servers, providers and tools
 * share. Create it, subscribe to its events, `start()` it, `close()` it once done.
 */
export interface Runtime {
  readonly engine: Engine;
  readonly state: RuntimeState;
  /** Settles with the start: resolves once started, rejects with the `RuntimeStartError`. */
  readonly ready: Promise<void>;
  /** The store in use; `undefined` before `start()` opened it, or when there is none. */
  readonly store: FlagStore | undefined;
  /** The synchronization of engine and store (base keys, seeded values, status); available once started. */
  readonly sync: EngineSync;
  /** Whether the engine reflects the store; a store that was down at start is retried in the background. */
  readonly status: Readonly<EngineSyncStatus>;
  /** The manifest set in force, when manifests are watched. */
  manifests(): ManifestChange | undefined;
  /**
   * Opens the store, loads (and watches) the manifests and reads the store. Resolves even when the
   * store cannot be read yet (see `status`); invalid manifests or an unopenable store reject with
   * a `RuntimeStartError` and leave nothing open. Calling it again returns the same promise.
   */
  start(): Promise<void>;
  on<E extends keyof RuntimeEvents>(event: E, listener: RuntimeListener<E>): () => void;
  /** Stops watching and following, then closes an owned store. Safe to call more than once, and before `start()`. */
  close(): Promise<void>;
}

/** Creates a runtime (nothing is opened until `start()`). */
export function createRuntime(options: RuntimeOptions): Runtime {
  if (options.manifests && options.base) throw new TypeError('createRuntime: give manifests or base definitions, not both');
  return new ManifestRuntime(options);
}

class ManifestRuntime implements Runtime {
  state: RuntimeState = 'idle';
  readonly ready: Promise<void>;
  store: FlagStore | undefined;
  private readonly events = new RuntimeEmitter();
  private engineSync: EngineSync | undefined;
  private watcher: ManifestWatcher | undefined;
  private ownsStore: boolean;
  private started: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private settle!: { resolve: () => void; reject: (err: unknown) => void };

  constructor(private readonly options: RuntimeOptions) {
    this.ownsStore = typeof options.store === 'function' || options.ownsStore === true;
    this.ready = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    // `ready` may be left unobserved by callers that await `start()` instead.
    this.ready.catch(() => undefined);
  }

  get engine(): Engine {
    return this.options.engine;
  }

  get sync(): EngineSync {
    if (!this.engineSync) throw new Error('the runtime is not started: call start() first');
    return this.engineSync;
  }

  get status(): Readonly<EngineSyncStatus> {
    return this.engineSync?.status ?? { synced: false };
  }

  manifests(): ManifestChange | undefined {
    return this.watcher?.current();
  }

  on<E extends keyof RuntimeEvents>(event: E, listener: RuntimeListener<E>): () => void {
    return this.events.on(event, listener);
  }

  start(): Promise<void> {
    this.started ??= this.run().then(
      () => {
        if (this.state !== 'closed') this.state = 'ready';
        this.settle.resolve();
      },
      async (err: unknown) => {
        // The start's own error is the one to report, not a failure to close what it opened.
        await this.release().catch(() => undefined);
        if (this.state !== 'closed') this.state = 'failed';
        this.settle.reject(err);
        throw err;
      },
    );
    return this.started;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const wasStarting = this.state === 'starting';
      this.state = 'closed';
      if (wasStarting) await this.started?.catch(() => undefined);
      await this.release();
    })();
    return this.closing;
  }

  private async run(): Promise<void> {
    if (this.state === 'closed') throw new RuntimeStartError('closed', 'the runtime was closed before it started');
    this.state = 'starting';
    this.store = await this.openStore();
    const sync = new EngineSync(this.engine, this.store, {
      onSync: (keys) => this.events.emit('change', keys),
      onError: (error) => this.events.emit('error', { source: 'store', error }),
      ...(this.options.retryMs !== undefined ? { retryMs: this.options.retryMs } : {}),
      ...(this.options.maxRetryMs !== undefined ? { maxRetryMs: this.options.maxRetryMs } : {}),
    });
    this.engineSync = sync;
    const { base, manifests } = this.options;
    if (base) sync.setBase(base.definitions, base.values);
    if (manifests) {
      if (manifests.watch === false) await this.loadOnce(manifests, sync);
      else this.watcher = await this.follow(manifests, sync);
    }
    await sync.start();
  }

  private async openStore(): Promise<FlagStore | undefined> {
    const { store } = this.options;
    if (typeof store !== 'function') return store;
    try {
      return await store();
    } catch (err) {
      throw new RuntimeStartError('store', `cannot open the store: ${err instanceof Error ? err.message : String(err)}`, [], { cause: err });
    }
  }

  private async loadOnce(manifests: RuntimeManifests, sync: EngineSync): Promise<void> {
    const loaded = await loadManifests(manifests.dir, manifests.acceptanceSources ? { acceptanceSources: manifests.acceptanceSources } : {});
    if (loaded.errors.length) throw RuntimeStartError.manifests(manifests.dir, loaded.errors);
    const problems = (await manifests.validate?.(loaded.definitions, loaded.values)) ?? [];
    if (problems.length) throw RuntimeStartError.manifests(manifests.dir, problems);
    sync.setBase(loaded.definitions, loaded.values);
    this.events.emit('reload', { definitions: loaded.definitions, values: loaded.values, changedKeys: loaded.definitions.map((d) => d.key), warnings: loaded.warnings });
  }

  /** Watches the directory; the first set must be valid. Later refusals are `error` events. */
  private async follow(manifests: RuntimeManifests, sync: EngineSync): Promise<ManifestWatcher> {
    let firstErrors: Diagnostic[] | undefined;
    let watching = false;
    const watcher = await watch(
      manifests.dir,
      async (change) => {
        const problems = (await manifests.validate?.(change.definitions, change.values)) ?? [];
        // `watch` reports the diagnostics a refusal carries, and keeps the last good set.
        if (problems.length) throw Object.assign(new Error('manifest set refused'), { diagnostics: problems });
        sync.setBase(change.definitions, change.values);
        this.events.emit('reload', change);
      },
      {
        ...(manifests.acceptanceSources ? { acceptanceSources: manifests.acceptanceSources } : {}),
        ...(manifests.debounceMs !== undefined ? { debounceMs: manifests.debounceMs } : {}),
        ...(manifests.usePolling !== undefined ? { usePolling: manifests.usePolling } : {}),
        onError: (diagnostics) => {
          if (!watching) firstErrors = diagnostics;
          else this.events.emit('error', { source: 'manifests', diagnostics });
        },
      },
    );
    watching = true;
    if (!watcher.current()) {
      await watcher.close();
      throw RuntimeStartError.manifests(manifests.dir, firstErrors ?? []);
    }
    return watcher;
  }

  /** Stops the watcher and the sync and closes an owned store; each only once. */
  private async release(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = undefined;
    await watcher?.close();
    this.engineSync?.stop();
    const store = this.ownsStore ? this.store : undefined;
    this.ownsStore = false;
    await store?.close();
  }
}
