import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../types/condition';
import type { FlagDefinition } from '../types/flag';
import type { Rule } from '../types/rule';
import { createEngine } from './engine';
import { runs } from '../../../../tooling/testing/property.ts';

const split = (key: string, weights: number[], seed?: string): FlagDefinition => ({
  key,
  type: 'string',
  fallbackValue: 'none',
  defaultRule: { type: 'variant', seed, variants: weights.map((weight, i) => ({ value: String.fromCharCode(97 + i), weight })) },
});

describe('variant splits (properties)', () => {
  it('a 30/40/10.5/19.5 split over 100k keys lands within ±0.5 points of each weight', () => {
    const weights = [30, 40, 10.5, 19.5];
    const engine = createEngine();
    engine.load({ definitions: [split('experiment', weights)] });
    const counts = new Map<string, number>();
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const v = engine.evaluate('experiment', { targetingKey: `user-${i}-${(i * 7919) % 104729}` }).value as string;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    weights.forEach((w, i) => {
      const share = ((counts.get(String.fromCharCode(97 + i)) ?? 0) / n) * 100;
      expect(Math.abs(share - w), `variant ${i}: ${share}% for weight ${w}`).toBeLessThanOrEqual(0.5);
    });
  });

  it('the same key always gets the same variant, whatever else is in the context', () => {
    const engine = createEngine();
    engine.load({ definitions: [split('sticky', [25, 25, 50])] });
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.dictionary(fc.string(), fc.jsonValue()), (key, extra) => {
        const a = engine.evaluate('sticky', { ...extra, targetingKey: key });
        const b = engine.evaluate('sticky', { targetingKey: key });
        expect(a.variant).toBe(b.variant);
        expect(a.reason).toBe('SPLIT');
      }),
      { numRuns: runs(2000) },
    );
  });

  it('changing one flag\'s weights never moves units of another flag', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 2, maxLength: 5 }),
        fc.array(fc.string({ minLength: 1, maxLength: 24 }), { minLength: 20, maxLength: 60 }),
        (raw, units) => {
          const total = raw.reduce((a, b) => a + b, 0);
          const weights = raw.map((w) => (w / total) * 100);
          weights[weights.length - 1] = 100 - weights.slice(0, -1).reduce((a, b) => a + b, 0);
          const before = createEngine();
          before.load({ definitions: [split('other', [50, 50]), split('changed', [50, 50])] });
          const after = createEngine();
          after.load({ definitions: [split('other', [50, 50]), split('changed', weights)] });
          for (const u of units) expect(after.evaluate('other', { targetingKey: u }).variant).toBe(before.evaluate('other', { targetingKey: u }).variant);
        },
      ),
      { numRuns: runs(200) },
    );
  });

  it('different flags split the same units independently (joint shares = products of the weights)', () => {
    const engine = createEngine();
    engine.load({ definitions: [split('first', [50, 50]), split('second', [30, 70]), split('third', [50, 50], 'first-but-not-quite')] });
    const n = 100_000;
    const joint = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const ctx = { targetingKey: `user-${i}` };
      const cell = ['first', 'second', 'third'].map((k) => engine.evaluate(k, ctx).value as string).join('');
      joint.set(cell, (joint.get(cell) ?? 0) + 1);
    }
    for (const [a, pa] of [['a', 0.5], ['b', 0.5]] as const) {
      for (const [b, pb] of [['a', 0.3], ['b', 0.7]] as const) {
        for (const [c, pc] of [['a', 0.5], ['b', 0.5]] as const) {
          const share = (joint.get(a + b + c) ?? 0) / n;
          expect(Math.abs(share - pa * pb * pc), `${a}${b}${c}: ${share}`).toBeLessThan(0.005);
        }
      }
    }
  });

  it('growing one variant\'s weight only moves units into that variant (monotone buckets)', () => {
    const before = createEngine();
    before.load({ definitions: [split('grow', [10, 90])] });
    const after = createEngine();
    after.load({ definitions: [split('grow', [30, 70])] });
    for (let i = 0; i < 5000; i++) {
      const ctx = { targetingKey: `u${i}` };
      if (before.evaluate('grow', ctx).value === 'a') expect(after.evaluate('grow', ctx).value).toBe('a');
    }
  });
});

// Arbitrary rule and condition trees, including nonsense operators and values.
const valueArb = fc.oneof(fc.boolean(), fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string()), fc.dictionary(fc.string(), fc.integer()));
const conditionArb: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      attribute: fc.constantFrom('country', 'age', 'user.plan', 'targetingKey', 'ip', 'version', 'missing'),
      operator: fc.constantFrom('eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'starts_with', 'ends_with', 'contains', 'matches', 'semver_gt', 'before', 'after', 'in_cidr', 'bogus'),
      value: valueArb,
      caseInsensitive: fc.boolean(),
      negate: fc.boolean(),
    }) as fc.Arbitrary<Condition>,
    fc.record({ all: fc.array(tie('c'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('c'), { maxLength: 3 }) }),
    fc.record({ not: tie('c') }),
  ),
})).c;
const ruleArb: fc.Arbitrary<Rule> = fc.letrec<{ r: Rule }>((tie) => ({
  r: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ type: fc.constant('static' as const), value: fc.boolean() }),
    fc.record({ type: fc.constant('rollout' as const), percentage: fc.double({ min: 0, max: 100, noNaN: true }), value: fc.boolean(), stickiness: fc.constantFrom('targetingKey', 'country') }),
    fc.record({ type: fc.constant('targeting' as const), rules: fc.array(fc.record({ when: conditionArb, serve: tie('r') }), { maxLength: 3 }) }),
    fc.record({ type: fc.constant('schedule' as const), windows: fc.array(fc.record({ from: fc.constantFrom('2020-01-01 00:00:00', 'garbage', '2030-01-01T00:00:00Z') }), { minLength: 1, maxLength: 2 }) }),
  ),
})).r;

describe('evaluation never throws (properties)', () => {
  it('for arbitrary rule trees and arbitrary contexts, without schema validation', () => {
    fc.assert(
      fc.property(ruleArb, fc.dictionary(fc.string(), fc.anything()), fc.anything(), (rule, extra, weird) => {
        const engine = createEngine();
        engine.load({ definitions: [{ key: 'f', type: 'boolean', fallbackValue: false, defaultRule: rule }] }, { validate: false });
        const contexts = [
          { ...extra, targetingKey: 'k', country: weird, age: weird, user: { plan: weird }, ip: weird, version: weird },
          extra,
          weird as never,
        ];
        for (const ctx of contexts) {
          const r = engine.evaluate('f', ctx);
          expect(['STATIC', 'DEFAULT', 'TARGETING_MATCH', 'SPLIT', 'SCHEDULE', 'ERROR']).toContain(r.reason);
          if (r.reason !== 'ERROR') expect(typeof r.value).toBe('boolean');
          expect(engine.evaluateAll(ctx)).toHaveLength(1);
        }
      }),
      { numRuns: runs(1500) },
    );
  });
});
