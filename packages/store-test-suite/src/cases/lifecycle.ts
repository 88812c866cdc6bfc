import { describe, expect } from 'vitest';
import { StoreUnavailableError } from '@switchyard/core';
import type { SuiteContext } from '../context';
import { rejectionOf } from '../expect-error';
import { booleanFlag, numberFlag } from '../fixtures';

export function lifecycleCases({ test, client, rawClient, options, capabilities }: SuiteContext): void {
  describe('lifecycle', () => {
    test('migrate() twice: the second call applies nothing', async () => {
      const store = await rawClient();
      const first = await store.migrate();
      for (const result of first) {
        expect(result).toEqual({ migrationName: expect.stringMatching(/^\d+_[a-z0-9_]+$/), direction: 'Up', status: 'Success' });
      }
      if (options.migrations) expect(first.map((r) => r.migrationName)).toEqual(options.migrations);
      expect(await store.migrate()).toEqual([]);
      const other = await rawClient();
      expect(await other.migrate()).toEqual([]);
      await store.upsertFlag(booleanFlag('after-migrate'));
      expect((await other.getFlag('after-migrate'))?.version).toBe(1);
    });

    test('health reports ok with a latency', async () => {
      const store = await client();
      const health = await store.health();
      expect(health.ok).toBe(true);
      expect(health.error).toBeUndefined();
      expect(typeof health.latencyMs).toBe('number');
      expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    });

    test('every client has a name, capabilities and its own clientId', async () => {
      const [a, b] = await Promise.all([client(), client()]);
      expect(a.name).toMatch(/^[a-z0-9-]+$/);
      expect(a.name).toBe(b.name);
      expect(a.clientId).toBeTruthy();
      expect(a.clientId).not.toBe(b.clientId);
      expect(a.capabilities).toEqual(capabilities);
      expect(typeof a.sendCommand === 'function').toBe(capabilities.sendCommand);
    });

    test('a second client reads what the first wrote as soon as the write resolves', async () => {
      const [a, b] = await Promise.all([client(), client()]);
      await a.upsertFlag(numberFlag('shared'));
      await a.setValues([{ key: 'shared', value: 3 }]);
      expect((await b.getFlag('shared'))?.version).toBe(1);
      expect(await b.getValues('shared')).toEqual({ rootValue: 3, version: 1 });
    });

    test('close lets pending writes finish; afterwards calls reject with StoreUnavailableError; closing twice is fine', async () => {
      const [a, b] = await Promise.all([client(), client()]);
      const pending = a.upsertFlag(booleanFlag('last-write'));
      const closed = a.close();
      await expect(pending).resolves.toMatchObject({ version: 1 });
      await closed;
      expect((await b.getFlag('last-write'))?.version).toBe(1);
      const err = await rejectionOf(a.getFlag('last-write'));
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect((err as StoreUnavailableError).code).toBe('STORE_UNAVAILABLE');
      await expect(a.upsertFlag(booleanFlag('after-close'))).rejects.toBeInstanceOf(StoreUnavailableError);
      await a.close();
    });

    test.skipIf(!capabilities.persistent)('state survives closing every client (persistent)', async () => {
      const a = await client();
      await a.upsertFlag(numberFlag('durable'));
      await a.setValues([{ key: 'durable', value: 8 }]);
      await a.setFeatureValue('durable-feature', 's', 'kept');
      await a.close();
      const b = await client();
      expect((await b.getFlag('durable'))?.version).toBe(1);
      expect((await b.getValues('durable'))?.rootValue).toBe(8);
      expect(await b.getFeatureValues('durable-feature', ['s'])).toEqual(new Map([['s', 'kept']]));
    });

    test.skipIf(!capabilities.sendCommand)('sendCommand runs a raw backend command (sendCommand)', async () => {
      const store = await client();
      const answer = await store.sendCommand!(['PING']);
      expect(answer).toBeDefined();
    });
  });
}
