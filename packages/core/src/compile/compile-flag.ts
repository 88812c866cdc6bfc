import type { EvaluationContext } from '../types/context';
import type { EvaluationDetails, EvaluationMetadata } from '../types/evaluation';
import type { FlagDefinition, MaintainedValues } from '../types/flag';
import type { AcceptanceRule, Rule } from '../types/rule';
import type { FlagValue } from '../types/values';
import { compileRule, type AcceptanceProbe, type RuleEvaluator } from './compile-rule';
import { compileScoped } from './compile-scoped';
import { EMPTY_METADATA, result } from './results';

/** Evaluates other flags of the same snapshot (for prerequisites). */
export interface FlagResolver {
  evaluate(key: string, context: EvaluationContext, environment: string | undefined): EvaluationDetails<FlagValue | undefined>;
}

/** A flag compiled for one environment. */
export type FlagEvaluator = (context: EvaluationContext, environment: string | undefined, resolver: FlagResolver) => EvaluationDetails;

export interface CompiledFlag {
  readonly key: string;
  readonly definition: FlagDefinition;
  readonly values: MaintainedValues | undefined;
  /** Evaluators of the environments the definition names. */
  readonly environments: ReadonlyMap<string, FlagEvaluator>;
  /** Evaluator for any other environment, and for none. */
  readonly otherwise: FlagEvaluator;
}

export interface FlagCompileOptions {
  clock: () => number;
  /** The probe of an acceptance rule; `undefined` when its source is not configured. */
  acceptance: (rule: AcceptanceRule, flagKey: string) => AcceptanceProbe | undefined;
  scopeOrder?: readonly string[];
}

/**
 * A flag compiled on first use: loading a large estate costs a wrapper per flag, and only the flags
 * actually evaluated pay for their evaluators (compiling never throws for a valid definition).
 */
export function compileFlagLazily(definition: FlagDefinition, values: MaintainedValues | undefined, options: FlagCompileOptions): CompiledFlag {
  // Acceptance rules register their probe when compiled, so the engine can refresh them before any evaluation.
  if (usesAcceptance(definition)) return compileFlag(definition, values, options);
  return new LazyFlag(definition, values, options);
}

/** True when any of the definition's rules, at any depth, is an acceptance rule. */
export function usesAcceptance(definition: FlagDefinition): boolean {
  if (definition.defaultRule && ruleUsesAcceptance(definition.defaultRule)) return true;
  const environments = definition.environments;
  if (environments) for (const env in environments) if (ruleUsesAcceptance(environments[env]!)) return true;
  return false;
}

function ruleUsesAcceptance(rule: Rule): boolean {
  if (rule.type === 'acceptance') return true;
  if ('otherwise' in rule && rule.otherwise && ruleUsesAcceptance(rule.otherwise)) return true;
  return rule.type === 'targeting' && rule.rules.some((clause) => ruleUsesAcceptance(clause.serve));
}

class LazyFlag implements CompiledFlag {
  private compiled: CompiledFlag | undefined;

  constructor(
    readonly definition: FlagDefinition,
    readonly values: MaintainedValues | undefined,
    private options: FlagCompileOptions | undefined,
  ) {}

  get key(): string {
    return this.definition.key;
  }

  get environments(): ReadonlyMap<string, FlagEvaluator> {
    return this.compile().environments;
  }

  get otherwise(): FlagEvaluator {
    return this.compile().otherwise;
  }

  private compile(): CompiledFlag {
    if (!this.compiled) {
      this.compiled = compileFlag(this.definition, this.values, this.options!);
      this.options = undefined;
    }
    return this.compiled;
  }
}

/**
 * Compiles a definition (plus its maintained values) into one evaluator per environment. The order
 * of decisions is: disabled → fallback (`DISABLED`); prerequisites unmet → fallback
 * (`PREREQUISITE_FAILED`); most specific scoped value (`SCOPED`), root value (`STATIC`); the
 * environment's rule (or the default rule); otherwise the fallback (`DEFAULT`).
 */
