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
}

async function postgres(): Promise<Target | string> {
  const client = new pg.Client({ connectionString: POSTGRES, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch (err) {
    return `PostgreSQL not reachable at ${POSTGRES} (${(err as Error).message}; set SWITCHYARD_TEST_POSTGRES_URL)`;
  }
  return {
    name: 'postgres',
    url: (ns) => `${POSTGRES}?schema=${ns}`,
    drop: async (ns) => void (await client.query(`DROP SCHEMA IF EXISTS ${ns} CASCADE`)),
  };
}

async function redis(): Promise<Target | string> {
  const client = createClient({ url: REDIS, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    return `Redis not reachable at ${REDIS} (${(err as Error).message}; set SWITCHYARD_TEST_REDIS_URL)`;
  }
  return {
    name: 'redis',
    url: (ns) => `${REDIS}?prefix=${ns}`,
    drop: async (ns) => {
      const keys: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: `${ns}:*`, COUNT: 1000 })) keys.push(...batch);
      for (let i = 0; i < keys.length; i += 1000) await client.unlink(keys.slice(i, i + 1000));
    },
  };
}

export default async function importBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-import-bench-'));
  const manifests = join(dir, 'manifests');
  writeScaleManifest(manifests, FLAGS);
  const sqlite: Target = { name: 'sqlite', url: (ns) => `sqlite:${join(dir, `${ns}.db`)}`, drop: async () => undefined };
  try {
    for (const target of [sqlite, await postgres(), await redis()]) {
      if (typeof target === 'string') {
        console.log(`skipped: ${target}`);
        continue;
      }
      const times: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const namespace = `import_bench_${process.pid}_${run}`;
        const started = performance.now();
        const result = spawnSync(process.execPath, [bin, 'import', manifests, '--store', target.url(namespace), '--create', '--quiet'], { encoding: 'utf8' });
        times.push(performance.now() - started);
        await target.drop(namespace);
        if (result.status !== 0) throw new Error(`import into ${target.name} failed (exit ${result.status}): ${result.stderr}`);
      }
      times.sort((a, b) => a - b);
      console.log(`${target.name.padEnd(9)} import ${FLAGS.toLocaleString('en')} flags   min ${(times[0]! / 1000).toFixed(2)} s   median ${(times[1]! / 1000).toFixed(2)} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
