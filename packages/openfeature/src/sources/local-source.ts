import { formatDiagnostic, isStoreUnavailableError, StoreUnavailableError, type Engine, type FlagStore } from '@switchyard/core';
import { createRuntime, isRuntimeStartError, type Runtime } from '@switchyard/manifest';
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

/** Manifests and/or a store, merged as the server does it (the manifest package's runtime), following file and store changes. */
export class LocalSource implements FlagSource {
  readonly description: string;
  private runtime: Runtime | undefined;
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
    const url = options.store;
    const dir = options.manifests;
    const runtime = createRuntime({
      engine,
      store: typeof url === 'string' ? () => openStore(url) : url,
      ...(dir !== undefined ? { manifests: { dir, watch: options.watch !== false, ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}) } } : {}),
    });
    this.runtime = runtime;
    this.follow(runtime, signals);

    try {
      await runtime.start();
    } catch (err) {
      await this.close();
      throw startError(err, dir);
    }
    const sync = runtime.sync;
    if (runtime.store && !sync.status.synced) {
      const message = `cannot read the store: ${sync.status.lastError ?? 'unknown error'}`;
      this.startHealthChecks(runtime, signals);
      throw new StoreUnavailableError(message);
    }
    this.startHealthChecks(runtime, signals);
    return { stale: false };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.health) clearInterval(this.health);
    await this.runtime?.close();
  }

  /** Turns the runtime's events into source signals: a lost store is stale, broken manifests an error, both recover. */
  private follow(runtime: Runtime, signals: SourceSignals): void {
    const recoverIfHealthy = () => {
      if (!this.storeLost && !this.manifestBroken) signals.recovered();
    };
    runtime.on('error', (event) => {
      if (event.source === 'manifests') {
        this.manifestBroken = true;
        signals.error(`manifests in ${this.options.manifests} are invalid; the last valid set stays in force: ${event.diagnostics.map(formatDiagnostic).join('; ')}`);
      } else if (event.source === 'store' && isStoreUnavailableError(event.error)) {
        this.storeLost = true;
        signals.stale(event.error.message);
      } else signals.warn(event.error);
    });
    runtime.on('change', () => {
      if (!this.storeLost) return;
      this.storeLost = false;
      recoverIfHealthy();
    });
    runtime.on('reload', () => {
      if (!this.manifestBroken) return;
      this.manifestBroken = false;
      recoverIfHealthy();
    });
  }

  /** Polls the store's health: a lost store is reported as stale; when it answers again, everything is read again. */
  private startHealthChecks(runtime: Runtime, signals: SourceSignals): void {
    const every = this.options.healthCheckMs ?? 5000;
    const store = runtime.store;
    const sync = runtime.sync;
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
              // `start` on a running sync reads everything again; the `change` event then reports the recovery.
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

/** The error a failed start reports: the store's own error, or the manifests' problems on one line. */
function startError(err: unknown, dir: string | undefined): unknown {
  if (!isRuntimeStartError(err)) return err;
  if (err.failure === 'store') return err.cause;
  if (err.failure === 'manifests') {
    return new Error(`manifests in ${dir} are invalid: ${err.diagnostics.map(formatDiagnostic).join('; ') || 'no valid manifest set'}`);
  }
  return err;
}
