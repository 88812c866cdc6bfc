import { Client } from 'pg';
import { escapeIdentifier } from 'pg';
import { serviceUrl } from '@switchyard/store-test-suite';

/** The test database URL, or undefined (tests skip) when PostgreSQL is not reachable outside CI. */
export const pgUrl = await serviceUrl('postgres');

/** Runs one statement on a separate admin connection (not through any store under test). */
export async function admin<T = unknown>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const result = await client.query(sql, params);
    return result.rows as T[];
  } finally {
    await client.end();
  }
}

export async function dropSchema(namespace: string): Promise<void> {
  await admin(`DROP SCHEMA IF EXISTS ${escapeIdentifier(namespace)} CASCADE`);
}

/** Terminates every backend of this database whose application_name is `name` (our own connections only). */
export async function terminateBackends(applicationName: string): Promise<number> {
  const rows = await admin<{ ok: boolean }>(
    `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
    [applicationName],
  );
  return rows.filter((r) => r.ok).length;
}
