import { primitiveKey, toNumber } from './coerce';
import type { Operator } from './types';

/**
 * Equality. Numbers match numeric strings and booleans match `"true"`/`"false"`, because
 * attributes often arrive as strings; objects and arrays are never equal to anything.
 */
export const eq: Operator = (expected, { caseInsensitive }) => {
  if (typeof expected === 'number') {
    return (actual) => {
      const n = toNumber(actual);
      return n === undefined ? undefined : n === expected;
    };
  }
  if (typeof expected === 'boolean') {
    return (actual) => {
      if (typeof actual === 'boolean') return actual === expected;
      if (actual === 'true' || actual === 'false') return (actual === 'true') === expected;
      return undefined;
    };
  }
  if (typeof expected === 'string') {
    if (caseInsensitive) {
      const lower = expected.toLowerCase();
      return (actual) => (typeof actual === 'string' ? actual.toLowerCase() === lower : primitiveEq(actual, expected));
    }
    return (actual) => (typeof actual === 'string' ? actual === expected : primitiveEq(actual, expected));
  }
  if (expected === null) return (actual) => actual === null;
  return undefined;
};

function primitiveEq(actual: unknown, expected: string): boolean | undefined {
  if (typeof actual === 'number' || typeof actual === 'boolean') return String(actual) === expected;
  return undefined;
}

/** The operator's answer inverted. "Not comparable" (`undefined`) stays so: a negation fails closed too. */
function negated(operator: Operator): Operator {
  return (expected, options) => {
    const test = operator(expected, options);
    if (!test) return undefined;
    return (actual) => {
      const r = test(actual);
      return r === undefined ? undefined : !r;
    };
  };
}

export const neq: Operator = negated(eq);

function numeric(compare: (a: number, b: number) => boolean): Operator {
  return (expected) => {
    const b = toNumber(expected);
    if (b === undefined) return undefined;
    return (actual) => {
      const a = toNumber(actual);
      return a === undefined ? undefined : compare(a, b);
    };
  };
}

export const gt = numeric((a, b) => a > b);
export const gte = numeric((a, b) => a >= b);
export const lt = numeric((a, b) => a < b);
export const lte = numeric((a, b) => a <= b);

/** Membership in a list. An array attribute matches when any of its elements is in the list. */
export const inList: Operator = (expected, { caseInsensitive }) => {
  if (!Array.isArray(expected)) return undefined;
  const set = new Set<string>();
  for (const item of expected) {
    const k = primitiveKey(item, caseInsensitive);
    if (k !== undefined) set.add(k);
  }
  const single = (actual: unknown): boolean | undefined => {
    if (typeof actual === 'string') return set.has(caseInsensitive ? actual.toLowerCase() : actual);
    const k = primitiveKey(actual, caseInsensitive);
    return k === undefined ? undefined : set.has(k);
  };
  return (actual) => {
    if (!Array.isArray(actual)) return single(actual);
    let comparable = false;
    for (const item of actual) {
      const r = single(item);
      if (r) return true;
      if (r === false) comparable = true;
    }
    return comparable ? false : undefined;
  };
};

export const notInList: Operator = negated(inList);
