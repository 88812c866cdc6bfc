import { FLAG_KEY_PATTERN, ValidationError } from '@switchyard/core';
import type { Engine } from '@switchyard/core';
import type { FeatureContext, FeatureSource } from './feature';
import { ATTACH, isFeatureClass, isFeatureDefinition } from './feature';
import { FeatureNotDefinedError } from './errors';

/** A feature in the form resolution runs it. */
export interface CompiledFeature {
  readonly name: string;
  readonly resolve: (scope: unknown) => unknown;
  readonly before: ((scope: unknown) => unknown) | undefined;
}

/** The defined features of one `Features` family, by name. */
export class FeatureRegistry {
  private readonly features = new Map<string, CompiledFeature>();

  constructor(private readonly engine: Engine | undefined) {}

  define(name: string, source: FeatureSource): void {
    if (typeof name !== 'string' || !FLAG_KEY_PATTERN.test(name)) {
      throw new ValidationError([{ path: ['name'], message: `feature name ${JSON.stringify(name)} must be 1 to 256 letters, digits or _ - . / :` }]);
    }
    this.features.set(name, this.compile(name, source));
  }

  get(name: string): CompiledFeature {
    const feature = this.features.get(name);
    if (!feature) throw new FeatureNotDefinedError(name);
    return feature;
  }

  has(name: string): boolean {
    return this.features.has(name);
  }

  names(): string[] {
    return [...this.features.keys()];
  }

  private compile(name: string, source: FeatureSource): CompiledFeature {
    const context = this.context(name);
    if (isFeatureClass(source)) {
      const instance = new source();
      instance[ATTACH](context);
      const before = (instance as { before?: unknown }).before;
      return {
        name,
        resolve: (scope) => instance.resolve(scope),
        before: typeof before === 'function' ? (scope) => before.call(instance, scope) : undefined,
      };
    }
    if (isFeatureDefinition(source)) {
      if (source.name !== name) {
        throw new ValidationError([{ path: [name], message: `feature "${source.name}" is registered under the name "${name}"; the names must match` }]);
      }
      const { resolve, before } = source;
      return { name, resolve: (scope) => resolve(scope, context), before: before ? (scope) => before(scope, context) : undefined };
    }
    if (typeof source === 'function') {
      if (/^class[\s{]/.test(Function.prototype.toString.call(source))) {
        throw new ValidationError([{ path: [name], message: `feature "${name}" is a class that does not extend Feature` }]);
      }
      const resolve = source as (scope: unknown, context: FeatureContext) => unknown;
      return { name, resolve: (scope) => resolve(scope, context), before: undefined };
    }
    throw new ValidationError([{ path: [name], message: `feature "${name}" must be a Feature class, a defineFeature() result or a resolve function` }]);
  }

  private context(name: string): FeatureContext {
    const engine = this.engine;
    return {
      name,
      get flags(): Engine {
        if (!engine) throw new Error(`feature "${name}" reads flags, but createFeatures() was given no engine`);
        return engine;
      },
    };
  }
}
