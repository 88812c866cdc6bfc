// `switchyard import` of 10,000 flags (the scale fixture) into each store, as a user runs it: the
// built CLI in its own process, timed from spawn to exit (Node start-up, manifest parse and
// validation, plan, batched writes). Every run imports into an empty store (a new file, schema or
// key prefix, removed afterwards). Stores whose service is not reachable are skipped with a note.
// Goal: under 2 s on every store.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { deleteRedisKeys } from '../../../tooling/testing/redis-keys.ts';
import { writeScaleManifest } from '../../manifest/bench/scale-manifest';

const FLAGS = 10_000;
const RUNS = 3;
const bin = resolve(import.meta.dirname, '../../../apps/cli/dist/bin.js');
const POSTGRES = process.env.SWITCHYARD_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = process.env.SWITCHYARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Target {
  name: string;
  url: (namespace: string) => string;
  /** Removes what one run wrote. */
  drop: (namespace: string) => Promise<void>;
  /** Ends the connection `drop` uses. */
  close: () => Promise<void>;
}

/** Connects with `connect`, or says why the backend is skipped. */
async function connected<C>(title: string, url: string, envVar: string, connect: () => Promise<C>): Promise<C | string> {
  try {
    return await connect();
  } catch (err) {
    return `${title} not reachable at ${url} (${(err as Error).message}; set ${envVar})`;
  }
}

async function postgres(): Promise<Target | string> {
  const client = await connected('PostgreSQL', POSTGRES, 'SWITCHYARD_TEST_POSTGRES_URL', async () => {
    const c = new pg.Client({ connectionString: POSTGRES, connectionTimeoutMillis: 2000 });
    await c.connect();
    return c;
  });
  if (typeof client === 'string') return client;
  return { name: 'postgres', url: (ns) => `${POSTGRES}?schema=${ns}`, drop: async (ns) => void (await client.query(`DROP SCHEMA IF EXISTS ${ns} CASCADE`)), close: () => client.end() };
}

async function redis(): Promise<Target | string> {
  const client = await connected('Redis', REDIS, 'SWITCHYARD_TEST_REDIS_URL', async () => {
    const c = createClient({ url: REDIS, socket: { connectTimeout: 2000, reconnectStrategy: false } });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  });
  if (typeof client === 'string') return client;
  return { name: 'redis', url: (ns) => `${REDIS}?prefix=${ns}`, drop: (ns) => deleteRedisKeys((command) => client.sendCommand(command), ns), close: async () => client.destroy() };
}

export default async function importBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-import-bench-'));
  const manifests = join(dir, 'manifests');
  writeScaleManifest(manifests, FLAGS);
  const sqlite: Target = { name: 'sqlite', url: (ns) => `sqlite:${join(dir, `${ns}.db`)}`, drop: async () => undefined, close: async () => undefined };
  try {
    for (const target of [sqlite, await postgres(), await redis()]) {
      if (typeof target === 'string') {
        console.log(`skipped: ${target}`);
        continue;
      }
      const times: number[] = [];
      try {
        for (let run = 0; run < RUNS; run++) {
          const namespace = `import_bench_${process.pid}_${run}`;
          const started = performance.now();
          const result = spawnSync(process.execPath, [bin, 'import', manifests, '--store', target.url(namespace), '--create', '--quiet'], { encoding: 'utf8' });
          times.push(performance.now() - started);
          await target.drop(namespace);
          if (result.status !== 0) throw new Error(`import into ${target.name} failed (exit ${result.status}): ${result.stderr}`);
        }
      } finally {
        await target.close();
      }
      times.sort((a, b) => a - b);
      console.log(`${target.name.padEnd(9)} import ${FLAGS.toLocaleString('en')} flags   min ${(times[0]! / 1000).toFixed(2)} s   median ${(times[1]! / 1000).toFixed(2)} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
