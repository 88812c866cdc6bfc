// The request and response types of the admin API, defined in core next to its route table: the
// client's signatures use them and its admin entry re-exports them, from this one list.
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
