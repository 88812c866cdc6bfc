import { FLAG_KEY_PATTERN, ValidationError } from '@switchyard/core';
import type { Engine } from '@switchyard/core';
import type { Feature, FeatureClass, FeatureContext, FeatureSource, ResolveClass } from './feature';
import { acceptsNullScope, ATTACH, isFeatureClass, isFeatureDefinition } from './feature';
import { FeatureConstructionError, FeatureNotDefinedError } from './errors';

/** A feature in the form resolution runs it. */
export interface CompiledFeature {
  readonly name: string;
  readonly resolve: (scope: unknown) => unknown;
  readonly before: ((scope: unknown) => unknown) | undefined;
  /** `false` for features that need a scope (`BaseFeature`): the null scope is refused. */
  readonly acceptsNullScope: boolean;
}

/** The defined features of one `Features` family, by name. */
export class FeatureRegistry {
  private readonly features = new Map<string, CompiledFeature>();

  constructor(
    private readonly engine: Engine | undefined,
    private readonly resolveClass: ResolveClass | undefined = undefined,
  ) {}

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
    if (isFeatureClass(source)) return this.compileClass(name, source, context);
    if (isFeatureDefinition(source)) {
      if (source.name !== name) {
        throw new ValidationError([{ path: [name], message: `feature "${source.name}" is registered under the name "${name}"; the names must match` }]);
      }
      const { resolve, before } = source;
      return { name, resolve: (scope) => resolve(scope, context), before: before ? (scope) => before(scope, context) : undefined, acceptsNullScope: true };
    }
    if (typeof source === 'function') {
      if (/^class[\s{]/.test(Function.prototype.toString.call(source))) {
        throw new ValidationError([{ path: [name], message: `feature "${name}" is a class that does not extend Feature` }]);
      }
      const resolve = source as (scope: unknown, context: FeatureContext) => unknown;
      return { name, resolve: (scope) => resolve(scope, context), before: undefined, acceptsNullScope: true };
    }
    throw new ValidationError([{ path: [name], message: `feature "${name}" must be a Feature class, a defineFeature() result or a resolve function` }]);
  }

  /**
   * A class is built once, on first use: through `resolveClass` (the application's container) when
   * one was given, else with `new Class()`, which only works for constructors without parameters —
   * anything else is refused here, at definition, rather than crashing at the first resolution.
   */
  private compileClass(name: string, source: FeatureClass, context: FeatureContext): CompiledFeature {
    const resolveClass = this.resolveClass;
    if (!resolveClass && source.length > 0) {
      throw new FeatureConstructionError(
        name,
        `feature "${name}": ${source.name || 'the class'} takes ${source.length} constructor argument${source.length === 1 ? '' : 's'}; ` +
          'build it through your container with createFeatures({ resolveClass: (cls) => container.make(cls) })',
      );
    }
    let instance: Promise<Feature> | undefined;
    const built = (): Promise<Feature> => {
      instance ??= (async () => {
        let made: unknown;
        try {
          made = resolveClass ? await resolveClass(source) : new (source as unknown as new () => Feature)();
        } catch (err) {
          throw new FeatureConstructionError(name, `feature "${name}": building ${source.name || 'the class'} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        }
        if (!(made instanceof source)) {
          throw new FeatureConstructionError(name, `feature "${name}": resolveClass returned ${describe(made)}, not an instance of ${source.name || 'the class'}`);
        }
        const feature = made as Feature;
        feature[ATTACH](context);
        return feature;
      })();
      // A failed build is tried again on the next lookup (the container may not be ready yet).
      instance.catch(() => (instance = undefined));
      return instance;
    };
    const hasBefore = typeof (source.prototype as { before?: unknown }).before === 'function';
    return {
      name,
      resolve: async (scope) => (await built()).resolve(scope),
      before: hasBefore ? async (scope) => ((await built()) as unknown as { before(s: unknown): unknown }).before(scope) : undefined,
      acceptsNullScope: acceptsNullScope(source),
    };
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

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  return `a ${typeof value}`;
}
