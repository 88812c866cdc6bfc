import { afterAll, afterEach, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { ErrorReply } from 'redis';
import { applyValueUpdates, StoreUnavailableError, ValidationError, type MaintainedValues, type StoreChange, type ValueUpdate } from '@switchyard/core';
import { rejectionOf, uniqueNamespace, waitFor } from '@switchyard/store-test-suite';
import { createRedisStore, storeFactory, type RedisStore, type RedisStoreOptions } from '../src/index';
import { admin, deletePrefix, redisUrl } from './helpers';
import { recordingLogger } from '../../../tooling/testing/recording-logger.ts';
import { PrivateRedis } from './redis-server';
import { runs } from '../../../tooling/testing/property.ts';

const numberFlag = (key: string) => ({ key, type: 'number' as const, fallbackValue: 0 });

describe.skipIf(!redisUrl)('redis store', () => {
  const url = redisUrl!;
  const prefixes = new Set<string>();
  const open: RedisStore[] = [];

  function store(namespace: string, options: Partial<RedisStoreOptions> = {}): RedisStore {
    prefixes.add(namespace);
    const s = createRedisStore({ url, namespace, logger: recordingLogger(), ...options });
    open.push(s);
    return s;
  }

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    for (const p of prefixes) await deletePrefix(p);
  });

  describe('key layout and prefix isolation', () => {
    test('every key the store writes is under its prefix, with the documented names and types', async () => {
      const ns = uniqueNamespace('sy_redis_layout');
      const s = store(ns);
      await s.migrate();
      await s.upsertFlag(numberFlag('/check/priority'));
      await s.setValues([{ key: '/check/priority', value: 1, scope: { tenant: 't' } }]);
      await s.setFeatureValue('pricing', 'tenant:a', 'gold');
      await s.cacheSet('answers', 42, 60_000);
      const layout = await admin(async (client) => {
        const keys = await client.sendCommand<string[]>(['KEYS', `${ns}:*`]);
        const types = await Promise.all(keys.map((k) => client.sendCommand<string>(['TYPE', k])));
        return Object.fromEntries(keys.map((k, i) => [k.slice(ns.length + 1), types[i]]));
      });
      expect(layout).toEqual({
        migrations: 'hash',
        flags: 'hash',
        values: 'set',
        'values:/check/priority': 'hash',
        features: 'set',
        'features:pricing': 'hash',
        'cache:answers': 'string',
        audit: 'stream',
        'audit:seq': 'string',
        'audit:key:/check/priority': 'zset',
      });
      const values = await admin((client) => client.sendCommand(['HGETALL', `${ns}:values:/check/priority`]));
      expect(values).toEqual(['tenant::t', '1', '#v', '1']);
      const ttl = await admin((client) => client.sendCommand(['PTTL', `${ns}:cache:answers`]));
      expect(ttl).toBeGreaterThan(59_000);
    });

    test('two prefixes on one server share no state and no events', async () => {
      const [nsA, nsB] = [uniqueNamespace('sy_redis_iso'), uniqueNamespace('sy_redis_iso')];
      const a = store(nsA);
      const b = store(nsB);
      const a2 = store(nsA);
      await Promise.all([a.ready(), b.ready(), a2.ready()]);
      const seenByB: StoreChange[] = [];
      const seenByA2: StoreChange[] = [];
      b.subscribe((c) => seenByB.push(c));
      a2.subscribe((c) => seenByA2.push(c));
      await a.upsertFlag(numberFlag('same'));
      await a.setValues([{ key: 'same', value: 1 }]);
      await a.setFeatureValue('f', 's', 1);
      await a.cacheSet('c', 1);
      expect(await b.getFlag('same')).toBeUndefined();
      expect(await b.listValues()).toEqual({});
      expect(await b.listFeatures()).toEqual([]);
      expect(await b.cacheGet('c')).toBeUndefined();
      expect(await b.listAudit()).toEqual([]);
      await waitFor(() => seenByA2.length === 3, { description: 'events under prefix A' });
      expect(seenByB).toEqual([]);
    });

    test('namespaces with whitespace or glob characters are refused', () => {
      expect(() => createRedisStore({ url, namespace: '' })).toThrow(ValidationError);
      expect(() => createRedisStore({ url, namespace: 'a b' })).toThrow('must not contain whitespace or glob characters');
      expect(() => createRedisStore({ url, namespace: 'app*' })).toThrow(ValidationError);
    });

    test('storeFactory reads ?prefix= and resolves once connected', async () => {
      const ns = uniqueNamespace('sy_redis_url');
      prefixes.add(ns);
      const u = new URL(url);
      u.searchParams.set('prefix', ns);
      const s = (await storeFactory(u, { logger: recordingLogger() })) as RedisStore;
      open.push(s);
      expect(s.namespace).toBe(ns);
      await s.upsertFlag(numberFlag('via-url'));
      expect(await admin((client) => client.sendCommand(['HEXISTS', `${ns}:flags`, 'via-url']))).toBe(1);
    });
  });

  describe('migrations', () => {
    test('eight clients migrating one fresh prefix at once: each migration is recorded exactly once', async () => {
      const ns = uniqueNamespace('sy_redis_mig');
      const stores = Array.from({ length: 8 }, () => store(ns, { propagation: false }));
      const results = await Promise.all(stores.map((s) => s.migrate()));
      expect(results.flat()).toEqual([{ migrationName: '0001_key_layout_v1', direction: 'Up', status: 'Success' }]);
      expect(await admin((client) => client.sendCommand(['HKEYS', `${ns}:migrations`]))).toEqual(['0001_key_layout_v1']);
      expect(await stores[0]!.migrate()).toEqual([]);
    });
  });

  describe('maintained values', () => {
    const scopeArb = fc.option(
      fc.record({ tenant: fc.constantFrom('a', 'b'), user: fc.constantFrom('x', 'y') }, { requiredKeys: [] }),
      { nil: undefined },
    );
    const updateArb = fc.record({
      key: fc.constantFrom('p', 'q'),
      value: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant(null)),
      scope: scopeArb,
      clearSubScopes: fc.boolean(),
    });

    test('the Lua implementation applies batches exactly like core applyValueUpdates (property)', async () => {
      const ns = uniqueNamespace('sy_redis_prop');
      const s = store(ns, { propagation: false });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(fc.array(updateArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }), async (batches) => {
          run++;
          const model = new Map<string, { values: MaintainedValues; version: number }>();
          for (const batch of batches) {
            const updates: ValueUpdate[] = batch.map((u) => ({ ...u, key: `${run}/${u.key}`, remoteOnly: true }));
            await s.setValues(updates);
            const next = applyValueUpdates((k) => model.get(k)?.values, updates);
            for (const [k, values] of next) {
              if (values) model.set(k, { values, version: (model.get(k)?.version ?? 0) + 1 });
              else model.delete(k);
            }
          }
          for (const k of ['p', 'q'].map((x) => `${run}/${x}`)) {
            const expected = model.get(k);
            expect(await s.getValues(k)).toEqual(expected ? { ...expected.values, version: expected.version } : undefined);
          }
        }),
        { numRuns: runs(60) },
      );
    });
  });

  describe('sendCommand', () => {
    test('passes any command through and returns the raw reply; only empty input is refused', async () => {
      const s = store(uniqueNamespace('sy_redis_cmd'));
      expect(s.capabilities.sendCommand).toBe(true);
      expect(await s.sendCommand(['INFO', 'server'])).toMatch(/^# Server\r\nredis_version:/);
      expect(await s.sendCommand(['PING'])).toBe('PONG');
      await expect(s.sendCommand([])).rejects.toThrow('command must be a non-empty array of strings');
      const unknown = await rejectionOf(s.sendCommand(['NO-SUCH-COMMAND']));
      expect(unknown).toBeInstanceOf(ErrorReply);
      expect(unknown.message).toMatch(/unknown command/);
    });
  });

  describe('failure behaviour', () => {
    test('a hung server (SIGSTOP) makes calls fail within timeoutMs instead of waiting forever', async () => {
      const server = await PrivateRedis.start();
      const s = createRedisStore({ url: server.url, namespace: uniqueNamespace('sy_redis_hang'), timeoutMs: 300, propagation: false, logger: { warn() {}, error() {} } });
      try {
        await s.ready();
        await s.upsertFlag(numberFlag('before-hang'));
        server.pause();
        // The paused server never answers: only the 300 ms timeout can end these calls.
        await expect(s.upsertFlag(numberFlag('during-hang'))).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(s.getFlag('before-hang')).rejects.toBeInstanceOf(StoreUnavailableError);
        server.resume();
        await waitFor(async () => (await s.getFlag('before-hang').catch(() => undefined)) !== undefined, { description: 'answers after resume' });
      } finally {
        server.resume();
        await s.close();
        await server.kill();
      }
    });

    test('a killed subscriber connection reconnects by itself, emits reset, and propagation resumes', async () => {
      const ns = uniqueNamespace('sy_redis_kill');
      const logger = recordingLogger();
      const a = store(ns);
      const b = store(ns, { logger });
      await Promise.all([a.ready(), b.ready()]);
      const events: StoreChange[] = [];
      b.subscribe((c) => events.push(c));

      const id = await admin(async (client) => {
        const list = await client.sendCommand<string>(['CLIENT', 'LIST', 'TYPE', 'pubsub']);
        const line = list.split('\n').find((l) => l.includes(`name=switchyard-sub:${b.clientId}`));
        return line?.match(/^id=(\d+)/)?.[1];
      });
      expect(id).toBeDefined();
      expect(await admin((client) => client.sendCommand(['CLIENT', 'KILL', 'ID', id!]))).toBe(1);

      await waitFor(() => events.some((e) => e.kind === 'reset'), { description: 'reset after resubscribe' });
      expect(events).toEqual([{ kind: 'reset', origin: b.clientId }]);
      await a.upsertFlag(numberFlag('after-reconnect'));
      await waitFor(() => events.some((e) => e.kind === 'flags'), { description: 'change after reconnect' });
      expect(events.at(-1)).toEqual({ kind: 'flags', keys: ['after-reconnect'], origin: a.clientId });
    });

    test('a killed command connection reconnects by itself and the next calls work', async () => {
      const ns = uniqueNamespace('sy_redis_killmain');
      const s = store(ns, { propagation: false });
      await s.upsertFlag(numberFlag('k'));
      const id = String(await s.sendCommand(['CLIENT', 'ID']));
      expect(await admin((client) => client.sendCommand(['CLIENT', 'KILL', 'ID', id]))).toBe(1);
      await waitFor(async () => (await s.health()).ok, { description: 'reconnected' });
      expect(String(await s.sendCommand(['CLIENT', 'ID']))).not.toBe(id);
      expect((await s.getFlag('k'))?.version).toBe(1);
    });

    test(
      'server down: calls fail fast with StoreUnavailableError; after a restart the store reconnects and emits reset',
      async () => {
        const server = await PrivateRedis.start();
        try {
          const logger = recordingLogger();
          // A long call timeout: failing fast below must come from knowing the link is down, not from the timeout.
          const a = createRedisStore({ url: server.url, namespace: 'sy', logger, maxReconnectDelayMs: 200, timeoutMs: 30_000 });
          const b = createRedisStore({ url: server.url, namespace: 'sy', logger: recordingLogger(), maxReconnectDelayMs: 200 });
          open.push(a, b);
          await Promise.all([a.ready(), b.ready()]);
          const events: StoreChange[] = [];
          b.subscribe((c) => events.push(c));
          await a.upsertFlag(numberFlag('k'));
          await waitFor(() => events.length === 1, { description: 'first change at B' });
          events.length = 0;

          await server.kill();
          await waitFor(async () => !(await a.health()).ok, { description: 'disconnect noticed' });
          const started = performance.now();
          const err = await rejectionOf(a.getFlag('k'));
          expect(performance.now() - started).toBeLessThan(30_000 / 4);
          expect(err).toBeInstanceOf(StoreUnavailableError);
          expect(err.message).toBe('redis: not connected (reconnecting); HGET not sent');
          await expect(a.setValues([{ key: 'k', value: 1, remoteOnly: true }])).rejects.toBeInstanceOf(StoreUnavailableError);
          expect(logger.lines.filter((l) => l.msg.startsWith('redis: connection lost'))).toHaveLength(1);

          await server.start();
          await waitFor(async () => (await a.health()).ok, { timeoutMs: 10_000, description: 'reconnect of A' });
          await waitFor(() => events.some((e) => e.kind === 'reset'), { timeoutMs: 10_000, description: 'reset at B' });
          expect(events).toEqual([{ kind: 'reset', origin: b.clientId }]);
          // The restarted server kept nothing (no persistence); writes and propagation work again.
          expect(await a.getFlag('k')).toBeUndefined();
          await a.upsertFlag(numberFlag('k2'));
          await waitFor(() => events.some((e) => e.kind === 'flags'), { description: 'change after restart' });
          expect(events).toEqual([
            { kind: 'reset', origin: b.clientId },
            { kind: 'flags', keys: ['k2'], origin: a.clientId },
          ]);
        } finally {
          await Promise.all(open.splice(0).map((s) => s.close()));
          await server.kill();
        }
      },
      30_000,
    );

    test('a server that is not there: ready() and calls reject with StoreUnavailableError within timeoutMs', async () => {
      const server = await PrivateRedis.start();
      await server.kill();
      const s = createRedisStore({ url: server.url, namespace: 'sy', timeoutMs: 300, logger: recordingLogger() });
      open.push(s);
      await expect(s.ready()).rejects.toBeInstanceOf(StoreUnavailableError);
      const err = await rejectionOf(s.getFlag('x'));
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect((await s.health()).ok).toBe(false);
      await expect(s.upsertFlag({ key: 'bad key!', type: 'number', fallbackValue: 0 })).rejects.toBeInstanceOf(ValidationError);
    });
  });
});
