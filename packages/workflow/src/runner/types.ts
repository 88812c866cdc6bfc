import type { Engine, FlagStore, JsonValue } from '@switchyard/core';
import type { EnvironmentSettings, SessionSettings } from '../settings';

/** A session as passed to a run (Ductape `ISession`). */
export interface RunSession {
  /** The session tag whose key verifies the token. */
  tag: string;
  /** A JWT. */
  token: string;
}

/** What `run` takes: Ductape's `IFeatureProcessorInput`. */
export interface FeatureRunInput {
  env: string;
  product: string;
  feature_tag: string;
  input: Record<string, unknown>;
  /** Cache tag: a completed run's output is stored under it and returned by later runs with the same tag. */
  cache?: string;
  session?: RunSession;
}

export type StepStatus = 'completed' | 'failed' | 'skipped' | 'cancelled';

export interface StepReport {
  tag: string;
  status: StepStatus;
  attempts: number;
  durationMs: number;
  error?: string;
  /** Why a step was skipped (condition false, flag inactive, an earlier failure). */
  reason?: string;
  /** The step failed but `allow_fail` let the run go on. */
  allowedFailure?: true;
}

export interface RunResult {
  runId: string;
  status: 'completed' | 'failed';
  output: JsonValue | null;
  steps: StepReport[];
  /** Which step failed and why, when `status` is `failed`. */
  error?: { step: string; message: string };
  /** The output came from the cache; no step ran. */
  cached?: true;
  durationMs: number;
}

/** A run as recorded in the store (`workflow:run:<runId>`). Secrets are redacted. */
export interface RunRecord extends RunResult {
  env: string;
  product: string;
  feature_tag: string;
  input: JsonValue;
  startedAt: string;
  finishedAt: string;
}

/**
 * A run as kept in the runner's recent-runs buffer (`listRuns`): the record without input and
 * output. Secrets are redacted.
 */
export interface RunSummary {
  runId: string;
  env: string;
  product: string;
  feature_tag: string;
  status: RunResult['status'];
  steps: StepReport[];
  error?: RunResult['error'];
  startedAt: string;
  finishedAt: string;
  durationMs: number;
}

/** Filters for `listRuns`; `limit` defaults to every buffered run. */
export interface ListRunsOptions {
  limit?: number;
  product?: string;
  featureTag?: string;
}

export interface WorkflowLogger {
  info?(message: string, data?: object): void;
  warn(message: string, data?: object): void;
  error(message: string, data?: object): void;
}

export interface WorkflowRunnerOptions {
  /** Holds cached outputs and run records (any Switchyard store). */
  store: FlagStore;
  /** Settings per environment name, selected by a run's `env`. */
  environments?: Record<string, EnvironmentSettings>;
  /** Session verification per session tag. */
  sessions?: Record<string, SessionSettings>;
  /** Evaluates step flag gates. */
  engine?: Engine;
  /** Cache TTL for workflows that declare none. Default 5 minutes. */
  cacheTtlMs?: number;
  /** How long run records are kept. Default 7 days; `0` disables recording. */
  recordTtlMs?: number;
  /** How many recent run summaries this runner instance keeps in memory for `listRuns`. Default 200; `0` keeps none. */
  recentRuns?: number;
  /** How deep `feature` steps may nest at run time. Default 16. */
  maxDepth?: number;
  logger?: WorkflowLogger;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
}
