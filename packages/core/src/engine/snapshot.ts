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
  readonly list: readonly CompiledFlag[];
  /** Evaluators for the engine's environment, looked up by key on the hot path. */
  readonly current: ReadonlyMap<string, FlagEvaluator>;
  /** The same evaluators in `list` order, for evaluating everything. */
  readonly currentList: readonly FlagEvaluator[];

  constructor(
    readonly flags: ReadonlyMap<string, CompiledFlag>,
    readonly environment: string | undefined,
  ) {
    this.list = [...flags.values()];
    const current = new Map<string, FlagEvaluator>();
    const currentList: FlagEvaluator[] = [];
    for (const f of this.list) {
      const fn = evaluatorFor(f, environment);
      current.set(f.key, fn);
      currentList.push(fn);
    }
    this.current = current;
    this.currentList = currentList;
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
