import { compilePattern } from '../regex/linear-regex';
import type { Operator } from './types';

/** Inputs longer than this are not tested by `matches`: they cannot be legitimate attributes. */
export const MAX_REGEX_INPUT = 4096;

function stringOp(test: (actual: string, expected: string) => boolean): Operator {
  return (expected, { caseInsensitive }) => {
    if (typeof expected !== 'string') return undefined;
    const e = caseInsensitive ? expected.toLowerCase() : expected;
    return (actual) => {
      if (typeof actual !== 'string') return undefined;
      return test(caseInsensitive ? actual.toLowerCase() : actual, e);
    };
  };
}

export const startsWith = stringOp((a, e) => a.startsWith(e));
export const endsWith = stringOp((a, e) => a.endsWith(e));

/** Substring of a string attribute, or element of an array attribute. */
export const contains: Operator = (expected, options) => {
  const inString = stringOp((a, e) => a.includes(e))(expected, options);
  return (actual) => {
    if (Array.isArray(actual)) {
      const e = options.caseInsensitive && typeof expected === 'string' ? expected.toLowerCase() : expected;
      for (const item of actual) {
        const v: unknown = options.caseInsensitive && typeof item === 'string' ? item.toLowerCase() : item;
        if (v === e) return true;
      }
      return false;
    }
    return inString ? inString(actual) : undefined;
  };
};

/**
 * Regular-expression match on the linear-time engine (see `compilePattern`): no pattern can make an
 * evaluation slow. Patterns that do not compile were refused when the flag was written; very long
 * inputs are not tested.
 */
export const matches: Operator = (expected, { caseInsensitive }) => {
  if (typeof expected !== 'string') return undefined;
  const compiled = compilePattern(expected, { caseInsensitive });
  if (!compiled.ok) return undefined;
  const re = compiled.regex;
  return (actual) => {
    if (typeof actual !== 'string' || actual.length > MAX_REGEX_INPUT) return undefined;
    return re.test(actual);
  };
};
