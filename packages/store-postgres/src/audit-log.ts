import type { Pool } from 'pg';
import { auditLimit, type AuditAction, type AuditEntry, type AuditQuery, type JsonValue } from '@switchyard/core';
import type { Tables } from './tables';

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  action: AuditAction;
  key: string;
  before: JsonValue;
  after: JsonValue;
}

/** Most audit rows one retention statement deletes (a large backlog is trimmed in steps). */
const AUDIT_TRIM_BATCH = 1000;

/** The `listAudit` query: newest first, optionally of one key and before an id. */
export async function readAudit(read: (sql: string, params: unknown[]) => Promise<unknown[]>, t: Tables, query: AuditQuery): Promise<AuditEntry[]> {
  const rows = (await read(
    `SELECT id, at, actor, action, key, before, after FROM ${t.audit}
     WHERE ($1::text IS NULL OR key = $1) AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
    [query.key ?? null, query.beforeId ?? null, auditLimit(query)],
  )) as AuditRow[];
  return rows.map((r) => ({ id: Number(r.id), at: r.at.toISOString(), actor: r.actor, action: r.action, key: r.key, before: r.before, after: r.after }));
}

/**
 * Deletes audit rows older than the newest `maxEntries`, at most `AUDIT_TRIM_BATCH` per call
 * (`true` when more remain). The cut-off is the N-th newest id itself, not `max(id) - N`: rolled-back
 * transactions leave gaps in the sequence.
 */
export async function trimAudit(pool: Pool, t: Tables, maxEntries: number): Promise<boolean> {
  const result = await pool.query(
    `DELETE FROM ${t.audit} WHERE id IN (
       SELECT id FROM ${t.audit}
        WHERE id < (SELECT id FROM ${t.audit} ORDER BY id DESC OFFSET $1 LIMIT 1)
        ORDER BY id LIMIT $2)`,
    [maxEntries - 1, AUDIT_TRIM_BATCH],
  );
  return (result.rowCount ?? 0) >= AUDIT_TRIM_BATCH;
}
