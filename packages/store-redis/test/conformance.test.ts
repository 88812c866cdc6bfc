import { test } from 'vitest';
import { whenReady } from '@switchyard/core';
import { storageTestSuite, uniqueNamespace } from '@switchyard/store-test-suite';
import { createRedisStore, MIGRATION_NAMES } from '../src/index';
import { admin, deletePrefix, redisUrl } from './helpers';
import { recordingLogger } from '../../../tooling/testing/recording-logger.ts';

const namespace = uniqueNamespace('sy_redis_conf');

if (redisUrl) {
  const url = redisUrl;
  storageTestSuite(
    test,
    // Connected and subscribed before the test starts, so no change of another client is missed.
    (options) => whenReady(createRedisStore({ url, namespace, logger: recordingLogger(), ...options })),
    {
      name: 'redis',
      // Every test starts with no key under the prefix (and so no migration recorded).
      cleanup: async () => void (await deletePrefix(namespace)),
      teardown: async () => void (await deletePrefix(namespace)),
      migrations: [...MIGRATION_NAMES],
      // The subscriber connection is killed as a network drop would (found by its client name).
      interruptChangeFeed: async (store) => {
        await admin(async (client) => {
          const list = await client.sendCommand<string>(['CLIENT', 'LIST']);
          const line = list.split('\n').find((l) => l.includes(` name=switchyard-sub:${store.clientId} `));
          const id = line?.match(/(?:^|\s)id=(\d+)/)?.[1];
          if (!id) throw new Error(`no subscriber connection of ${store.clientId}`);
          await client.sendCommand(['CLIENT', 'KILL', 'ID', id]);
        });
      },
    },
  );
} else {
  // Reached only outside CI: `serviceUrl` throws under CI=true and has already warned loudly.
  test.skip('Redis conformance (set SWITCHYARD_TEST_REDIS_URL to run)', () => undefined);
}
