// Flags and contexts shared by the SDK benchmarks (client, OpenFeature provider), so they measure
// the same work: a two-condition targeting rule and a 50/50 string split over 1,024 rotating users.
import type { EvaluationContext, FlagDefinition } from '../packages/core/src/index';

/** `rule`: true for US/CA users of 18 and over; `split`: `A` or `B`, half each. */
export const SDK_BENCH_FLAGS: FlagDefinition[] = [
  {
    key: 'rule',
    type: 'boolean',
    fallbackValue: false,
    defaultRule: {
      type: 'targeting',
      rules: [{ when: { all: [{ attribute: 'country', operator: 'in', value: ['US', 'CA'] }, { attribute: 'age', operator: 'gte', value: 18 }] }, serve: { type: 'static', value: true } }],
    },
  },
  { key: 'split', type: 'string', fallbackValue: 'A', defaultRule: { type: 'variant', variants: [{ value: 'A', weight: 50 }, { value: 'B', weight: 50 }] } },
];

/** A function returning the next of 1,024 distinct contexts, round and round (cheap enough not to skew the figures). */
export function rotatingContexts(): () => EvaluationContext {
  const ids = Array.from({ length: 1024 }, (_, i) => ({ targetingKey: `user-${i}`, country: i % 2 ? 'US' : 'DE', age: 16 + (i % 10) }));
  let i = 0;
  return () => ids[(i = (i + 1) & 1023)]!;
}
