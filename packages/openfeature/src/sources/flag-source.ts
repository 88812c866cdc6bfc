import type { Engine } from '@switchyard/core';

/** How a source tells the provider about its health. */
export interface SourceSignals {
  /** The source was lost (unreachable store or server); the engine keeps serving its last state. */
  stale(message: string): void;
  /** The source delivered something that could not be applied (an invalid manifest set); the last good state stays. */
  error(message: string): void;
  /** The source is in sync again after `stale` or `error`. */
  recovered(): void;
  /** A problem worth logging that does not change the provider's state (a skipped stored row). */
  warn(error: Error): void;
}

/** Feeds an engine with definitions and values, and keeps it current. */
export interface FlagSource {
  /** Shown in errors, e.g. `manifests ./flags + store sqlite:…`. */
  readonly description: string;
  /**
   * Loads the initial state into `engine` and starts following changes. Rejects when the initial
   * state could not be read (the source keeps retrying and signals `recovered` when it succeeds).
   * Resolves with `stale` = true when it serves a fallback (a bootstrap) instead of the source.
   */
  start(engine: Engine, signals: SourceSignals): Promise<{ stale: boolean }>;
  /** Stops following changes and releases what the source opened. */
  close(): Promise<void>;
}
