import { getOperator } from '../operators/registry';
import type { Condition } from '../types/condition';
import type { EvaluationContext } from '../types/context';
import { attributeGetter } from './attribute';

/** A compiled condition tree. */
export type Predicate = (context: EvaluationContext) => boolean;

const NEVER: Predicate = () => false;
const ALWAYS: Predicate = () => true;

/**
 * Compiles a condition tree into one predicate. Unknown operators and unusable expected values
 * compile to "never matches"; a missing (undefined/null) attribute never matches, with or without
 * `negate`, and neither does a value the operator cannot compare.
 */
export function compileCondition(condition: Condition): Predicate {
  if ('all' in condition) return allOf(condition.all.map(compileCondition));
  if ('any' in condition) return anyOf(condition.any.map(compileCondition));
  if ('not' in condition) {
    const inner = compileCondition(condition.not);
    return (context) => !inner(context);
  }
  const operator = getOperator(condition.operator);
  if (!operator) return NEVER;
  const test = operator(condition.value, { caseInsensitive: condition.caseInsensitive === true });
  if (!test) return NEVER;
  const get = attributeGetter(condition.attribute);
  if (condition.negate) {
    return (context) => {
      const actual = get(context);
      return actual !== undefined && actual !== null && test(actual) === false;
    };
  }
  return (context) => {
    const actual = get(context);
    return actual !== undefined && actual !== null && test(actual) === true;
  };
}

function allOf(parts: Predicate[]): Predicate {
  // Fixed arities avoid a loop and let the JIT inline the common small rules.
  if (parts.length <= 1) return parts[0] ?? ALWAYS;
  switch (parts.length) {
    case 2: {
      const [a, b] = parts as [Predicate, Predicate];
      return (c) => a(c) && b(c);
    }
    case 3: {
      const [a, b, d] = parts as [Predicate, Predicate, Predicate];
      return (c) => a(c) && b(c) && d(c);
    }
    default:
      return (c) => {
        for (let i = 0; i < parts.length; i++) if (!parts[i]!(c)) return false;
        return true;
      };
  }
}

function anyOf(parts: Predicate[]): Predicate {
  if (parts.length <= 1) return parts[0] ?? NEVER;
  if (parts.length === 2) {
    const [a, b] = parts as [Predicate, Predicate];
    return (c) => a(c) || b(c);
  }
  return (c) => {
    for (let i = 0; i < parts.length; i++) if (parts[i]!(c)) return true;
    return false;
  };
}
