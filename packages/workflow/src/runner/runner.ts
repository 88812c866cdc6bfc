import { randomUUID } from 'node:crypto';
import { ValidationError, type JsonValue } from '@switchyard/core';
import { checkWorkflows, type PendingDefinition } from '../definition/check-workflows';
import { workflowKey, type CompiledWorkflow } from '../definition/compiled';
import { WorkflowDefinitionError } from '../definition/diagnostic';
import { readDefinitionDir, readDefinitionText } from '../definition/read-definitions';
import type { WorkflowDefinition } from '../definition/schema';
import { codeLocator } from '../definition/source-document';
import { FeatureNotFoundError, SessionError, StepFailure } from '../errors';
import type { MappingScope } from '../mapping/evaluate';
import { compileValue, type MappingProblem } from '../mapping/compile-value';
import { SessionVerifier } from '../session/verify-session';
import type { EnvironmentSettings } from '../settings';
import { executeWorkflow, type Execution } from './execute';
import { RecentRuns } from './recent-runs';
import { createRedactor, stringsIn } from './redact';
import { Resources } from './resources';
import type { FeatureRunInput, ListRunsOptions, RunRecord, RunResult, RunSummary, WorkflowRunnerOptions } from './types';

const DAY = 86_400_000;

/** Runs workflow features (`features.run`). Create one per process with `createWorkflowRunner`. */
export interface WorkflowRunner {
  /**
   * Runs a feature. Bad requests, unknown features, invalid input and invalid sessions throw
   * (`ValidationError`, `FeatureNotFoundError`, `SessionError`) before any step runs; step
   * failures come back as `status: 'failed'` with the failing step and its error.
   */
  run(request: FeatureRunInput): Promise<RunResult>;
  /** Loads every workflow file under `dir`; all-or-nothing, `WorkflowDefinitionError` lists every problem. */
  loadWorkflows(dir: string): Promise<CompiledWorkflow[]>;
  /** Registers workflows from YAML/JSON text (`file` names it in diagnostics). */
  loadText(text: string, file: string): CompiledWorkflow[];
  /** Registers code-defined workflows; all-or-nothing. */
  register(definitions: WorkflowDefinition | WorkflowDefinition[]): CompiledWorkflow[];
  /** Every registered workflow, as `{ product, tag, description, input }`. */
  list(): { product: string; tag: string; description?: string; input: WorkflowDefinition['input'] }[];
  /** A recorded run, by the `runId` of its result. */
  getRun(runId: string): Promise<RunRecord | undefined>;
  /**
   * The most recent runs of this runner instance (not of other processes sharing the store), newest
   * first, without input and output; secrets are redacted. Runs answered from the cache are not listed.
   * Throws `ValidationError` when `limit` is not a positive integer.
   */
  listRuns(options?: ListRunsOptions): RunSummary[];
  /** Forgets a cached output. */
  clearCache(request: Pick<FeatureRunInput, 'env' | 'product' | 'feature_tag' | 'cache'>): Promise<void>;
  /** Closes the connections opened by steps (the store stays open: it belongs to the caller). */
  close(): Promise<void>;
}

export function createWorkflowRunner(options: WorkflowRunnerOptions): WorkflowRunner {
  return new Runner(options);
}

class Runner implements WorkflowRunner {
  private readonly workflows = new Map<string, CompiledWorkflow>();
  private readonly environments: Readonly<Record<string, EnvironmentSettings>>;
  private readonly resources: Resources;
  private readonly verifier: SessionVerifier;
  private readonly clock: () => number;
  private readonly recent: RecentRuns;

  constructor(private readonly options: WorkflowRunnerOptions) {
    const capacity = options.recentRuns ?? 200;
    if (!Number.isInteger(capacity) || capacity < 0) throw new ValidationError([{ path: ['recentRuns'], message: 'must be a non-negative integer' }]);
    this.recent = new RecentRuns(capacity);
    this.environments = options.environments ?? {};
    this.resources = new Resources(this.environments);
    this.verifier = new SessionVerifier(options.sessions ?? {});
    this.clock = options.clock ?? Date.now;
  }

