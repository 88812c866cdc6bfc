import pg from 'pg';
import { propagationBench } from '@switchyard/store-test-suite';
import { createPostgresStore } from '../src/index';

const url = process.env.SWITCHYARD_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
const quiet = { warn() {}, error() {} };

/** Propagation latency and write throughput on PostgreSQL, in a throwaway schema dropped afterwards. */
export default function postgresPropagationBench(): Promise<void> {
  return propagationBench({
    name: 'postgres',
    url,
    defaultPort: 5432,
    envVar: 'SWITCHYARD_TEST_POSTGRES_URL',
    async open(namespace) {
      const store = createPostgresStore({ connectionString: url, namespace, logger: quiet });
      await store.ready();
      return store;
    },
    async drop(namespace) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(namespace)} CASCADE`);
      await admin.end();
    },
  });
}
