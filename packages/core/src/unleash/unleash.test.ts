import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/engine';
import { murmur3 } from '../hash/murmur3';
import type { FlagDefinition } from '../types/flag';
import type { UnleashRule } from '../types/rule';
import { normalizedHash, VARIANT_SEED } from './hash';

const feature = (key: string, rule: Omit<UnleashRule, 'type' | 'feature'>, extra: Partial<FlagDefinition> = {}): FlagDefinition => ({
  key,
  type: 'boolean',
  fallbackValue: false,
  defaultRule: { type: 'unleash', feature: key, ...rule },
  ...extra,
});

describe('Unleash semantics', () => {
  it('normalizes murmur3 (seed 0 for strategies, 86028157 for variants) over "groupId:id" into 1..n', () => {
    expect(normalizedHash('123', 'gr1', 100)).toBe((murmur3('gr1:123') % 100) + 1);
    expect(normalizedHash('123', 'gr1', 1000, VARIANT_SEED)).toBe((murmur3('gr1:123', 86028157) % 1000) + 1);
    for (let i = 0; i < 1000; i++) {
      const n = normalizedHash(`u${i}`, 'g', 100);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(100);
    }
  });

  const engine = createEngine({ clock: () => Date.UTC(2024, 0, 1) });
  engine.load({
    definitions: [
      feature('everyone', { strategies: [] }),
      feature('rollout', { strategies: [{ name: 'flexibleRollout', parameters: { rollout: '50', stickiness: 'userId', groupId: 'g' } }] }),
      feature('users', { strategies: [{ name: 'userWithId', parameters: { userIds: 'a, b ,c' } }] }),
      feature('ips', { strategies: [{ name: 'remoteAddress', parameters: { IPs: '10.0.0.0/8, 192.168.1.1, 2001:db8::/32' } }] }),
      feature('constrained', {
        strategies: [{ name: 'default', constraints: [{ contextName: 'email', operator: 'STR_ENDS_WITH', values: ['@Corp.com'], caseInsensitive: true }, { contextName: 'tier', operator: 'IN', values: ['gold'], inverted: true }] }],
      }),
      feature('dated', { strategies: [{ name: 'default', constraints: [{ contextName: 'currentTime', operator: 'DATE_AFTER', value: '2023-06-01T00:00:00Z' }] }] }),
      feature('custom', { strategies: [{ name: 'myOwnStrategy' }] }),
      feature('variants', {
        strategies: [{ name: 'default' }],
        variants: [
          { name: 'blue', weight: 500, payload: { type: 'string', value: 'b' }, overrides: [{ contextName: 'userId', values: ['vip'] }] },
          { name: 'red', weight: 500 },
        ],
      }),
      feature('child', { strategies: [] }, { prerequisites: [{ flag: 'variants', value: true, variants: ['blue'] }] }),
    ],
  });

  it('a feature without strategies is on; strategies decide otherwise', () => {
    expect(engine.evaluate('everyone')).toMatchObject({ value: true, reason: 'STATIC', variant: 'disabled' });
    expect(engine.evaluate('users', { userId: 'b' }).value).toBe(true);
    expect(engine.evaluate('users', { targetingKey: 'c' }).value).toBe(true);
    expect(engine.evaluate('users', { userId: 'd' })).toMatchObject({ value: false, reason: 'DEFAULT' });
    expect(engine.evaluate('custom').value).toBe(false);
  });

  it('flexibleRollout enables units whose normalized hash is within the rollout', () => {
    for (const id of ['1', '2', '3', '42', 'alice']) expect(engine.evaluate('rollout', { userId: id }).value).toBe(normalizedHash(id, 'g', 100) <= 50);
    expect(engine.evaluate('rollout', {}).value).toBe(false);
  });

  it('remoteAddress matches addresses and ranges of both families', () => {
    expect(engine.evaluate('ips', { remoteAddress: '10.2.3.4' }).value).toBe(true);
    expect(engine.evaluate('ips', { remoteAddress: '192.168.1.1' }).value).toBe(true);
    expect(engine.evaluate('ips', { remoteAddress: '2001:db8::5' }).value).toBe(true);
    expect(engine.evaluate('ips', { remoteAddress: '11.0.0.1' }).value).toBe(false);
  });

  it('constraints: caseInsensitive, inverted, properties, currentTime (else the engine clock)', () => {
    expect(engine.evaluate('constrained', { email: 'x@corp.COM' }).value).toBe(true);
    expect(engine.evaluate('constrained', { properties: { email: 'x@corp.com', tier: 'gold' } }).value).toBe(false);
    expect(engine.evaluate('dated').value).toBe(true);
    expect(engine.evaluate('dated', { currentTime: '2023-01-01T00:00:00Z' }).value).toBe(false);
  });

  it('variants: overrides first, then the hash; payloads in metadata', () => {
    expect(engine.evaluate('variants', { userId: 'vip' })).toMatchObject({ value: true, variant: 'blue', metadata: { variantEnabled: true, payloadType: 'string', payloadValue: 'b' } });
    const target = normalizedHash('u1', 'variants', 1000, VARIANT_SEED);
    expect(engine.evaluate('variants', { userId: 'u1' }).variant).toBe(target <= 500 ? 'blue' : 'red');
  });

  it('variant dependencies: the parent must be on with one of the variants', () => {
    expect(engine.evaluate('child', { userId: 'vip' }).value).toBe(true);
    const redUser = Array.from({ length: 50 }, (_, i) => `r${i}`).find((u) => engine.evaluate('variants', { userId: u }).variant === 'red')!;
    expect(engine.evaluate('child', { userId: redUser })).toMatchObject({ value: false, reason: 'PREREQUISITE_FAILED' });
  });

  it('refuses unleash rules on non-boolean flags', () => {
    expect(() => createEngine().load({ definitions: [{ ...feature('s', { strategies: [] }), type: 'string', fallbackValue: 'x' }] })).toThrow(/must be boolean/);
  });
});
