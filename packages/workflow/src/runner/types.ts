import type { Engine, FlagStore, JsonValue } from '@switchyard/core';
import type { EnvironmentSettings, NetworkSettings, SessionSettings } from '../settings';

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
  /**
   * Cache tag: a completed run's output is stored under it and returned by later runs with the
   * same tag, the same input and the same values of the session claims the workflow reads.
   */
  cache?: string;
  session?: RunSession;
}

export type StepStatus = 'completed' | 'failed' | 'skipped' | 'cancelled';

/** Options of one run. */
export interface RunOptions {
  /** Aborting it cancels the run: running steps get the abort (HTTP requests, SQL statements, …) and the run ends `cancelled`. */
  signal?: AbortSignal;
}

export interface StepReport {
  tag: string;
  status: StepStatus;
  attempts: number;
  durationMs: number;
  error?: string;
  /** Why a step was skipped (condition false, flag inactive, an earlier failure). */
  reason?: string;
  /**
   * A stable code for why the step failed or was cancelled, when there is one: `TIMEOUT`,
   * `DEADLINE_EXCEEDED`, `ABORTED`, `CANCELLED`, `ORIGIN_REFUSED`, `SECRET_NOT_BOUND`,
   * `FLAG_NOT_FOUND`, `TOO_MANY_REDIRECTS`, `RESPONSE_TOO_LARGE`, `HTTP_STATUS`, ….
   */
  code?: string;
  /** The step failed but `allow_fail` let the run go on. */
  allowedFailure?: true;
}

export interface RunResult {
  runId: string;
  /** `cancelled`: the caller aborted the run (its `signal`, or a client that disconnected). */
  status: 'completed' | 'failed' | 'cancelled';
  output: JsonValue | null;
  steps: StepReport[];
  /** Which step failed (or was running when the run was cancelled) and why, with a stable `code` when there is one. */
  error?: { step: string; message: string; code?: string };
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
  /** Per-attempt timeout of steps that set none (and whose workflow sets no `step_timeout`). Default 10 000 ms. `feature` steps are bounded by the deadline only. */
  stepTimeoutMs?: number;
  /** Deadline of a whole run, for workflows that set no `deadline`. Default 30 000 ms. */
  runDeadlineMs?: number;
  /** Where `http` steps and webhooks may send requests. Default: public addresses only, any origin. */
  network?: NetworkSettings;
  /**
   * The engine defines every flag it will ever have when workflows load (flags come from
   * manifests or code), so a flag gate naming an unknown flag is a load-time error. Default
   * `true`. Set `false` when flags are created at run time (a server with a store): an unknown
   * flag then fails its step with code `FLAG_NOT_FOUND`. Either way a gate is never silently skipped.
   */
  flagsKnownAtLoad?: boolean;
  logger?: WorkflowLogger;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
}
