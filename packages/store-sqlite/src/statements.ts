import type Database from 'better-sqlite3';

type Stmt = Database.Statement<unknown[], unknown>;

const SQL = {
  getFlag: 'SELECT definition, version, created_at, updated_at FROM flags WHERE key = ?',
  getDefinition: 'SELECT definition FROM flags WHERE key = ?',
  listFlags: 'SELECT definition, version, created_at, updated_at FROM flags ORDER BY key',
  listEnabledFlags: 'SELECT definition, version, created_at, updated_at FROM flags WHERE enabled = 1 ORDER BY key',
  listFlagsInSet: 'SELECT definition, version, created_at, updated_at FROM flags WHERE flag_set = ? ORDER BY key',
  listEnabledFlagsInSet: 'SELECT definition, version, created_at, updated_at FROM flags WHERE flag_set = ? AND enabled = 1 ORDER BY key',
  upsertFlag: `INSERT INTO flags (key, definition, enabled, flag_set, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET definition = excluded.definition, enabled = excluded.enabled, flag_set = excluded.flag_set,
         version = excluded.version, updated_at = excluded.updated_at`,
  deleteFlag: 'DELETE FROM flags WHERE key = ?',
  valueVersion: 'SELECT version FROM value_keys WHERE key = ?',
  valueRows: 'SELECT scope, value FROM flag_values WHERE key = ?',
  allValueKeys: 'SELECT key, version FROM value_keys ORDER BY key',
  allValueRows: 'SELECT key, scope, value FROM flag_values',
  setValueRow: 'INSERT INTO flag_values (key, scope, value) VALUES (?, ?, ?) ON CONFLICT (key, scope) DO UPDATE SET value = excluded.value',
  deleteValueRow: 'DELETE FROM flag_values WHERE key = ? AND scope = ?',
  deleteValueRows: 'DELETE FROM flag_values WHERE key = ?',
  setValueVersion: 'INSERT INTO value_keys (key, version) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET version = excluded.version',
  deleteValueKey: 'DELETE FROM value_keys WHERE key = ?',
  getFeatureValue: 'SELECT value FROM feature_values WHERE feature = ? AND scope_id = ?',
  getFeatureValues: 'SELECT scope_id, value FROM feature_values WHERE feature = ? AND scope_id IN (SELECT value FROM json_each(?))',
  insertFeatureValue: 'INSERT INTO feature_values (feature, scope_id, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  upsertFeatureValue: 'INSERT INTO feature_values (feature, scope_id, value) VALUES (?, ?, ?) ON CONFLICT (feature, scope_id) DO UPDATE SET value = excluded.value',
  updateFeatureValues: 'UPDATE feature_values SET value = ? WHERE feature = ?',
  deleteFeatureValue: 'DELETE FROM feature_values WHERE feature = ? AND scope_id = ?',
  deleteFeature: 'DELETE FROM feature_values WHERE feature = ?',
  listFeatures: 'SELECT DISTINCT feature FROM feature_values ORDER BY feature',
  cacheGet: 'SELECT value, expires_at FROM cache WHERE key = ?',
  cacheSet: 'INSERT INTO cache (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
  cacheDelete: 'DELETE FROM cache WHERE key = ?',
  cacheExpireOne: 'DELETE FROM cache WHERE key = ? AND expires_at <= ?',
  cacheSweep: 'DELETE FROM cache WHERE expires_at <= ?',
  insertAudit: 'INSERT INTO audit_log (at, actor, action, key, before, after) VALUES (?, ?, ?, ?, ?, ?)',
  trimAudit: 'DELETE FROM audit_log WHERE id <= ?',
  audit: 'SELECT id, at, actor, action, key, before, after FROM audit_log ORDER BY id DESC LIMIT ?',
  auditBefore: 'SELECT id, at, actor, action, key, before, after FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?',
  auditOfKey: 'SELECT id, at, actor, action, key, before, after FROM audit_log WHERE key = ? ORDER BY id DESC LIMIT ?',
  auditOfKeyBefore: 'SELECT id, at, actor, action, key, before, after FROM audit_log WHERE key = ? AND id < ? ORDER BY id DESC LIMIT ?',
  insertChange: 'INSERT INTO change_log (at, origin, kind, keys) VALUES (?, ?, ?, ?)',
  changesSince: 'SELECT id, origin, kind, keys FROM change_log WHERE id > ? ORDER BY id LIMIT 1000',
  lastChangeId: "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), 0)",
  pruneChanges: 'DELETE FROM change_log WHERE at < ?',
  dataVersion: 'PRAGMA data_version',
  ping: 'SELECT 1',
} as const;

/** Statements returning one column, read with `pluck()`. */
const PLUCKED = new Set<string>(['getDefinition', 'valueVersion', 'getFeatureValue', 'listFeatures', 'lastChangeId', 'dataVersion', 'ping']);

export type Statements = Record<keyof typeof SQL, Stmt>;

/** Every statement the store runs, prepared once per connection after migrations. */
export function prepareStatements(db: Database.Database): Statements {
  const out = {} as Statements;
  for (const [name, sql] of Object.entries(SQL) as [keyof typeof SQL, string][]) {
    const stmt = db.prepare<unknown[], unknown>(sql);
    out[name] = PLUCKED.has(name) ? stmt.pluck() : stmt;
  }
  return out;
}


export interface FlagRow {
  definition: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  key: string;
  before: string;
  after: string;
}

export interface ChangeRow {
  id: number;
  origin: string;
  kind: string;
  keys: string;
}
