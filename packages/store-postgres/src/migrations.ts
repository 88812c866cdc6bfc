import type { MigrationResult } from '@switchyard/core';
import { DatabaseError, type PoolClient } from 'pg';
import { isUnavailable } from './errors';
import type { Tables } from './tables';

/** One schema change. Applied in name order, each exactly once per namespace. */
export interface Migration {
  name: string;
  statements: (t: Tables) => string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: '0001_initial_tables_and_indexes',
    statements: (t) => [
      `CREATE TABLE ${t.flags} (
        key text PRIMARY KEY,
        definition jsonb NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        enabled boolean NOT NULL,
        flag_set text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`,
      `CREATE INDEX flags_flag_set_idx ON ${t.flags} (flag_set, key)`,
      `CREATE TABLE ${t.values} (
        key text PRIMARY KEY,
        root_value jsonb,
        scoped_values jsonb,
        version integer NOT NULL CHECK (version > 0),
        updated_at timestamptz NOT NULL
      )`,
      `CREATE TABLE ${t.features} (
        feature text NOT NULL,
        scope_id text NOT NULL,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (feature, scope_id)
      )`,
      `CREATE TABLE ${t.audit} (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        key text NOT NULL,
        before json,
        after json
      )`,
      // Audit snapshots are kept as text (json, not jsonb): they are written on every change and only read back whole.
      `CREATE INDEX audit_key_id_idx ON ${t.audit} (key, id DESC)`,
    ],
  },
  {
    name: '0002_cache_with_expiry',
    statements: (t) => [
      `CREATE TABLE ${t.cache} (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        expires_at timestamptz
      )`,
      `CREATE INDEX cache_expires_at_idx ON ${t.cache} (expires_at) WHERE expires_at IS NOT NULL`,
    ],
  },
];

/** Names of every migration this version knows, in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = MIGRATIONS.map((m) => m.name);

/**
 * Applies pending migrations in one transaction under an advisory lock, so instances starting
 * together serialize here and the later ones find nothing left to do. DDL is transactional in
 * PostgreSQL: when a migration fails, nothing of this call stays applied and the result is that
 * migration with status `Error`. Connection problems are thrown.
 */
export async function runMigrations(client: PoolClient, namespace: string, t: Tables): Promise<MigrationResult[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`switchyard:migrate:${namespace}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${t.migrations} (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM ${t.migrations}`);
    const done = new Set(rows.map((r) => r.name));
    const applied: MigrationResult[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.name)) continue;
      try {
        for (const sql of migration.statements(t)) await client.query(sql);
        await client.query(`INSERT INTO ${t.migrations} (name) VALUES ($1)`, [migration.name]);
      } catch (err) {
        if (!(err instanceof DatabaseError) || isUnavailable(err)) throw err;
        await client.query('ROLLBACK');
        return [{ migrationName: migration.name, direction: 'Up', status: 'Error', error: err.message }];
      }
      applied.push({ migrationName: migration.name, direction: 'Up', status: 'Success' });
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
