import { describe, expect } from 'vitest';
import type { SuiteContext } from '../context';

export function featureCases({ test, client, options }: SuiteContext): void {
  describe('feature values', () => {
    test('getFeatureValues returns the stored results of the asked scopes only', async () => {
      const store = await client();
      expect(await store.setFeatureValue('pricing', 'tenant:a', { plan: 'gold', seats: 5 })).toEqual({ plan: 'gold', seats: 5 });
      await store.setFeatureValue('pricing', 'tenant:b', 'silver');
      await store.setFeatureValue('pricing', 'tenant:c', null);
      await store.setFeatureValue('other', 'tenant:a', true);
      const found = await store.getFeatureValues('pricing', ['tenant:a', 'tenant:b', 'tenant:c', 'tenant:z']);
      expect(found).toEqual(
        new Map<string, unknown>([
          ['tenant:a', { plan: 'gold', seats: 5 }],
          ['tenant:b', 'silver'],
          ['tenant:c', null],
        ]),
      );
      expect(await store.getFeatureValues('pricing', [])).toEqual(new Map());
      expect(await store.getFeatureValues('missing', ['tenant:a'])).toEqual(new Map());
    });

    test('setFeatureValue overwrites; onlyIfAbsent keeps the stored value and returns it', async () => {
      const store = await client();
      await store.setFeatureValue('f', 's', 1);
      expect(await store.setFeatureValue('f', 's', 2)).toBe(2);
      expect(await store.setFeatureValue('f', 's', 3, { onlyIfAbsent: true })).toBe(2);
      expect(await store.setFeatureValue('f', 'fresh', 4, { onlyIfAbsent: true })).toBe(4);
      await store.setFeatureValue('f', 'null', null);
      expect(await store.setFeatureValue('f', 'null', 5, { onlyIfAbsent: true })).toBeNull();
      expect(await store.getFeatureValues('f', ['s', 'fresh', 'null'])).toEqual(
        new Map<string, unknown>([
          ['s', 2],
          ['fresh', 4],
          ['null', null],
        ]),
      );
    });

    test(
      'onlyIfAbsent races between clients store exactly one result that both see',
      async () => {
        const stores = await Promise.all(Array.from({ length: options.clients }, () => client()));
        for (let round = 0; round < 20; round++) {
          const scope = `scope-${round}`;
          const results = await Promise.all(stores.map((s, i) => s.setFeatureValue('race', scope, { by: i }, { onlyIfAbsent: true })));
          const stored = (await stores[0]!.getFeatureValues('race', [scope])).get(scope);
          expect(stored).toBeDefined();
          for (const r of results) expect(r).toEqual(stored);
        }
      },
      options.slowTestTimeoutMs,
    );

    test('updateFeatureValues changes every stored scope of one feature and creates none', async () => {
      const store = await client();
      await store.setFeatureValue('f', 'a', 1);
      await store.setFeatureValue('f', 'b', 2);
      await store.setFeatureValue('g', 'a', 1);
      expect(await store.updateFeatureValues('f', { v: 9 })).toBe(2);
      expect(await store.getFeatureValues('f', ['a', 'b', 'c'])).toEqual(
        new Map([
          ['a', { v: 9 }],
          ['b', { v: 9 }],
        ]),
      );
      expect(await store.getFeatureValues('g', ['a'])).toEqual(new Map([['a', 1]]));
      expect(await store.updateFeatureValues('none', 1)).toBe(0);
      expect(await store.listFeatures()).toEqual(['f', 'g']);
    });

    test('deleteFeatureValue removes one scope', async () => {
      const store = await client();
      await store.setFeatureValue('f', 'a', 1);
      await store.setFeatureValue('f', 'b', 2);
      await store.deleteFeatureValue('f', 'a');
      await store.deleteFeatureValue('f', 'never');
      expect(await store.getFeatureValues('f', ['a', 'b'])).toEqual(new Map([['b', 2]]));
      await store.deleteFeatureValue('f', 'b');
      expect(await store.listFeatures()).toEqual([]);
    });

    test('purgeFeatures removes the results of some features, or of all, and counts them', async () => {
      const store = await client();
      await store.setFeatureValue('alpha', 'a', 1);
      await store.setFeatureValue('alpha', 'b', 1);
      await store.setFeatureValue('beta', 'a', 1);
      await store.setFeatureValue('gamma', 'a', 1);
      await store.setFeatureValue('gamma', 'b', 1);
      await store.setFeatureValue('gamma', 'c', 1);
      expect(await store.listFeatures()).toEqual(['alpha', 'beta', 'gamma']);
      expect(await store.purgeFeatures(['alpha', 'missing'])).toBe(2);
      expect(await store.listFeatures()).toEqual(['beta', 'gamma']);
      expect(await store.getFeatureValues('alpha', ['a', 'b'])).toEqual(new Map());
      expect(await store.purgeFeatures([])).toBe(0);
      expect(await store.purgeFeatures()).toBe(4);
      expect(await store.listFeatures()).toEqual([]);
      expect(await store.purgeFeatures()).toBe(0);
    });

    test('a second client reads feature values the first stored', async () => {
      const [a, b] = await Promise.all([client(), client()]);
      await a.setFeatureValue('shared', 'x', [1, 2]);
      expect(await b.getFeatureValues('shared', ['x'])).toEqual(new Map([['x', [1, 2]]]));
    });
  });
}