  async loadWorkflows(dir: string): Promise<CompiledWorkflow[]> {
    const read = await readDefinitionDir(dir);
    return this.add(read.pending, read.diagnostics);
  }

  loadText(text: string, file: string): CompiledWorkflow[] {
    const read = readDefinitionText(text, file);
    return this.add(read.pending, read.diagnostics);
  }

  register(definitions: WorkflowDefinition | WorkflowDefinition[]): CompiledWorkflow[] {
    const list = Array.isArray(definitions) ? definitions : [definitions];
    return this.add(
      list.map((value, i) => {
        const named = value && typeof value === 'object' && typeof value.tag === 'string' ? `${String(value.product)}/${value.tag}` : `#${i}`;
        return { value, locator: codeLocator(`<code:${named}>`), basePath: [] };
      }),
      [],
    );
  }

  private add(pending: PendingDefinition[], diagnostics: WorkflowDefinitionError['diagnostics']): CompiledWorkflow[] {
    const checked = checkWorkflows(pending, {
      existing: this.workflows,
      sessions: this.options.sessions ?? {},
      environments: this.environments,
      hasEngine: this.options.engine !== undefined,
    });
    const all = [...diagnostics, ...checked.diagnostics];
    if (all.length) throw new WorkflowDefinitionError(all);
    for (const wf of checked.compiled) this.workflows.set(wf.key, wf);
    return checked.compiled;
  }

  list() {
    return [...this.workflows.values()].map((w) => ({ product: w.definition.product, tag: w.definition.tag, ...(w.definition.description ? { description: w.definition.description } : {}), input: w.definition.input }));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    return (await this.options.store.cacheGet(`workflow:run:${runId}`)) as RunRecord | undefined;
  }

  listRuns(options?: ListRunsOptions): RunSummary[] {
    return this.recent.list(options);
  }

  async clearCache(request: Pick<FeatureRunInput, 'env' | 'product' | 'feature_tag' | 'cache'>): Promise<void> {
    if (request.cache) await this.options.store.cacheDelete(cacheKey(request.env, request.product, request.feature_tag, request.cache));
  }

  async close(): Promise<void> {
    await this.resources.close();
  }

  async run(request: FeatureRunInput): Promise<RunResult> {
    const startedAt = this.clock();
    const started = performance.now();
    checkRequest(request);
    const { env, product, feature_tag: featureTag } = request;
    const wf = this.find(product, featureTag);
    const settings = Object.hasOwn(this.environments, env) ? this.environments[env]! : undefined;
    if (!settings) {
      const known = Object.keys(this.environments);
      throw new ValidationError([{ path: ['env'], message: `unknown environment "${env}"${known.length ? ` (environments: ${known.join(', ')})` : ' (no environments are configured)'}` }]);
    }
    const secrets = Object.values(settings.secrets ?? {});
    if (request.session) secrets.push(request.session.token);
    // Secrets the caller typed into the input are theirs already: masking them would confirm guesses.
    const redact = createRedactor(secrets, { knownToCaller: stringsIn(request.input) });

    const sessions: Record<string, Record<string, unknown>> = {};
    if (request.session) {
      const claims = await this.verifier.verify(request.session.tag, request.session.token, this.clock);
      sessions[request.session.tag] = claims;
      const alias = this.options.sessions?.[request.session.tag]?.key;
      if (alias) sessions[alias] = claims;
    }
    for (const tag of wf.sessions) if (!sessions[tag]) throw new SessionError(tag, `feature "${featureTag}" reads this session; pass session: { tag: "${tag}", token }`);
    checkNeeds(wf, env, settings);

    const scope: MappingScope = { input: {}, sessions, steps: {}, env: settings.vars ?? {}, secrets: settings.secrets ?? {}, now: this.clock };
    const input = wf.validateInput(injectSession(request.input, scope));
    scope.input = input;

    const key = request.cache ? cacheKey(env, product, featureTag, request.cache) : undefined;
    if (key) {
      const hit = await this.options.store.cacheGet(key);
      if (hit !== undefined) {
        return { runId: randomUUID(), status: 'completed', output: hit, steps: [], cached: true, durationMs: elapsed(started) };
      }
    }

    const execution = await this.execute(wf, scope, env, settings, new AbortController().signal, 0);
    const result = redact<RunResult>({
      runId: randomUUID(),
      status: execution.status,
      output: toJson(execution.output),
      steps: execution.steps,
      ...(execution.error ? { error: execution.error } : {}),
      durationMs: elapsed(started),
    });
    if (result.status === 'failed') this.options.logger?.warn(`feature ${product}/${featureTag} failed at step "${result.error!.step}": ${result.error!.message}`, { runId: result.runId, env });
    if (key && result.status === 'completed') await this.options.store.cacheSet(key, result.output, wf.cacheTtlMs ?? this.options.cacheTtlMs ?? 300_000);
    await this.record(result, request, redact(toJson(input)), startedAt);
    return result;
  }

