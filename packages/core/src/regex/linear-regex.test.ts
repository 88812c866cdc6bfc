import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runs } from '../../../../tooling/testing/property.ts';
import { createEngine } from '../engine/engine';
import { definitionIssues } from '../schema/parse-definition';
import { validateValue } from '../validation/validate-value';
import { compilePattern, MAX_PATTERN_LENGTH, patternProblem } from './linear-regex';

const ADVERSARIAL = `${'a'.repeat(30)}!`;

/** Median of `rounds` timings of `n` calls of `fn`, in milliseconds per call. */
function perCall(fn: () => unknown, n = 200, rounds = 5): number {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < n; i++) fn();
    times.push((performance.now() - start) / n);
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

function compiled(pattern: string, caseInsensitive = false) {
  const c = compilePattern(pattern, { caseInsensitive });
  if (!c.ok) throw new Error(c.reason);
  return c.regex;
}

describe('user-supplied patterns run on a linear-time engine', () => {
  it('patterns that stall a backtracking engine cost about what a plain pattern costs', () => {
    const plain = compiled('^a+$');
    const base = perCall(() => plain.test(ADVERSARIAL));
    const figures: string[] = [];
    for (const pattern of ['^(a|a)*$', '(\\w|\\d)*$', '^(a+)+$', '(x+x+)+y', '^(\\w+\\s?)*$']) {
      const re = compiled(pattern);
      const t = perCall(() => re.test(ADVERSARIAL));
      figures.push(`${pattern} ${(t * 1000).toFixed(1)} µs`);
      // Linear time: the same order as the plain pattern on the same input. A backtracking engine
      // needs seconds for ^(a|a)*$ on these 31 characters, a factor of over a million.
      expect(t / base, pattern).toBeLessThan(50);
    }
    console.log(`[regex] 31-char adversarial input, per test: plain ^a+$ ${(base * 1000).toFixed(1)} µs; ${figures.join('; ')}`);
    expect(compiled('^(a|a)*$').test(ADVERSARIAL)).toBe(false);
    expect(compiled('(\\w|\\d)*$').test(ADVERSARIAL)).toBe(true);
  });

  it('time grows linearly with the input, for an adversarial pattern too', () => {
    const re = compiled('^(a|aa)*$');
    const short = perCall(() => re.test(`${'a'.repeat(100)}!`), 50);
    const long = perCall(() => re.test(`${'a'.repeat(1000)}!`), 50);
    // Ten times the input: about ten times the work (generous bounds for a shared machine).
    expect(long / short).toBeLessThan(40);
  });

  it('takes JavaScript syntax: classes, named groups, \\u escapes, escaped slashes, case-insensitivity', () => {
    expect(compiled('^[a-z]+@(acme|globex)\\.com$').test('ann@acme.com')).toBe(true);
    expect(compiled('^(?<year>\\d{4})-\\d{2}$').test('2024-05')).toBe(true);
    expect(compiled('^caf\\u00e9$').test('café')).toBe(true);
    expect(compiled('^a\\/b$').test('a/b')).toBe(true);
    expect(compiled('^beta$', true).test('BETA')).toBe(true);
    expect(compiled('^beta$').test('BETA')).toBe(false);
  });

  it('refuses what it cannot run in linear time, with the reason', () => {
    expect(patternProblem('(a)\\1')).toMatch(/back-references are not supported: patterns run on a linear-time engine/);
    expect(patternProblem('(?=a)a')).toMatch(/look-ahead and look-behind are not supported/);
    expect(patternProblem('(?!a)b')).toMatch(/look-ahead and look-behind are not supported/);
    expect(patternProblem('(?<=a)b')).toMatch(/look-ahead and look-behind are not supported/);
    expect(patternProblem('([')).toBe('missing closing ]: `[`');
    expect(patternProblem('a{1001}')).toBe('invalid repeat count: `{1001}`');
    expect(patternProblem('a'.repeat(MAX_PATTERN_LENGTH + 1))).toBe(`the pattern is ${MAX_PATTERN_LENGTH + 1} characters long, at most ${MAX_PATTERN_LENGTH} are allowed`);
    expect(patternProblem('^(a|a)*$')).toBeUndefined();
  });

  it('property: agrees with RegExp on patterns both engines accept', () => {
    const atom = fc.constantFrom('a', 'b', '.', '[ab]', '[^a]', '\\w', '\\d', 'c');
    const quantifier = fc.constantFrom('', '', '*', '+', '?', '{1,2}');
    const leaf = fc.tuple(atom, quantifier).map(([a, q]) => a + q);
    const pattern = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')),
        fc.tuple(tie('node'), tie('node'), quantifier).map(([x, y, q]) => `(${x}|${y})${q}`),
      ),
    })).node;
    const anchored = fc.tuple(fc.boolean(), pattern, fc.boolean()).map(([start, p, end]) => `${start ? '^' : ''}${p}${end ? '$' : ''}`);
    fc.assert(
      fc.property(anchored, fc.string({ unit: fc.constantFrom('a', 'b', 'c', '1', '_', ' '), maxLength: 10 }), fc.boolean(), (p, input, ci) => {
        expect(compiled(p, ci).test(input), `/${p}/${ci ? 'i' : ''} on ${JSON.stringify(input)}`).toBe(new RegExp(p, ci ? 'i' : '').test(input));
      }),
      { numRuns: runs(400) },
    );
  });
});

