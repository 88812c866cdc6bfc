import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/engine';
import { murmur3 } from '../hash/murmur3';
import type { FlagDefinition } from '../types/flag';
import { bucketOfHash, fractional } from './fractional';
import { semVer, startsWith, endsWith } from './sem-ver';
import { runs } from '../../../../tooling/testing/property.ts';

describe('flagd fractional', () => {
  it('computes (hash * totalWeight) >> 32 exactly, as flagd does with 64-bit integers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 2147483647 }), (hash, total) => {
        expect(bucketOfHash(hash, total)).toBe(Number((BigInt(hash) * BigInt(total)) >> 32n));
      }),
      { numRuns: runs(5000) },
    );
  });

  it('buckets flagKey + targetingKey, or the given string, with murmur3 over UTF-8', () => {
    const buckets = [['a', 50], ['b', 50]];
    const ctx = { targetingKey: 'user-1' };
    const byKey = bucketOfHash(murmur3('my-flaguser-1'), 100) < 50 ? 'a' : 'b';
    expect(fractional(buckets, 'my-flag', ctx)).toBe(byKey);
    expect(fractional([null, ...buckets], 'my-flag', ctx)).toBe(byKey);
    const given = bucketOfHash(murmur3('seed-x'), 100) < 50 ? 'a' : 'b';
    expect(fractional(['seed-x', ...buckets], 'my-flag', ctx)).toBe(given);
  });

  it('weights default to 1, negative weights count as 0; malformed input, no unit or a zero total give null', () => {
    expect(fractional([['only']], 'f', { targetingKey: 'k' })).toBe('only');
    expect(fractional([['one', -50], ['two', 100]], 'f', { targetingKey: 'k' })).toBe('two');
    expect(fractional([['one', 0], ['two', 0]], 'f', { targetingKey: 'k' })).toBeNull();
    expect(fractional([['one', 1.5]], 'f', { targetingKey: 'k' })).toBeNull();
    expect(fractional([['one', '5']], 'f', { targetingKey: 'k' })).toBeNull();
    expect(fractional([[{}, 1]], 'f', { targetingKey: 'k' })).toBeNull();
    expect(fractional([5, ['a', 1]], 'f', { targetingKey: 'k' })).toBeNull();
    expect(fractional([['a', 1]], 'f', {})).toBeNull();
    expect(fractional([], 'f', { targetingKey: 'k' })).toBeNull();
    expect(fractional([[true, 0], [false, 1]], 'f', { targetingKey: 'k' })).toBe(false);
  });

  it('spreads units in proportion to the weights', () => {
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 20_000; i++) counts[fractional([['a', 25], ['b', 75]], 'f', { targetingKey: `u${i}` }) as 'a' | 'b']++;
    expect(counts.a / 20_000).toBeGreaterThan(0.23);
    expect(counts.a / 20_000).toBeLessThan(0.27);
  });
});

describe('flagd sem_ver, starts_with, ends_with', () => {
  it('compares versions with flagd operators, leniently about v and shorthands, null on bad input', () => {
    expect(semVer(['2.0.0', '=', '2.0.0'])).toBe(true);
    expect(semVer(['2.0.0-alpha', '<', '2.0.0'])).toBe(true);
    expect(semVer(['3.0.1', '~', '3.0.0'])).toBe(true);
    expect(semVer(['3.1.0', '~', '3.0.0'])).toBe(false);
    expect(semVer(['3.1.0', '^', '3.0.0'])).toBe(true);
    expect(semVer(['V1.0.0', '=', 'v1.0.0'])).toBe(true);
    expect(semVer([1.2, '>', '1.1'])).toBe(true);
    expect(semVer(['1.0.0+build', '=', '1.0.0'])).toBe(true);
    expect(semVer(['2.0.0.0', '=', '2.0.0'])).toBeNull();
    expect(semVer(['1.0.0', '===', '1.0.0'])).toBeNull();
    expect(semVer(['1.0.0', '='])).toBeNull();
  });

  it('string operators need two strings', () => {
    expect(startsWith(['abcdef', 'abc'])).toBe(true);
    expect(endsWith(['abcdef', 'xyz'])).toBe(false);
    expect(startsWith([123, 'abc'])).toBeNull();
    expect(endsWith(['abc'])).toBeNull();
  });
});

