import { createEngine, type Engine, type EngineOptions, type EvaluateOptions, type EvaluationContext, type EvaluationDetails } from '@switchyard/core';
import type { FlagValue, JsonObject, JsonValue } from '@switchyard/core';
import type { EventSourceMessage } from 'eventsource-parser';
import type { BackoffOptions } from './backoff';
import { EventStream } from './event-stream';
import { Http, type ConnectionOptions } from './http';
import { Listeners, type ClientEvents } from './listeners';
import { changedKeys, checkSnapshot, fetchSnapshot, readSnapshotFile, writeSnapshotFile, type ClientSnapshot } from './snapshot';

export interface ClientOptions extends ConnectionOptions {
  /** Environment whose rules apply when a call names none. */
  environment?: string;
  /**
   * What to serve before the server answers, and when it cannot be reached at startup: a snapshot
   * object, or the path of a JSON file holding one.
   */
  bootstrap?: ClientSnapshot | string;
  /**
   * A file the client writes the last synchronized snapshot to, and reads at startup (it wins over
   * `bootstrap`), so a restarted process serves the last known flags even while the server is down.
   */
  snapshotFile?: string;
  /** Event-stream reconnection delays. */
  reconnect?: BackoffOptions;
  /** Reconnect when the event stream was silent this long. Default 45 s. */
  idleTimeoutMs?: number;
  /** Evaluate with this engine instead of a new one (e.g. one shared with an OpenFeature provider). */
  engine?: Engine;
  /** Options of the engine the client creates (ignored with `engine`). */
  engineOptions?: Omit<EngineOptions, 'environment'>;
  /** Problems that do not stop the client: a failed sync, an unreadable snapshot file. */
  onError?: (error: Error) => void;
}

/**
 * - `starting`: nothing loaded from the server yet;
 * - `ready`: synchronized, following live changes;
 * - `stale`: the server cannot be reached; the last known snapshot (or the bootstrap) is served;
 * - `closed`.
 */
export type ClientStatus = 'starting' | 'ready' | 'stale' | 'closed';

/**
 * A Switchyard client that evaluates locally: it keeps a snapshot of the server's definitions and
 * values in an engine, follows the server's event stream, and evaluates with plain function calls.
 */
export class SwitchyardClient {
  readonly engine: Engine;
  private readonly http: Http;
  private readonly listeners = new Listeners();
  private stream: EventStream | undefined;
  private current: ClientSnapshot | undefined;
  private state: ClientStatus = 'starting';
  private serverSynced = false;
  private connected = false;
  private lastSync: string | undefined;
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;
  private persisting: Promise<void> = Promise.resolve();
  private readonly readyPromise: Promise<void>;
  private settleReady!: (error?: Error) => void;
  private readySettled = false;

  constructor(private readonly options: ClientOptions) {
    this.http = new Http(options);
    this.engine = options.engine ?? createEngine({ ...options.engineOptions, environment: options.environment });
    this.readyPromise = new Promise<void>((resolve, reject) => {
      this.settleReady = (error) => {
        if (this.readySettled) return;
        this.readySettled = true;
        if (error) reject(error);
        else resolve();
      };
    });
    // Callers may never await `ready()`; a rejection must not become an unhandled one.
    this.readyPromise.catch(() => undefined);
    if (typeof options.bootstrap === 'object') this.apply(checkSnapshot(options.bootstrap, 'bootstrap'));
    void this.start();
  }

  /** Current state; see `ClientStatus`. */
  get status(): ClientStatus {
    return this.state;
  }

  /** When the snapshot was last confirmed by the server (ISO 8601). */
  get lastSyncAt(): string | undefined {
    return this.lastSync;
  }

  /**
   * Resolves once the client serves the server's snapshot, or, when the server cannot be reached,
   * as soon as the first attempt failed and a bootstrap or snapshot file is being served. Rejects
   * when the first attempt failed with nothing to serve; the client keeps retrying and emits
   * `ready` once it synchronizes.
   */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /** True when a boolean flag evaluates to `true`; `false` for unknown flags, other types and errors. */
  isEnabled(key: string, context?: EvaluationContext, options?: EvaluateOptions): boolean {
    return this.engine.boolean(key, false, context, options).value;
  }

  /** The flag's value, or `defaultValue` when the flag is unknown, of another type, or fails. */
  getValue(key: string, defaultValue: boolean, context?: EvaluationContext, options?: EvaluateOptions): boolean;
  getValue(key: string, defaultValue: string, context?: EvaluationContext, options?: EvaluateOptions): string;
  getValue(key: string, defaultValue: number, context?: EvaluationContext, options?: EvaluateOptions): number;
  getValue<T extends JsonObject | JsonValue[]>(key: string, defaultValue: T, context?: EvaluationContext, options?: EvaluateOptions): T;
  getValue(key: string, defaultValue: FlagValue, context?: EvaluationContext, options?: EvaluateOptions): FlagValue {
    return this.getDetails(key, defaultValue, context, options).value;
  }

  /** Typed evaluation details: the caller's default with `TYPE_MISMATCH` when the flag has another type. */
  getDetails<T extends FlagValue>(key: string, defaultValue: T, context?: EvaluationContext, options?: EvaluateOptions): EvaluationDetails<T> {
    switch (typeof defaultValue) {
      case 'boolean':
        return this.engine.boolean(key, defaultValue, context, options) as EvaluationDetails<T>;
      case 'string':
        return this.engine.string(key, defaultValue, context, options) as EvaluationDetails<T>;
      case 'number':
        return this.engine.number(key, defaultValue, context, options) as EvaluationDetails<T>;
      default:
        return this.engine.object(key, defaultValue as JsonObject, context, options) as EvaluationDetails<T>;
    }
  }

