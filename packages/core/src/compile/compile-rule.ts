import { createBucketer } from '../hash/bucket';
import { variantName } from '../schema/definition-schema';
import type { EvaluationContext } from '../types/context';
import type { EvaluationDetails, EvaluationMetadata } from '../types/evaluation';
import type {
  AcceptanceRule,
  RolloutRule,
  Rule,
  RuleType,
  ScheduleRule,
  StaticRule,
  TargetingRule,
  VariantRule,
} from '../types/rule';
import type { FlagType, FlagValue } from '../types/values';
import { compileFlagdRule } from '../flagd/compile-flagd-rule';
import { compileUnleashRule } from '../unleash/compile-unleash-rule';
import { attributeGetter } from './attribute';
import { compileCondition, type Predicate } from './compile-condition';
import { parseInstant } from './dates';
import { result, withMetadata } from './results';

/** A compiled rule: the decided result; a rule that decides nothing returns the flag's fallback (`DEFAULT`). */
export type RuleEvaluator = (context: EvaluationContext) => EvaluationDetails;

/** Answers whether an acceptance rule's items are all in the required state; `undefined` while unknown. */
export type AcceptanceProbe = () => boolean | undefined;

export interface RuleCompileContext {
  key: string;
  type: FlagType;
  fallbackValue: FlagValue;
  metadata: EvaluationMetadata;
  clock: () => number;
  /** The probe of an acceptance rule; `undefined` when no source of the rule's name is configured. */
  acceptance: (rule: AcceptanceRule) => AcceptanceProbe | undefined;
  /** The flag's fallback result (`DEFAULT`), served when no rule decides. */
  fallback: EvaluationDetails;
  /** Reason reported for static values: `STATIC`, or `TARGETING_MATCH` when served by a matching condition. */
  staticReason?: 'STATIC' | 'TARGETING_MATCH';
}

type RuleCompiler<R extends Rule> = (rule: R, ctx: RuleCompileContext) => RuleEvaluator;

/** The compiler of each rule kind. */
const RULE_COMPILERS: { [T in RuleType]: RuleCompiler<Extract<Rule, { type: T }>> } = {
  static: compileStatic,
  variant: compileVariant,
  rollout: compileRollout,
  schedule: compileSchedule,
  targeting: compileTargeting,
  acceptance: compileAcceptance,
  flagd: compileFlagdRule,
  unleash: compileUnleashRule,
};

/** Compiles one rule (and the rules nested in it) into an evaluator. */
export function compileRule(rule: Rule | undefined, ctx: RuleCompileContext): RuleEvaluator {
  // A kind this version does not know (written by a newer one) decides nothing.
  if (!rule || !Object.hasOwn(RULE_COMPILERS, rule.type)) return constant(ctx.fallback);
  return (RULE_COMPILERS[rule.type] as RuleCompiler<Rule>)(rule, ctx);
}

function compileStatic(rule: StaticRule, ctx: RuleCompileContext): RuleEvaluator {
  const r = result(ctx.key, rule.value, ctx.staticReason ?? 'STATIC', ctx.metadata, rule.variant);
  return () => r;
}

/** The unit a split buckets on, from the stickiness attribute's value; `undefined` when unusable. */
function unitOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Reads the unit a split buckets on; `undefined` when the context lacks it. */
function unitReader(stickiness: string | undefined): (context: EvaluationContext) => string | undefined {
  if (stickiness === undefined || stickiness === 'targetingKey') return readTargetingKey;
  const get = attributeGetter(stickiness);
  return (context) => unitOf(get(context));
}

const readTargetingKey = (context: EvaluationContext): string | undefined => unitOf(context.targetingKey);

function missingUnit(ctx: RuleCompileContext, stickiness: string | undefined): EvaluationDetails {
  const attribute = stickiness ?? 'targetingKey';
  return result(
    ctx.key,
    ctx.fallbackValue,
    'ERROR',
    ctx.metadata,
    undefined,
    attribute === 'targetingKey' ? 'TARGETING_KEY_MISSING' : 'INVALID_CONTEXT',
    `flag "${ctx.key}" splits by "${attribute}", which the context does not have`,
  );
}

