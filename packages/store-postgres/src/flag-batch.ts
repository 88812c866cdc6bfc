import type { PoolClient } from 'pg';
import { toJson, type StoredFlag } from '@switchyard/core';
import { notifySelect } from './connection';
import type { Tables } from './tables';

/** A planned record and the one it replaces (for the audit entry). */
export interface FlagBatchRow {
  next: StoredFlag;
  before: StoredFlag | undefined;
}

/**
 * Writes a planned `upsertFlags` batch with one statement: the records, passed as one JSON document
 * (array literals are slow to build and parse at this size), upserted by one multi-row insert, their
 * audit entries in input order, then the change's NOTIFY payloads. The caller holds the keys' locks
 * and has checked every version; every record of a batch carries the same `updatedAt`.
 */
export async function writeFlagBatch(c: PoolClient, t: Tables, rows: readonly FlagBatchRow[], actor: string, payloads: string[]): Promise<void> {
  if (rows.length === 0) return;
  const doc = rows.map(({ next, before }) => {
    const d = next.definition;
    const cells = [JSON.stringify(d.key), toJson(d), next.version, d.enabled ?? true, JSON.stringify(d.flagSet ?? null), JSON.stringify(next.createdAt)];
    return `[${cells.join(',')},${before ? toJson(before.definition) : 'null'}]`;
  });
  await c.query(
    `WITH x AS (
       SELECT n, e->>0 AS k, e->1 AS d, (e->>2)::int AS v, (e->>3)::boolean AS en, e->>4 AS s, (e->>5)::timestamptz AS c, e->6 AS b
         FROM json_array_elements($1::json) WITH ORDINALITY AS u(e, n)
     ), w AS (
       INSERT INTO ${t.flags} (key, definition, version, enabled, flag_set, created_at, updated_at)
       SELECT k, d::jsonb, v, en, s, c, $2 FROM x
       ON CONFLICT (key) DO UPDATE SET definition = EXCLUDED.definition, version = EXCLUDED.version,
         enabled = EXCLUDED.enabled, flag_set = EXCLUDED.flag_set, updated_at = EXCLUDED.updated_at
     ), a AS (
       INSERT INTO ${t.audit} (at, actor, action, key, before, after)
       SELECT $2, $3, 'flag.upsert', k, b, d FROM x ORDER BY n
     )
     ${notifySelect(4)}`,
    [`[${doc.join(',')}]`, rows[0]!.next.updatedAt, actor, t.channel, payloads],
  );
}
