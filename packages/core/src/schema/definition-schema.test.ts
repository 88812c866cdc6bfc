import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definitionIssues, parseDefinition } from './parse-definition';
import { runs } from '../../../../tooling/testing/property.ts';

const messages = (input: unknown) => definitionIssues(input).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('flag definition schema', () => {
  it('accepts cds-style keys and every rule kind', () => {
    expect(() =>
      parseDefinition({
        key: '/check/priority',
        type: 'number',
        fallbackValue: 0,
        environments: {
          prod: { type: 'targeting', rules: [{ when: { all: [{ attribute: 'plan', operator: 'eq', value: 'pro' }] }, serve: { type: 'rollout', percentage: 10.5, value: 3 } }], otherwise: { type: 'static', value: 1 } },
          dev: { type: 'variant', variants: [{ value: 1, weight: 30 }, { value: 2, weight: 40 }, { value: 3, weight: 10.5 }, { value: 4, weight: 19.5 }] },
          stage: { type: 'schedule', timezone: 'America/New_York', windows: [{ from: '2024-01-01 00:00:00', to: '2024-12-31T23:59:59-05:00' }], value: 9, otherwise: { type: 'static', value: 0 } },
          qa: { type: 'acceptance', source: 'pivotal', state: 'delivered', items: [{ storyId: 1 }], value: 1 },
        },
        validations: [{ scopes: ['tenant'] }, { regex: '^\\d+$' }, { validator: 'custom' }],
        prerequisites: [{ flag: 'other', value: true }],
      }),
    ).not.toThrow();
  });

  it('explains every problem with its path', () => {
    expect(
      messages({
        key: 'bad key!',
        type: 'boolean',
        fallbackValue: 'no',
        environments: {
          a: { type: 'variant', variants: [{ value: true, weight: 50 }, { value: 'x', weight: 49.5 }] },
          b: { type: 'schedule', windows: [{ from: 'tomorrow', to: '2020-01-01 00:00:00' }], timezone: 'Mars/Base' },
          c: { type: 'targeting', rules: [{ when: { attribute: 'x', operator: 'like', value: 1 }, serve: { type: 'static', value: true } }] },
          d: { type: 'rollout', percentage: 120, value: true },
        },
        prerequisites: [{ flag: 'bad key!' }],
        validations: [{ regex: '(' }],
        colour: 'red',
      }),
    ).toEqual(
      expect.arrayContaining([
        'key: must be 1 to 256 letters, digits or _ - . / :',
        'fallbackValue: value "no" has invalid type string, must be boolean',
        'environments.a.variants.1.value: value "x" has invalid type string, must be boolean',
        'environments.a.variants: weights sum to 99.5, must be 100',
        'environments.b.timezone: unknown time zone "Mars/Base"',
        expect.stringMatching(/^environments\.c\.rules\.0\.when(\.operator)?: /),
        'environments.d.percentage: must be between 0 and 100',
        'prerequisites.0.flag: must be 1 to 256 letters, digits or _ - . / :',
        'validations.0.regex: invalid regular expression "(": missing closing ): `(`',
        expect.stringMatching(/colour/),
      ]),
    );
  });

  it('refuses unknown keys at every level, naming the key they most likely misspell', () => {
    expect(messages({ key: 'k', type: 'boolean', fallbackValue: false, enabeld: false })).toEqual([': unknown key "enabeld" (did you mean "enabled"?)']);
    expect(
      messages({ key: 'k', type: 'boolean', fallbackValue: false, defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'a', operator: 'eq', value: 1, negat: true }, serve: { type: 'static', value: true } }] } }),
    ).toEqual(['defaultRule.rules.0.when: unknown key "negat" (did you mean "negate"?)']);
    expect(messages({ key: 'k', type: 'string', fallbackValue: 'a', defaultRule: { type: 'variant', variants: [{ value: 'a', wieght: 100 }] } })).toEqual(
      expect.arrayContaining(['defaultRule.variants.0: unknown key "wieght" (did you mean "weight"?)']),
    );
    expect(messages({ key: 'k', type: 'boolean', fallbackValue: false, colour: 'red' })).toEqual([': unknown key "colour"']);
  });

  it('refuses acceptance rules without items: they could never be accepted', () => {
    expect(messages({ key: 'k', type: 'boolean', fallbackValue: false, defaultRule: { type: 'acceptance', source: 'pivotal', state: 'delivered', items: [] } })).toEqual([
      'defaultRule.items: needs at least one item',
    ]);
  });

  it('checks schedule windows and non-boolean defaults', () => {
    expect(messages({ key: 'k', type: 'string', fallbackValue: 'x', defaultRule: { type: 'schedule', windows: [{ from: '2020-02-01 00:00:00', to: '2020-01-01 00:00:00' }, {}] } })).toEqual([
      'defaultRule.windows.0: window ends (2020-01-01 00:00:00) before it starts (2020-02-01 00:00:00)',
      'defaultRule.windows.1: a window needs from, to or both',
      'defaultRule.value: required for string flags (only boolean flags default to true)',
    ]);
    expect(messages({ key: 'k', type: 'boolean', fallbackValue: true, defaultRule: { type: 'schedule', windows: [{ from: 'soon' }] } })).toEqual([
      'defaultRule.windows.0.from: "soon" is not a date (YYYY-MM-DD HH:mm:ss or ISO 8601)',
    ]);
  });

  it('refuses self prerequisites, duplicate variant names and bad regex conditions', () => {
    expect(
      messages({
        key: 'k',
        type: 'string',
        fallbackValue: 'a',
        prerequisites: [{ flag: 'k' }],
        defaultRule: {
          type: 'targeting',
          rules: [{ when: { attribute: 'e', operator: 'matches', value: '[' }, serve: { type: 'variant', variants: [{ value: 'a', weight: 50 }, { value: 'b', weight: 50, name: 'a' }] } }],
        },
      }).sort(),
    ).toEqual([
      'defaultRule.rules.0.serve.variants.1.name: duplicate variant name "a"',
      'defaultRule.rules.0.when.value: invalid regular expression "[": missing closing ]: `[`',
      'prerequisites.0.flag: a flag cannot be its own prerequisite',
    ]);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        expect(Array.isArray(definitionIssues(input))).toBe(true);
      }),
      { numRuns: runs(2000) },
    );
  });
});
