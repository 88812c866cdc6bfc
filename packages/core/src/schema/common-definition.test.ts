import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptCommonDefinition } from './common-definition';
import { flagDefinitionSchema } from './definition-schema';
import { runs } from '../../../../tooling/testing/property.ts';

/** Every object's keys, depth first: zod returns keys in the schema's order, and so must the fast check. */
function keyOrder(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => keyOrder(v, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      keyOrder(v, out);
    }
  }
  return out;
}

/** The fast check gives exactly the schema's answer, or none. */
function agrees(input: unknown): boolean {
  const fast = acceptCommonDefinition(input);
  if (fast === undefined) return false;
  const zod = flagDefinitionSchema.safeParse(input);
  expect(zod.success, JSON.stringify(input)).toBe(true);
  if (!zod.success) return false;
  expect(fast).toStrictEqual(zod.data);
  expect(keyOrder(fast)).toEqual(keyOrder(zod.data));
  // A copy, as zod makes: callers may keep the input and change it.
  if (input !== null && typeof input === 'object') expect(fast).not.toBe(input);
  return true;
}

/** Values near the edges of each field's type. */
const oddValue = fc.constantFrom<unknown>(undefined, null, '', 'x', 'bad key', 0, -1, 101, 50.5, NaN, Infinity, true, false, [], {}, ['a'], { a: 1 }, '__proto__', 'constructor');
const maybeOdd = <T,>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 30, arbitrary: arb }, { weight: 1, arbitrary: oddValue });
const operator = fc.constantFrom('eq', 'neq', 'in', 'nin', 'gt', 'lt', 'starts_with', 'matches', 'semver_gt', 'cidr', 'before', 'nope');
const anyPrimitive = fc.oneof(fc.boolean(), fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 5 }), fc.double({ min: -10, max: 10, noNaN: true }));
const attribute = fc.record(
  {
    attribute: maybeOdd(fc.constantFrom('country', 'plan', 'email', 'version')),
    operator: maybeOdd(operator),
    value: maybeOdd(fc.oneof(anyPrimitive, fc.array(fc.oneof(anyPrimitive, fc.constant(null)), { maxLength: 3 }), fc.constantFrom('1.2.3', '10.0.0.0/8', '2025-01-01', '^a+$', '('))),
    caseInsensitive: maybeOdd(fc.boolean()),
    negate: maybeOdd(fc.boolean()),
  },
  { requiredKeys: ['attribute', 'operator'] },
);
const condition: fc.Arbitrary<unknown> = fc.letrec<{ c: unknown }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    attribute,
    fc.record({ all: fc.array(tie('c'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('c'), { maxLength: 3 }) }),
    fc.record({ not: tie('c') }),
  ),
})).c;

/** Rules serving values of one type (now and then an odd value of another). */
function ruleOf(primitive: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.letrec<{ r: unknown }>((tie) => ({
    r: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 4, arbitrary: fc.record({ type: fc.constant('static'), value: maybeOdd(primitive), variant: maybeOdd(fc.string({ maxLength: 3 })) }, { requiredKeys: ['type', 'value'] }) },
      fc.record(
        {
          type: fc.constant('variant'),
          variants: fc.oneof(
            fc.tuple(primitive, primitive).map(([a, b]) => [
              { value: a, weight: 50 },
              { value: b, weight: 50, name: 'b' },
            ]),
            fc.array(fc.record({ value: maybeOdd(primitive), weight: maybeOdd(fc.constantFrom(0, 25, 50, 100, 33.3)), name: maybeOdd(fc.string({ maxLength: 3 })) }, { requiredKeys: ['value', 'weight'] }), { maxLength: 4 }),
          ),
          stickiness: maybeOdd(fc.constantFrom('userId', 'accountId')),
          seed: maybeOdd(fc.string({ maxLength: 3 })),
        },
        { requiredKeys: ['type', 'variants'] },
      ),
      fc.record({ type: fc.constant('rollout'), percentage: maybeOdd(fc.integer({ min: -1, max: 101 })), value: maybeOdd(primitive), otherwise: tie('r'), stickiness: maybeOdd(fc.string({ maxLength: 3 })) }, { requiredKeys: ['type', 'percentage', 'value'] }),
      fc.record({ type: fc.constant('targeting'), rules: fc.array(fc.record({ name: maybeOdd(fc.string({ maxLength: 3 })), when: condition, serve: tie('r') }, { requiredKeys: ['when', 'serve'] }), { maxLength: 3 }), otherwise: tie('r') }, { requiredKeys: ['type', 'rules'] }),
      fc.record({ type: fc.constantFrom('schedule', 'flagd', 'nope'), value: primitive }),
    ),
  })).r;
}

