import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cellSummary, summarizeRule, weightSum } from '../src/lib/rule-summary';
import { looseText, parseLoose, parseTyped } from '../src/lib/format';
import { setAt } from '../src/lib/paths';

describe('rule summaries shown in the flag list', () => {
  it('describes each rule type in one line', () => {
    expect(summarizeRule({ type: 'static', value: 'eu' })).toBe('eu');
    expect(summarizeRule({ type: 'variant', variants: [{ value: 'a', weight: 49.5 }, { value: { x: 1 }, weight: 50.5 }] })).toBe('a 49.5% · variant-1 50.5%');
    expect(summarizeRule({ type: 'rollout', percentage: 25, value: true, otherwise: { type: 'static', value: false } })).toBe('25% → true, else false');
    expect(summarizeRule({ type: 'schedule', windows: [{ from: '2025-01-01' }, { to: '2025-02-01' }] })).toBe('true in 2 windows');
    expect(summarizeRule({ type: 'targeting', rules: [] })).toBe('0 targeting rules');
  });

  it('tells own rules, inherited default rules, fallbacks and disabled flags apart', () => {
    const d = { key: 'k', type: 'string' as const, fallbackValue: 'fb', environments: { prod: { type: 'static' as const, value: 'p' } }, defaultRule: { type: 'static' as const, value: 'd' } };
    expect(cellSummary(d, 'prod')).toEqual({ text: 'p', kind: 'rule' });
    expect(cellSummary(d, 'dev')).toEqual({ text: 'd', kind: 'inherited' });
    expect(cellSummary(d, undefined)).toEqual({ text: 'd', kind: 'rule' });
    expect(cellSummary({ ...d, defaultRule: undefined }, 'dev')).toEqual({ text: 'fb', kind: 'fallback' });
    expect(cellSummary({ ...d, enabled: false }, 'prod')).toEqual({ text: 'fb', kind: 'off' });
  });

  it('sums weights as the server reports them', () => {
    expect(weightSum([49.5, 50])).toBe(99.5);
    expect(weightSum([30, 40, 10.5, 19.5])).toBe(100);
    expect(weightSum([33.33, 33.33, 33.34])).toBe(100);
  });
});

describe('inputs', () => {
  it('reads typed values strictly', () => {
    expect(parseTyped('number', '12.5')).toEqual({ ok: true, value: 12.5 });
    expect(parseTyped('number', '')).toEqual({ ok: false, error: 'must be a finite number' });
    expect(parseTyped('boolean', 'yes')).toEqual({ ok: false, error: 'must be true or false' });
    expect(parseTyped('object', '"x"')).toEqual({ ok: false, error: 'must be a JSON object or array' });
    expect(parseTyped('string', '42')).toEqual({ ok: true, value: '42' });
  });

  it('round-trips condition operands through their text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.array(fc.string())), (value) => {
        // Blank text means the empty string; everything else comes back as it was.
        expect(parseLoose(looseText(value))).toEqual(typeof value === 'string' && value.trim() === '' ? '' : value);
      }),
    );
  });

  it('replaces nested values without touching the original', () => {
    const original = { environments: { prod: { variants: [{ weight: 50 }, { weight: 50 }] } } };
    const next = setAt(original, ['environments', 'prod', 'variants', 1, 'weight'], 49.5);
    expect(next).toEqual({ environments: { prod: { variants: [{ weight: 50 }, { weight: 49.5 }] } } });
    expect(original.environments.prod.variants[1]!.weight).toBe(50);
    expect(setAt({ a: 1, b: 2 }, ['b'], undefined)).toEqual({ a: 1 });
  });
});

