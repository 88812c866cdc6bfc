import type { RuleCompileContext, RuleEvaluator } from '../compile/compile-rule';
import { result, withMetadata } from '../compile/results';
import type { EvaluationDetails } from '../types/evaluation';
import type { UnleashRule, UnleashVariant } from '../types/rule';
import { compileStrategy } from './strategies';
import { compileVariantChooser, type VariantChooser } from './variants';

/** Unleash's name for "no variant". */
export const DISABLED_VARIANT = 'disabled';

interface Decider {
  test: (context: Parameters<RuleEvaluator>[0]) => boolean;
  /** Chooses among this strategy's variants; absent when it has none. */
  choose?: VariantChooser;
  results?: EvaluationDetails[];
}

/**
 * Compiles an Unleash feature: the first strategy that holds enables it (`TARGETING_MATCH`; no
 * strategies: `STATIC`), nothing holds: `false` (`DEFAULT`). The variant (strategy variants first,
 * else feature variants) is the result's `variant`, `disabled` when there is none; metadata carries
 * `variantEnabled` and, for variants with a payload, `payloadType` and `payloadValue`.
 */
export function compileUnleashRule(rule: UnleashRule, ctx: RuleCompileContext): RuleEvaluator {
  const { key, metadata } = ctx;
  const feature = rule.feature;
  const noVariant = withMetadata(metadata, { variantEnabled: false });
  const variantResults = (variants: readonly UnleashVariant[], reason: 'TARGETING_MATCH' | 'STATIC') =>
    variants.map((v) =>
      result(key, true, reason, withMetadata(metadata, { variantEnabled: true, payloadType: v.payload?.type, payloadValue: v.payload?.value }), v.name),
    );
  const off = result(key, false, 'DEFAULT', noVariant, DISABLED_VARIANT);
  const featureVariants = rule.variants ?? [];
  const featureChooser = featureVariants.length ? compileVariantChooser(featureVariants, feature, featureVariants[0]!.stickiness || 'default') : undefined;

  const onWith = (reason: 'TARGETING_MATCH' | 'STATIC') => {
    const plain = result(key, true, reason, noVariant, DISABLED_VARIANT);
    if (!featureChooser) return () => plain;
    const results = variantResults(featureVariants, reason);
    return (context: Parameters<RuleEvaluator>[0]) => {
      const i = featureChooser(context);
      return i < 0 ? plain : results[i]!;
    };
  };

  if (rule.strategies.length === 0) return onWith('STATIC');
  const on = onWith('TARGETING_MATCH');
  const deciders: Decider[] = rule.strategies.map((s) => {
    const decider: Decider = { test: compileStrategy(s, feature, ctx.clock) };
    if (s.variants && s.variants.length > 0) {
      const groupId = s.parameters?.groupId !== undefined ? String(s.parameters.groupId) : feature;
      const stickiness = s.variants[0]!.stickiness || (s.parameters?.stickiness !== undefined ? String(s.parameters.stickiness) : 'default');
      decider.choose = compileVariantChooser(s.variants, groupId, stickiness);
      decider.results = variantResults(s.variants, 'TARGETING_MATCH');
    }
    return decider;
  });
  return (context) => {
    for (let i = 0; i < deciders.length; i++) {
      const d = deciders[i]!;
      if (!d.test(context)) continue;
      if (d.choose) {
        const v = d.choose(context);
        if (v >= 0) return d.results![v]!;
      }
      return on(context);
    }
    return off;
  };
}