describe('every place a pattern enters uses the engine', () => {
  const flag = (extra: object) => ({ key: 'f', type: 'string', fallbackValue: 'x', ...extra });

  it('definitions: a validation regex or a matches condition that does not compile is refused at write time, naming why', () => {
    expect(definitionIssues(flag({ validations: [{ regex: '^(\\w)\\1$' }] })).map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'validations.0.regex: invalid regular expression "^(\\\\w)\\\\1$": invalid escape sequence: `\\1` (back-references are not supported: patterns run on a linear-time engine)',
    ]);
    const condition = { type: 'targeting', rules: [{ when: { attribute: 'email', operator: 'matches', value: '(?=x)' }, serve: { type: 'static', value: 'y' } }] };
    expect(definitionIssues(flag({ defaultRule: condition }))[0]?.message).toMatch(/^invalid regular expression "\(\?=x\)": .*look-ahead/);
    // The patterns behind catastrophic backtracking are accepted: they cannot stall this engine.
    expect(definitionIssues(flag({ validations: [{ regex: '^(a|a)*$' }, { regex: '(\\w|\\d)*$' }] }))).toEqual([]);
  });

  it('validations: a maintained value is checked against an adversarial regex quickly and correctly', () => {
    const definition = { key: 'v', type: 'string' as const, fallbackValue: 'a', validations: [{ regex: '^(a|a)*$' }] };
    const plain = { ...definition, validations: [{ regex: '^a*$' }] };
    const base = perCall(() => validateValue(plain, ADVERSARIAL), 100);
    const adversarial = perCall(() => validateValue(definition, ADVERSARIAL), 100);
    expect(adversarial / base).toBeLessThan(50);
    expect(validateValue(definition, ADVERSARIAL)).toEqual([{ path: ['value'], message: `value "${ADVERSARIAL}" does not match validation regular expression ^(a|a)*$` }]);
    expect(validateValue(definition, 'aaaa')).toEqual([]);
  });

  it('the matches operator evaluates adversarial patterns without stalling, and never throws', () => {
    const engine = createEngine();
    const targeting = (value: string, caseInsensitive?: boolean) => ({
      type: 'targeting' as const,
      rules: [{ when: { attribute: 'name', operator: 'matches', value, ...(caseInsensitive ? { caseInsensitive } : {}) }, serve: { type: 'static' as const, value: true } }],
    });
    engine.load({
      definitions: [
        { key: 'adversarial', type: 'boolean', fallbackValue: false, defaultRule: targeting('^(a|a)*$') },
        { key: 'classes', type: 'boolean', fallbackValue: false, defaultRule: targeting('(\\w|\\d)*$') },
        { key: 'plain', type: 'boolean', fallbackValue: false, defaultRule: targeting('^a+$') },
        { key: 'insensitive', type: 'boolean', fallbackValue: false, defaultRule: targeting('^ANN$', true) },
      ],
    });
    const context = { targetingKey: 'u', name: ADVERSARIAL };
    const base = perCall(() => engine.evaluate('plain', context));
    const adversarial = perCall(() => engine.evaluate('adversarial', context));
    expect(adversarial / base).toBeLessThan(50);
    console.log(`[regex] evaluate with matches on 31 chars: plain ${(base * 1000).toFixed(1)} µs, ^(a|a)*$ ${(adversarial * 1000).toFixed(1)} µs`);
    expect(engine.evaluate('adversarial', context).value).toBe(false);
    expect(engine.evaluate('adversarial', { targetingKey: 'u', name: 'aaa' }).value).toBe(true);
    expect(engine.evaluate('classes', context).value).toBe(true);
    expect(engine.evaluate('insensitive', { targetingKey: 'u', name: 'ann' }).value).toBe(true);
  });
});
