import type { AdminFlagEntry, StoredValues } from '@switchyard/core';
import type { RunSummary, StepReport } from '@switchyard/workflow';

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
export type RunStep = StepReport;

/** A recent workflow run (secrets redacted by the server). */
export type { RunSummary };

export interface RunsResponse {
  runs: RunSummary[];
}
