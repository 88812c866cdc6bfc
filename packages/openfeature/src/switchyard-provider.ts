import { OpenFeatureEventEmitter, ProviderEvents, type EvaluationContext, type JsonValue, type Provider, type ResolutionDetails, type TrackingEventDetails } from '@openfeature/server-sdk';
import { createEngine, ValidationError, type Engine, type EngineOptions, type EvaluateOptions, type JsonObject } from '@switchyard/core';
import { ChangeDetector } from './change-detector';
import { failedResolution, toResolution } from './resolution';
import type { FlagSource, SourceSignals } from './sources/flag-source';
import { LocalSource, type LocalSourceOptions } from './sources/local-source';
import { ServerSource, type ServerSourceOptions } from './sources/server-source';

export interface SwitchyardProviderOptions extends LocalSourceOptions {
  /**
   * A Switchyard server: its URL, or client options (API key, bootstrap, snapshot file, …). Not
   * combinable with `manifests` or `store` (the server merges those itself).
   */
  server?: string | ServerSourceOptions;
  /** Any other source of definitions and values. */
  source?: FlagSource;
  /** Environment for evaluations whose context has no `environment` attribute. */
  environment?: string;
  /** Options of the provider's engine (acceptance sources, validators, clock, scope order). */
  engineOptions?: Omit<EngineOptions, 'environment'>;
  /**
   * Problems worth logging that do not change the provider's state on their own: failed requests and
   * reconnections of a server source, stored rows skipped as invalid. State changes are events.
   */
  onError?: (error: Error) => void;
  /**
   * Receives `client.track(name, context, details)` calls (OpenFeature's tracking API), e.g. to
   * record conversions next to the evaluations of an experiment. Without it, tracking is a no-op.
   * A throwing listener is reported through `onError` and never reaches the caller.
   */
  onTrack?: (event: TrackingEvent) => void;
}

/** One `track()` call as the provider hands it on. */
export interface TrackingEvent {
  name: string;
  context: EvaluationContext;
  details: TrackingEventDetails;
}

type SourceState = 'ready' | 'stale' | 'error';

/**
 * An OpenFeature server provider that evaluates in process with Switchyard's engine, fed by
 * manifests, a store, or a Switchyard server, and kept current as they change.
 */
export class SwitchyardProvider implements Provider {
  readonly metadata = { name: 'switchyard' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  /** The engine evaluations run on (read-only use: the source owns its state). */
  readonly engine: Engine;
  private readonly source: FlagSource;
  private readonly detector: ChangeDetector;
  private readonly environmentOptions = new Map<string, EvaluateOptions>();
  private state: SourceState = 'ready';
  private live = false;
  private closed = false;

  constructor(private readonly options: SwitchyardProviderOptions) {
    this.source = sourceOf(options);
    this.engine = createEngine({ ...options.engineOptions, environment: options.environment });
    this.detector = new ChangeDetector(this.engine, (keys) => {
      if (this.live) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: keys });
    });
  }

  /** Loads the source; rejects (the SDK then reports `PROVIDER_ERROR`) when its initial state cannot be read. */
  async initialize(): Promise<void> {
    let stale = false;
    let failed = true;
    try {
      stale = (await this.source.start(this.engine, this.signals)).stale;
      failed = false;
    } finally {
      // From here on, state changes are events. The SDK's own READY (or ERROR, when this rejects)
      // for initialize comes first; a source serving a fallback is then reported stale.
      setTimeout(() => {
        this.live = !this.closed;
        if (this.live && !failed && (stale || this.state !== 'ready')) this.emitState();
      }, 0);
    }
  }

  async onClose(): Promise<void> {
    this.closed = true;
    this.live = false;
    this.detector.stop();
    await this.source.close();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    try {
      return Promise.resolve(toResolution(this.engine.boolean(flagKey, defaultValue, context, this.optionsFor(context))));
    } catch (err) {
      return Promise.resolve(failedResolution(defaultValue, err));
    }
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): Promise<ResolutionDetails<string>> {
    try {
      return Promise.resolve(toResolution(this.engine.string(flagKey, defaultValue, context, this.optionsFor(context))));
    } catch (err) {
      return Promise.resolve(failedResolution(defaultValue, err));
    }
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext): Promise<ResolutionDetails<number>> {
    try {
      return Promise.resolve(toResolution(this.engine.number(flagKey, defaultValue, context, this.optionsFor(context))));
    } catch (err) {
      return Promise.resolve(failedResolution(defaultValue, err));
    }
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): Promise<ResolutionDetails<T>> {
    try {
      const details = this.engine.object(flagKey, defaultValue as unknown as JsonObject, context, this.optionsFor(context));
      return Promise.resolve(toResolution<T>(details as never));
    } catch (err) {
      return Promise.resolve(failedResolution(defaultValue, err));
    }
  }

  /** OpenFeature's tracking API: hands the event to `onTrack`. */
  track(trackingEventName: string, context: EvaluationContext, trackingEventDetails: TrackingEventDetails): void {
    const listener = this.options.onTrack;
    if (!listener) return;
    try {
      listener({ name: trackingEventName, context, details: trackingEventDetails });
    } catch (err) {
      this.options.onError?.(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** The context's `environment` attribute selects the environment; else the provider's. */
  private optionsFor(context: EvaluationContext): EvaluateOptions | undefined {
    const env = context.environment;
    if (typeof env !== 'string' || env === '') return undefined;
    let options = this.environmentOptions.get(env);
    if (!options) {
      options = Object.freeze({ environment: env });
      // Environment names are few; an attacker-controlled attribute must not grow this without bound.
      if (this.environmentOptions.size < 100) this.environmentOptions.set(env, options);
    }
    return options;
  }

  private readonly signals: SourceSignals = {
    stale: (message) => this.transition('stale', message),
    error: (message) => this.transition('error', message),
    recovered: () => this.transition('ready'),
    warn: (error) => this.options.onError?.(error),
  };

  private lastMessage: string | undefined;

  private transition(next: SourceState, message?: string): void {
    if (this.closed) return;
    if (next === this.state && next === 'ready') return;
    if (next === 'stale' && this.state === 'stale') return;
    this.state = next;
    this.lastMessage = message;
    if (this.live) this.emitState();
  }

  private emitState(): void {
    const message = this.lastMessage;
    if (this.state === 'ready') this.events.emit(ProviderEvents.Ready);
    else if (this.state === 'stale') this.events.emit(ProviderEvents.Stale, message !== undefined ? { message } : {});
    else this.events.emit(ProviderEvents.Error, message !== undefined ? { message } : {});
  }
}

function sourceOf(options: SwitchyardProviderOptions): FlagSource {
  const local = options.manifests !== undefined || options.store !== undefined;
  const chosen = [options.source !== undefined, options.server !== undefined, local].filter(Boolean).length;
  if (chosen !== 1) {
    const message =
      chosen === 0
        ? 'a Switchyard provider needs a source: manifests (a directory), store (a URL or store), server (a URL) or source'
        : 'choose one source: server, source, or manifests and/or store';
    throw new ValidationError([{ path: ['source'], message }], message);
  }
  if (options.source) return options.source;
  if (options.server !== undefined) {
    const server = typeof options.server === 'string' ? { url: options.server } : options.server;
    return new ServerSource({ ...server, onError: server.onError ?? options.onError });
  }
  return new LocalSource(options);
}
