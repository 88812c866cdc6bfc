import fc from 'fast-check';
import { scopeKey } from '@switchyard/core';
import type { Condition, FlagDefinition, FlagType, FlagValue, JsonObject, JsonValue, MaintainedValues, Rule, Validation } from '@switchyard/core';

/** JSON without -0 (JSON cannot write it) and without `__proto__` keys (objects cannot hold them as data). */
const json: fc.Arbitrary<JsonValue> = fc
  .jsonValue({ maxDepth: 2 })
  .map((v) => JSON.parse(JSON.stringify(v)) as JsonValue)
  .filter((v) => !JSON.stringify(v).includes('"__proto__"'));
const jsonObject: fc.Arbitrary<JsonObject> = fc.dictionary(fc.string().filter((k) => k !== '__proto__'), json, { maxKeys: 3 });
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })).filter((n) => !Object.is(n, -0));

export const flagKey = fc.stringMatching(/^[A-Za-z0-9_\-./:]{1,16}$/);

export function valueOf(type: FlagType): fc.Arbitrary<FlagValue> {
  switch (type) {
    case 'boolean':
      return fc.boolean();
    case 'string':
      return text;
    case 'number':
      return number;
    case 'object':
      return fc.oneof(jsonObject, fc.array(json, { maxLength: 3 }));
  }
}

