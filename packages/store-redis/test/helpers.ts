import { createClient } from 'redis';
import { serviceUrl } from '@switchyard/store-test-suite';

/** The test Redis URL, or undefined (tests skip) when Redis is not reachable outside CI. */
export const redisUrl = await serviceUrl('redis');

/** Runs commands on a separate admin connection (not through any store under test). */
export async function admin<T>(fn: (client: ReturnType<typeof createClient>) => Promise<T>): Promise<T> {
  const client = createClient({ url: redisUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

/** Deletes every key under `prefix:` (SCAN, never KEYS, so the shared server is not blocked). */
export async function deletePrefix(prefix: string): Promise<number> {
  return admin(async (client) => {
    let removed = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.sendCommand<[string, string[]]>(['SCAN', cursor, 'MATCH', `${prefix}:*`, 'COUNT', '1000']);
      cursor = next;
      if (keys.length) removed += await client.sendCommand<number>(['UNLINK', ...keys]);
    } while (cursor !== '0');
    return removed;
  });
}