  private find(product: string, featureTag: string): CompiledWorkflow {
    const wf = this.workflows.get(workflowKey(product, featureTag));
    if (!wf) {
      const known = [...this.workflows.values()].filter((w) => w.definition.product === product).map((w) => w.definition.tag);
      throw new FeatureNotFoundError(product, featureTag, known);
    }
    return wf;
  }

  private execute(wf: CompiledWorkflow, scope: MappingScope, env: string, settings: EnvironmentSettings, signal: AbortSignal, depth: number): Promise<Execution> {
    return executeWorkflow(wf, scope, {
      env,
      settings,
      resources: this.resources,
      ...(this.options.engine ? { engine: this.options.engine } : {}),
      signal,
      clock: this.clock,
      runFeature: async (product, featureTag, rawInput, stepSignal) => {
        if (depth + 1 > (this.options.maxDepth ?? 16)) throw new StepFailure(`features nest deeper than ${this.options.maxDepth ?? 16} levels`);
        const nested = this.find(product || wf.definition.product, featureTag);
        for (const tag of nested.sessions) if (!scope.sessions[tag]) throw new SessionError(tag, `feature "${featureTag}" reads this session, which the run did not pass`);
        checkNeeds(nested, env, settings);
        const input = nested.validateInput(rawInput);
        const result = await this.execute(nested, { ...scope, input, steps: {} }, env, settings, stepSignal, depth + 1);
        if (result.status === 'failed') throw new StepFailure(`feature "${nested.key}" failed at step "${result.error!.step}": ${result.error!.message}`);
        return result.output;
      },
    });
  }

