import type { Engine, FlagStore, JsonValue } from '@switchyard/core';
import { FeatureFake } from './fake';
import type { Memo } from './memo';
import type { CompiledFeature, FeatureRegistry } from './registry';
import type { BoundScope, ScopeIdentifier } from './scope';
import { storableValue } from './value';
import { InvalidScopeError } from './errors';

function nullScopeError(name: string): InvalidScopeError {
  return new InvalidScopeError(`feature "${name}" needs a scope (it extends BaseFeature); got the null scope`, { missing: true });
}

/**
 * State shared by a `Features` instance and its request views: definitions, the store (driver),
 * the fake, and in-flight resolutions, so concurrent lookups of one (feature, scope) in this process
 * resolve once.
 */
export class FeatureFamily {
  fake: FeatureFake<any> | undefined;
  private readonly inflight = new Map<string, Promise<JsonValue>>();

  constructor(
    readonly registry: FeatureRegistry,
    readonly store: FlagStore,
    readonly engine: Engine | undefined,
    readonly identify: ScopeIdentifier | undefined,
    readonly defaultScope: (() => unknown) | undefined,
  ) {}

  startFake(): FeatureFake<any> {
    if (this.fake?.isActive) return this.fake;
    this.fake = new FeatureFake(this.identify, () => {
      this.fake = undefined;
    });
    return this.fake;
  }

  /** The value of `name` for one scope: fake override, else `before`, else the memoized/stored/resolved value. */
  async value(name: string, bound: BoundScope, memo: Memo): Promise<unknown> {
    const fake = this.fake;
    if (fake !== undefined) {
      fake.record(name, bound.id);
      const override = fake.overrideFor(name);
      if (override) return override(bound.scope);
    }
    const feature = this.registry.get(name);
    if (!feature.acceptsNullScope && bound.scope === null) throw nullScopeError(name);
    if (feature.before !== undefined) {
      const early = await feature.before(bound.scope);
      if (early !== undefined) return early;
    }
    const hit = memo.get(name, bound.id);
    if (hit !== undefined) return hit;
    const value = await this.cached(feature, bound);
    memo.set(name, bound.id, value);
    return value;
  }

  /** Reads the stored values of many scopes of each feature in one store call per feature; resolves and stores the missing ones. */
  async load(names: readonly string[], scopes: readonly BoundScope[], memo: Memo, missingOnly: boolean): Promise<void> {
    await Promise.all(
      names.map(async (name) => {
        if (this.fake?.overrideFor(name)) return;
        const feature = this.registry.get(name);
        if (!feature.acceptsNullScope && scopes.some((s) => s.scope === null)) throw nullScopeError(name);
        const wanted = missingOnly ? scopes.filter((s) => memo.get(name, s.id) === undefined) : scopes;
        if (wanted.length === 0) return;
        const stored = await this.store.getFeatureValues(name, wanted.map((s) => s.id));
        await Promise.all(
          wanted.map(async (s) => {
            const found = stored.get(s.id);
            memo.set(name, s.id, found !== undefined ? found : await this.cached(feature, s, true));
          }),
        );
      }),
    );
  }

  /** Stored value of (feature, scope), resolving and storing it first when there is none. One resolution per key in flight. */
  private cached(feature: CompiledFeature, bound: BoundScope, knownAbsent = false): Promise<JsonValue> {
    const key = `${feature.name}\u0000${bound.id}`;
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      pending = this.readOrResolve(feature, bound, knownAbsent).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async readOrResolve(feature: CompiledFeature, bound: BoundScope, knownAbsent: boolean): Promise<JsonValue> {
    if (!knownAbsent) {
      const found = (await this.store.getFeatureValues(feature.name, [bound.id])).get(bound.id);
      if (found !== undefined) return found;
    }
    const value = storableValue(feature.name, bound.id, await feature.resolve(bound.scope), 'resolve()');
    // Another process may have resolved the same scope meanwhile: keep whichever result was stored first.
    return this.store.setFeatureValue(feature.name, bound.id, value, { onlyIfAbsent: true });
  }
}
