import { serviceUrl, uniqueNamespace } from '@switchyard/store-test-suite';
import { createClient } from 'redis';
import { afterAll, describe } from 'vitest';
import { deleteRedisKeys } from '../../../tooling/testing/redis-keys.ts';
import { storeCommandSuite } from './store-suite';

const url = await serviceUrl('redis');
/** The key prefixes this file wrote under, deleted at the end: the Redis database is shared with other suites. */
const prefixes: string[] = [];

describe.skipIf(!url)('Redis', () => {
  storeCommandSuite('Redis', async () => {
    const prefix = uniqueNamespace('sy_cli');
    prefixes.push(prefix);
    return `${url}?prefix=${prefix}:`;
  });
  afterAll(async () => {
    const client = createClient({ url });
    await client.connect();
    try {
      // The store's keys are `<prefix>:` + its own `:`-separated names.
      for (const prefix of prefixes) await deleteRedisKeys((command) => client.sendCommand(command), `${prefix}:`);
    } finally {
      client.destroy();
    }
  });
});
