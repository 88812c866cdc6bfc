import pg from 'pg';
import { propagationLatency, reachable, reportLatency, writeThroughput } from '@switchyard/store-test-suite';
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
    reportLatency('postgres propagation (write issued on A → change event on B)', await propagationLatency(a, b, WRITES));
    await writeThroughput('postgres', a);
  } finally {
    await Promise.all([a.close(), b.close()]);
    const admin = new pg.Client({ connectionString: URL_ });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(namespace)} CASCADE`);
    await admin.end();
  }
}