  private async record(result: RunResult, request: FeatureRunInput, input: JsonValue, startedAt: number): Promise<void> {
    const started = new Date(startedAt).toISOString();
    const finished = new Date(startedAt + result.durationMs).toISOString();
    // `result` is already redacted; its step reports are copied because the caller owns `result`.
    this.recent.add({
      runId: result.runId,
      env: request.env,
      product: request.product,
      feature_tag: request.feature_tag,
      status: result.status,
      steps: result.steps.map((step) => ({ ...step })),
      ...(result.error ? { error: { ...result.error } } : {}),
      startedAt: started,
      finishedAt: finished,
      durationMs: result.durationMs,
    });
    const ttl = this.options.recordTtlMs ?? 7 * DAY;
    if (ttl <= 0) return;
    const record: RunRecord = {
      ...result,
      env: request.env,
      product: request.product,
      feature_tag: request.feature_tag,
      input,
      startedAt: started,
      finishedAt: finished,
    };
    try {
      await this.options.store.cacheSet(`workflow:run:${result.runId}`, record as unknown as JsonValue, ttl);
    } catch (err) {
      this.options.logger?.error(`could not record run ${result.runId}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function cacheKey(env: string, product: string, featureTag: string, tag: string): string {
  return `workflow:cache:${env}:${product}:${featureTag}:${tag}`;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

function checkRequest(request: FeatureRunInput): void {
  const issues: { path: string[]; message: string }[] = [];
  if (request === null || typeof request !== 'object') throw new ValidationError([{ path: [], message: 'the run request must be an object' }]);
  for (const k of ['env', 'product', 'feature_tag'] as const) if (typeof request[k] !== 'string' || request[k] === '') issues.push({ path: [k], message: 'must be a non-empty string' });
  if (request.input === null || typeof request.input !== 'object' || Array.isArray(request.input)) issues.push({ path: ['input'], message: 'must be an object' });
  if (request.cache !== undefined && (typeof request.cache !== 'string' || request.cache === '')) issues.push({ path: ['cache'], message: 'must be a non-empty string' });
  if (request.session !== undefined) {
    const s = request.session as unknown;
    if (s === null || typeof s !== 'object') issues.push({ path: ['session'], message: 'must be { tag, token }' });
    else {
      if (typeof request.session.tag !== 'string' || !request.session.tag) issues.push({ path: ['session', 'tag'], message: 'must be a non-empty string' });
      if (typeof request.session.token !== 'string' || !request.session.token) issues.push({ path: ['session', 'token'], message: 'must be a non-empty string' });
    }
  }
  if (issues.length) throw new ValidationError(issues);
}

/** Names of vars, secrets and connections the workflow uses must exist in the chosen environment. */
function checkNeeds(wf: CompiledWorkflow, env: string, settings: EnvironmentSettings): void {
  const issues: { path: string[]; message: string }[] = [];
  const check = (names: Set<string>, group: Record<string, unknown> | undefined, label: string) => {
    for (const name of names) if (!group || !Object.hasOwn(group, name)) issues.push({ path: ['env'], message: `environment "${env}" defines no ${label} "${name}", which feature "${wf.key}" uses` });
  };
  check(wf.needs.vars, settings.vars, 'var');
  check(wf.needs.secrets, settings.secrets, 'secret');
  check(wf.needs.baseUrls, settings.baseUrls, 'base URL');
  check(wf.needs.databases, settings.databases, 'database');
  check(wf.needs.brokers, settings.brokers, 'broker');
  check(wf.needs.mailers, settings.mailers, 'mailer');
  check(wf.needs.storage, settings.storage, 'storage driver');
  if (issues.length) throw new ValidationError(issues);
}

/**
 * Resolves `$Session{tag}{claim}` written in input values (as in Ductape's examples). Other
 * mappings are not evaluated in input: input is data.
 */
function injectSession(input: Record<string, unknown>, scope: MappingScope): Record<string, unknown> {
  const problems: { path: (string | number)[]; error: Error }[] = [];
  const syntax: MappingProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (typeof v !== 'string' || !v.includes('$Session{')) {
      out[k] = v;
      continue;
    }
    const compiled = compileValue(v, syntax, ['input', k]);
    for (const ref of compiled.references) {
      if (ref.node.source !== 'Session') problems.push({ path: ['input', k], error: new Error(`only $Session{…} is resolved in input, not $${ref.node.source}`) });
      else {
        const [tag, claim] = ref.node.path as [string, string];
        if (!scope.sessions[tag]) throw new SessionError(tag, `input "${k}" reads this session; pass session: { tag: "${tag}", token }`);
        if (scope.sessions[tag]![claim] === undefined) problems.push({ path: ['input', k], error: new Error(`the session "${tag}" token has no claim "${claim}"`) });
      }
    }
    out[k] = compiled.resolve(scope);
  }
  for (const p of syntax) problems.push(p);
  if (problems.length) throw new ValidationError(problems.map((p) => ({ path: p.path, message: p.error.message })));
  return out;
}

/** Outputs and records are JSON: `undefined` drops, binary becomes base64. */
function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : typeof v === 'bigint' ? v.toString() : v)) ?? 'null') as JsonValue;
}
