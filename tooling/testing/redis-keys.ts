/**
 * Deletes the keys under `prefix:` on a Redis server that other suites share: SCAN in batches
 * (never blocking the server as KEYS would) and UNLINK, so nothing outside the prefix is touched.
 */
export async function deleteRedisKeys(send: (command: string[]) => Promise<unknown>, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = (await send(['SCAN', cursor, 'MATCH', `${prefix}:*`, 'COUNT', '1000'])) as [string, string[]];
    cursor = next;
    if (keys.length) await send(['UNLINK', ...keys]);
  } while (cursor !== '0');
}
