import { createClient } from 'redis';
import { propagationLatency, reachable, reportLatency, writeThroughput } from '@switchyard/store-test-suite';
import { createRedisStore } from '../src/index';

const URL_ = process.env.SWITCHYARD_TEST_REDIS_URL || 'redis://127.0.0.1:6379';
const WRITES = 500;

/**
 * Propagation latency between two clients (write through A, change event at B) and write
 * throughput, under a throwaway key prefix that is deleted afterwards.
 */
export default async function propagationBench(): Promise<void> {
  const target = new URL(URL_);
  if (!(await reachable(target.hostname, Number(target.port || 6379)))) {
    console.log(`store-redis bench skipped: Redis is not reachable at ${target.host} (set SWITCHYARD_TEST_REDIS_URL)`);
    return;
  }
  const namespace = `sy_bench_${process.pid}_${Date.now().toString(36)}`;
  const quiet = { warn() {}, error() {} };
  const a = createRedisStore({ url: URL_, namespace, logger: quiet });
  const b = createRedisStore({ url: URL_, namespace, logger: quiet });
  try {
    await Promise.all([a.ready(), b.ready()]);
    await a.upsertFlag({ key: 'bench', type: 'number', fallbackValue: 0 });
    reportLatency('redis propagation (write issued on A → change event on B)', await propagationLatency(a, b, WRITES));
    await writeThroughput('redis', a);
  } finally {
    await Promise.all([a.close(), b.close()]);
    const admin = createClient({ url: URL_ });
    await admin.connect();
    let cursor = '0';
    do {
      const [next, keys] = (await admin.sendCommand(['SCAN', cursor, 'MATCH', `${namespace}:*`, 'COUNT', '1000'])) as [string, string[]];
      cursor = next;
      if (keys.length) await admin.sendCommand(['UNLINK', ...keys]);
    } while (cursor !== '0');
    admin.destroy();
  }
}
