import type { JsonValue } from '../types/values';

export type AuditAction = 'flag.upsert' | 'flag.delete' | 'values.update' | 'feature.purge';

/** One applied change. Written in the same transaction as the change itself. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  key: string;
  before: JsonValue;
  after: JsonValue;
}

export interface AuditQuery {
  key?: string;
  /** Newest first; entries with an id below this one. */
  beforeId?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

/** The record of applied changes, written with each change; refused writes leave no entry. */
export interface AuditLog {
  /** Newest first; `beforeId` pages. */
  listAudit(query?: AuditQuery): Promise<AuditEntry[]>;
}