describe('flagd rules in the engine', () => {
  const flag = (key: string, rule: Partial<Extract<NonNullable<FlagDefinition['defaultRule']>, { type: 'flagd' }>>, extra: Partial<FlagDefinition> = {}): FlagDefinition => ({
    key,
    type: 'string',
    fallbackValue: 'zero',
    defaultRule: { type: 'flagd', variants: { a: 'A', b: 'B' }, ...rule },
    ...extra,
  });
  const engine = createEngine({ clock: () => 1_700_000_000_000 });
  engine.load({
    definitions: [
      flag('static', { defaultVariant: 'a' }),
      flag('no-default', {}),
      flag('targeted', { defaultVariant: 'a', targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'b', null] } }),
      flag('unknown-variant', { defaultVariant: 'a', targeting: { var: 'pick' } }),
      flag('broken', { defaultVariant: 'a', targeting: { if: [{ $ref: 'gone' }, 'b'] } }),
      flag('clock', { defaultVariant: 'a', targeting: { if: [{ '==': [{ var: '$flagd.timestamp' }, 1_700_000_000] }, 'b', 'a'] } }),
      flag('key', { defaultVariant: 'a', targeting: { if: [{ '==': [{ var: '$flagd.flagKey' }, 'key'] }, 'b', 'a'] } }),
      flag('off', { defaultVariant: 'a' }, { enabled: false, flagSet: 'set', metadata: { owner: 'me' } }),
    ],
  });

  it('serves the default variant statically, or no value without one', () => {
    expect(engine.evaluate('static')).toMatchObject({ value: 'A', variant: 'a', reason: 'STATIC' });
    const none = engine.evaluate('no-default');
    expect(none.reason).toBe('DEFAULT');
    expect(none.value).toBeUndefined();
    expect(engine.string('no-default', 'mine')).toMatchObject({ value: 'mine', reason: 'DEFAULT' });
  });

  it('targeting names a variant, null falls back to the default variant', () => {
    expect(engine.evaluate('targeted', { plan: 'pro' })).toMatchObject({ value: 'B', reason: 'TARGETING_MATCH', variant: 'b' });
    expect(engine.evaluate('targeted', { plan: 'free' })).toMatchObject({ value: 'A', reason: 'DEFAULT', variant: 'a' });
  });

  it('a variant the flag does not have is an error; a missing $ref is PARSE_ERROR', () => {
    expect(engine.evaluate('unknown-variant', { pick: 'c' })).toMatchObject({ reason: 'ERROR', errorCode: 'GENERAL' });
    expect(engine.string('unknown-variant', 'd', { pick: 'c' }).value).toBe('d');
    expect(engine.evaluate('broken')).toMatchObject({ reason: 'ERROR', errorCode: 'PARSE_ERROR' });
  });

  it('injects $flagd.flagKey and $flagd.timestamp (seconds of the engine clock)', () => {
    expect(engine.evaluate('clock').value).toBe('B');
    expect(engine.evaluate('key').value).toBe('B');
  });

  it('a disabled flagd flag answers DISABLED without a value, with only its own metadata', () => {
    const r = engine.evaluate('off');
    expect(r).toMatchObject({ reason: 'DISABLED', metadata: { owner: 'me' } });
    expect(r.value).toBeUndefined();
    expect(r.metadata).not.toHaveProperty('flagSet');
    expect(engine.string('off', 'mine')).toMatchObject({ value: 'mine', reason: 'DISABLED' });
  });

  it('refuses a default variant the flag does not have, and variants of another type', () => {
    expect(() => createEngine().load({ definitions: [flag('x', { defaultVariant: 'z' })] })).toThrow(/not one of the variants/);
    expect(() => createEngine().load({ definitions: [{ ...flag('y', {}), type: 'number' }] })).toThrow(/must be number/);
  });
});
