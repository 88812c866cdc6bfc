import type { Engine, EngineChange } from '@switchyard/core';

/**
 * Turns engine change notifications into the keys whose configuration really changed. A full
 * reload (which notifies every key) is narrowed to the keys whose definition or maintained values
 * differ; targeted notifications that change no configuration but may change results (acceptance
 * answers) are passed on for the keys that have a definition.
 */
export class ChangeDetector {
  private readonly fingerprints = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly engine: Engine,
    private readonly onChanged: (keys: string[]) => void,
  ) {
    for (const key of engine.keys()) this.fingerprints.set(key, this.fingerprint(key));
    this.unsubscribe = engine.onChange((change) => this.handle(change));
  }

  stop(): void {
    this.unsubscribe();
  }

  private handle({ keys }: EngineChange): void {
    const changed: string[] = [];
    for (const key of keys) {
      const now = this.engine.has(key) ? this.fingerprint(key) : undefined;
      if (now === this.fingerprints.get(key)) continue;
      if (now === undefined) this.fingerprints.delete(key);
      else this.fingerprints.set(key, now);
      changed.push(key);
    }
    if (changed.length > 0) {
      this.onChanged(changed);
      return;
    }
    if (this.coversEveryKey(keys)) return;
    // Same configuration, yet the engine says results may differ (an acceptance answer came in).
    // Keys without a definition (values of a deleted flag) cannot evaluate differently.
    const defined = keys.filter((k) => this.engine.has(k));
    if (defined.length > 0) this.onChanged(defined);
  }

  /** A reload notifies every key; anything narrower is a targeted change. */
  private coversEveryKey(keys: string[]): boolean {
    const all = this.engine.keys();
    if (keys.length < all.length) return false;
    const set = new Set(keys);
    return all.every((k) => set.has(k));
  }

  private fingerprint(key: string): string {
    return `${JSON.stringify(this.engine.get(key))}\u0000${JSON.stringify(this.engine.valuesOf(key) ?? null)}`;
  }
}
