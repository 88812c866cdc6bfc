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
        const v = options.caseInsensitive && typeof item === 'string' ? item.toLowerCase() : item;
        if (v === e) return true;
      }
      return false;
    }
    return inString ? inString(actual) : undefined;
  };
};

/**
 * Regular-expression match. Patterns that risk catastrophic backtracking are refused when the
 * flag is compiled (see `isSafePattern`), and very long inputs are not tested.
 */
export const matches: Operator = (expected, { caseInsensitive }) => {
  if (typeof expected !== 'string' || !isSafePattern(expected)) return undefined;
  let re: RegExp;
  try {
    re = new RegExp(expected, caseInsensitive ? 'i' : '');
  } catch {
    return undefined;
  }
  return (actual) => {
    if (typeof actual !== 'string' || actual.length > MAX_REGEX_INPUT) return undefined;
    return re.test(actual);
  };
};

/**
 * Refuses patterns with a quantified group that itself contains a quantifier (`(a+)+`, `(\w*)*`,
 * `(a|a?)+`) — the shape behind catastrophic backtracking — and back-references.
 */
export function isSafePattern(pattern: string): boolean {
  if (pattern.length > 1024) return false;
  if (/\\[1-9]/.test(pattern)) return false;
  const stack: { quantified: boolean }[] = [];
  let escaped = false;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (escaped) {
      escaped = false;
      continue;
    }
    if (c === '\\') {
      escaped = true;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push({ quantified: false });
    else if (c === ')') {
      const group = stack.pop();
      const next = pattern[i + 1];
      const quantifiedGroup = next === '*' || next === '+' || next === '{' || next === '?';
      if (group?.quantified && quantifiedGroup && next !== '?') return false;
      if (group?.quantified && stack.length > 0) stack[stack.length - 1]!.quantified = true;
    } else if (c === '*' || c === '+' || c === '{' || (c === '?' && pattern[i - 1] !== '(')) {
      if (stack.length > 0) stack[stack.length - 1]!.quantified = true;
    }
  }
  return true;
}
