import type { Engine, FlagStore, JsonValue } from '@switchyard/core';
import type { FeatureFake } from './fake';
import type { AnyRegistry, FeatureDefinition, FeatureSource, RegistryOf, ResolveClass, ScopesOf } from './feature';
import { isFeatureDefinition } from './feature';
import { FeatureFamily } from './family';
import { Memo } from './memo';
import { FeatureRegistry } from './registry';
import type { MatchHandlers } from './scoped-features';
import { ScopedFeatures } from './scoped-features';
import type { ScopeIdentifier } from './scope';
import { bindScopes } from './scope';
import { storableValue } from './value';

export interface FeaturesOptions {
  /** The driver: any Switchyard store. Resolved values are stored there, so every instance sees the same result. */
  store: FlagStore;
  /** Features by name: `Feature` classes, `defineFeature` results or resolve functions (e.g. a generated registry's `features`). */
  features?: Readonly<Record<string, FeatureSource>> | readonly FeatureDefinition[];
  /** Gives features access to manifest and store flags (`this.flags` / `context.flags`). */
  engine?: Engine;
  /** Identifier of scopes that do not implement `toFeatureIdentifier()`. */
  identify?: ScopeIdentifier;
  /** The scope used by the shorthand methods (`features.isActive(name)`). Default: the null scope. */
  defaultScope?: () => unknown;
  /**
   * Builds feature classes through the application's container, e.g. `(cls) => container.make(cls)`
   * (AdonisJS) or `(cls) => container.resolve(cls)` (tsyringe); may be async. Without it, classes are
   * built with `new Class()`, and a class whose constructor takes arguments is refused.
   */
  resolveClass?: ResolveClass;
}

type Names<R> = keyof R & string;

/** Any scope for every name: the default when no scope types are known. */
export type AnyScopes<R> = { [K in keyof R]: unknown };

type ElementOf<T> = T extends readonly (infer E)[] ? E : T;

/**
 * The names of features whose declared scope accepts `T`: `features.for(org)` offers only the
 * features declared for organisations, so `isActive('new_checkout')` of a `BaseFeature<User>` does
 * not compile.
 */
export type NamesFor<S, T> = { [K in keyof S]: [ElementOf<T>] extends [S[K]] ? K : never }[keyof S];

/** The features `for(scope)` offers: all of them when every one accepts the scope, else those that do. */
export type ScopedFor<R extends object, S, T> = [keyof R] extends [NamesFor<S, T>] ? ScopedFeatures<R> : ScopedFeatures<Pick<R, NamesFor<S, T> & keyof R>>;

/**
 * Code-defined features resolved per scope and stored through a Switchyard store. Each instance keeps
 * a memo of values it has read; `request()` gives a view with a fresh memo for one request. The root
 * instance drops memoized values when the store reports changes to a feature.
 */
export class Features<R extends object = AnyRegistry, S extends object = AnyScopes<R>> {
  private unsubscribe: (() => void) | undefined;

  /** @internal */
  constructor(
    private readonly family: FeatureFamily,
    private readonly memo: Memo,
    root: boolean,
  ) {
    if (root) {
      this.unsubscribe = family.store.subscribe((change) => {
        if (change.kind === 'features') memo.dropFeatures(change.features);
        else if (change.kind === 'reset') memo.clear();
      });
    }
  }

  /** The store resolved values are kept in. */
  get store(): FlagStore {
    return this.family.store;
  }

  /** The engine features read flags from, if one was given. */
  get engine(): Engine | undefined {
    return this.family.engine;
  }

  /**
   * Features for one scope, or for several at once (checks then hold for every scope). `null` is the
   * null scope (refused by features that extend `BaseFeature`). With known scope types only the
   * features declared for the scope's type can be named.
   */
  for<T>(scope: T): ScopedFor<R, S, T> {
    const scopes = Array.isArray(scope) ? (scope as unknown[]) : [scope];
    return new ScopedFeatures(this.family, this.memo, bindScopes(scopes, this.family.identify)) as ScopedFor<R, S, T>;
  }

  /** Defines (or redefines) a feature. */
  define(name: string, feature: FeatureSource): this;
  define(definition: FeatureDefinition): this;
  define(nameOrDefinition: string | FeatureDefinition, feature?: FeatureSource): this {
    if (typeof nameOrDefinition === 'string') this.family.registry.define(nameOrDefinition, feature as FeatureSource);
    else this.family.registry.define(nameOrDefinition.name, nameOrDefinition);
    return this;
  }

  /** Names of the defined features. */
  defined(): string[] {
    return this.family.registry.names();
  }

  has(name: string): boolean {
    return this.family.registry.has(name);
  }

  /** A view for one request: same definitions, store, engine and fake, with its own memo. */
  request(): Features<R, S> {
    return new Features<R, S>(this.family, new Memo(), false);
  }

  /** Forgets every memoized value of this view; the next lookups read the store again. */
  flushCache(): void {
    this.memo.clear();
  }

