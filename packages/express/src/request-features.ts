import { FlagNotFoundError } from '@switchyard/core';
import type { Engine, EvaluationContext, EvaluationDetails, FlagValue } from '@switchyard/core';
import type { Features, ScopedFeatures } from '@switchyard/features';

/**
 * The features of one request's scope: code-defined features (resolved and stored per scope, memoized
 * for the request) and manifest/store flags (evaluated by the engine with the request's context).
 * A name defined in code wins over a flag of the same key.
 */
export class RequestFeatures {
  private scoped: ScopedFeatures<any> | undefined;

  constructor(
    /** The scope the `scope` callback returned (`null` when none). */
    readonly scope: unknown,
    /** The evaluation context flags are evaluated with. */
    readonly context: EvaluationContext,
    private readonly features: Features<any, any> | undefined,
    private readonly engine: Engine | undefined,
  ) {}

  /** The value of a code feature or flag. Unknown names reject with `FlagNotFoundError`. */
  async value(name: string): Promise<unknown> {
    const code = this.codeFor(name);
    if (code) return code.value(name);
    const details = this.flag(name);
    if (details.errorCode === 'FLAG_NOT_FOUND') throw new FlagNotFoundError(name);
    return details.value;
  }

  /** True when the value is truthy (a variant string counts as active). */
  async isActive(name: string): Promise<boolean> {
    return Boolean(await this.value(name));
  }

  async isInactive(name: string): Promise<boolean> {
    return !(await this.value(name));
  }

  /** Values by name; default every code feature and every flag the engine holds. */
  async values(names?: readonly string[]): Promise<Record<string, unknown>> {
    const list = names ?? [...new Set([...(this.features?.defined() ?? []), ...(this.engine?.keys() ?? [])])];
    const values = await Promise.all(list.map((n) => this.value(n)));
    const out: Record<string, unknown> = {};
    list.forEach((n, i) => (out[n] = values[i]));
    return out;
  }

  /** Full evaluation details of a flag (reason, variant, error). Without an engine: `FLAG_NOT_FOUND`. */
  flag(name: string): EvaluationDetails<FlagValue | undefined> {
    if (this.engine) return this.engine.evaluate(name, this.context);
    return { key: name, value: undefined, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND', errorMessage: `flag "${name}" not found`, metadata: {} };
  }

  /** The full code-feature API (`match`, `allActive`, `activate`, …) for this request's scope; `undefined` without `features`. */
  get code(): ScopedFeatures<any> | undefined {
    if (!this.features) return undefined;
    this.scoped ??= this.features.for(this.scope);
    return this.scoped;
  }

  private codeFor(name: string): ScopedFeatures<any> | undefined {
    return this.features?.has(name) ? this.code : undefined;
  }
}
