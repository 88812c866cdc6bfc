import { createClient } from 'redis';
import { propagationBench } from '@switchyard/store-test-suite';
import { deleteRedisKeys } from '../../../tooling/testing/redis-keys.ts';
import { createRedisStore } from '../src/index';

const url = process.env.SWITCHYARD_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const quiet = { warn() {}, error() {} };

/** Propagation latency and write throughput on Redis, under a throwaway key prefix deleted afterwards. */
export default function redisPropagationBench(): Promise<void> {
  return propagationBench({
    name: 'redis',
    url,
    defaultPort: 6379,
    envVar: 'SWITCHYARD_TEST_REDIS_URL',
    async open(namespace) {
      const store = createRedisStore({ url, namespace, logger: quiet });
      await store.ready();
      return store;
    },
    async drop(namespace) {
      const admin = createClient({ url });
      await admin.connect();
      await deleteRedisKeys((command) => admin.sendCommand(command), namespace);
      admin.destroy();
    },
  });
}
