import { EngineSync, isStoreUnavailableError, StoreUnavailableError, type Engine, type FlagStore } from '@switchyard/core';
import { formatDiagnostic, loadManifests, watch, type ManifestWatcher } from '@switchyard/manifest';
import { openStore, redactUrl } from '@switchyard/stores';
import type { FlagSource, SourceSignals } from './flag-source';

export interface LocalSourceOptions {
  /** A manifest directory (YAML/JSON files). Its flags win over stored ones with the same key. */
  manifests?: string;
  /** Reload the manifests when their files change. Default `true`. */
  watch?: boolean;
  /** Quiet period after file events before manifests are read again. Default 100 ms. */
  debounceMs?: number;
  /** A store URL (`sqlite:./flags.db`, `redis://…`, …) or an open store (not closed by the provider). */
  store?: string | FlagStore;
  /** How often the store's health is checked, so a lost store is noticed without traffic. Default 5000 ms; 0 turns it off. */
  healthCheckMs?: number;
}

/** Manifests and/or a store, merged as the server does it (`EngineSync`), following file and store changes. */
export class LocalSource implements FlagSource {
  readonly description: string;
  private store: FlagStore | undefined;
  private ownsStore = false;
  private sync: EngineSync | undefined;
  private watcher: ManifestWatcher | undefined;
  private health: ReturnType<typeof setInterval> | undefined;
  private storeLost = false;
  private manifestBroken = false;
  private closed = false;

  constructor(private readonly options: LocalSourceOptions) {
    const parts: string[] = [];
    if (options.manifests !== undefined) parts.push(`manifests ${options.manifests}`);
    if (options.store !== undefined) parts.push(`store ${typeof options.store === 'string' ? redactUrl(options.store) : `${options.store.name}:`}`);
    this.description = parts.join(' + ');
  }

  async start(engine: Engine, signals: SourceSignals): Promise<{ stale: boolean }> {
    const { options } = this;
    if (typeof options.store === 'string') {
      this.store = await openStore(options.store);
      this.ownsStore = true;
    } else this.store = options.store;

    const recoverIfHealthy = () => {
      if (!this.storeLost && !this.manifestBroken) signals.recovered();
    };
    const sync = new EngineSync(engine, this.store, {
      onError: (err) => {
        if (isStoreUnavailableError(err)) {
          this.storeLost = true;
          signals.stale(err.message);
        } else signals.warn(err);
      },
      onSync: () => {
        if (!this.storeLost) return;
        this.storeLost = false;
        recoverIfHealthy();
      },
    });
    this.sync = sync;

    try {
      if (options.manifests !== undefined) await this.loadManifests(options.manifests, sync, signals, recoverIfHealthy);
      await sync.start();
    } catch (err) {
      await this.close();
      throw err;
    }
    if (this.store && !sync.status.synced) {
      const message = `cannot read the store: ${sync.status.lastError ?? 'unknown error'}`;
      this.startHealthChecks(sync, signals);
      throw new StoreUnavailableError(message);
    }
    this.startHealthChecks(sync, signals);
    return { stale: false };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.health) clearInterval(this.health);
    await this.watcher?.close();
    this.sync?.stop();
    if (this.ownsStore) await this.store?.close();
  }

  private async loadManifests(dir: string, sync: EngineSync, signals: SourceSignals, recoverIfHealthy: () => void): Promise<void> {
    if (this.options.watch === false) {
      const loaded = await loadManifests(dir);
      if (loaded.errors.length) throw new Error(`manifests in ${dir} are invalid: ${loaded.errors.map(formatDiagnostic).join('; ')}`);
      sync.setBase(loaded.definitions, loaded.values);
      return;
    }
    let initialErrors: string[] = [];
    let started = false;
    this.watcher = await watch(
      dir,
      (change) => {
        sync.setBase(change.definitions, change.values);
        if (this.manifestBroken) {
          this.manifestBroken = false;
          recoverIfHealthy();
        }
      },
      {
        debounceMs: this.options.debounceMs,
        onError: (diagnostics) => {
          const lines = diagnostics.map(formatDiagnostic);
          if (!started) {
            initialErrors = lines;
            return;
          }
          this.manifestBroken = true;
          signals.error(`manifests in ${dir} are invalid; the last valid set stays in force: ${lines.join('; ')}`);
        },
      },
    );
    started = true;
    if (!this.watcher.current()) throw new Error(`manifests in ${dir} are invalid: ${initialErrors.join('; ') || 'no valid manifest set'}`);
  }

  /** Polls the store's health: a lost store is reported as stale; when it answers again, everything is read again. */
  private startHealthChecks(sync: EngineSync, signals: SourceSignals): void {
    const every = this.options.healthCheckMs ?? 5000;
    const store = this.store;
    if (!store || every <= 0) return;
    let checking = false;
    this.health = setInterval(() => {
      if (checking || this.closed) return;
      checking = true;
      store
        .health()
        .then(
          (h) => {
            if (!h.ok && !this.storeLost) {
              this.storeLost = true;
              signals.stale(`store unavailable: ${h.error ?? 'health check failed'}`);
            } else if (h.ok && (this.storeLost || !sync.status.synced)) {
              // `start` on a running sync reads everything again; `onSync` then reports the recovery.
              void sync.start();
            }
          },
          (err: unknown) => {
            if (this.storeLost) return;
            this.storeLost = true;
            signals.stale(`store unavailable: ${err instanceof Error ? err.message : String(err)}`);
          },
        )
        .finally(() => {
          checking = false;
        });
    }, every);
    this.health.unref?.();
  }
}
