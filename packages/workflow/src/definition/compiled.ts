import type { CompiledValue } from '../mapping/compile-value';
import type { CompiledUrl } from '../steps/url-template';
import type { InputValidator } from '../input/validate-input';
import type { StepDefinition, WorkflowDefinition } from './schema';

export interface CompiledRetry {
  /** Extra attempts after the first. */
  retries: number;
  delayMs: number;
  factor: number;
  maxDelayMs: number;
}

export interface CompiledStep {
  tag: string;
  index: number;
  definition: StepDefinition;
  /** Indices of the steps that must settle first. */
  deps: number[];
  condition?: CompiledValue;
  /** The step's mapped fields (body, params, …; not `url`). */
  config: CompiledValue;
  /** The `url` of `http` steps and webhooks, compiled so that caller values cannot steer the request. */
  url?: CompiledUrl;
  retry: CompiledRetry;
  timeoutMs?: number;
  flag?: { key: string; value: unknown };
}

/** Names a run needs from its environment; checked before any step runs. */
export interface EnvironmentNeeds {
  vars: Set<string>;
  secrets: Set<string>;
  baseUrls: Set<string>;
  databases: Set<string>;
  brokers: Set<string>;
  mailers: Set<string>;
  storage: Set<string>;
}

/** A validated workflow, ready to run. */
export interface CompiledWorkflow {
  key: string;
  definition: WorkflowDefinition;
  file: string;
  steps: CompiledStep[];
  validateInput: InputValidator;
  output?: CompiledValue;
  context?: CompiledValue;
  /** Session tags its mappings read. */
  sessions: Set<string>;
  needs: EnvironmentNeeds;
  cacheTtlMs?: number;
  stepTimeoutMs?: number;
  deadlineMs?: number;
  /** `allow_origins`: origins as written, and base URL names resolved per environment. */
  allowOrigins?: { origins: string[]; bases: string[] };
  /** Session claims its mappings read, by session tag (what a cached output may depend on). */
  sessionClaims: Map<string, Set<string>>;
  /** Flag gates use the default context, which holds every session claim. */
  flagContextReadsSessions: boolean;
  /** A hash of the definition: cached outputs of an older definition are not served. */
  version: string;
}

export function workflowKey(product: string, tag: string): string {
  return `${product}/${tag}`;
}
