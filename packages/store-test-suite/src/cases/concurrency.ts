import { describe, expect } from 'vitest';
import { ConflictError } from '@switchyard/core';
import type { FlagStore } from '@switchyard/core';
import type { SuiteContext } from '../context';
import { booleanFlag, numberFlag } from '../fixtures';

export function concurrencyCases({ test, client, options }: SuiteContext): void {
  const clients = async (): Promise<FlagStore[]> => Promise.all(Array.from({ length: options.clients }, () => client()));
  /** Every case here races several clients: each gets the slow-test timeout. */
  const race = (name: string, fn: () => Promise<void>) => test(name, fn, options.slowTestTimeoutMs);

  describe('concurrency', () => {
    race(`${options.concurrentWrites} concurrent scoped writes to one key from ${options.clients} clients lose nothing`, async () => {
      const stores = await clients();
      await stores[0]!.upsertFlag(numberFlag('hot'));
      const n = options.concurrentWrites;
      await Promise.all(
        Array.from({ length: n }, (_, i) => stores[i % stores.length]!.setValues([{ key: 'hot', value: i, scope: { user: `u${i}` } }])),
      );
      const values = await stores[stores.length - 1]!.getValues('hot');
      expect(values?.version).toBe(n);
      const scoped = values?.scopedValues ?? {};
      expect(Object.keys(scoped).length).toBe(n);
      for (let i = 0; i < n; i++) expect(scoped[`user::u${i}`]).toBe(i);
    });

    race('concurrent upserts of one flag with the same expectedVersion: exactly one wins', async () => {
      const stores = await clients();
      await stores[0]!.upsertFlag(booleanFlag('contended'));
      const results = await Promise.allSettled(
        stores.map((s, i) => s.upsertFlag(booleanFlag('contended', { description: `writer ${i}` }), { expectedVersion: 1 })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      for (const r of lost) expect(r.reason).toBeInstanceOf(ConflictError);
      const stored = await stores[0]!.getFlag('contended');
      expect(stored?.version).toBe(2);
      expect(stored?.definition.description).toBe((won[0] as PromiseFulfilledResult<{ definition: { description?: string } }>).value.definition.description);
    });

    race('concurrent creates with expectedVersion 0: exactly one wins', async () => {
      const stores = await clients();
      const results = await Promise.allSettled(stores.map((s, i) => s.upsertFlag(booleanFlag('created-once', { description: `${i}` }), { expectedVersion: 0 })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await stores[0]!.getFlag('created-once'))?.version).toBe(1);
    });

    race('concurrent value updates with the same expectedVersion: exactly one wins', async () => {
      const stores = await clients();
      await stores[0]!.upsertFlag(numberFlag('counter'));
      await stores[0]!.setValues([{ key: 'counter', value: 0 }]);
      const results = await Promise.allSettled(stores.map((s, i) => s.setValues([{ key: 'counter', value: i + 1, expectedVersion: 1 }])));
      const won = results.findIndex((r) => r.status === 'fulfilled');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
      expect(await stores[0]!.getValues('counter')).toEqual({ rootValue: won + 1, version: 2 });
    });
  });
}