  /** Stores `value` (default `true`) for every scope that already has a stored result. Returns how many were updated. */
  async activateForEveryone<K extends Names<R>>(names: K | readonly K[], value: R[K] | JsonValue = true): Promise<number> {
    const list: readonly string[] = Array.isArray(names) ? names : [names];
    for (const name of list) this.family.registry.get(name);
    const checked = list.map((name) => storableValue(name, '*', value, 'activateForEveryone()'));
    const counts = await Promise.all(list.map((name, i) => this.family.store.updateFeatureValues(name, checked[i]!)));
    this.memo.dropFeatures(list);
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Stores `false` for every scope that already has a stored result. */
  deactivateForEveryone(names: Names<R> | readonly Names<R>[]): Promise<number> {
    return this.activateForEveryone(names, false);
  }

  /** Removes stored results of the named features (any name, defined or not), or of all features. Returns how many were removed. */
  async purge(names?: string | readonly string[]): Promise<number> {
    const list = names === undefined ? undefined : typeof names === 'string' ? [names] : [...names];
    if (list?.length === 0) return 0;
    const removed = await this.family.store.purgeFeatures(list);
    if (list) this.memo.dropFeatures(list);
    else this.memo.clear();
    return removed;
  }

  /** Starts faking (or returns the running fake): overrides and recorded lookups for tests. */
  fake(): FeatureFake<R> {
    return this.family.startFake() as FeatureFake<R>;
  }

  /** Stops following store changes. Does not close the store. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  // Shorthands for the default scope.

  value<K extends Names<R>>(name: K): Promise<R[K]> {
    return this.forDefault().value(name);
  }

  values<K extends Names<R>>(names?: readonly K[]): Promise<{ [P in K]: R[P] }> {
    return this.forDefault().values(names);
  }

  isActive(name: Names<R>): Promise<boolean> {
    return this.forDefault().isActive(name);
  }

  isInactive(name: Names<R>): Promise<boolean> {
    return this.forDefault().isInactive(name);
  }

  allActive(names: readonly Names<R>[]): Promise<boolean> {
    return this.forDefault().allActive(names);
  }

  someActive(names: readonly Names<R>[]): Promise<boolean> {
    return this.forDefault().someActive(names);
  }

  allInactive(names: readonly Names<R>[]): Promise<boolean> {
    return this.forDefault().allInactive(names);
  }

  someInactive(names: readonly Names<R>[]): Promise<boolean> {
    return this.forDefault().someInactive(names);
  }

  match<K extends Names<R>, A, I>(name: K, handlers: MatchHandlers<R[K], A, I>): Promise<A | I> {
    return this.forDefault().match(name, handlers);
  }

  activate<K extends Names<R>>(names: K | readonly K[], value: R[K] | JsonValue = true): Promise<void> {
    return this.forDefault().activate(names, value);
  }

  deactivate(names: Names<R> | readonly Names<R>[]): Promise<void> {
    return this.forDefault().deactivate(names);
  }

  clear(names?: Names<R> | readonly Names<R>[]): Promise<void> {
    return this.forDefault().clear(names);
  }

  private forDefault(): ScopedFeatures<R> {
    const scope = this.family.defaultScope ? this.family.defaultScope() : null;
    return new ScopedFeatures<R>(this.family, this.memo, bindScopes([scope], this.family.identify));
  }
}

/**
 * Creates the features of an application. Names, values and scopes are typed from `features`
 * (`createFeatures({ store, features: { new_checkout: NewCheckoutFeature } })`, or the generated
 * registry's `features`); or give the types: `createFeatures<FeatureRegistry, FeatureScopes>(…)`.
 */
export function createFeatures<const M extends Readonly<Record<string, FeatureSource>>>(
  options: FeaturesOptions & { features: M },
): Features<RegistryOf<M>, ScopesOf<M>>;
export function createFeatures<R extends object = AnyRegistry, S extends object = AnyScopes<R>>(options: FeaturesOptions): Features<R, S>;
export function createFeatures(options: FeaturesOptions): Features<AnyRegistry> {
  if (!options || typeof options.store?.getFeatureValues !== 'function') {
    throw new TypeError('createFeatures() needs a store: any Switchyard FlagStore, e.g. await openStore("memory:")');
  }
  if (options.resolveClass !== undefined && typeof options.resolveClass !== 'function') {
    throw new TypeError('createFeatures({ resolveClass }) must be a function (cls) => instance, e.g. (cls) => container.make(cls)');
  }
  const registry = new FeatureRegistry(options.engine, options.resolveClass);
  const family = new FeatureFamily(registry, options.store, options.engine, options.identify, options.defaultScope);
  const features = options.features;
  if (Array.isArray(features)) {
    for (const d of features as readonly FeatureDefinition[]) {
      if (!isFeatureDefinition(d)) throw new TypeError('createFeatures({ features: [...] }) takes defineFeature() results; use an object for classes');
      registry.define(d.name, d);
    }
  } else if (features) {
    for (const [name, source] of Object.entries(features as Record<string, FeatureSource>)) registry.define(name, source);
  }
  return new Features<AnyRegistry>(family, new Memo(), true);
}
