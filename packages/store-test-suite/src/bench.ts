// Measurements shared by the adapters' benchmarks (propagation latency and write throughput), so
// every backend is measured the same way.
import { connect } from 'node:net';
import type { FlagStore, StoreChange } from '@switchyard/core';

/** What `propagationBench` needs of one shared backend. */
export interface PropagationBenchTarget {
  /** `redis`, `postgres`: names the figures. */
  name: string;
  /** The backend's URL (from its `SWITCHYARD_TEST_*_URL` variable or the default). */
  url: string;
  defaultPort: number;
  /** The variable that overrides `url`, named when the backend is not reachable. */
  envVar: string;
  /** A client in `namespace`, ready to use. */
  open(namespace: string): Promise<FlagStore>;
  /** Removes everything the bench wrote in `namespace`. */
  drop(namespace: string): Promise<void>;
}

/**
 * Propagation latency between two clients of one backend (write through A, change event at B) and
 * write throughput, in a throwaway namespace removed afterwards; skipped with a note when the
 * backend is not reachable.
 */
export async function propagationBench(target: PropagationBenchTarget, writes = 500): Promise<void> {
  const at = new URL(target.url);
  if (!(await reachable(at.hostname, Number(at.port || target.defaultPort)))) {
    console.log(`${target.name} bench skipped: nothing answers at ${at.host} (set ${target.envVar})`);
    return;
  }
  const namespace = `sy_bench_${process.pid}_${Date.now().toString(36)}`;
  const [a, b] = await Promise.all([target.open(namespace), target.open(namespace)]);
  try {
    await a.upsertFlag({ key: 'bench', type: 'number', fallbackValue: 0 });
    reportLatency(`${target.name} propagation (write issued on A → change event on B)`, await propagationLatency(a, b, writes));
    await writeThroughput(target.name, a);
  } finally {
    await Promise.all([a.close(), b.close()]);
    await target.drop(namespace);
  }
}

/** Milliseconds from issuing each write on A to its change event on B, one write at a time. */
export async function propagationLatency(a: FlagStore, b: FlagStore, writes = 500): Promise<number[]> {
  const total: number[] = [];
  let arrived: ((at: number) => void) | undefined;
  b.subscribe((change: StoreChange) => {
    if (change.kind === 'values' && change.origin === a.clientId) arrived?.(performance.now());
  });
  for (let i = 0; i < writes; i++) {
    const event = new Promise<number>((resolve) => (arrived = resolve));
    const started = performance.now();
    await a.setValues([{ key: 'bench', value: i }]);
    total.push((await event) - started);
  }
  return total;
}

/** Upserts/s, value updates/s and hot-key scoped writes/s through one client, 64 calls in flight. */
export async function writeThroughput(name: string, a: FlagStore): Promise<void> {
  const upserts = 1000;
  let started = performance.now();
  await inFlight(upserts, 64, (i) => a.upsertFlag({ key: `bench-${i}`, type: 'number', fallbackValue: i }));
  console.log(`${name} upserts: ${rate(upserts, started)} /s (${upserts} flags, 64 in flight)`);

  const updates = 5000;
  started = performance.now();
  await inFlight(updates, 64, (i) => a.setValues([{ key: `bench-${i % upserts}`, value: i, scope: { tenant: `t${i % 7}` } }]));
  console.log(`${name} value updates: ${rate(updates, started)} /s (${updates} setValues calls on ${upserts} keys, 64 in flight)`);

  started = performance.now();
  await inFlight(1000, 64, (i) => a.setValues([{ key: 'bench', value: i, scope: { user: `u${i}` } }]));
  console.log(`${name} value updates, one hot key: ${rate(1000, started)} /s (1000 scoped writes, 64 in flight)`);
}

async function inFlight(n: number, width: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await op(next++);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

function rate(n: number, started: number): string {
  return Math.round((n / (performance.now() - started)) * 1000).toLocaleString('en-US');
}

/** The sample at quantile `q` (0 to 1) of ascending `sorted` samples. */
function quantile(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Prints p50, p99 and max of latency samples in milliseconds. */
export function reportLatency(label: string, samples: number[]): void {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (q: number) => quantile(sorted, q).toFixed(2);
  console.log(`${label}: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms over ${samples.length} writes`);
}

/** What `sequentialLatency` measured: calls per second and latency percentiles in milliseconds. */
export interface SequentialFigures {
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Calls `op(0)` … `op(count - 1)`, each awaited before the next, timing every call. */
export async function sequentialLatency(count: number, op: (i: number) => Promise<unknown>): Promise<SequentialFigures> {
  const latencies = new Float64Array(count);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await op(i);
    latencies[i] = performance.now() - t;
  }
  const elapsed = performance.now() - started;
  latencies.sort();
  return { opsPerSecond: Math.round((count / elapsed) * 1000), p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
}

/** True when something accepts TCP connections at host:port (benchmarks skip otherwise). */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
