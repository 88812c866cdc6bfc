import { describe, expect, it } from 'vitest';
import { parseScopeKey, scopeMapProblems } from '../scope/scope-key';
import { validateValueUpdates } from '../store/value-updates';
import { definitionIssues } from './parse-definition';
import { scopeMapSchema } from './scope-schema';
import { isFlagKey } from './definition-schema';
import type { FlagDefinition, ValueUpdate } from '../index';

const RESERVED = ['__proto__', 'constructor', 'prototype'];

describe('reserved names are never flag keys or scope keys', () => {
  it('flag definitions with a reserved key are refused', () => {
    for (const key of RESERVED) {
      expect(isFlagKey(key)).toBe(false);
      expect(definitionIssues({ key, type: 'boolean', fallbackValue: false }).map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
        `key: flag key "${key}" is reserved (__proto__, constructor, prototype are never keys)`,
      ]);
      expect(definitionIssues({ key: 'ok', type: 'boolean', fallbackValue: false, prerequisites: [{ flag: key }] })[0]?.message).toMatch(/is reserved/);
    }
    expect(isFlagKey('/check/priority')).toBe(true);
    expect(isFlagKey('proto')).toBe(true);
  });

  it('scope maps with a reserved key are refused, as JSON.parse builds them (own __proto__)', () => {
    for (const key of RESERVED) {
      const scope: unknown = JSON.parse(`{"${key}": "x"}`);
      expect(scopeMapProblems(scope)).toEqual([`scope key "${key}" is reserved (__proto__, constructor, prototype are never keys)`]);
      const parsed = scopeMapSchema.safeParse(scope);
      expect(parsed.success, key).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/is reserved/);
    }
    expect(scopeMapSchema.parse({ tenant: 'acme' })).toEqual({ tenant: 'acme' });
    expect(scopeMapSchema.safeParse({ 'te nant': 'acme' }).success).toBe(false);
  });

  it('a value update with a reserved scope key or key is refused, never applied to the root', () => {
    const definition: FlagDefinition = { key: 'f', type: 'boolean', fallbackValue: false };
    const updates = [{ key: 'f', value: true, scope: JSON.parse('{"__proto__": "x"}') as Record<string, string> }] as ValueUpdate[];
    expect(() => validateValueUpdates(updates, () => definition)).toThrow(/scope key "__proto__" is reserved/);
    expect(() => validateValueUpdates([{ key: '__proto__', value: true, remoteOnly: true }], () => undefined)).toThrow(/flag key "__proto__" is reserved/);
    expect(() => validateValueUpdates([{ key: 'bad key', value: true, remoteOnly: true }], () => undefined)).toThrow(/key "bad key" must be 1 to 256 letters/);
  });

  it('stored scope keys naming a reserved key are not scope keys', () => {
    expect(parseScopeKey('__proto__::x')).toBeUndefined();
    expect(parseScopeKey('tenant::a##constructor::b')).toBeUndefined();
    expect(parseScopeKey('tenant::a')).toEqual({ tenant: 'a' });
  });
});
