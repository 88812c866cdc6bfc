import type { AcceptanceRule } from '../types/rule';
import type { JsonObject } from '../types/values';
import type { AcceptanceProbe } from '../compile/compile-rule';

/**
 * An external system that knows the state of work items (stories in a backlog tool, tickets…).
 * Acceptance rules ask it whether every listed item is in the required state.
 */
export interface AcceptanceSource {
  /** The current state of each item, in order; `undefined` for items it does not know. */
  states(items: readonly JsonObject[]): Promise<readonly (string | undefined)[]>;
  /** How long this source's answers are reused before a background refresh; default the engine's `acceptanceTtlMs`. */
  readonly ttlMs?: number;
}

interface Entry {
  rule: AcceptanceRule;
  accepted: boolean | undefined;
  fetchedAt: number;
  inFlight: Promise<void> | undefined;
  flags: Set<string>;
  error?: string;
}

/**
 * Caches acceptance answers so evaluation stays synchronous: a probe returns the last known answer
 * (`undefined` before the first one, which evaluates as "not accepted") and starts a background
 * refresh when it is older than the TTL. Source failures keep the last known answer.
 */
export class AcceptanceCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly sources: Readonly<Record<string, AcceptanceSource>>,
    private readonly clock: () => number,
    private readonly ttlMs: number,
    private readonly onChange: (flagKeys: string[]) => void,
    private readonly onError?: (source: string, message: string) => void,
  ) {}

  /** True when a source of that name is registered. */
  has(source: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.sources, source);
  }

  /** A probe for the rule's answer; `undefined` when the rule's source is not registered (it can never answer). */
  probe(rule: AcceptanceRule, flagKey: string): AcceptanceProbe | undefined {
    if (!this.has(rule.source)) return undefined;
    const ttl = this.sources[rule.source]!.ttlMs ?? this.ttlMs;
    const id = JSON.stringify([rule.source, rule.state, rule.items]);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = { rule, accepted: undefined, fetchedAt: -Infinity, inFlight: undefined, flags: new Set() };
      this.entries.set(id, entry);
    }
    entry.flags.add(flagKey);
    const e = entry;
    return () => {
      if (e.inFlight === undefined && this.clock() - e.fetchedAt >= ttl) e.inFlight = this.refresh(e);
      return e.accepted;
    };
  }

  /** Refreshes every entry now; resolves when all answers are in. */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => (e.inFlight ??= this.refresh(e))));
  }

  /** Forgets entries no flag uses any more. */
  retain(flagKeys: { has(key: string): boolean }): void {
    for (const [id, e] of this.entries) {
      for (const k of e.flags) if (!flagKeys.has(k)) e.flags.delete(k);
      if (e.flags.size === 0) this.entries.delete(id);
    }
  }

  private async refresh(e: Entry): Promise<void> {
    const source = Object.prototype.hasOwnProperty.call(this.sources, e.rule.source) ? this.sources[e.rule.source] : undefined;
    try {
      let accepted: boolean;
      if (!source) {
        accepted = false;
        e.error = `acceptance source "${e.rule.source}" is not registered`;
      } else {
        const states = await source.states(e.rule.items);
        accepted = e.rule.items.length > 0 && e.rule.items.every((_, i) => states[i] === e.rule.state);
        e.error = undefined;
      }
      const changed = accepted !== e.accepted;
      e.accepted = accepted;
      if (changed) this.onChange([...e.flags]);
    } catch (err) {
      e.error = err instanceof Error ? err.message : String(err);
      this.onError?.(e.rule.source, e.error);
    } finally {
      e.fetchedAt = this.clock();
      e.inFlight = undefined;
    }
  }
}
