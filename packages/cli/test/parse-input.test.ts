import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAttributeValue, parseContext, parseScope } from '../src/input/parse-pairs';
import { parseFlagValue } from '../src/input/parse-flag-value';
import { ExitError } from '../src/exit-error';

describe('parseAttributeValue', () => {
  it.each([
    ['true', true],
    ['false', false],
    ['42', 42],
    ['-3.5', -3.5],
    ['1e3', 1000],
    ['007', '007'],
    ['1e400', '1e400'],
    ['12345678901234567890', '12345678901234567890'],
    ['TRUE', 'TRUE'],
    ['', ''],
    ['0x10', '0x10'],
    [' 5', ' 5'],
    ['alice@example.com', 'alice@example.com'],
  ])('%j → %j', (text, expected) => {
    expect(parseAttributeValue(text)).toEqual(expected);
  });

  it('reads every safe integer and finite double back as the same number', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => parseAttributeValue(String(n)) === n));
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const v = parseAttributeValue(String(n));
        if (typeof v === 'number') return v === n;
        // Only integers too large to be exact stay text ("123456789012345680000").
        return Number.isInteger(n) && !Number.isSafeInteger(n);
      }),
    );
  });

  it('never turns text into a number that prints differently, except for formatting of decimals', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const v = parseAttributeValue(s);
        if (typeof v !== 'number') return v === s || (s === 'true' && v === true) || (s === 'false' && v === false);
        return Number(s) === v && /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(s);
      }),
    );
  });
});

describe('parseContext', () => {
  it('merges JSON and pairs, pairs last, splitting at the first =', () => {
    expect(parseContext(['a=1', 'url=x=y', 'a=2'], '{"a":"j","b":[1]}')).toEqual({ a: 2, b: [1], url: 'x=y' });
  });

  it('refuses malformed input with usage errors (exit 2)', () => {
    for (const run of [() => parseContext(['=x']), () => parseContext([], '{'), () => parseContext([], 'null')]) {
      expect(run).toThrow(ExitError);
      try {
        run();
      } catch (err) {
        expect((err as ExitError).exitCode).toBe(2);
      }
    }
  });
});

describe('parseScope', () => {
  it('builds scope maps and checks them with core rules', () => {
    expect(parseScope(['tenant=acme', 'user=a@b.c'])).toEqual({ tenant: 'acme', user: 'a@b.c' });
    expect(parseScope([])).toBeUndefined();
    expect(() => parseScope(['tenant=a', 'tenant=b'])).toThrow('--scope names "tenant" twice');
    expect(() => parseScope(['tenant=a::b'])).toThrow('--scope: scope value of "tenant" must not contain "::" or "##"');
  });
});

describe('parseFlagValue', () => {
  it('reads text by the flag type', () => {
    expect(parseFlagValue('123', 'string')).toBe('123');
    expect(parseFlagValue('123', 'number')).toBe(123);
    expect(parseFlagValue('true', 'boolean')).toBe(true);
    expect(parseFlagValue('{"a":1}', 'object')).toEqual({ a: 1 });
    expect(parseFlagValue('[1]', undefined)).toEqual([1]);
    expect(parseFlagValue('hello', undefined)).toBe('hello');
    expect(parseFlagValue('null', undefined)).toBe('null');
  });

  it('refuses text that does not fit the type', () => {
    expect(() => parseFlagValue('yes', 'boolean')).toThrow('value: expected true or false for a boolean flag, got "yes"');
    expect(() => parseFlagValue(' ', 'number')).toThrow('expected a number for a number flag');
    expect(() => parseFlagValue('"x"', 'object')).toThrow('expected a JSON object or array for an object flag');
  });

  it('keeps every string of a string flag unchanged', () => {
    fc.assert(fc.property(fc.string(), (s) => parseFlagValue(s, 'string') === s));
  });
});
