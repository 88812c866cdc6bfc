import { scopeKey } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { detectFormat, formatDiagnostic, parseManifest } from '../src/index';
import { evaluator, parseValid, readExample } from './helpers';

const header = 'switchyard: 1\nflags:\n';

function flag(body: string) {
  const result = parseValid(`${header}${body}`, 'flags.yaml');
  expect(result.definitions).toHaveLength(1);
  return result.definitions[0]!;
}

describe('native format: detection', () => {
  it('is native exactly when the root mapping has the key switchyard', () => {
    expect(detectFormat({ switchyard: 1, flags: {} })).toBe('native');
    expect(detectFormat({ switchyard: 2 })).toBe('native');
    expect(detectFormat({ checkout_page: { production: true } })).toBe('featuris');
    expect(detectFormat([{ switchyard: 1 }])).toBe('featuris');
    expect(detectFormat(null)).toBe('featuris');
  });

  it('reads a native document with no flags as empty', () => {
    expect(parseManifest('switchyard: 1\n', { file: 'a.yaml' })).toEqual({ format: 'native', definitions: [], values: {}, errors: [], warnings: [] });
  });

  it('accepts a $schema key in JSON and ignores it', () => {
    const result = parseValid('{"$schema": "./schema.json", "switchyard": 1, "flags": {"a": {"fallback": true}}}', 'a.json');
    expect(result.definitions[0]).toMatchObject({ key: 'a', type: 'boolean', fallbackValue: true });
    expect(result.warnings).toEqual([]);
  });
});