function compileVariant(rule: VariantRule, ctx: RuleCompileContext): RuleEvaluator {
  const bucket = createBucketer(rule.seed ?? ctx.key);
  const unit = unitReader(rule.stickiness);
  const missing = missingUnit(ctx, rule.stickiness);
  const results = rule.variants.map((v, i) => result(ctx.key, v.value, 'SPLIT', ctx.metadata, variantName(v.value, i, v.name)));
  const bounds: number[] = [];
  let total = 0;
  for (const v of rule.variants) bounds.push((total += v.weight));
  // Floating-point sums may end a hair under 100; the last variant takes the remainder.
  bounds[bounds.length - 1] = Infinity;
  const n = results.length;
  return (context) => {
    const u = unit(context);
    if (u === undefined) return missing;
    const point = bucket(u);
    for (let i = 0; i < n; i++) if (point < bounds[i]!) return results[i]!;
    return results[n - 1]!;
  };
}

function compileRollout(rule: RolloutRule, ctx: RuleCompileContext): RuleEvaluator {
  const bucket = createBucketer(rule.seed ?? ctx.key);
  const unit = unitReader(rule.stickiness);
  const missing = missingUnit(ctx, rule.stickiness);
  const inside = result(ctx.key, rule.value, 'SPLIT', withMetadata(ctx.metadata, { rollout: rule.percentage }), 'rollout');
  const outside = compileRule(rule.otherwise, ctx);
  const percentage = rule.percentage;
  return (context) => {
    const u = unit(context);
    if (u === undefined) return missing;
    return bucket(u) < percentage ? inside : outside(context);
  };
}

function compileSchedule(rule: ScheduleRule, ctx: RuleCompileContext): RuleEvaluator {
  const zone = rule.timezone ?? 'UTC';
  const starts: number[] = [];
  const ends: number[] = [];
  for (const w of rule.windows) {
    const from = w.from === undefined ? -Infinity : parseInstant(w.from, zone)?.start;
    const to = w.to === undefined ? Infinity : parseInstant(w.to, zone)?.end;
    // An unparseable bound makes the window unusable: it never opens (fail closed).
    if (from === undefined || to === undefined) continue;
    starts.push(from);
    ends.push(to);
  }
  const inside = result(ctx.key, rule.value ?? true, 'SCHEDULE', ctx.metadata);
  const otherwise = rule.otherwise
    ? compileRule(rule.otherwise, ctx)
    : ctx.type === 'boolean'
      ? constant(result(ctx.key, false, 'SCHEDULE', ctx.metadata))
      : constant(ctx.fallback);
  const clock = ctx.clock;
  const n = starts.length;
  return (context) => {
    const now = clock();
    for (let i = 0; i < n; i++) if (now >= starts[i]! && now <= ends[i]!) return inside;
    return otherwise(context);
  };
}

function compileTargeting(rule: TargetingRule, ctx: RuleCompileContext): RuleEvaluator {
  const clauses: { when: Predicate; serve: RuleEvaluator }[] = rule.rules.map((clause, i) => ({
    when: compileCondition(clause.when),
    serve: compileRule(clause.serve, { ...ctx, staticReason: 'TARGETING_MATCH', metadata: withMetadata(ctx.metadata, { rule: clause.name ?? i }) }),
  }));
  const otherwise = compileRule(rule.otherwise, ctx);
  if (clauses.length === 1) {
    const [{ when, serve }] = clauses as [{ when: Predicate; serve: RuleEvaluator }];
    return (context) => (when(context) ? serve(context) : otherwise(context));
  }
  return (context) => {
    for (let i = 0; i < clauses.length; i++) {
      const c = clauses[i]!;
      if (c.when(context)) return c.serve(context);
    }
    return otherwise(context);
  };
}

function compileAcceptance(rule: AcceptanceRule, ctx: RuleCompileContext): RuleEvaluator {
  const probe = ctx.acceptance(rule);
  if (!probe) {
    // No integration for this source: the rule can never be accepted, and the result says why.
    if (rule.otherwise) return compileRule(rule.otherwise, ctx);
    const metadata = withMetadata(ctx.metadata, {
      acceptance: rule.source,
      acceptanceDetail: `acceptance source "${rule.source}" is not configured; serving the value for "not accepted"`,
    });
    return constant(result(ctx.key, ctx.type === 'boolean' ? false : ctx.fallbackValue, 'DISABLED_INTEGRATION', metadata));
  }
  const accepted = result(ctx.key, rule.value ?? true, 'TARGETING_MATCH', withMetadata(ctx.metadata, { acceptance: rule.source }));
  const otherwise = rule.otherwise
    ? compileRule(rule.otherwise, ctx)
    : ctx.type === 'boolean'
      ? constant(result(ctx.key, false, 'DEFAULT', withMetadata(ctx.metadata, { acceptance: rule.source })))
      : constant(ctx.fallback);
  return (context) => (probe() === true ? accepted : otherwise(context));
}

function constant(r: EvaluationDetails): RuleEvaluator {
  return () => r;
}
