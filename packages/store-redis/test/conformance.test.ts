import { test } from 'vitest';
import { storageTestSuite, uniqueNamespace } from '@switchyard/store-test-suite';
import { createRedisStore, MIGRATION_NAMES } from '../src/index';
import { deletePrefix, recordingLogger, redisUrl } from './helpers';

const namespace = uniqueNamespace('sy_redis_conf');

if (redisUrl) {
  const url = redisUrl;
  storageTestSuite(
    test,
    async (options) => {
      const store = createRedisStore({ url, namespace, logger: recordingLogger(), ...options });
      // Connected and subscribed before the test starts, so no change of another client is missed.
      await store.ready();
      return store;
    },
    {
      name: 'redis',
      // Every test starts with no key under the prefix (and so no migration recorded).
      cleanup: async () => void (await deletePrefix(namespace)),
      teardown: async () => void (await deletePrefix(namespace)),
      migrations: [...MIGRATION_NAMES],
    },
  );
} else {
  test.skip('Redis conformance (set SWITCHYARD_TEST_REDIS_URL to run)', () => undefined);
}
