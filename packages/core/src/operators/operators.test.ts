import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getOperator, operatorNames } from './registry';
import { runs } from '../../../../tooling/testing/property.ts';

function test(op: string, expected: unknown, actual: unknown, caseInsensitive = false) {
  const prepared = getOperator(op)?.(expected, { caseInsensitive });
  return prepared === undefined ? 'unusable' : prepared(actual);
}

describe('operators', () => {
  it('knows exactly the documented operators', () => {
    expect([...operatorNames].sort()).toEqual(
      ['after', 'before', 'contains', 'ends_with', 'eq', 'gt', 'gte', 'in', 'in_cidr', 'lt', 'lte', 'matches', 'neq', 'nin',
        'semver_eq', 'semver_gt', 'semver_gte', 'semver_lt', 'semver_lte', 'starts_with'].sort(),
    );
    expect(getOperator('nope')).toBeUndefined();
    expect(getOperator('toString')).toBeUndefined();
    expect(getOperator('__proto__')).toBeUndefined();
  });

  it('eq / neq compare strings, numbers (also numeric strings) and booleans', () => {
    expect(test('eq', 'pro', 'pro')).toBe(true);
    expect(test('eq', 'pro', 'Pro')).toBe(false);
    expect(test('eq', 'pro', 'Pro', true)).toBe(true);
    expect(test('eq', 18, '18')).toBe(true);
    expect(test('eq', 18, 18.5)).toBe(false);
    expect(test('eq', true, true)).toBe(true);
    expect(test('eq', true, 'true')).toBe(true);
    expect(test('eq', true, 'yes')).toBeUndefined();
    expect(test('eq', '1', 1)).toBe(true);
    expect(test('eq', 'a', { a: 1 })).toBeUndefined();
    expect(test('eq', { a: 1 }, { a: 1 })).toBe('unusable');
    expect(test('neq', 'pro', 'free')).toBe(true);
    expect(test('neq', 'pro', 'pro')).toBe(false);
    expect(test('neq', 5, 'abc')).toBeUndefined();
  });

  it('gt / gte / lt / lte are numeric and fail closed on anything else', () => {
    expect(test('gte', 18, 18)).toBe(true);
    expect(test('gt', 18, 18)).toBe(false);
    expect(test('lt', '10', 9)).toBe(true);
    expect(test('lte', 10, '10')).toBe(true);
    expect(test('gt', 1, 'abc')).toBeUndefined();
    expect(test('gt', 1, '')).toBeUndefined();
    expect(test('gt', 1, NaN)).toBeUndefined();
    expect(test('gt', 'abc', 1)).toBe('unusable');
  });

  it('in / nin test membership, any element for array attributes', () => {
    expect(test('in', ['US', 'CA', 'MX'], 'CA')).toBe(true);
    expect(test('in', ['US', 'CA'], 'ca')).toBe(false);
    expect(test('in', ['US', 'CA'], 'ca', true)).toBe(true);
    expect(test('in', [1, 2, 3], 2)).toBe(true);
    expect(test('in', [1, 2, 3], '2')).toBe(true);
    expect(test('in', ['beta', 'staff'], ['users', 'staff'])).toBe(true);
    expect(test('in', ['beta'], ['users'])).toBe(false);
    expect(test('in', ['beta'], [{}])).toBeUndefined();
    expect(test('in', 'US', 'US')).toBe('unusable');
    expect(test('nin', ['US'], 'FR')).toBe(true);
    expect(test('nin', ['US'], 'US')).toBe(false);
    expect(test('nin', ['US'], {})).toBeUndefined();
  });

  it('string operators', () => {
    expect(test('starts_with', 'admin@', 'admin@example.com')).toBe(true);
    expect(test('ends_with', '@example.com', 'bob@EXAMPLE.com', true)).toBe(true);
    expect(test('ends_with', '@example.com', 'bob@EXAMPLE.com')).toBe(false);
    expect(test('contains', 'beta', 'opt-in-beta-2')).toBe(true);
    expect(test('contains', 'beta', ['alpha', 'beta'])).toBe(true);
    expect(test('contains', 'BETA', ['alpha', 'beta'], true)).toBe(true);
    expect(test('starts_with', 'a', 5)).toBeUndefined();
    expect(test('matches', '^[a-z]+@corp\\.com$', 'ann@corp.com')).toBe(true);
    expect(test('matches', '^[a-z]+$', 'ANN', true)).toBe(true);
    expect(test('matches', '([', 'x')).toBe('unusable');
    // Nested quantifiers are fine on the linear-time engine; back-references and look-arounds do not compile.
    expect(test('matches', '(a+)+$', 'aaaa')).toBe(true);
    expect(test('matches', '(a)\\1', 'aa')).toBe('unusable');
    expect(test('matches', '(?=a)a', 'a')).toBe('unusable');
    expect(test('matches', 'a', 'a'.repeat(10_000))).toBeUndefined();
  });

  it('semver operators', () => {
    expect(test('semver_gte', '2.1.0', '2.10.0')).toBe(true);
    expect(test('semver_lt', '2.1.0', 'v2.0.9')).toBe(true);
    expect(test('semver_eq', '1.0.0', '1.0.0')).toBe(true);
    expect(test('semver_gt', '1.0.0', '1.0.0-beta.2')).toBe(false);
    expect(test('semver_lte', '1.0.0', '1.0.0-beta.2')).toBe(true);
    expect(test('semver_gt', '1.0.0', 'not-a-version')).toBeUndefined();
    expect(test('semver_gt', 'x', '1.0.0')).toBe('unusable');
  });

  it('date operators accept ISO strings, epoch milliseconds and Dates', () => {
    expect(test('before', '2025-01-01T00:00:00Z', '2024-12-31T23:59:59Z')).toBe(true);
    expect(test('after', '2025-01-01 00:00:00', Date.UTC(2025, 0, 1, 0, 0, 1))).toBe(true);
    expect(test('after', '2025-01-01T00:00:00Z', new Date('2024-06-01T00:00:00Z'))).toBe(false);
    expect(test('before', '2025-01-01', 'yesterday')).toBeUndefined();
    expect(test('before', 'someday', '2024-01-01')).toBe('unusable');
  });

  it('in_cidr matches IPv4, IPv6 and IPv4-mapped addresses', () => {
    expect(test('in_cidr', '10.0.0.0/8', '10.1.2.3')).toBe(true);
    expect(test('in_cidr', ['192.168.0.0/16', '10.0.0.0/8'], '192.168.4.4')).toBe(true);
    expect(test('in_cidr', '10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(test('in_cidr', '2001:db8::/32', '2001:db8::1')).toBe(true);
    expect(test('in_cidr', '10.0.0.0/8', '::ffff:10.0.0.1')).toBe(true);
    expect(test('in_cidr', '10.0.0.1', '10.0.0.1')).toBe(true);
    expect(test('in_cidr', '10.0.0.0/8', 'not-an-ip')).toBeUndefined();
    expect(test('in_cidr', '10.0.0.0/99', '10.0.0.1')).toBe('unusable');
  });

  it('never throws, whatever the expected and actual values', () => {
    fc.assert(
      fc.property(fc.constantFrom(...operatorNames), fc.anything(), fc.anything(), fc.boolean(), (op, expected, actual, ci) => {
        const prepared = getOperator(op)!(expected, { caseInsensitive: ci });
        if (prepared) {
          const r = prepared(actual);
          expect(r === true || r === false || r === undefined).toBe(true);
        }
      }),
      { numRuns: runs(5000) },
    );
  });
});
