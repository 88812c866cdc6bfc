import { test } from 'vitest';
import { whenReady } from '@switchyard/core';
import { storageTestSuite, uniqueNamespace } from '@switchyard/store-test-suite';
import { createPostgresStore, MIGRATION_NAMES, type PostgresStore } from '../src/index';
import { admin, dropSchema, pgUrl } from './helpers';
import { recordingLogger } from '../../../tooling/testing/recording-logger.ts';

const namespace = uniqueNamespace('sy_pg_conf');

if (pgUrl) {
  const connectionString = pgUrl;
  storageTestSuite(
    test,
    // The suite migrates (and checks migrations) itself; ready() then only waits for the listener.
    (options) => whenReady(createPostgresStore({ connectionString, namespace, autoMigrate: false, logger: recordingLogger(), ...options })),
    {
      name: 'postgres',
      // Every test starts on an empty, un-migrated schema.
      cleanup: () => dropSchema(namespace),
      teardown: () => dropSchema(namespace),
      migrations: [...MIGRATION_NAMES],
      // The listening connection is terminated as a server restart would.
      interruptChangeFeed: async (store) => {
        await admin('SELECT pg_terminate_backend($1)', [(store as PostgresStore).listenerProcessId]);
      },
    },
  );
} else {
  // Reached only outside CI: `serviceUrl` throws under CI=true and has already warned loudly.
  test.skip('PostgreSQL conformance (set SWITCHYARD_TEST_POSTGRES_URL to run)', () => undefined);
}