describe('native format: definitions', () => {
  it('infers the type from the fallback and accepts fallbackValue or its alias fallback', () => {
    expect(flag('  a:\n    fallback: 3\n')).toMatchObject({ key: 'a', type: 'number', fallbackValue: 3 });
    expect(flag('  a:\n    fallbackValue: "x"\n')).toMatchObject({ type: 'string', fallbackValue: 'x' });
    expect(flag('  a:\n    fallback: {size: 1}\n')).toMatchObject({ type: 'object', fallbackValue: { size: 1 } });
    expect(flag('  a:\n    fallback: [1, 2]\n')).toMatchObject({ type: 'object', fallbackValue: [1, 2] });
    expect(flag('  a:\n    type: boolean\n    fallbackValue: false\n')).toMatchObject({ type: 'boolean', fallbackValue: false });
  });

  it('keeps description, enabled, tags, metadata and the file flag set and source', () => {
    const d = flag('  team.search/ranking:\n    description: Ranking.\n    enabled: false\n    fallback: a\n    tags: [search]\n    metadata: {owner: search, jira: [S-1]}\n');
    expect(d).toEqual({
      key: 'team.search/ranking',
      type: 'string',
      description: 'Ranking.',
      enabled: false,
      fallbackValue: 'a',
      tags: ['search'],
      metadata: { owner: 'search', jira: ['S-1'] },
      flagSet: 'flags',
      source: { kind: 'manifest', file: 'flags.yaml', line: 3, column: 3 },
    });
  });

  it('expands plain values to static rules in environments, the default rule, serve and otherwise', () => {
    const d = flag(
      [
        '  a:',
        '    fallback: "off"',
        '    environments:',
        '      development: "on"',
        '      production:',
        '        type: targeting',
        '        rules:',
        '          - when: {attribute: plan, operator: eq, value: pro}',
        '            serve: "pro"',
        '        otherwise: "basic"',
        '    defaultRule: "default"',
      ].join('\n'),
    );
    expect(d.environments).toEqual({
      development: { type: 'static', value: 'on' },
      production: {
        type: 'targeting',
        rules: [{ when: { attribute: 'plan', operator: 'eq', value: 'pro' }, serve: { type: 'static', value: 'pro' } }],
        otherwise: { type: 'static', value: 'basic' },
      },
    });
    expect(d.defaultRule).toEqual({ type: 'static', value: 'default' });
  });

  it('reads every rule kind', () => {
    const result = parseValid(readExample('checkout.yaml'), 'checkout.yaml');
    const byKey = new Map(result.definitions.map((d) => [d.key, d]));
    expect(byKey.get('checkout-express-pay')).toMatchObject({
      prerequisites: [{ flag: 'new-checkout' }],
      defaultRule: { type: 'rollout', percentage: 25, value: true },
    });
    const production = byKey.get('new-checkout')!.environments!.production!;
    expect(production).toEqual({
      type: 'targeting',
      rules: [
        { name: 'staff', when: { attribute: 'email', operator: 'ends_with', value: '@example.com', caseInsensitive: true }, serve: { type: 'static', value: true } },
        {
          name: 'adult-paying-customers-in-launch-markets',
          when: {
            all: [
              { attribute: 'country', operator: 'in', value: ['DE', 'FR', 'NL'] },
              { attribute: 'age', operator: 'gte', value: 18 },
              { any: [{ attribute: 'plan', operator: 'eq', value: 'pro' }, { attribute: 'plan', operator: 'eq', value: 'enterprise' }] },
            ],
          },
          serve: { type: 'static', value: true },
        },
        {
          name: 'quarter-of-everyone-outside-the-us',
          when: { not: { attribute: 'country', operator: 'eq', value: 'US' } },
          serve: { type: 'rollout', percentage: 25, value: true },
        },
      ],
      otherwise: { type: 'static', value: false },
    });
    const schedule = flag('  sale:\n    fallback: 0\n    defaultRule: {type: schedule, timezone: Europe/Paris, value: 20, otherwise: 5, windows: [{from: "2024-11-29 00:00:00", to: "2024-12-02 23:59:59"}]}\n');
    expect(schedule.defaultRule).toEqual({
      type: 'schedule',
      timezone: 'Europe/Paris',
      value: 20,
      otherwise: { type: 'static', value: 5 },
      windows: [{ from: '2024-11-29 00:00:00', to: '2024-12-02 23:59:59' }],
    });
    const acceptance = flag('  a:\n    fallback: false\n    defaultRule: {type: acceptance, source: jira, state: done, items: [{issue: SW-1}]}\n');
    expect(acceptance.defaultRule).toEqual({ type: 'acceptance', source: 'jira', state: 'done', items: [{ issue: 'SW-1' }] });
    const variant = flag('  a:\n    fallback: x\n    defaultRule: {type: variant, stickiness: accountId, seed: s1, variants: [{value: x, weight: 50, name: control}, {value: y, weight: 50}]}\n');
    expect(variant.defaultRule).toEqual({
      type: 'variant',
      stickiness: 'accountId',
      seed: 's1',
      variants: [
        { value: 'x', weight: 50, name: 'control' },
        { value: 'y', weight: 50 },
      ],
    });
  });

  it('evaluates the checkout example: condition trees, a 25% rollout and a prerequisite', () => {
    const e = evaluator(parseValid(readExample('checkout.yaml'), 'checkout.yaml'));
    const production = (context: Record<string, unknown>) => e.details('new-checkout', 'production', context);
    expect(production({ targetingKey: 'u1', email: 'Ann@EXAMPLE.com', country: 'US' })).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    expect(production({ targetingKey: 'u2', country: 'DE', age: 30, plan: 'pro' })).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    expect(production({ targetingKey: 'u3', country: 'US', age: 30, plan: 'pro' })).toMatchObject({ value: false });
    let rolledOut = 0;
    for (let i = 0; i < 4000; i++) if (production({ targetingKey: `u-${i}`, country: 'DE', age: 17, plan: 'pro' }).value === true) rolledOut++;
    expect(rolledOut / 4000).toBeGreaterThan(0.22);
    expect(rolledOut / 4000).toBeLessThan(0.28);
    expect(e.value('checkout-express-pay', 'development', { targetingKey: 'u1' })).toBe(true);
    // The prerequisite (new-checkout) is off in an unlisted environment, so express pay serves its fallback.
    expect(e.details('checkout-express-pay', 'qa', { targetingKey: 'u1' })).toMatchObject({ value: false, reason: 'PREREQUISITE_FAILED' });
    expect(e.value('checkout-currency', 'production', { country: 'GB' })).toBe('GBP');
    expect(e.value('checkout-currency', 'production', { country: 'US' })).toBe('USD');
    expect(e.value('checkout-currency', 'production', { country: 'FR' })).toBe('EUR');
  });
});

