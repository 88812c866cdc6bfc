import { describe, expect } from 'vitest';
import type { SuiteContext } from '../context';
import { sleep, waitFor } from '../wait-for';

export function cacheCases({ test, client }: SuiteContext): void {
  describe('cache', () => {
    test('set, get, overwrite and delete JSON values', async () => {
      const store = await client();
      expect(await store.cacheGet('k')).toBeUndefined();
      await store.cacheSet('k', { list: [1, 'two', null], nested: { ok: true } });
      expect(await store.cacheGet('k')).toEqual({ list: [1, 'two', null], nested: { ok: true } });
      await store.cacheSet('k', 'replaced');
      expect(await store.cacheGet('k')).toBe('replaced');
      await store.cacheSet('zero', 0);
      expect(await store.cacheGet('zero')).toBe(0);
      await store.cacheSet('null', null);
      expect(await store.cacheGet('null')).toBeNull();
      await store.cacheDelete('k');
      await store.cacheDelete('never-set');
      expect(await store.cacheGet('k')).toBeUndefined();
    });

    test('entries expire after their TTL; others stay', async () => {
      const store = await client();
      // Long enough that the read right after the write cannot miss it on a loaded machine.
      await store.cacheSet('short', 'soon gone', 1000);
      await store.cacheSet('long', 'stays', 60_000);
      await store.cacheSet('forever', 'stays');
      expect(await store.cacheGet('short')).toBe('soon gone');
      await waitFor(async () => (await store.cacheGet('short')) === undefined, { timeoutMs: 10_000, description: 'expiry of "short"' });
      expect(await store.cacheGet('long')).toBe('stays');
      expect(await store.cacheGet('forever')).toBe('stays');
    });

    test('setting an entry again replaces its TTL', async () => {
      const store = await client();
      await store.cacheSet('k', 1, 100);
      await store.cacheSet('k', 2);
      await sleep(250);
      expect(await store.cacheGet('k')).toBe(2);
      await store.cacheSet('k', 3, 100);
      await waitFor(async () => (await store.cacheGet('k')) === undefined, { timeoutMs: 10_000, description: 'expiry of "k"' });
    });

    test('a second client reads the cache the first wrote', async () => {
      const [a, b] = await Promise.all([client(), client()]);
      await a.cacheSet('shared', { n: 1 }, 60_000);
      expect(await b.cacheGet('shared')).toEqual({ n: 1 });
      await b.cacheDelete('shared');
      expect(await a.cacheGet('shared')).toBeUndefined();
    });
  });
}
