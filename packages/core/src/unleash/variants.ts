import type { EvaluationContext } from '../types/context';
import type { UnleashVariant } from '../types/rule';
import { contextValue } from './context';
import { normalizedHash, VARIANT_SEED } from './hash';

/** Chooses a variant index for a context, or -1 (weights sum to 0). */
export type VariantChooser = (context: EvaluationContext) => number;

const randomSeed = () => String(Math.round(Math.random() * 100000));

/** The unit variants hash: a custom stickiness field, or userId, sessionId, remoteAddress in that order; random when none is there. */
function seedOf(context: EvaluationContext, stickiness: string): string {
  if (stickiness !== 'default') return contextValue(context, stickiness) || randomSeed();
  return contextValue(context, 'userId') || contextValue(context, 'sessionId') || contextValue(context, 'remoteAddress') || randomSeed();
}

/**
 * Unleash's variant choice: the first variant with an override matching the context; else the
 * variant whose cumulative weight reaches `normalizedHash(seed, groupId, totalWeight)` (seed
 * 86028157). Variants of weight 0 are never chosen by weight.
 */
export function compileVariantChooser(variants: readonly UnleashVariant[], groupId: string, stickiness: string): VariantChooser {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (!(total > 0)) return () => -1;
  const overrides = variants.flatMap((v, index) => (v.overrides ?? []).map((o) => ({ index, field: o.contextName, values: new Set(o.values) })));
  const bounds: number[] = [];
  let running = 0;
  for (const v of variants) bounds.push((running += v.weight));
  return (context) => {
    if (overrides.length > 0) {
      // The first variant (in order) with any matching override wins.
      let best = -1;
      for (const o of overrides) {
        if (best !== -1 && o.index >= best) continue;
        const value = contextValue(context, o.field);
        if (value !== undefined && o.values.has(value)) best = o.index;
      }
      if (best !== -1) return best;
    }
    const target = normalizedHash(seedOf(context, stickiness), groupId, total, VARIANT_SEED);
    for (let i = 0; i < variants.length; i++) if (variants[i]!.weight !== 0 && bounds[i]! >= target) return i;
    return -1;
  };
}
