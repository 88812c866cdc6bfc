import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, parseServerConfig, startServer, type RunningServer } from '@switchyard/server';
import { hasRedisServer, percentile, privatePostgresProblem, startDelayProxy, startPrivatePostgres, startPrivateRedis, type DelayProxy, type PrivatePostgres, type PrivateRedis } from '../src/index';
import { HOLD_GOALS, putFlag, within } from './helpers';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const available = hasRedisServer();
if (!available) {
  if (CI) throw new Error('redis-server is not installed; CI=true requires the slow-network tests to run');
  console.warn('\n!!! SKIPPING SLOW-NETWORK TESTS: no redis-server binary on the PATH\n');
}
const pgProblem = privatePostgresProblem();
if (pgProblem) {
  if (CI) throw new Error(`cannot run the PostgreSQL slow-network tests: ${pgProblem} (CI=true requires them)`);
  console.warn(`\n!!! SKIPPING POSTGRES SLOW-NETWORK TESTS: ${pgProblem}\n`);
}
const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/manifests');
/** The server answers a write within this, whatever the store does. */
const WRITE_TIMEOUT_MS = 1500;
/** Each store call gives up after this (`?timeoutMs=` on the store URL). */
const STORE_TIMEOUT_MS = 1000;

/** OFREP evaluations in a loop, recording each one's latency, until `stop()`. */
function evaluationLoad(server: RunningServer, key: string, expected: number) {
  const latencies: number[] = [];
  let failed = 0;
  let running = true;
  const done = (async () => {
    while (running) {
      const started = performance.now();
      const res = await fetch(`${server.url}/ofrep/v1/evaluate/flags/${key}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const body = (await res.json()) as { value?: unknown };
      latencies.push(performance.now() - started);
      if (res.status !== 200 || body.value !== expected) failed++;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return { evaluations: latencies.length, failed, p99: percentile(latencies, 99) };
    },
  };
}

interface Backend {
  port: number;
  /** The store URL through the proxy on `proxyPort`. */
  url(proxyPort: number): string;
  stop(): Promise<void>;
}

function slowNetworkSuite(name: string, startBackend: () => Promise<Backend>): void {
  let backend: Backend;
  let proxy: DelayProxy;
  let server: RunningServer;
  beforeAll(async () => {
    backend = await startBackend();
    proxy = await startDelayProxy(backend.port);
    const store = backend.url(proxy.port);
    const parsed = parseServerConfig(['--store', store, '--manifests', EXAMPLES, '--no-watch', '--port', '0'], { SWITCHYARD_WRITE_TIMEOUT_MS: String(WRITE_TIMEOUT_MS) });
    if (parsed.errors) throw new Error(parsed.errors.join('; '));
    server = await startServer(parsed.config, { handleSignals: false, logger: createLogger('silent'), defaultMetrics: false, graceMs: 500 });
    expect((await putFlag(server, 'slow_flag', 5)).status).toBeLessThan(300);
  });
  afterAll(async () => {
    await server?.close();
    await proxy?.close();
    await backend?.stop();
  });

  it(`a slow ${name} (50 ms each way, a 100 ms round trip) slows writes, never evaluations`, async () => {
    proxy.delayMs = 50;
    const load = evaluationLoad(server, 'slow_flag', 5);
    const writes = [];
    for (let i = 0; i < 5; i++) writes.push(await putFlag(server, `slow_ok_${i}`, i));
    const stats = await load.stop();
    proxy.delayMs = 0;
    console.log(`[faults] ${name} slow network (100 ms round trip): writes ${writes.map((w) => w.ms).join('/')} ms, all ${writes.every((w) => w.status < 300) ? 'applied' : 'NOT applied'}; ${stats.evaluations} evaluations, ${stats.failed} failed, p99 ${stats.p99.toFixed(1)} ms`);
    for (const w of writes) expect(w.status, JSON.stringify(w.body)).toBeLessThan(300);
    // A write needs at least one round trip to the store, now at least 100 ms.
    expect(Math.min(...writes.map((w) => w.ms))).toBeGreaterThanOrEqual(100);
    expect(stats.failed).toBe(0);
    expect(stats.evaluations).toBeGreaterThan(50);
    // Evaluations never wait on the store: their p99 stays well under the fastest write.
    // Evaluations never wait on the store: their p99 stays below the slowed writes (half of them when held to the goal).
    expect(stats.p99).toBeLessThan(Math.min(...writes.map((w) => w.ms)) / (HOLD_GOALS ? 2 : 1));
  });

  it(`a ${name} slower than the timeouts: writes answer 503 in time, nothing piles up, every write is all-or-nothing`, async () => {
    const connectionsBefore = proxy.connectionsOpened;
    proxy.delayMs = 2500;
    const load = evaluationLoad(server, 'slow_flag', 5);
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => putFlag(server, `slow_late_${i}`, i)));
    const stats = await load.stop();
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    proxy.delayMs = 0;

    // Back to normal: the next write goes through promptly, no backlog of queued commands ahead of it.
    const recovered = Date.now();
    let after = await putFlag(server, 'slow_after', 1);
    while (after.status >= 300 && Date.now() - recovered < 10_000) after = await putFlag(server, 'slow_after', 1);
    const recoverMs = Date.now() - recovered;
    const refused = outcomes.filter((o) => o.status === 503).length;
    console.log(`[faults] ${name} slow network (5 s round trip): ${refused}/12 writes 503, slowest ${slowest} ms; ${stats.evaluations} evaluations, ${stats.failed} failed, p99 ${stats.p99.toFixed(1)} ms; writable ${recoverMs} ms after the delay ended; ${proxy.connectionsOpened - connectionsBefore} new connections, ${proxy.connectionsOpen} open`);

    for (const o of outcomes) {
      if (o.status >= 300) {
        expect(o.status).toBe(503);
        expect(o.body).toMatchObject({ error: { code: 'STORE_UNAVAILABLE' } });
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(slowest).toBeLessThan(WRITE_TIMEOUT_MS + within(1000));
    expect(stats.failed).toBe(0);
    expect(stats.p99).toBeLessThan(within(500));
    expect(after.status).toBeLessThan(300);
    expect(recoverMs).toBeLessThan(within(3000));
    // Timeouts did not turn into a reconnect storm: at most one new connection per timed-out write
    // (a pool drops a connection whose query timed out), and no more open than the pool allows.
    expect(proxy.connectionsOpened - connectionsBefore).toBeLessThanOrEqual(outcomes.length + 2);
    expect(proxy.connectionsOpen).toBeLessThanOrEqual(12);

    // Every write is all-or-nothing: once the late replies are in, a key is stored with its audit
    // entry or not at all, and the engine agrees with the store.
    await new Promise((r) => setTimeout(r, 3000));
    const stored = new Map((await server.runtime.store.listFlags()).map((f) => [f.definition.key, f]));
    for (let i = 0; i < 12; i++) {
      const key = `slow_late_${i}`;
      const audited = (await server.runtime.store.listAudit({ key })).length;
      expect(audited, key).toBe(stored.has(key) ? 1 : 0);
      if (stored.has(key)) expect(stored.get(key)!.definition.fallbackValue).toBe(i);
    }
    await expect.poll(() => [...stored.keys()].filter((k) => k.startsWith('slow_late_') && !server.runtime.engine.get(k)), { timeout: 10_000 }).toEqual([]);
  });
}

describe.skipIf(!available)('a real server whose Redis sits behind a slow network (delaying TCP proxy)', () => {
  slowNetworkSuite('redis', async () => {
    const redis: PrivateRedis = await startPrivateRedis();
    return { port: redis.port, url: (port) => `redis://127.0.0.1:${port}/?prefix=slow&timeoutMs=${STORE_TIMEOUT_MS}`, stop: () => redis.stop() };
  });
});

describe.skipIf(pgProblem !== undefined)('a real server whose PostgreSQL sits behind a slow network (delaying TCP proxy)', () => {
  slowNetworkSuite('postgres', async () => {
    const pg: PrivatePostgres = await startPrivatePostgres();
    return { port: pg.port, url: (port) => `postgres://postgres@127.0.0.1:${port}/postgres?timeoutMs=${STORE_TIMEOUT_MS}`, stop: () => pg.stop() };
  });
});
