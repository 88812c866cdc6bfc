import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { startPrivateRedis } from './private-redis';
import { svgChart } from './svg-chart';

export interface SoakOptions {
  /** Total duration. Default 600 s. */
  seconds?: number;
  /** Length of one sample window. Default 5 s. */
  windowSeconds?: number;
  /** Connections per instance. Default 16. */
  connections?: number;
  /** Where `soak.svg` and `soak.json` go. */
  outDir: string;
  manifests: string;
}

export interface SoakSample {
  second: number;
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  /** Resident memory of each server instance (MB). */
  rssMb: number[];
  /** V8 heap in use of each server instance after a full collection (MB). */
  heapMb: number[];
  /** Memory Redis reports in use (MB): the store's growth, apart from the servers'. */
  redisMb: number;
}

export interface SoakResult {
  seconds: number;
  requests: number;
  errors: number;
  samples: SoakSample[];
  /** Heap growth per instance from the end of the first fifth (warm-up) to the end, MB per minute. */
  heapSlopeMbPerMin: number[];
  chart: string;
}

interface Instance {
  child: ChildProcess;
  url: string;
}

const serverScript = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../scripts/soak-server.ts');
/** Audit retention of the soak store, as an operator would set it: without one the audit log (one
 * entry per write) is the one thing that grows, by design. */
const AUDIT_MAX_ENTRIES = 10_000;

/** Starts one server instance in its own process (tsx, workspace sources). */
async function startInstance(storeUrl: string, manifests: string): Promise<Instance> {
  const child = spawn(process.execPath, ['--expose-gc', '--conditions=@switchyard/source', '--import', 'tsx', serverScript, storeUrl, manifests], {
    cwd: path.dirname(serverScript),
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith('{"url"')) return { child, url: (JSON.parse(line) as { url: string }).url };
  }
  throw new Error(`the soak server exited (code ${child.exitCode}) before listening`);
}

async function stopInstance(instance: Instance): Promise<void> {
  if (instance.child.exitCode !== null) return;
  const exited = once(instance.child, 'exit');
  instance.child.kill('SIGTERM');
  await exited;
}

/** RSS and heap in use of one instance after a full collection (asked over IPC between windows). */
async function memoryOf(instance: Instance): Promise<{ rssMb: number; heapMb: number }> {
  const reply = new Promise<NodeJS.MemoryUsage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the soak server did not report its memory')), 10_000);
    instance.child.once('message', (message: { memory: NodeJS.MemoryUsage }) => {
      clearTimeout(timer);
      resolve(message.memory);
    });
  });
  instance.child.send('memory');
  const memory = await reply;
  return { rssMb: Math.round(memory.rss / 1e6), heapMb: Math.round(memory.heapUsed / 1e5) / 10 };
}

function redisMemoryMb(port: number): number {
  const out = spawnSync('redis-cli', ['-p', String(port), 'info', 'memory'], { encoding: 'utf8' }).stdout ?? '';
  return Math.round(Number(/used_memory:(\d+)/.exec(out)?.[1] ?? NaN) / 1e5) / 10;
}

/** Least-squares slope of `values` over `x` (units per x unit). */
function slope(x: readonly number[], values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (x[i]! - mx) * (values[i]! - my);
    den += (x[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Drives two server instances (each its own process) sharing a private Redis with mixed reads
 * (OFREP evaluations, flag lists) and writes (maintained values) over loopback, sampling per window
 * throughput, p99 latency, errors (transport errors, timeouts and non-2xx answers), each
 * instance's RSS and retained heap (measured between windows, after a full collection, so the
 * collection pauses no request), and Redis's memory.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const seconds = options.seconds ?? 600;
  const windowSeconds = Math.min(options.windowSeconds ?? 5, seconds);
  const redis = await startPrivateRedis();
  const instances: Instance[] = [];
  try {
    for (let i = 0; i < 2; i++) instances.push(await startInstance(`${redis.url}/?prefix=soak&auditMaxEntries=${AUDIT_MAX_ENTRIES}`, options.manifests));
    const json = { 'content-type': 'application/json' };
    const put = await fetch(`${instances[0]!.url}/api/v1/flags/soak_flag`, { method: 'PUT', headers: json, body: JSON.stringify({ type: 'number', fallbackValue: 0 }) });
    if (!put.ok) throw new Error(`cannot create soak_flag: ${put.status} ${await put.text()}`);
    const requests: autocannon.Request[] = [
      ...Array.from({ length: 8 }, () => ({ method: 'POST' as const, path: '/ofrep/v1/evaluate/flags/soak_flag', headers: json, body: '{"context":{"targetingKey":"u1"}}' })),
      { method: 'GET', path: '/api/v1/flags' },
      { method: 'POST', path: '/api/v1/values', headers: json, body: JSON.stringify({ updates: [{ key: 'soak_flag', value: 1 }] }) },
    ];
    const samples: SoakSample[] = [];
    let requestsTotal = 0;
    let errorsTotal = 0;
    for (let elapsed = 0; elapsed < seconds; elapsed += windowSeconds) {
      const results = await Promise.all(
        instances.map((s) => autocannon({ url: s.url, connections: options.connections ?? 16, duration: Math.min(windowSeconds, seconds - elapsed), requests })),
      );
      const reqs = results.reduce((n, r) => n + r.requests.total, 0);
      const errors = results.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0);
      const memory = await Promise.all(instances.map((s) => memoryOf(s)));
      requestsTotal += reqs;
      errorsTotal += errors;
      samples.push({
        second: elapsed + windowSeconds,
        requestsPerSecond: Math.round(reqs / Math.min(windowSeconds, seconds - elapsed)),
        p99Ms: Math.max(...results.map((r) => r.latency.p99)),
        errors,
        rssMb: memory.map((m) => m.rssMb),
        heapMb: memory.map((m) => m.heapMb),
        redisMb: redisMemoryMb(redis.port),
      });
    }
    const settled = samples.slice(Math.floor(samples.length / 5));
    const heapSlopeMbPerMin = instances.map((_, i) => +(slope(settled.map((s) => s.second), settled.map((s) => s.heapMb[i]!)) * 60).toFixed(2));
    mkdirSync(options.outDir, { recursive: true });
    const chart = path.join(options.outDir, 'soak.svg');
    const x = samples.map((s) => s.second);
    writeFileSync(
      chart,
      svgChart(`switchyard soak: 2 instances on Redis, ${seconds} s`, x, [
        { name: 'throughput', unit: 'req/s', values: samples.map((s) => s.requestsPerSecond) },
        { name: 'p99 latency', unit: 'ms', values: samples.map((s) => s.p99Ms) },
        { name: 'errors', unit: 'per window', values: samples.map((s) => s.errors) },
        { name: 'server A RSS', unit: 'MB', values: samples.map((s) => s.rssMb[0]!) },
        { name: 'server A heap in use', unit: 'MB', values: samples.map((s) => s.heapMb[0]!) },
        { name: 'Redis memory', unit: 'MB', values: samples.map((s) => s.redisMb) },
      ]),
    );
    const result = { seconds, requests: requestsTotal, errors: errorsTotal, samples, heapSlopeMbPerMin, chart };
    writeFileSync(path.join(options.outDir, 'soak.json'), JSON.stringify(result, null, 2) + '\n');
    return result;
  } finally {
    for (const s of instances) await stopInstance(s);
    await redis.stop();
  }
}
