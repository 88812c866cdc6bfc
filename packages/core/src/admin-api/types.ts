import type { z } from 'zod';
import type { EvaluationDetails } from '../types/evaluation';
import type { AuditEntry, AuditQuery } from '../store/audit-log';
import type { StoredValues, ValueUpdate } from '../store/value-repository';
import type { FlagDefinition } from '../types/flag';
import type { EvaluationContext } from '../types/context';
import type { flagEntrySchema, listFlagsQuerySchema, purgeFeaturesBodySchema, whoamiSchema } from './schemas';

/** A flag as the native admin API answers it; manifest flags are read-only with version 0. */
export type AdminFlagEntry = z.infer<typeof flagEntrySchema>;
/** `GET /api/v1/flags` query, as sent (booleans as text). */
export type ListFlagsQuery = z.input<typeof listFlagsQuerySchema>;
export interface ListFlagsResponse {
  flags: AdminFlagEntry[];
}
export interface PutFlagResponse {
  flag: AdminFlagEntry;
}
export interface DeleteFlagResponse {
  deleted: true;
}
export interface ListValuesResponse {
  values: Record<string, StoredValues>;
}
export interface UpdateValuesBody {
  updates: ValueUpdate[];
}
export interface EvaluateBody {
  context?: EvaluationContext;
  environment?: string;
  flags?: string[];
}
export interface EvaluateResponse {
  results: EvaluationDetails[];
}
export type ListAuditQuery = AuditQuery;
export interface ListAuditResponse {
  entries: AuditEntry[];
}
export interface ListFeaturesResponse {
  features: string[];
}
export type PurgeFeaturesBody = z.input<typeof purgeFeaturesBodySchema>;
export interface PurgeFeaturesResponse {
  purged: number;
}
export type WhoamiResponse = z.infer<typeof whoamiSchema>;

/** One problem a refused request had (validation names the field by `path`). */
export interface AdminIssue {
  path: (string | number)[];
  message: string;
}

/** The error body every native admin route answers with on 4xx/5xx. */
export interface AdminErrorBody {
  error: { code: string; message: string; issues?: AdminIssue[] };
}

/**
 * Request and response types per operation of the route table (`adminRoutes`): `params` fill the
 * path, `query` the query string, `body` the JSON body, `ifMatch` the `If-Match` header.
 */
export interface AdminOperations {
  listFlags: { params: undefined; query: ListFlagsQuery; body: undefined; response: ListFlagsResponse };
  getFlag: { params: { key: string }; query: undefined; body: undefined; response: AdminFlagEntry };
  putFlag: { params: { key: string }; query: undefined; body: FlagDefinition; response: PutFlagResponse };
  deleteFlag: { params: { key: string }; query: undefined; body: undefined; response: DeleteFlagResponse };
  listValues: { params: undefined; query: undefined; body: undefined; response: ListValuesResponse };
  updateValues: { params: undefined; query: undefined; body: UpdateValuesBody; response: undefined };
  evaluate: { params: undefined; query: undefined; body: EvaluateBody; response: EvaluateResponse };
  listAudit: { params: undefined; query: ListAuditQuery; body: undefined; response: ListAuditResponse };
  listFeatures: { params: undefined; query: undefined; body: undefined; response: ListFeaturesResponse };
  purgeFeatures: { params: undefined; query: undefined; body: PurgeFeaturesBody; response: PurgeFeaturesResponse };
  whoami: { params: undefined; query: undefined; body: undefined; response: WhoamiResponse };
}