/** Conditions that usually make sense (an operator with a value it takes). */
const sensibleCondition = fc.oneof(
  fc.record({ attribute: fc.constant('country'), operator: fc.constantFrom('in', 'nin'), value: fc.array(fc.string({ minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ attribute: fc.constant('plan'), operator: fc.constantFrom('eq', 'neq', 'starts_with'), value: fc.string({ minLength: 1, maxLength: 3 }), caseInsensitive: fc.boolean() }, { requiredKeys: ['attribute', 'operator', 'value'] }),
  fc.record({ attribute: fc.constant('age'), operator: fc.constantFrom('gt', 'lt'), value: fc.integer(), negate: fc.boolean() }, { requiredKeys: ['attribute', 'operator', 'value'] }),
);
function sensibleRuleOf(primitive: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const served = fc.record({ type: fc.constant('static'), value: primitive });
  return fc.oneof(
    served,
    fc.tuple(primitive, primitive).map(([a, b]) => ({ type: 'variant', variants: [{ value: a, weight: 50 }, { value: b, weight: 50, name: 'b' }], stickiness: 'userId' })),
    fc.record({ type: fc.constant('targeting'), rules: fc.array(fc.record({ when: fc.oneof(sensibleCondition, fc.record({ all: fc.array(sensibleCondition, { maxLength: 2 }) })), serve: served }), { maxLength: 2 }), otherwise: served }),
  );
}

const valueOfType = { boolean: fc.boolean(), string: fc.string({ maxLength: 6 }), number: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -10, max: 10, noNaN: true })), object: anyPrimitive };
const definition = fc.constantFrom('boolean', 'string', 'number', 'object').chain((type) => {
  const primitive = valueOfType[type];
  const rule = fc.oneof(ruleOf(primitive), sensibleRuleOf(primitive));
  return fc.record(
    {
      key: maybeOdd(fc.constantFrom('a', 'checkout-v2', 'team/x', 'cds/x:y')),
      type: maybeOdd(fc.constant(type)),
      description: maybeOdd(fc.string({ maxLength: 4 })),
      enabled: maybeOdd(fc.boolean()),
      fallbackValue: maybeOdd(primitive),
      environments: maybeOdd(fc.dictionary(fc.constantFrom('production', 'development', 'staging'), rule, { maxKeys: 3 })),
      defaultRule: rule,
      tags: maybeOdd(fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 })),
      flagSet: maybeOdd(fc.string({ maxLength: 3 })),
      source: maybeOdd(fc.record({ kind: maybeOdd(fc.constantFrom('manifest', 'store', 'code', 'auto', 'other')), file: maybeOdd(fc.string({ maxLength: 3 })), line: maybeOdd(fc.integer({ min: 0, max: 9 })), column: maybeOdd(fc.integer()) }, { requiredKeys: ['kind'] })),
    },
    { requiredKeys: ['key', 'type', 'fallbackValue'] },
  );
});
/** Now and then a field the fast check leaves to the schema, or one no definition has. */
const withExtra = fc.tuple(definition, fc.integer({ min: 0, max: 20 })).map(([d, n]) => (n === 0 ? { ...d, prerequisites: [{ flag: 'other' }] } : n === 1 ? { ...d, surprise: 1 } : d));

describe('acceptCommonDefinition', () => {
  it('gives the schema’s result or none, on definitions near and past the edges', () => {
    let accepted = 0;
    fc.assert(
      fc.property(withExtra, (input) => {
        if (agrees(input)) accepted++;
      }),
      { numRuns: runs(3000) },
    );
    // Enough valid common shapes are generated for the comparison to mean something.
    expect(accepted).toBeGreaterThan(runs(3000) / 10);
  });

  it('accepts the shapes large estates are made of', () => {
    const common = [
      { key: 'a', type: 'boolean', fallbackValue: false, environments: { development: { type: 'static', value: true }, production: { type: 'static', value: false } } },
      { key: 'b', type: 'boolean', fallbackValue: false, defaultRule: { type: 'targeting', rules: [{ when: { all: [{ attribute: 'country', operator: 'in', value: ['DE', 'FR'] }, { attribute: 'plan', operator: 'eq', value: 'pro' }] }, serve: { type: 'static', value: true } }], otherwise: { type: 'static', value: false } } },
      { key: 'c', type: 'string', fallbackValue: 'x', defaultRule: { type: 'variant', variants: [{ value: 'x', weight: 50 }, { value: 'y', weight: 50, name: 'treatment' }], stickiness: 'userId' }, tags: ['team'], flagSet: 'flags', source: { kind: 'manifest', file: 'flags.yaml', line: 3, column: 3 } },
      { key: 'd', type: 'number', fallbackValue: 1, enabled: false, description: 'n', defaultRule: { type: 'rollout', percentage: 10, value: 2, otherwise: { type: 'static', value: 1 } } },
    ];
    for (const input of common) expect(agrees(input), JSON.stringify(input)).toBe(true);
  });

  it('leaves every problem to the schema, which explains it', () => {
    const base = { key: 'a', type: 'boolean', fallbackValue: false };
    for (const input of [
      { ...base, fallbackValue: 'yes' },
      { ...base, defaultRule: { type: 'variant', variants: [{ value: true, weight: 60 }, { value: false, weight: 50 }] } },
      { ...base, defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'x', operator: 'matches', value: '(' }, serve: { type: 'static', value: true } }] } },
      { ...base, defaultRule: { type: 'targeting', rules: [{ when: { any: [] }, serve: { type: 'static', value: true } }] } },
      { ...base, enabeld: true },
      { ...base, key: '__proto__' },
      JSON.parse('{"key":"a","type":"boolean","fallbackValue":false,"__proto__":{"x":1}}') as unknown,
    ]) {
      expect(acceptCommonDefinition(input), JSON.stringify(input)).toBeUndefined();
      expect(flagDefinitionSchema.safeParse(input).success).toBe(false);
    }
  });
});