export function compileFlag(definition: FlagDefinition, values: MaintainedValues | undefined, options: FlagCompileOptions): CompiledFlag {
  const key = definition.key;
  const metadata = flagMetadata(definition);
  const fallback = result(key, definition.fallbackValue, 'DEFAULT', metadata);
  const ruleCtx = {
    key,
    fallback,
    type: definition.type,
    fallbackValue: definition.fallbackValue,
    metadata,
    clock: options.clock,
    acceptance: (rule: AcceptanceRule) => options.acceptance(rule, key),
  };
  const scoped = compileScoped(definition, values, metadata, options.scopeOrder);
  const build = (rule: Rule | undefined) => assemble(definition, metadata, fallback, compileRule(rule, ruleCtx), scoped, rule === undefined || rule.type === 'static');
  const environments = new Map<string, FlagEvaluator>();
  for (const [env, rule] of Object.entries(definition.environments ?? {})) environments.set(env, build(rule));
  return { key, definition, values, environments, otherwise: build(definition.defaultRule) };
}

function assemble(
  definition: FlagDefinition,
  metadata: EvaluationMetadata,
  fallback: EvaluationDetails,
  rule: RuleEvaluator,
  scoped: ((context: EvaluationContext) => EvaluationDetails | undefined) | undefined,
  constantRule: boolean,
): FlagEvaluator {
  if (definition.enabled === false) {
    // flagd serves no value for a disabled flag: callers use their own default.
    const disabled = result(definition.key, isFlagdFlag(definition) ? undefined : definition.fallbackValue, 'DISABLED', metadata);
    return () => disabled;
  }
  const prerequisites = definition.prerequisites ?? [];
  if (prerequisites.length === 0 && !scoped) {
    if (constantRule) {
      // No context can change the answer: decide once.
      const decided = rule({});
      return () => decided;
    }
    return rule;
  }
  const failed = result(definition.key, definition.fallbackValue, 'PREREQUISITE_FAILED', metadata);
  const checks = prerequisites.map((p) => ({
    flag: p.flag,
    expected: p.value ?? true,
    json: typeof (p.value ?? true) === 'object' ? JSON.stringify(p.value) : undefined,
    variants: p.variants && p.variants.length > 0 ? new Set(p.variants) : undefined,
  }));
  return (context, environment, resolver) => {
    for (let i = 0; i < checks.length; i++) {
      const c = checks[i]!;
      const r = resolver.evaluate(c.flag, context, environment);
      if (r.errorCode !== undefined) return failed;
      if (c.json === undefined ? r.value !== c.expected : JSON.stringify(r.value) !== c.json) return failed;
      if (c.variants && (r.variant === undefined || !c.variants.has(r.variant))) return failed;
    }
    if (scoped) {
      const s = scoped(context);
      if (s) return s;
    }
    return rule(context);
  };
}

/** True for a flag decided by flagd rules only: it follows flagd's semantics where they differ (no value when disabled, its own metadata). */
export function isFlagdFlag(definition: FlagDefinition): boolean {
  const rule = definition.defaultRule;
  if (rule !== undefined && rule.type !== 'flagd') return false;
  let any = rule !== undefined;
  const environments = definition.environments;
  if (environments) {
    for (const env in environments) {
      if (environments[env]!.type !== 'flagd') return false;
      any = true;
    }
  }
  return any;
}

/** Evaluation metadata of a flag: its flag set (not for flagd flags, whose metadata is their own) and the primitive entries of its `metadata`. */
/** The metadata of flags that carry only their flag set, shared: a large manifest has one per file, not one per flag. */
const flagSetMetadata = new Map<string, EvaluationMetadata>();
const MAX_SHARED_METADATA = 10_000;

function flagMetadata(definition: FlagDefinition): EvaluationMetadata {
  const flagSet = definition.flagSet;
  if (flagSet !== undefined && definition.metadata === undefined && !isFlagdFlag(definition)) {
    let shared = flagSetMetadata.get(flagSet);
    if (!shared) {
      shared = Object.freeze({ flagSet });
      if (flagSetMetadata.size < MAX_SHARED_METADATA) flagSetMetadata.set(flagSet, shared);
    }
    return shared;
  }
  const out: Record<string, string | number | boolean> = {};
  let any = false;
  if (definition.flagSet !== undefined && !isFlagdFlag(definition)) {
    out.flagSet = definition.flagSet;
    any = true;
  }
  const metadata = definition.metadata;
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
        out[k] = v;
        any = true;
      }
    }
  }
  return any ? Object.freeze(out) : EMPTY_METADATA;
}
