import type { Engine, JsonValue } from '@switchyard/core';

/** What a feature's resolution can read besides its scope. */
export interface FeatureContext {
  /** The feature's name. */
  readonly name: string;
  /** The Switchyard engine given to `createFeatures({ engine })`: manifest and store flags, for kill switches. */
  readonly flags: Engine;
}

export const ATTACH = Symbol('switchyard.feature.attach');

/**
 * A code-defined feature. Implement `resolve(scope)` (may be async and non-deterministic: its first
 * result per scope is stored and reused), and optionally `before(scope)`, which runs on every
 * resolution and is never cached: any value other than `undefined` short-circuits `resolve`.
 *
 * ```ts
 * export default class NewCheckout extends Feature<User> {
 *   async before() { if (this.flags.boolean('kill-new-checkout', false).value) return false; }
 *   async resolve(user: User) { return user.isAdmin || Math.random() < 0.5; }
 * }
 * ```
 */
export abstract class Feature<Scope = unknown> {
  /**
   * Whether `features.for(null)` (the null scope) may reach `before`/`resolve`. `true` for
   * `Feature`; `BaseFeature` (Flick) sets it to `false`, so a feature declared for a `User` gets a
   * typed `InvalidScopeError` for a missing scope instead of a `TypeError` inside `resolve`.
   */
  static readonly acceptsNullScope: boolean = true;

  private context: FeatureContext | undefined;

  abstract resolve(scope: Scope): unknown;

  /** The feature's name as registered. */
  protected get featureName(): string {
    return this.attached().name;
  }

  /** The engine given to `createFeatures({ engine })`. */
  protected get flags(): Engine {
    return this.attached().flags;
  }

  /** Called by `Features` when it registers the instance. */
  [ATTACH](context: FeatureContext): void {
    this.context = context;
  }

  private attached(): FeatureContext {
    if (!this.context) throw new Error(`${this.constructor.name} is not registered with createFeatures()`);
    return this.context;
  }
}

/**
 * Flick's base class: a feature for scopes of type `Scope` (`BaseFeature<User>`), with
 * `resolve(scope)` and an optional `before(scope)`. Scopes must be given: `null` or `undefined`
 * is refused with `InvalidScopeError` (`code: 'INVALID_SCOPE'`, `status: 400`) before `before`
 * or `resolve` run. The constructor takes no arguments, so a subclass that injects services
 * calls `super()` and is built through `createFeatures({ resolveClass })`.
 */
export abstract class BaseFeature<Scope = unknown> extends Feature<Scope> {
  static override readonly acceptsNullScope: boolean = false;
}

/**
 * A class extending `Feature` (or `BaseFeature`). Built once per `Features` family: with
 * `new Class()` when its constructor takes no arguments, else through `createFeatures({ resolveClass })`.
 */
export type FeatureClass<Scope = any> = abstract new (...args: any[]) => Feature<Scope>;

/** Builds a feature class through the application's container (`(cls) => container.make(cls)`); may be async. */
export type ResolveClass = <T extends object>(featureClass: abstract new (...args: any[]) => T) => T | Promise<T>;

export type BeforeHook<Scope, V> = (scope: Scope, context: FeatureContext) => V | undefined | void | Promise<V | undefined | void>;
export type ResolveFunction<Scope, V> = (scope: Scope, context: FeatureContext) => V | Promise<V>;

/** The function form of a feature, made by `defineFeature`. */
export interface FeatureDefinition<Scope = any, V = unknown> {
  readonly kind: 'switchyard.feature';
  readonly name: string;
  readonly resolve: ResolveFunction<Scope, V>;
  readonly before?: BeforeHook<Scope, V>;
}

/**
 * Defines a feature from functions: `resolve` decides the (stored) value per scope; `before` runs on
 * every resolution and short-circuits with any value other than `undefined`.
 */
export function defineFeature<Scope = unknown, V = unknown, B = never>(
  name: string,
  resolve: ResolveFunction<Scope, V>,
  options: { before?: (scope: Scope, context: FeatureContext) => B | Promise<B> } = {},
): FeatureDefinition<Scope, V | Exclude<B, undefined | void>> {
  return {
    kind: 'switchyard.feature',
    name,
    resolve,
    ...(options.before ? { before: options.before as BeforeHook<Scope, V | Exclude<B, undefined | void>> } : {}),
  };
}

/** Anything `createFeatures({ features })` and `define()` accept for one feature. */
export type FeatureSource = FeatureClass | FeatureDefinition | ResolveFunction<any, unknown>;

type BeforeValue<I> = I extends { before(...args: any[]): infer B } ? Exclude<Awaited<B>, undefined | void> : never;
type InstanceValue<I> = I extends { resolve(...args: any[]): infer R } ? Awaited<R> | BeforeValue<I> : never;

/** The value type a feature source resolves to: `resolve`'s result plus `before`'s short-circuit values. */
export type FeatureValueOf<T> =
  T extends FeatureDefinition<any, infer V>
    ? V
    : T extends abstract new (...args: any[]) => infer I
      ? InstanceValue<I>
      : T extends (...args: any[]) => infer R
        ? Awaited<R>
        : never;

/** Maps each name of a feature map to its value type. */
export type RegistryOf<M> = { [K in keyof M]: FeatureValueOf<M[K]> };

type InstanceScope<I> = I extends { resolve(scope: infer S, ...rest: any[]): any } ? S : unknown;

/** The scope type a feature source accepts: `resolve`'s parameter (`BaseFeature<User>` → `User`). */
export type FeatureScopeOf<T> =
  T extends FeatureDefinition<infer S, any>
    ? S
    : T extends abstract new (...args: any[]) => infer I
      ? InstanceScope<I>
      : T extends (scope: infer S, ...rest: any[]) => any
        ? S
        : unknown;

/** Maps each name of a feature map to the scope type it accepts. */
export type ScopesOf<M> = { [K in keyof M]: FeatureScopeOf<M[K]> };

/** The untyped registry: any name, any JSON value. */
export type AnyRegistry = Record<string, JsonValue>;

export function isFeatureDefinition(value: unknown): value is FeatureDefinition {
  return typeof value === 'object' && value !== null && (value as FeatureDefinition).kind === 'switchyard.feature';
}

export function isFeatureClass(value: unknown): value is FeatureClass {
  return typeof value === 'function' && value.prototype instanceof Feature;
}

/** True when `for(null)` may reach the feature (see `Feature.acceptsNullScope`). */
export function acceptsNullScope(featureClass: FeatureClass): boolean {
  return (featureClass as unknown as { acceptsNullScope?: boolean }).acceptsNullScope !== false;
}