describe('native format: seeded values', () => {
  it('returns root and scoped values keyed by scopeKey, separately from definitions', () => {
    const result = parseValid(readExample('platform/toggles.yaml'), 'platform/toggles.yaml');
    expect(result.definitions.map((d) => [d.key, d.flagSet])).toEqual([
      ['/check/priority', 'platform/toggles'],
      ['/memory/logInterval', 'platform/toggles'],
      ['/fts/check-service-extension', 'platform/toggles'],
    ]);
    expect(result.definitions[0]!.validations).toEqual([{ scopes: ['user', 'tenant'] }, { regex: '^\\d+$' }]);
    expect(result.values).toEqual({
      '/check/priority': {
        rootValue: 1,
        scopedValues: {
          [scopeKey({ tenant: 'people' })]: 10,
          [scopeKey({ user: 'alice@wonderland.com' })]: 100,
        },
      },
    });
    expect(Object.keys(result.values['/check/priority']!.scopedValues!)).toEqual(['tenant::people', 'user::alice@wonderland.com']);
  });

  it('serves seeded values through the engine, most specific scope first', () => {
    const e = evaluator(parseValid(readExample('platform/toggles.yaml'), 'platform/toggles.yaml'));
    expect(e.details('/check/priority', undefined, {})).toMatchObject({ value: 1 });
    expect(e.details('/check/priority', undefined, { tenant: 'people' })).toMatchObject({ value: 10, reason: 'SCOPED' });
    expect(e.details('/check/priority', undefined, { tenant: 'people', user: 'alice@wonderland.com' })).toMatchObject({ value: 100, reason: 'SCOPED' });
    expect(e.value('/memory/logInterval', undefined)).toBe(0);
  });

  it('orders scope keys canonically whatever order the file uses', () => {
    const result = parseValid(`${header}  a:\n    fallback: 0\n    values:\n      scoped:\n        - {scope: {user: bob, tenant: t1}, value: 2}\n`);
    expect(result.values).toEqual({ a: { scopedValues: { 'tenant::t1##user::bob': 2 } } });
  });

  it('applies named validators to seeded values only when they are supplied', () => {
    const text = `${header}  a:\n    fallback: 0\n    validations: [{validator: even}]\n    values: {root: 3}\n`;
    expect(parseManifest(text, { file: 'v.yaml' }).errors).toEqual([]);
    const checked = parseManifest(text, { file: 'v.yaml', validators: { even: (v) => (Number(v) % 2 === 0 ? undefined : 'must be even') } });
    expect(checked.errors.map(formatDiagnostic)).toEqual(['v.yaml:6:14 flags.a.values.root: must be even']);
    expect(checked.definitions).toEqual([]);
    expect(checked.values).toEqual({});
  });
});

describe('native format: problems', () => {
  it('reports every problem of a flag at once, shape and cross-field checks together', () => {
    const text = `${header}  a:\n    fallback: false\n    environments:\n      qa: {type: rollout, percentage: "half", value: true}\n      production: {type: variant, variants: [{value: true, weight: 60}, {value: false, weight: 30}]}\n`;
    const result = parseManifest(text, { file: 'a.yaml' });
    expect(result.errors.map(formatDiagnostic)).toEqual([
      'a.yaml:6:27 flags.a.environments.qa.percentage: expected number, got string "half"',
      'a.yaml:7:88 flags.a.environments.production.variants[1].weight: weights sum to 90, must be 100',
    ]);
  });

  it('positions JSON problems at the key', () => {
    const text = '{\n  "switchyard": 1,\n  "flags": {\n    "a": {\n      "fallback": true,\n      "tags": [""]\n    }\n  }\n}\n';
    expect(parseManifest(text, { file: 'a.json' }).errors.map(formatDiagnostic)).toEqual(['a.json:6:16 flags.a.tags[0]: must not be empty']);
  });

  it('quotes path segments that are not plain', () => {
    const text = `${header}  "a.b":\n    fallback: 1\n    environments:\n      "eu west": "x"\n`;
    expect(parseManifest(text, { file: 'a.yaml' }).errors.map(formatDiagnostic)).toEqual([
      'a.yaml:6:7 flags["a.b"].environments["eu west"]: value "x" has invalid type string, must be number',
    ]);
  });
});
