import { ValidationError, type JsonValue } from '@switchyard/core';

/** Checks that a value can be stored (plain JSON); refuses `undefined`, functions, NaN, class instances. */
export function storableValue(feature: string, scopeId: string, value: unknown, what: string): JsonValue {
  const problem = value === undefined ? 'undefined' : jsonProblem(value, '', 0);
  if (problem === undefined) return value as JsonValue;
  const message =
    value === undefined
      ? `${what} of feature "${feature}" returned undefined for scope "${scopeId}"; return a JSON value (false to deactivate)`
      : `${what} of feature "${feature}" returned a value that cannot be stored for scope "${scopeId}": ${problem}`;
  throw new ValidationError([{ path: [feature], message }], message);
}

function jsonProblem(value: unknown, at: string, depth: number): string | undefined {
  const where = at ? ` at ${at}` : '';
  if (depth > 64) return `it is nested more than 64 levels deep${where}`;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${value}${where} is not a finite number`;
    case 'object': {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const p = jsonProblem(value[i], `${at}[${i}]`, depth + 1);
          if (p) return p;
        }
        return undefined;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        return `a ${value.constructor?.name ?? 'class'} instance${where} is not plain JSON`;
      }
      for (const [k, v] of Object.entries(value)) {
        const p = jsonProblem(v, at ? `${at}.${k}` : k, depth + 1);
        if (p) return p;
      }
      return undefined;
    }
    default:
      return `a ${typeof value}${where} is not JSON`;
  }
}
