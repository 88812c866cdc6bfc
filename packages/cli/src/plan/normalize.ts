import { parseDefinition } from '@switchyard/core';
import type { FlagDefinition, JsonValue } from '@switchyard/core';

/**
 * A definition as a store keeps it, without `source` (where it was read from is not part of what
 * it is). Both sides of a comparison go through the same schema, so defaults and shorthands
 * never show up as changes.
 */
export function normalizeDefinition(definition: FlagDefinition): FlagDefinition {
  const { source: _source, ...rest } = parseDefinition({ ...definition, source: undefined });
  return rest;
}

/** JSON with object keys sorted, so equal values compare equal as text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

export function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
