import { connect } from 'node:net';
import pg from 'pg';
import type { FlagStore, StoreChange } from '@switchyard/core';
import { createPostgresStore } from '../src/index';

const URL_ = process.env.SWITCHYARD_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
const WRITES = 500;

/**
 * Propagation latency between two clients (write through A, change event at B) and write
 * throughput, on a throwaway schema that is dropped afterwards.
 */
export default async function propagationBench(): Promise<void> {
  const target = new URL(URL_);
  if (!(await reachable(target.hostname, Number(target.port || 5432)))) {
    console.log(`store-postgres bench skipped: PostgreSQL is not reachable at ${target.host} (set SWITCHYARD_TEST_POSTGRES_URL)`);
    return;
  }
  const namespace = `sy_bench_${process.pid}_${Date.now().toString(36)}`;
  const quiet = { warn() {}, error() {} };
  const a = createPostgresStore({ connectionString: URL_, namespace, logger: quiet });
  const b = createPostgresStore({ connectionString: URL_, namespace, logger: quiet });
  try {
    await Promise.all([a.ready(), b.ready()]);
    await a.upsertFlag({ key: 'bench', type: 'number', fallbackValue: 0 });
    report('postgres propagation (write issued on A → change event on B)', await latency(a, b));
    await throughput(a);
  } finally {
    await Promise.all([a.close(), b.close()]);
    const admin = new pg.Client({ connectionString: URL_ });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(namespace)} CASCADE`);
    await admin.end();
  }
}

/** Milliseconds from issuing each write on A to its change event on B, one write at a time. */
async function latency(a: FlagStore, b: FlagStore): Promise<number[]> {
  const total: number[] = [];
  let arrived: ((at: number) => void) | undefined;
  b.subscribe((change: StoreChange) => {
    if (change.kind === 'values' && change.origin === a.clientId) arrived?.(performance.now());
  });
  for (let i = 0; i < WRITES; i++) {
    const event = new Promise<number>((resolve) => (arrived = resolve));
    const started = performance.now();
    await a.setValues([{ key: 'bench', value: i }]);
    total.push((await event) - started);
  }
  return total;
}

async function throughput(a: FlagStore) {
  const upserts = 1000;
  let started = performance.now();
  await inFlight(upserts, 64, (i) => a.upsertFlag({ key: `bench-${i}`, type: 'number', fallbackValue: i }));
  console.log(`postgres upserts: ${rate(upserts, started)} /s (${upserts} flags, 64 in flight)`);

  const updates = 5000;
  started = performance.now();
  await inFlight(updates, 64, (i) => a.setValues([{ key: `bench-${i % upserts}`, value: i, scope: { tenant: `t${i % 7}` } }]));
  console.log(`postgres value updates: ${rate(updates, started)} /s (${updates} setValues calls on ${upserts} keys, 64 in flight)`);

  started = performance.now();
  await inFlight(1000, 64, (i) => a.setValues([{ key: 'bench', value: i, scope: { user: `u${i}` } }]));
  console.log(`postgres value updates, one hot key: ${rate(1000, started)} /s (1000 scoped writes, 64 in flight)`);
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

function report(label: string, samples: number[]) {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
  console.log(`${label}: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms over ${samples.length} writes`);
}

function reachable(host: string, port: number): Promise<boolean> {
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
