// The evaluation engine against the scenarios the peer engines are measured on (see README):
// s1 boolean without rules, s2v a 3-condition rule over 10k different contexts, s3 a 50/50
// split over 10k ids, s4 all of 1,000 flags for one context.
import { bench, do_not_optimize, run, summary } from 'mitata';
import { createEngine, type FlagDefinition } from '../src/index';

export default async function engineBench(): Promise<void> {
  let seed = 0x9e3779b9;
  const rnd = () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), seed >>> 0);
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const ids = Array.from({ length: 10_000 }, () => 'u-' + Array.from({ length: 18 }, () => chars[rnd() % 36]).join(''));
  const countries = ['US', 'CA', 'MX'];
  const vary = ids.map((id, n) => ({ targetingKey: id, country: countries[n % 3], plan: 'pro', age: 18 + (n % 60) }));
  const user = { targetingKey: 'u-fixed-user-0000001', country: 'US', plan: 'pro', age: 25 };

  const rule = (key: string): FlagDefinition => ({
    key,
    type: 'boolean',
    fallbackValue: false,
    defaultRule: {
      type: 'targeting',
      rules: [
        {
          when: {
            all: [
              { attribute: 'country', operator: 'in', value: countries },
              { attribute: 'plan', operator: 'eq', value: 'pro' },
              { attribute: 'age', operator: 'gte', value: 18 },
            ],
          },
          serve: { type: 'static', value: true },
        },
      ],
    },
  });
  const bool = (key: string): FlagDefinition => ({ key, type: 'boolean', fallbackValue: false, defaultRule: { type: 'static', value: true } });
  const rollout = (key: string): FlagDefinition => ({ key, type: 'boolean', fallbackValue: false, defaultRule: { type: 'rollout', percentage: 50, value: true } });
  const split = (key: string): FlagDefinition => ({
    key,
    type: 'string',
    fallbackValue: 'A',
    defaultRule: { type: 'variant', variants: [{ value: 'A', weight: 50 }, { value: 'B', weight: 50 }] },
  });
  const kinds = [bool, rule, rollout, split];

  const engine = createEngine();
  engine.load({ definitions: [bool('s1-bool'), rule('s2-rule'), rollout('s3-rollout'), split('s3-split')] });
  const big = createEngine();
  big.load({ definitions: Array.from({ length: 1000 }, (_, i) => kinds[i % 4]!(`bulk-${String(i).padStart(4, '0')}`)) });
  const bulkKeys = big.keys();

  let i = 0;
  let j = 0;
  let k = 0;
  summary(() => {
    bench('s1 boolean, no rules', () => engine.evaluate('s1-bool', user).value);
    bench('s2 3-condition rule, one context', () => engine.evaluate('s2-rule', user).value);
    bench('s2v 3-condition rule, 10k contexts', () => engine.evaluate('s2-rule', vary[(k = (k + 1) % 10_000)]).value);
    bench('s3a 50% rollout, 10k ids', () => engine.evaluate('s3-rollout', vary[(i = (i + 1) % 10_000)]).value);
    bench('s3b 50/50 split, 10k ids', () => engine.evaluate('s3-split', vary[(j = (j + 1) % 10_000)]).value);
  });
  summary(() => {
    bench('s4 evaluateAll, 1,000 flags', () => do_not_optimize(big.evaluateAll(user)));
    bench('s4 loop of evaluate, 1,000 flags', () => {
      let c = 0;
      for (let n = 0; n < bulkKeys.length; n++) {
        const v = big.evaluate(bulkKeys[n]!, user).value;
        if (v === true || v === 'A') c++;
      }
      return c;
    });
  });
  await run({ colors: false });
}