const attribute = fc.constantFrom('country', 'plan', 'age', 'user.email', 'app version');
const flags = { caseInsensitive: fc.boolean(), negate: fc.boolean() };
const leaf: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ attribute, operator: fc.constantFrom('eq', 'neq', 'contains'), value: fc.oneof(text, number, fc.boolean()), ...flags }, { requiredKeys: ['attribute', 'operator', 'value'] }),
  fc.record({ attribute, operator: fc.constant('starts_with'), value: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), ...flags }, { requiredKeys: ['attribute', 'operator', 'value'] }),
  // Lists are never empty: `in []` could never match (and neither could a negated `nin []`).
  fc.record({ attribute, operator: fc.constantFrom('in', 'nin'), value: fc.array(fc.oneof(text, number), { minLength: 1, maxLength: 3 }), ...flags }, { requiredKeys: ['attribute', 'operator', 'value'] }),
  fc.record({ attribute, operator: fc.constant('matches'), value: fc.constantFrom('^a', '[0-9]+$', 'x|y', '^\\w+@example\\.com$'), ...flags }, { requiredKeys: ['attribute', 'operator', 'value'] }),
  fc.record({ attribute, operator: fc.constantFrom('semver_gte', 'semver_lt'), value: fc.constantFrom('1.0.0', '2.3.4-beta.1') }),
);
const condition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('c'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('c'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('c') }),
  ),
})).c;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const featurisDate = (d: Date) =>
  `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
const window = fc
  .tuple(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), fc.constantFrom('both', 'from', 'to'), fc.boolean())
  .map(([a, b, ends, iso]) => {
    const [from, to] = a <= b ? [a, b] : [b, a];
    const show = (d: Date) => (iso ? d.toISOString() : featurisDate(d));
    return ends === 'both' ? { from: show(from), to: show(to) } : ends === 'from' ? { from: show(from) } : { to: show(to) };
  });

/** Integer weights summing to 100, so every split is valid. */
const weights = fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 0, maxLength: 4 }).map((cuts) => {
  const points = [0, ...cuts.sort((a, b) => a - b), 100];
  return points.slice(1).map((p, i) => p - points[i]!);
});

export function ruleOf(type: FlagType, depth = 2): fc.Arbitrary<Rule> {
  const value = valueOf(type);
  const nested = depth > 0 ? fc.option(ruleOf(type, depth - 1), { nil: undefined }) : fc.constant(undefined);
  const inside = type === 'boolean' ? fc.option(value, { nil: undefined }) : value;
  const clean = <T extends object>(r: T): T => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as T;
  const options: fc.Arbitrary<Rule>[] = [
    fc.record({ type: fc.constant('static' as const), value, variant: fc.string({ minLength: 1, maxLength: 5 }) }, { requiredKeys: ['type', 'value'] }),
    fc
      .record({ weights, stickiness: fc.option(fc.constantFrom('targetingKey', 'accountId'), { nil: undefined }), seed: fc.option(text, { nil: undefined }), values: fc.array(value, { minLength: 5, maxLength: 5 }) })
      .map(({ weights: w, values, ...rest }) => clean({ type: 'variant' as const, variants: w.map((weight, i) => ({ value: values[i]!, weight, name: `v${i}` })), ...rest })),
    fc
      .record({ percentage: fc.double({ min: 0, max: 100, noNaN: true }).filter((n) => !Object.is(n, -0)), value, otherwise: nested, stickiness: fc.option(fc.constant('deviceId'), { nil: undefined }) })
      .map((r) => clean({ type: 'rollout' as const, ...r })),
    fc
      .record({ windows: fc.array(window, { minLength: 1, maxLength: 3 }), timezone: fc.option(fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York'), { nil: undefined }), value: inside, otherwise: nested })
      .map((r) => clean({ type: 'schedule' as const, ...r })),
    fc
      .record({ source: fc.constantFrom('pivotal', 'jira'), state: fc.constantFrom('delivered', 'done'), items: fc.array(jsonObject, { minLength: 1, maxLength: 3 }), value: inside, otherwise: nested })
      .map((r) => clean({ type: 'acceptance' as const, ...r })),
  ];
  if (depth > 0) {
    options.push(
      fc
        .record({
          rules: fc.array(fc.record({ name: fc.string({ maxLength: 6 }), when: condition, serve: ruleOf(type, depth - 1) }, { requiredKeys: ['when', 'serve'] }), { maxLength: 3 }),
          otherwise: nested,
        })
        .map((r) => clean({ type: 'targeting' as const, ...r })),
    );
  }
  return fc.oneof(...options);
}

const scopeValue = fc.stringMatching(/^[a-z0-9@.]{1,8}$/);
const scope = fc.record({ tenant: scopeValue, user: scopeValue, region: scopeValue }, { requiredKeys: [] }).filter((s) => Object.keys(s).length > 0);

const validation: fc.Arbitrary<Validation> = fc.oneof(
  fc.record({ regex: fc.constant('^[\\s\\S]*$'), message: fc.string({ maxLength: 8 }) }, { requiredKeys: ['regex'] }),
  fc.constant<Validation>({ scopes: ['tenant', 'user', 'region'] }),
  fc.record({ validator: fc.constantFrom('even', 'tenantCheck') }),
);

export interface GeneratedFlag {
  definition: FlagDefinition;
  values?: MaintainedValues;
}

export const generatedFlag: fc.Arbitrary<GeneratedFlag> = fc
  .constantFrom<FlagType>('boolean', 'string', 'number', 'object')
  .chain((type) =>
    fc.record(
      {
        key: flagKey,
        description: text,
        enabled: fc.boolean(),
        fallbackValue: valueOf(type),
        environments: fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== '__proto__'), ruleOf(type), { maxKeys: 3 }),
        defaultRule: ruleOf(type),
        prerequisites: fc.array(fc.record({ flag: flagKey, value: fc.oneof(fc.boolean(), text) }, { requiredKeys: ['flag'] }), { maxLength: 2 }),
        validations: fc.array(validation, { maxLength: 3 }),
        tags: fc.array(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 3 }),
        metadata: jsonObject,
        root: valueOf(type),
        scoped: fc.array(fc.tuple(scope, valueOf(type)), { maxLength: 3 }),
      },
      { requiredKeys: ['key', 'fallbackValue'] },
    ).map(({ root, scoped, ...fields }) => {
      const definition = { ...fields, type } as FlagDefinition;
      definition.prerequisites = definition.prerequisites?.filter((p) => p.flag !== definition.key);
      if (definition.prerequisites?.length === 0) delete definition.prerequisites;
      const values: MaintainedValues = {};
      if (root !== undefined) values.rootValue = root;
      const byScope: Record<string, FlagValue> = {};
      for (const [s, v] of scoped ?? []) byScope[scopeKey(s)] = v;
      if (Object.keys(byScope).length) values.scopedValues = byScope;
      return values.rootValue === undefined && values.scopedValues === undefined ? { definition } : { definition, values };
    }),
  );

/** Flags with distinct keys. */
export const generatedFlags = fc.uniqueArray(generatedFlag, { selector: (f) => f.definition.key, maxLength: 5 });
