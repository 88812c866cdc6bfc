import { AssertionError } from 'node:assert';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { createMemoryStore } from '@switchyard/store-memory';
import { createFeatures, defineFeature, Feature } from '../src/index';
import { counting, User } from './helpers';

interface Registry {
  checkout: boolean | string;
  color: 'blue' | 'green';
}

describe('features.fake()', () => {
  const { store, calls } = counting(createMemoryStore());
  let resolved = 0;
  class Checkout extends Feature<User> {
    resolve() {
      resolved++;
      return 'real';
    }
  }
  const features = createFeatures<Registry>({
    store,
    features: { checkout: Checkout, color: defineFeature('color', () => 'green' as const, { before: () => 'blue' as const }) },
  });

  beforeEach(() => {
    resolved = 0;
    for (const k of Object.keys(calls)) delete calls[k];
  });
  afterAll(() => features.fake().restore());

  test('overrides answer without before, resolve or the store, also in request views', async () => {
    const fake = features.fake();
    fake.override('checkout', false).override('color', (u: User) => (u.id === 1 ? 'green' : 'blue'));
    expect(await features.for(new User(1)).isActive('checkout')).toBe(false);
    expect(await features.request().for(new User(1)).value('color')).toBe('green');
    expect(await features.for(new User(2)).value('color')).toBe('blue');
    expect(resolved).toBe(0);
    expect(calls.getFeatureValues).toBeUndefined();
    expect(calls.setFeatureValue).toBeUndefined();
    fake.restore();
  });

  test('features without an override resolve for real while faking', async () => {
    const fake = features.fake().override('color', 'green');
    expect(await features.for(new User(3)).value('checkout')).toBe('real');
    expect(resolved).toBe(1);
    fake.restore();
  });

  test('assertions over recorded lookups', async () => {
    const fake = features.fake();
    expect(features.fake()).toBe(fake);
    fake.override('checkout', true);
    await features.for(new User(1)).isActive('checkout');
    await features.for(new User(2)).value('checkout');
    fake.assertResolved('checkout');
    fake.assertResolved('checkout', 2);
    fake.assertResolvedFor('checkout', new User(2));
    fake.assertResolvedFor('checkout', 1);
    fake.assertNotResolved('color');
    expect(fake.resolutions()).toEqual([
      { feature: 'checkout', scopeId: '1' },
      { feature: 'checkout', scopeId: '2' },
    ]);
    expect(() => fake.assertResolved('color')).toThrow(AssertionError);
    expect(() => fake.assertResolved('color')).toThrow('expected feature "color" to be resolved, but it was not');
    expect(() => fake.assertResolved('checkout', 3)).toThrow('expected feature "checkout" to be resolved 3 time(s), but it was resolved 2 time(s)');
    expect(() => fake.assertNotResolved('checkout')).toThrow('expected feature "checkout" not to be resolved, but it was resolved 2 time(s)');
    expect(() => fake.assertResolvedFor('checkout', new User(9))).toThrow(
      'expected feature "checkout" to be resolved for scope "9", but it was resolved for "1", "2"',
    );
    fake.reset();
    fake.assertNotResolved('checkout');
    fake.restore();
  });

  test('restore ends faking: a new fake starts empty and lookups resolve for real', async () => {
    const fake = features.fake().override('checkout', false);
    await features.for(new User(4)).value('checkout');
    fake.restore();
    expect(fake.resolutions()).toEqual([]);
    expect(await features.for(new User(4)).value('checkout')).toBe('real');
    const next = features.fake();
    expect(next).not.toBe(fake);
    next.assertNotResolved('checkout');
    next.restore();
  });
});