  /** Evaluation details of one flag (value `undefined` for unknown flags). Never throws. */
  evaluate(key: string, context?: EvaluationContext, options?: EvaluateOptions): EvaluationDetails<FlagValue | undefined> {
    return this.engine.evaluate(key, context, options);
  }

  /** Evaluation details of every flag for one context. Never throws. */
  evaluateAll(context?: EvaluationContext, options?: EvaluateOptions): EvaluationDetails[] {
    return this.engine.evaluateAll(context, options);
  }

  /**
   * Listen to `change` (keys whose definition or values changed), `ready` (synchronized again),
   * `stale` (the server was lost; last known values are served) or `error`. Returns an unsubscribe function.
   */
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void {
    return this.listeners.add(event, listener);
  }

  /** Reads the server's snapshot now (changes arrive by themselves; this is for tests and tools). */
  refresh(): Promise<void> {
    return this.requestReload();
  }

  /** Stops following the server; evaluation keeps working on the last snapshot. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.settleReady(new Error('the client was closed before it was ready'));
    await this.stream?.close();
    await this.reloading?.catch(() => undefined);
    await this.persisting;
  }

  private async start(): Promise<void> {
    const { snapshotFile, bootstrap } = this.options;
    let local: ClientSnapshot | undefined;
    try {
      if (snapshotFile !== undefined) local = await readSnapshotFile(snapshotFile);
    } catch (err) {
      this.reportError(err);
    }
    try {
      if (local === undefined && typeof bootstrap === 'string') local = await readSnapshotFile(bootstrap);
      if (local === undefined && typeof bootstrap === 'string') this.reportError(new Error(`bootstrap file ${bootstrap} does not exist`));
    } catch (err) {
      this.reportError(err);
    }
    if (local !== undefined && !this.serverSynced) {
      try {
        this.apply(local);
      } catch (err) {
        this.reportError(err);
      }
    }
    if (this.state === 'closed') return;
    this.stream = new EventStream({
      http: this.http,
      path: '/v1/stream',
      backoff: this.options.reconnect,
      idleTimeoutMs: this.options.idleTimeoutMs,
      onOpen: (resumed) => this.onOpen(resumed),
      onEvent: (message) => this.onEvent(message),
      onDown: (error) => this.onDown(error),
    });
  }

  private onOpen(resumed: boolean): void {
    this.connected = true;
    // With Last-Event-ID the server replays what was missed, or sends `reset` when it cannot.
    if (resumed && this.serverSynced) this.markReady();
    else void this.requestReload().catch(() => undefined);
  }

  private onEvent(message: EventSourceMessage): void {
    if (message.event === 'change' || message.event === 'reset') void this.requestReload().catch(() => undefined);
  }

  private onDown(error: Error): void {
    this.connected = false;
    if (this.state === 'closed') return;
    this.reportError(error);
    if (!this.readySettled) {
      if (this.current !== undefined) this.settleReady();
      else this.settleReady(error);
    }
    if (this.state !== 'stale') {
      this.state = 'stale';
      this.listeners.emit('stale', error);
    }
  }

  /** Reloads the snapshot; concurrent requests share one reload plus, if needed, one more after it. */
  private requestReload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = (async () => {
      try {
        do {
          this.reloadAgain = false;
          await this.reloadOnce();
        } while (this.reloadAgain && this.state !== 'closed');
      } finally {
        this.reloading = undefined;
      }
    })();
    return this.reloading;
  }

  private async reloadOnce(): Promise<void> {
    let snapshot: ClientSnapshot;
    try {
      snapshot = await fetchSnapshot(this.http);
      if (this.state === 'closed') return;
      this.apply(snapshot);
    } catch (err) {
      if (this.state === 'closed') return;
      const error = err instanceof Error ? err : new Error(String(err));
      // Not in sync: drop the connection, so the reconnection (with backoff) reloads; the stream
      // then reports the error. Without a connection there is nothing to drop: report it here.
      this.stream?.forgetPosition();
      if (this.connected && this.stream) this.stream.reconnect(error);
      else this.reportError(error);
      throw error;
    }
    this.serverSynced = true;
    this.lastSync = new Date().toISOString();
    this.markReady();
    if (this.options.snapshotFile !== undefined) this.persist(this.options.snapshotFile, snapshot);
  }

  /** Loads a snapshot (validated by the engine) and reports the keys that changed. */
  private apply(snapshot: ClientSnapshot): void {
    const keys = changedKeys(this.current, snapshot);
    if (this.current === undefined || keys.length > 0) this.engine.load({ definitions: snapshot.definitions, values: snapshot.values ?? {} });
    this.current = snapshot;
    if (keys.length > 0) this.listeners.emit('change', keys);
  }

  private markReady(): void {
    // Without the event stream the snapshot may already be outdated: not ready.
    if (this.state === 'closed' || !this.connected) return;
    this.settleReady();
    if (this.state !== 'ready') {
      this.state = 'ready';
      this.listeners.emit('ready');
    }
  }

  private persist(file: string, snapshot: ClientSnapshot): void {
    this.persisting = this.persisting.then(() => writeSnapshotFile(file, snapshot)).catch((err: unknown) => this.reportError(err));
  }

  private reportError(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.options.onError?.(error);
    this.listeners.emit('error', error);
  }
}

/** Creates a client and starts synchronizing; `await client.ready()` before relying on server values. */
export function createClient(options: ClientOptions): SwitchyardClient {
  return new SwitchyardClient(options);
}
