import type { Diagnostic } from '@switchyard/core';
import type { ManifestChange } from '../watch';

/** A problem that does not stop a running runtime: the last good state stays in force. */
export type RuntimeErrorEvent =
  /** A manifest set was refused (invalid, or refused by `validate`); the last valid set stays. */
  | { source: 'manifests'; diagnostics: Diagnostic[] }
  /** The store could not be read, or held an invalid row; the engine serves the last snapshot. */
  | { source: 'store'; error: Error }
  /** A listener of this runtime threw. */
  | { source: 'listener'; error: Error };

/** Events of a runtime, with the arguments their listeners receive. */
export interface RuntimeEvents {
  /** A manifest set was applied (the initial one included). */
  reload: [change: ManifestChange];
  /** A problem that keeps the last good state in force (see `RuntimeErrorEvent`). */
  error: [event: RuntimeErrorEvent];
  /** The engine applied store or base changes: the keys touched (`['*']` after a full read). */
  change: [keys: string[]];
}

export type RuntimeListener<E extends keyof RuntimeEvents> = (...args: RuntimeEvents[E]) => void;

/**
 * Listeners by event. Unlike Node's `EventEmitter`, an `error` without listeners is not thrown:
 * a runtime keeps serving through the problems it reports.
 */
export class RuntimeEmitter {
  private readonly listeners: { [E in keyof RuntimeEvents]: Set<RuntimeListener<E>> } = { reload: new Set(), error: new Set(), change: new Set() };

  on<E extends keyof RuntimeEvents>(event: E, listener: RuntimeListener<E>): () => void {
    const set = this.listeners[event] as Set<RuntimeListener<E>>;
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** Calls every listener of `event`; one that throws is reported as an `error` event and the others still run. */
  emit<E extends keyof RuntimeEvents>(event: E, ...args: RuntimeEvents[E]): void {
    for (const listener of [...(this.listeners[event] as Set<RuntimeListener<E>>)]) {
      try {
        listener(...args);
      } catch (err) {
        // A throwing error listener is not reported again: that could loop.
        if (event !== 'error') this.emit('error', { source: 'listener', error: err instanceof Error ? err : new Error(String(err)) });
      }
    }
  }
}
