import type { RuleCompileContext, RuleEvaluator } from '../compile/compile-rule';
import { result } from '../compile/results';
import { compileLogic, LogicError, type CustomOperator, type Logic } from '../jsonlogic/compile-logic';
import type { EvaluationDetails } from '../types/evaluation';
import type { FlagdRule } from '../types/rule';
import { fractional } from './fractional';
import { endsWith, semVer, startsWith } from './sem-ver';

/** flagd's operators for one flag (`fractional` buckets by the flag key). */
export function flagdOperators(flagKey: string): Record<string, CustomOperator> {
  const each = (args: readonly Logic[]) => (d: unknown, c: Parameters<Logic>[1]) => args.map((f) => f(d, c));
  return {
    fractional: (args) => {
      const values = each(args);
      return (d, c) => fractional(values(d, c), flagKey, c);
    },
    sem_ver: (args) => {
      const values = each(args);
      return (d, c) => semVer(values(d, c));
    },
    starts_with: (args) => {
      const values = each(args);
      return (d, c) => startsWith(values(d, c));
    },
    ends_with: (args) => {
      const values = each(args);
      return (d, c) => endsWith(values(d, c));
    },
  };
}

/**
 * Compiles flagd targeting for a flag: `$flagd.flagKey` and `$flagd.timestamp` (seconds) read what
 * flagd injects; everything else reads the context. Throws `LogicError` when it cannot be compiled.
 */
export function compileFlagdTargeting(targeting: unknown, flagKey: string, clock: () => number): Logic {
  return compileLogic(targeting, {
    operators: flagdOperators(flagKey),
    rootVar: (path) => {
      if (path[0] !== '$flagd') return undefined;
      if (path.length === 1) return () => ({ flagKey, timestamp: Math.floor(clock() / 1000) });
      if (path.length === 2 && path[1] === 'flagKey') return () => flagKey;
      if (path.length === 2 && path[1] === 'timestamp') return () => Math.floor(clock() / 1000);
      return () => null;
    },
  });
}

/** True when targeting is absent or `{}` (flagd's "no targeting"). */
export function hasTargeting(targeting: unknown): boolean {
  if (targeting === undefined || targeting === null) return false;
  return !(typeof targeting === 'object' && !Array.isArray(targeting) && Object.keys(targeting).length === 0);
}

/**
 * A flagd flag's decision: no targeting → the default variant (`STATIC`); targeting naming a
 * variant → it (`TARGETING_MATCH`); `null` → the default variant (`DEFAULT`); no default variant →
 * `DEFAULT` without a value; a name that is no variant → `GENERAL` error; targeting that cannot be
 * compiled (unknown operator, missing `$ref`) → `PARSE_ERROR`.
 */
export function compileFlagdRule(rule: FlagdRule, ctx: RuleCompileContext): RuleEvaluator {
  const { key, metadata } = ctx;
  const def = rule.defaultVariant;
  const hasDefault = def !== undefined && Object.prototype.hasOwnProperty.call(rule.variants, def);
  if (!hasTargeting(rule.targeting)) {
    const r = hasDefault ? result(key, rule.variants[def], 'STATIC', metadata, def) : result(key, undefined, 'DEFAULT', metadata);
    return () => r;
  }
  let logic: Logic;
  try {
    logic = compileFlagdTargeting(rule.targeting, key, ctx.clock);
  } catch (err) {
    const message = err instanceof LogicError ? err.message : String(err);
    const r = result(key, undefined, 'ERROR', metadata, undefined, 'PARSE_ERROR', `flag "${key}" has invalid targeting: ${message}`);
    return () => r;
  }
  const matches = new Map<string, EvaluationDetails>();
  for (const [name, value] of Object.entries(rule.variants)) matches.set(name, result(key, value, 'TARGETING_MATCH', metadata, name));
  const fallback = hasDefault ? result(key, rule.variants[def], 'DEFAULT', metadata, def) : result(key, undefined, 'DEFAULT', metadata);
  const failed = result(key, undefined, 'ERROR', metadata, undefined, 'GENERAL', `targeting of flag "${key}" failed`);
  return (context) => {
    let decided: unknown;
    let name: string;
    try {
      decided = logic(context, context);
      if (decided === null || decided === undefined) return fallback;
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- flagd names the variant by the result's text, coerced as JavaScript does
      name = typeof decided === 'string' ? decided : String(decided);
    } catch {
      return failed;
    }
    return (
      matches.get(name) ??
      result(key, undefined, 'ERROR', metadata, undefined, 'GENERAL', `targeting of flag "${key}" chose variant ${JSON.stringify(name)}, which the flag does not have`)
    );
  };
}
