/**
 * Names that are never keys: as a property of a plain object `__proto__` changes the prototype
 * instead of holding a value, and `constructor`/`prototype` shadow what every object inherits. A
 * parser that builds objects from input would drop or misread them (a scoped write turning into a
 * root one), so they are refused wherever a flag key or a scope key enters.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True for a name in `RESERVED_KEYS`. */
export function isReservedKey(key: string): boolean {
  return RESERVED_KEYS.has(key);
}

/** The refusal for a reserved name, for issue messages. */
export function reservedKeyMessage(what: string, key: string): string {
  return `${what} "${key}" is reserved (${[...RESERVED_KEYS].join(', ')} are never keys)`;
}
