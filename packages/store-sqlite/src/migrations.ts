import type Database from 'better-sqlite3';
import type { MigrationResult } from '@switchyard/core';

export interface Migration {
  /** `NNNN_snake_case`; applied in this order, each once. */
  name: string;
  sql: string;
}

/** The schema, one migration per change. Never edit an applied migration: add a new one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: '0001_initial_tables_and_indexes',
    sql: `
      CREATE TABLE flags (
        key TEXT PRIMARY KEY,
        definition TEXT NOT NULL,
        enabled INTEGER NOT NULL,
        flag_set TEXT,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX flags_flag_set ON flags (flag_set, key);

      CREATE TABLE value_keys (
        key TEXT PRIMARY KEY,
        version INTEGER NOT NULL
      );
      CREATE TABLE flag_values (
        key TEXT NOT NULL,
        scope TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (key, scope)
      ) WITHOUT ROWID;

      CREATE TABLE feature_values (
        feature TEXT NOT NULL,
        scope_id TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (feature, scope_id)
      ) WITHOUT ROWID;

      CREATE TABLE cache (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        expires_at INTEGER
      );
      CREATE INDEX cache_expires_at ON cache (expires_at) WHERE expires_at IS NOT NULL;

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        key TEXT NOT NULL,
        before TEXT NOT NULL,
        after TEXT NOT NULL
      );
      CREATE INDEX audit_log_key ON audit_log (key, id);

      CREATE TABLE change_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        origin TEXT NOT NULL,
        kind TEXT NOT NULL,
        keys TEXT NOT NULL
      );
    `,
  },
];

export const MIGRATIONS_TABLE = 'switchyard_migrations';

/**
 * Applies pending migrations, each in its own IMMEDIATE transaction together with its row in the
 * migrations table, so two processes migrating at once apply each migration exactly once.
 * Stops at the first failure and reports it as the last result.
 */
export function runMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): MigrationResult[] {
  db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`);
  const isApplied = db.prepare<[string], { name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} WHERE name = ?`);
  const record = db.prepare<[string, string]>(`INSERT INTO ${MIGRATIONS_TABLE} (name, applied_at) VALUES (?, ?)`);
  const results: MigrationResult[] = [];
  for (const migration of migrations) {
    const apply = db.transaction((): boolean => {
      if (isApplied.get(migration.name)) return false;
      db.exec(migration.sql);
      record.run(migration.name, new Date().toISOString());
      return true;
    });
    try {
      if (apply.immediate()) results.push({ migrationName: migration.name, direction: 'Up', status: 'Success' });
    } catch (err) {
      results.push({ migrationName: migration.name, direction: 'Up', status: 'Error', error: err instanceof Error ? err.message : String(err) });
      break;
    }
  }
  return results;
}
