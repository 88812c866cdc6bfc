import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InvalidScopeError, NULL_SCOPE_ID, scopeIdOf } from '../src/index';

describe('scope identifiers', () => {
  test('scopeables, strings, numbers and null', () => {
    expect(scopeIdOf({ toFeatureIdentifier: () => 'acme' }, undefined)).toBe('acme');
    expect(scopeIdOf({ toFeatureIdentifier: () => 12 }, undefined)).toBe('12');
    expect(scopeIdOf('tenant-1', undefined)).toBe('tenant-1');
    expect(scopeIdOf(3.5, undefined)).toBe('3.5');
    expect(scopeIdOf(null, undefined)).toBe(NULL_SCOPE_ID);
  });

  test('the identify option answers for objects without toFeatureIdentifier, which wins when present', () => {
    const identify = (s: unknown) => (s as { id?: string }).id;
    expect(scopeIdOf({ id: 'u1' }, identify)).toBe('u1');
    expect(scopeIdOf({ id: 'u1', toFeatureIdentifier: () => 'own' }, identify)).toBe('own');
    expect(() => scopeIdOf({}, identify)).toThrow('the identify option of scope object returned undefined; it must return a non-empty string or a finite number');
  });

  test('missing, invalid and unstable identifiers are precise errors', () => {
    class Team {}
    expect(() => scopeIdOf(new Team(), undefined)).toThrow('scope Team has no toFeatureIdentifier() method and no identify option is configured');
    expect(() => scopeIdOf(undefined, undefined)).toThrow('scope is undefined; pass a scope, or null for the null scope');
    expect(() => scopeIdOf('', undefined)).toThrow('the scope of scope string returned an empty string');
    expect(() => scopeIdOf(Number.NaN, undefined)).toThrow(InvalidScopeError);
    expect(() => scopeIdOf(true, undefined)).toThrow('scope must be an object, a string, a number or null, not boolean');
    expect(() => scopeIdOf({ toFeatureIdentifier: () => null }, undefined)).toThrow(
      'toFeatureIdentifier() of scope object returned null; it must return a non-empty string or a finite number',
    );
    expect(() => scopeIdOf({ toFeatureIdentifier: () => crypto.randomUUID() }, undefined)).toThrow(/is unstable: it returned "[0-9a-f-]{36}", then "[0-9a-f-]{36}"/);
    try {
      scopeIdOf({ toFeatureIdentifier: () => Infinity }, undefined);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidScopeError);
      expect((err as InvalidScopeError).code).toBe('INVALID_SCOPE');
    }
  });

  test('property: any stable non-empty string or finite number identifies its scope as its string form', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ minLength: 1 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer()), (id) => {
        const expected = String(id);
        expect(scopeIdOf({ toFeatureIdentifier: () => id }, undefined)).toBe(expected);
        expect(scopeIdOf(id, undefined)).toBe(expected);
      }),
    );
  });
});
