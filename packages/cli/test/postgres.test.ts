import { serviceUrl, uniqueNamespace } from '@switchyard/store-test-suite';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { storeCommandSuite } from './store-suite';

const url = await serviceUrl('postgres');
/** The schemas this file created, dropped at the end: the database is shared with other suites. */
const schemas: string[] = [];

describe.skipIf(!url)('PostgreSQL', () => {
  storeCommandSuite('PostgreSQL', async () => {
    const schema = uniqueNamespace('sy_cli');
    schemas.push(schema);
    return `${url}?schema=${schema}`;
  });
  afterAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
    } finally {
      await client.end();
    }
  });
});
