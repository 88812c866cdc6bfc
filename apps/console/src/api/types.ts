import type { AuditEntry, EvaluationDetails, FlagDefinition, FlagValue } from '@switchyard/core';

/** One entry of `GET /api/v1/flags`. */
export interface FlagEntry {
  definition: FlagDefinition;
  version: number;
  createdAt: string;
  updatedAt: string;
  source: 'store' | 'manifest';
  readOnly: boolean;
}

/** Maintained values of one key, as `GET /api/v1/values` returns them. */
export interface StoredValues {
  rootValue?: FlagValue;
  scopedValues?: Record<string, FlagValue>;
  version: number;
}

export type Role = 'read' | 'write' | 'admin';

/** `GET /api/v1/whoami`. */
export interface WhoAmI {
  id: string;
  role: Role;
  via?: string;
}

export interface FlagsResponse {
  flags: FlagEntry[];
}
export interface ValuesResponse {
  values: Record<string, StoredValues>;
}
export interface EvaluateResponse {
  results: EvaluationDetails[];
}
export interface AuditResponse {
  entries: AuditEntry[];
}

export interface ApiIssue {
  path: (string | number)[];
  message: string;
}
