export { createAdminClient } from './admin-client';
export type { AdminCallOptions, AdminClient, AdminClientOptions, AdminWriteOptions } from './admin-client';
export { AdminApiError, AdminNetworkError, AdminTimeoutError, adminApiErrorOf } from './errors';
export type {
  AdminErrorBody,
  AdminFlagEntry,
  AdminIssue,
  AdminOperationId,
  AdminOperations,
  DeleteFlagResponse,
  EvaluateBody,
  EvaluateResponse,
  ListAuditQuery,
  ListAuditResponse,
  ListFeaturesResponse,
  ListFlagsQuery,
  ListFlagsResponse,
  ListValuesResponse,
  PurgeFeaturesBody,
  PurgeFeaturesResponse,
  PutFlagResponse,
  UpdateValuesBody,
  WhoamiResponse,
} from '@switchyard/core';
