import { createEngine, type FlagDefinition } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { exportFlagd, parseManifest } from '../src/index';

const definitions: FlagDefinition[] = [
  { key: 'plain', type: 'boolean', fallbackValue: false },
  { key: 'on', type: 'boolean', fallbackValue: false, defaultRule: { type: 'static', value: true } },
  {
    key: 'currency',
    type: 'string',
    fallbackValue: 'EUR',
    metadata: { owner: 'payments' },
    defaultRule: {
      type: 'targeting',
      rules: [
        { when: { attribute: 'country', operator: 'in', value: ['US', 'PR'] }, serve: { type: 'static', value: 'USD' } },
        { when: { all: [{ attribute: 'email', operator: 'ends_with', value: '@example.co.uk' }, { attribute: 'plan', operator: 'neq', value: 'free' }] }, serve: { type: 'static', value: 'GBP' } },
        { when: { attribute: 'age', operator: 'gte', value: 65 }, serve: { type: 'static', value: 'CHF' } },
        { when: { attribute: 'version', operator: 'semver_gte', value: '2.0.0' }, serve: { type: 'static', value: 'JPY' } },
      ],
    },
  },
  {
    key: 'sale',
    type: 'boolean',
    fallbackValue: false,
    defaultRule: { type: 'schedule', windows: [{ from: '2024-11-29 00:00:00', to: '2024-12-02 23:59:59' }], timezone: 'Europe/Berlin' },
  },
  { key: 'split', type: 'string', fallbackValue: 'a', defaultRule: { type: 'variant', variants: [{ value: 'a', weight: 33.3 }, { value: 'b', weight: 66.7 }] } },
  { key: 'flagd', type: 'number', fallbackValue: 1, defaultRule: { type: 'flagd', variants: { one: 1, two: 2 }, defaultVariant: 'one', targeting: { if: [{ var: 'big' }, 'two', null] } } },
  { key: 'per-env', type: 'boolean', fallbackValue: false, environments: { production: { type: 'static', value: true } } },
  { key: 'accepted', type: 'boolean', fallbackValue: false, defaultRule: { type: 'acceptance', source: 'pivotal', state: 'delivered', items: [] } },
  { key: 'regex', type: 'boolean', fallbackValue: false, defaultRule: { type: 'targeting', rules: [{ when: { attribute: 'email', operator: 'matches', value: '^a' }, serve: { type: 'static', value: true } }] } },
  { key: 'needs', type: 'boolean', fallbackValue: false, prerequisites: [{ flag: 'on' }] },
];

describe('exportFlagd', () => {
  const out = exportFlagd(definitions);
  const parsed = parseManifest(out.text, { file: 'out.json' });

  it('writes a flagd document that reads back as flagd without problems', () => {
    expect(parsed.format).toBe('flagd');
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings).toEqual([]);
    expect(out.written).toEqual(['plain', 'on', 'currency', 'sale', 'split', 'flagd']);
  });

  it('says precisely what it could not write', () => {
    const errors = out.notes.filter((n) => n.severity === 'error').map((n) => `${n.key}: ${n.message}`);
    expect(errors).toEqual([
      'per-env: not written: rules per environment (production); flagd has none: choose one with --environment',
      'accepted: not written: an acceptance rule asks the "pivotal" source at run time, which flagd cannot',
      'regex: not written: operator matches (on "email") has no JsonLogic equivalent',
      'needs: not written: prerequisites (on) have no flagd equivalent',
    ]);
    expect(out.notes.filter((n) => n.key === 'split').map((n) => n.message)).toContain(
      'the split is written as fractional, which buckets units differently: units move between variants (the proportions are kept)',
    );
  });

  it('evaluates as the native definitions do for contexts of matching types', () => {
    const clock = { now: Date.UTC(2024, 10, 30, 12) };
    const native = createEngine({ clock: () => clock.now });
    native.load({ definitions: definitions.filter((d) => out.written.includes(d.key)) });
    const flagd = createEngine({ clock: () => clock.now });
    flagd.load({ definitions: parsed.definitions });
    const contexts = [
      {},
      { country: 'US' },
      { country: 'DE', email: 'x@example.co.uk', plan: 'pro' },
      { email: 'x@example.co.uk', plan: 'free' },
      { email: 'x@example.co.uk' },
      { age: 70 },
      { age: 30, version: '2.1.0' },
      { version: '1.9.9' },
      { big: true },
    ];
    for (const key of ['plain', 'on', 'currency', 'sale', 'flagd']) {
      for (const now of [Date.UTC(2024, 10, 28, 22, 59, 59), Date.UTC(2024, 10, 28, 23), Date.UTC(2024, 11, 2, 22, 59, 59), Date.UTC(2024, 11, 2, 23)]) {
        clock.now = now;
        for (const context of contexts) expect(flagd.evaluate(key, context).value, `${key} ${JSON.stringify(context)} at ${new Date(now).toISOString()}`).toEqual(native.evaluate(key, context).value);
      }
    }
  });

  it('keeps the split proportions, and round-trips flagd rules exactly', () => {
    const flagd = createEngine();
    flagd.load({ definitions: parsed.definitions });
    let b = 0;
    for (let i = 0; i < 10_000; i++) if (flagd.evaluate('split', { targetingKey: `u${i}` }).value === 'b') b++;
    expect(b / 10_000).toBeGreaterThan(0.64);
    expect(b / 10_000).toBeLessThan(0.69);
    expect(parsed.definitions.find((d) => d.key === 'flagd')?.defaultRule).toEqual(definitions.find((d) => d.key === 'flagd')?.defaultRule);
  });

  it('writes the rule of a chosen environment', () => {
    const one = exportFlagd([definitions.find((d) => d.key === 'per-env')!], {}, { environment: 'production' });
    expect(one.written).toEqual(['per-env']);
    expect(JSON.parse(one.text).flags['per-env']).toEqual({ state: 'ENABLED', variants: { false: false, true: true }, defaultVariant: 'true' });
  });

  it('refuses flags with maintained values', () => {
    const r = exportFlagd([definitions[0]!], { plain: { rootValue: true } });
    expect(r.notes).toEqual([{ key: 'plain', severity: 'error', message: 'not written: it has maintained (root or scoped) values, which flagd cannot hold' }]);
  });
});
