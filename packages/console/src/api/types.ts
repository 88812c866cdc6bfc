import type { AdminFlagEntry, StoredValues } from '@switchyard/core';

/** One entry of `GET /api/v1/flags`, from the admin API contract. */
export type FlagEntry = AdminFlagEntry;

/** Maintained values of one key, as `GET /api/v1/values` returns them. */
export type { StoredValues };

export type Role = 'read' | 'write' | 'admin';

/** `GET /api/v1/whoami`. */
export interface WhoAmI {
  id: string;
  role: Role;
  via?: string;
}

export interface ApiIssue {
  path: (string | number)[];
  message: string;
}

/** One step of a workflow run, as `GET /v1/features/runs` reports it. */
export interface RunStep {
  tag: string;
  status: 'completed' | 'failed' | 'skipped' | 'cancelled';
  attempts: number;
  durationMs: number;
  error?: string;
  reason?: string;
  /** A stable code for why the step failed or was cancelled (`TIMEOUT`, `ORIGIN_REFUSED`, …). */
  code?: string;
  allowedFailure?: true;
}

/** A recent workflow run (secrets redacted by the server). */
export interface RunSummary {
  runId: string;
  env: string;
  product: string;
  feature_tag: string;
  /** `cancelled`: the caller went away before the run ended. */
  status: 'completed' | 'failed' | 'cancelled';
  steps: RunStep[];
  error?: { step: string; message: string; code?: string };
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}
export interface RunsResponse {
  runs: RunSummary[];
}
