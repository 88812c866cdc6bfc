import { z } from 'zod';
import { unknownKeyMessage } from '../text/did-you-mean';

/** The keys a strict object accepted, by the input object that carried unknown keys (see `knownKeysOf`). */
const knownByInput = new WeakMap<object, readonly string[]>();

/**
 * A zod object that refuses unknown keys with a precise message per key, naming the key it most
 * likely misspells: `unknown key "enabeld" (did you mean "enabled"?)`. Every request schema and
 * every definition schema is built with it, so no surface ignores a key.
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape): z.ZodObject<Shape, z.core.$strict> {
  const known = Object.freeze(Object.keys(shape));
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const input = issue.input;
      if (input !== null && typeof input === 'object') knownByInput.set(input, known);
      return issue.keys.map((key) => unknownKeyMessage(key, known)).join('; ');
    },
  });
}

/**
 * The keys accepted where `input` (an object reported with an `unrecognized_keys` issue, as zod
 * passes it with `reportInput`) was checked by a `strictObject`; tools that report one problem per
 * key use it to suggest the intended key in their own vocabulary.
 */
export function knownKeysOf(input: unknown): readonly string[] | undefined {
  return input !== null && typeof input === 'object' ? knownByInput.get(input) : undefined;
}
