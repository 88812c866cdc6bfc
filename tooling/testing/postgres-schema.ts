/**
 * Drops one schema a suite created on a PostgreSQL server other suites share (never another one):
 * `query` runs SQL on a connection the caller owns.
 */
export async function dropPostgresSchema(query: (sql: string) => Promise<unknown>, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a schema name this suite creates: ${schema}`);
  await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
