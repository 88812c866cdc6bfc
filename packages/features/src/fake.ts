import { AssertionError } from 'node:assert';
import type { ScopeIdentifier } from './scope';
import { scopeIdOf } from './scope';

/** One value lookup seen while faking. */
export interface FakeResolution {
  feature: string;
  scopeId: string;
}

type Override = (scope: unknown) => unknown;

/**
 * Test double for features: overrides answer without `before`, `resolve` or the store, and every
 * value lookup is recorded for assertions. Shared by a `Features` instance and all its request views.
 */
export class FeatureFake<R extends object = Record<string, unknown>> {
  private readonly overrides = new Map<string, Override>();
  private readonly log: FakeResolution[] = [];
  private active = true;

  /** @internal */
  constructor(
    private readonly identify: ScopeIdentifier | undefined,
    private readonly onRestore: () => void,
  ) {}

  /** Serves `value` (or `value(scope)` when it is a function) for `name` until `restore()`. */
  override<K extends keyof R & string>(name: K, value: R[K] | ((scope: any) => R[K] | Promise<R[K]>)): this {
    this.overrides.set(name, typeof value === 'function' ? (value as Override) : () => value);
    return this;
  }

  /** Ends faking: overrides and the record of lookups are dropped; features resolve for real again. */
  restore(): void {
    if (!this.active) return;
    this.active = false;
    this.overrides.clear();
    this.log.length = 0;
    this.onRestore();
  }

  /** Every lookup since faking began (or since `reset()`), oldest first. */
  resolutions(): readonly FakeResolution[] {
    return this.log;
  }

  /** Forgets recorded lookups, keeping overrides. */
  reset(): void {
    this.log.length = 0;
  }

  /** Fails unless `name` was looked up (exactly `times` times, when given). */
  assertResolved(name: keyof R & string, times?: number): void {
    const count = this.count(name);
    if (times === undefined ? count === 0 : count !== times) {
      throw new AssertionError({
        message: times === undefined ? `expected feature "${name}" to be resolved, but it was not` : `expected feature "${name}" to be resolved ${times} time(s), but it was resolved ${count} time(s)`,
        actual: count,
        expected: times ?? '>= 1',
        operator: 'assertResolved',
      });
    }
  }

  /** Fails when `name` was looked up. */
  assertNotResolved(name: keyof R & string): void {
    const count = this.count(name);
    if (count !== 0) {
      throw new AssertionError({ message: `expected feature "${name}" not to be resolved, but it was resolved ${count} time(s)`, actual: count, expected: 0, operator: 'assertNotResolved' });
    }
  }

  /** Fails unless `name` was looked up for `scope` (anything `for()` accepts). */
  assertResolvedFor(name: keyof R & string, scope: unknown): void {
    const id = scopeIdOf(scope, this.identify);
    if (this.log.some((r) => r.feature === name && r.scopeId === id)) return;
    const seen = this.log.filter((r) => r.feature === name).map((r) => r.scopeId);
    throw new AssertionError({
      message: `expected feature "${name}" to be resolved for scope "${id}", but it was resolved for ${seen.length ? seen.map((s) => `"${s}"`).join(', ') : 'no scope'}`,
      actual: seen,
      expected: id,
      operator: 'assertResolvedFor',
    });
  }

  /** @internal */
  get isActive(): boolean {
    return this.active;
  }

  /** @internal */
  record(feature: string, scopeId: string): void {
    this.log.push({ feature, scopeId });
  }

  /** @internal */
  overrideFor(feature: string): Override | undefined {
    return this.overrides.get(feature);
  }

  private count(name: string): number {
    let n = 0;
    for (const r of this.log) if (r.feature === name) n++;
    return n;
  }
}
