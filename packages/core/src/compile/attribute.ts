import type { EvaluationContext } from '../types/context';

/** Reads one context attribute; `undefined` when absent. */
export type AttributeGetter = (context: EvaluationContext) => unknown;

/**
 * A getter for an attribute name. A name with dots reads the literal key first and then the
 * nested path (`user.country` → `context.user.country`), so both flat and nested contexts work.
 */
export function attributeGetter(name: string): AttributeGetter {
  if (!name.includes('.')) return directGetter(name);
  const path = name.split('.');
  return (context) => {
    const direct = context[name];
    if (direct !== undefined) return direct;
    let current: unknown = context;
    for (const part of path) {
      if (current === null || typeof current !== 'object') return undefined;
      current = (current as Record<string, unknown>)[part];
    }
    return current;
  };
}

const readTargetingKey: AttributeGetter = (context) => context.targetingKey;

/**
 * A getter with the property name fixed in its own code, so each attribute read gets its own inline
 * cache instead of one shared, megamorphic keyed load. Falls back to a closure where code
 * generation is not allowed (strict CSP).
 */
function directGetter(name: string): AttributeGetter {
  if (name === 'targetingKey') return readTargetingKey;
  // One getter per attribute name, shared by every flag that reads it: fewer functions to warm up,
  // and one inline cache that sees the callers' context shapes.
  let getter = getters.get(name);
  if (getter) return getter;
  try {
    // The name is embedded as a JSON string literal, so the generated body is one property read whatever it holds.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- deliberate code generation (see above), with a closure fallback
    getter = new Function('c', `return c[${JSON.stringify(name)}];`) as AttributeGetter;
  } catch {
    getter = (context) => context[name];
  }
  if (getters.size < MAX_CACHED_GETTERS) getters.set(name, getter);
  return getter;
}

const MAX_CACHED_GETTERS = 10_000;
const getters = new Map<string, AttributeGetter>();
