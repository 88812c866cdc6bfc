import type { CompiledFlag, FlagEvaluator, FlagResolver } from '../compile/compile-flag';
import { EMPTY_METADATA } from '../compile/results';
import type { EvaluationContext } from '../types/context';
import type { EvaluationDetails } from '../types/evaluation';
import type { FlagValue } from '../types/values';

/**
 * An immutable set of compiled flags. The engine swaps whole snapshots, so an evaluation (and
 * the prerequisites it evaluates) always sees one consistent state.
 */
export class Snapshot implements FlagResolver {
  /** Evaluators for the engine's environment by key, filled as flags are first evaluated (flags compile on first use). */
  private readonly current = new Map<string, FlagEvaluator>();
  private listCache: readonly CompiledFlag[] | undefined;
  private currentListCache: readonly FlagEvaluator[] | undefined;

  constructor(
    readonly flags: ReadonlyMap<string, CompiledFlag>,
    readonly environment: string | undefined,
  ) {}

  /** Every flag in definition order. */
  get list(): readonly CompiledFlag[] {
    return (this.listCache ??= [...this.flags.values()]);
  }

  /** The evaluators of the engine's environment in `list` order, for evaluating everything. */
  get currentList(): readonly FlagEvaluator[] {
    return (this.currentListCache ??= this.list.map((f) => this.evaluator(f.key)!));
  }

  /** The evaluator of `key` for the engine's environment; one map lookup once the flag has been evaluated. */
  evaluator(key: string): FlagEvaluator | undefined {
    let fn = this.current.get(key);
    if (fn === undefined) {
      const flag = this.flags.get(key);
      if (!flag) return undefined;
      fn = evaluatorFor(flag, this.environment);
      this.current.set(key, fn);
    }
    return fn;
  }

  evaluate(key: string, context: EvaluationContext, environment: string | undefined): EvaluationDetails<FlagValue | undefined> {
    const flag = this.flags.get(key);
    if (!flag) return notFound(key);
    return evaluatorFor(flag, environment)(context, environment, this);
  }
}

export function evaluatorFor(flag: CompiledFlag, environment: string | undefined): FlagEvaluator {
  return environment === undefined ? flag.otherwise : (flag.environments.get(environment) ?? flag.otherwise);
}

export function notFound(key: string): EvaluationDetails<FlagValue | undefined> {
  return {
    key,
    value: undefined,
    reason: 'ERROR',
    errorCode: 'FLAG_NOT_FOUND',
    errorMessage: `flag "${key}" not found`,
    metadata: EMPTY_METADATA,
  };
}
