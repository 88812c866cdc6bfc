import { createHash, randomUUID } from 'node:crypto';
import { ValidationError, type JsonValue } from '@switchyard/core';
import { canonicalJson, checkWorkflows, type PendingDefinition } from '../definition/check-workflows';
import { workflowKey, type CompiledWorkflow } from '../definition/compiled';
import { WorkflowDefinitionError } from '../definition/diagnostic';
import { readDefinitionDir, readDefinitionText } from '../definition/read-definitions';
import type { WorkflowDefinition } from '../definition/schema';
import { codeLocator } from '../definition/source-document';
import { FeatureNotFoundError, RunAbortedError, RunDeadlineError, SessionError, StepFailure } from '../errors';
import type { MappingScope } from '../mapping/evaluate';
import { createOriginGuard, type OriginGuard } from '../net/origin-guard';
import { SessionVerifier } from '../session/verify-session';
import type { EnvironmentSettings } from '../settings';
import type { StepNetwork } from '../steps/context';
import { bindSecrets, secretValues, type SecretBinding } from '../steps/secret-binding';
import { checkRunnerOptions } from './check-options';
import { errorCode, executeWorkflow, type Execution } from './execute';
import { RecentRuns } from './recent-runs';
import { checkNeeds, checkRequest, injectSession } from './run-request';
import { createRedactor, stringsIn } from './redact';
import { Resources } from './resources';
import type { FeatureRunInput, ListRunsOptions, RunOptions, RunRecord, RunResult, RunSummary, WorkflowRunnerOptions } from './types';

const DAY = 86_400_000;
const DEFAULT_STEP_TIMEOUT_MS = 10_000;
const DEFAULT_RUN_DEADLINE_MS = 30_000;
const DEFAULT_CACHE_TTL_MS = 300_000;
/** Claims that differ between two tokens of the same user; the flag context leaves them out too. */
const TOKEN_TIME_CLAIMS = new Set(['exp', 'iat', 'nbf']);

/** Runs workflow features (`features.run`). Create one per process with `createWorkflowRunner`. */
export interface WorkflowRunner {
  /**
   * Runs a feature. Bad requests, unknown features, invalid input and invalid sessions throw
   * (`ValidationError`, `FeatureNotFoundError`, `SessionError`) before any step runs; step
   * failures come back as `status: 'failed'` with the failing step and its error, a run past
   * its deadline as `failed` with code `DEADLINE_EXCEEDED`, and a run whose `signal` aborted as
   * `cancelled` (code `ABORTED`).
   */
  run(request: FeatureRunInput, options?: RunOptions): Promise<RunResult>;
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
  /** Forgets every output cached under a cache tag, for every input and every session. */
  clearCache(request: Pick<FeatureRunInput, 'env' | 'product' | 'feature_tag' | 'cache'>): Promise<void>;
  /** Closes the connections opened by steps and the HTTP connection pool (the store stays open: it belongs to the caller). */
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
  private readonly guard: OriginGuard;
  private readonly bindings = new Map<string, SecretBinding[]>();
  private readonly secrets = new Map<string, Record<string, string>>();
  /** What a cached output may depend on, per workflow, through its nested features. */
  private readonly closures = new Map<string, CacheClosure>();

  constructor(private readonly options: WorkflowRunnerOptions) {
    checkRunnerOptions(options);
    this.recent = new RecentRuns(options.recentRuns ?? 200);
    this.environments = options.environments ?? {};
    for (const [env, settings] of Object.entries(this.environments)) {
      this.bindings.set(env, bindSecrets(settings));
      this.secrets.set(env, secretValues(settings));
    }
    this.resources = new Resources(this.environments);
    this.verifier = new SessionVerifier(options.sessions ?? {});
    this.clock = options.clock ?? Date.now;
    const network = options.network ?? {};
    this.guard = createOriginGuard({
      ...(network.allowOrigins ? { allowOrigins: network.allowOrigins } : {}),
      ...(network.allowPrivate ? { allowPrivate: network.allowPrivate } : {}),
      ...(network.maxResponseBytes ? { maxResponseBytes: network.maxResponseBytes } : {}),
      ...(network.lookup ? { lookup: network.lookup } : {}),
    });
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
    const flagsKnownAtLoad = this.options.flagsKnownAtLoad ?? true;
    const checked = checkWorkflows(pending, {
      existing: this.workflows,
      sessions: this.options.sessions ?? {},
      environments: this.environments,
      ...(this.options.engine ? { engine: this.options.engine } : {}),
      flagsKnownAtLoad,
    });
    const all = [...diagnostics, ...checked.diagnostics];
    if (all.length) throw new WorkflowDefinitionError(all);
    for (const wf of checked.compiled) this.workflows.set(wf.key, wf);
    this.closures.clear();
    const engine = this.options.engine;
    if (engine && !flagsKnownAtLoad) {
      for (const wf of checked.compiled) {
        for (const step of wf.steps) {
          if (step.flag && !engine.has(step.flag.key)) this.options.logger?.warn(`feature ${wf.key} step "${step.tag}" is gated on flag "${step.flag.key}", which does not exist yet; until it does, the step fails with FLAG_NOT_FOUND`);
        }
      }
    }
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
    if (!request.cache) return;
    // Entries are keyed per input and session: a new generation makes every one of them unreachable.
    // The generation outlives every entry written under the previous one (they expire within one TTL).
    const wf = this.workflows.get(workflowKey(request.product, request.feature_tag));
    const ttl = wf?.cacheTtlMs ?? this.options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    await this.options.store.cacheSet(generationKey(request.env, request.product, request.feature_tag, request.cache), randomUUID(), ttl * 2);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.resources.close(), this.guard.close()]);
  }

  async run(request: FeatureRunInput, runOptions: RunOptions = {}): Promise<RunResult> {
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
    const secrets = Object.values(this.secrets.get(env) ?? {});
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

    const scope: MappingScope = { input: {}, sessions, steps: {}, env: settings.vars ?? {}, secrets: this.secrets.get(env) ?? {}, now: this.clock };
    const input = wf.validateInput(injectSession(request.input, scope));
    scope.input = input;

    const key = request.cache ? await this.cacheKey(wf, env, request.cache, input, sessions) : undefined;
    if (key) {
      const hit = await this.options.store.cacheGet(key);
      if (hit !== undefined) {
        return { runId: randomUUID(), status: 'completed', output: hit, steps: [], cached: true, durationMs: elapsed(started) };
      }
    }

    // One signal for the run: the caller's abort or the deadline, whichever comes first.
    const stop = new AbortController();
    const deadlineMs = wf.deadlineMs ?? this.options.runDeadlineMs ?? DEFAULT_RUN_DEADLINE_MS;
    const timer = setTimeout(() => stop.abort(new RunDeadlineError(deadlineMs)), deadlineMs);
    const caller = runOptions.signal;
    const onCallerAbort = () => stop.abort(callerReason(caller!));
    if (caller?.aborted) onCallerAbort();
    else caller?.addEventListener('abort', onCallerAbort, { once: true });
    let execution: Execution;
    try {
      execution = await this.execute(wf, scope, env, settings, stop.signal, 0);
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    }
    const result = redact<RunResult>({
      runId: randomUUID(),
      status: execution.status,
      output: toJson(execution.output),
      steps: execution.steps,
      ...(execution.error ? { error: execution.error } : {}),
      durationMs: elapsed(started),
    });
    if (result.status === 'failed') this.options.logger?.warn(`feature ${product}/${featureTag} failed at step "${result.error!.step}": ${result.error!.message}`, { runId: result.runId, env });
    if (result.status === 'cancelled') this.options.logger?.info?.(`feature ${product}/${featureTag} was cancelled at step "${result.error!.step}": ${result.error!.message}`, { runId: result.runId, env });
    if (key && result.status === 'completed') await this.options.store.cacheSet(key, result.output, wf.cacheTtlMs ?? this.options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS);
    await this.record(result, request, redact(toJson(input)), startedAt);
    return result;
  }

  /**
   * The cache entry of a run: a hash of the workflow (and the nested features it runs, so an
   * edited definition is not answered from an old output), the validated input, the values of
   * the session claims the workflows read (every claim when flag gates use the default
   * context), the environment and the cache tag, under the tag's current generation.
   */
  private async cacheKey(wf: CompiledWorkflow, env: string, tag: string, input: Record<string, unknown>, sessions: Record<string, Record<string, unknown>>): Promise<string> {
    const { product, tag: featureTag } = wf.definition;
    const generation = (await this.options.store.cacheGet(generationKey(env, product, featureTag, tag))) ?? '0';
    const closure = this.closure(wf);
    const claims: Record<string, Record<string, unknown>> = {};
    for (const [session, names] of closure.claims) {
      const values = sessions[session];
      if (!values) continue;
      const picked: Record<string, unknown> = {};
      for (const name of names) if (Object.hasOwn(values, name)) picked[name] = values[name];
      claims[session] = picked;
    }
    if (closure.flagContextReadsSessions) {
      for (const [session, values] of Object.entries(sessions)) {
        const picked: Record<string, unknown> = { ...claims[session] };
        for (const [name, value] of Object.entries(values)) if (!TOKEN_TIME_CLAIMS.has(name)) picked[name] = value;
        claims[session] = picked;
      }
    }
    const hash = createHash('sha256').update(canonicalJson({ env, workflow: wf.key, version: closure.version, input, claims, tag })).digest('base64url');
    return `workflow:cache:${env}:${product}:${featureTag}:${typeof generation === 'string' ? generation : JSON.stringify(generation)}:${hash}`;
  }

  /** The session claims and definitions a workflow's output may depend on, through its nested features. */
  private closure(wf: CompiledWorkflow): CacheClosure {
    let found = this.closures.get(wf.key);
    if (found) return found;
    const claims = new Map<string, Set<string>>();
    const versions: string[] = [];
    let flagContextReadsSessions = false;
    const seen = new Set<string>();
    const visit = (w: CompiledWorkflow) => {
      if (seen.has(w.key)) return;
      seen.add(w.key);
      versions.push(`${w.key}@${w.version}`);
      flagContextReadsSessions ||= w.flagContextReadsSessions;
      for (const [session, names] of w.sessionClaims) {
        let set = claims.get(session);
        if (!set) claims.set(session, (set = new Set()));
        for (const n of names) set.add(n);
      }
      for (const step of w.definition.steps) {
        if (step.type !== 'feature') continue;
        const nested = this.workflows.get(workflowKey(step.product ?? w.definition.product, step.feature));
        if (nested) visit(nested);
      }
    };
    visit(wf);
    found = { claims, flagContextReadsSessions, version: versions.sort().join(',') };
    this.closures.set(wf.key, found);
    return found;
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
      network: this.network(wf, env, settings),
      ...(this.options.engine ? { engine: this.options.engine } : {}),
      signal,
      clock: this.clock,
      stepTimeoutMs: this.options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
      runFeature: async (product, featureTag, rawInput, stepSignal) => {
        if (depth + 1 > (this.options.maxDepth ?? 16)) throw new StepFailure(`features nest deeper than ${this.options.maxDepth ?? 16} levels`);
        const nested = this.find(product || wf.definition.product, featureTag);
        for (const tag of nested.sessions) if (!scope.sessions[tag]) throw new SessionError(tag, `feature "${featureTag}" reads this session, which the run did not pass`);
        checkNeeds(nested, env, settings);
        const input = nested.validateInput(rawInput);
        // A nested feature keeps its own deadline, inside the caller's.
        const own = nested.deadlineMs !== undefined ? new AbortController() : undefined;
        const timer = own ? setTimeout(() => own.abort(new RunDeadlineError(nested.deadlineMs!)), nested.deadlineMs) : undefined;
        try {
          const result = await this.execute(nested, { ...scope, input, steps: {} }, env, settings, own ? AbortSignal.any([stepSignal, own.signal]) : stepSignal, depth + 1);
          if (result.status !== 'completed') {
            const code = result.error!.code;
            throw new StepFailure(`feature "${nested.key}" ${result.status === 'cancelled' ? 'was cancelled' : 'failed'} at step "${result.error!.step}": ${result.error!.message}`, code ? { code } : undefined);
          }
          return result.output;
        } finally {
          if (timer) clearTimeout(timer);
        }
      },
    });
  }

  /** Where the steps of `wf` may send requests in `env`. */
  private network(wf: CompiledWorkflow, env: string, settings: EnvironmentSettings): StepNetwork {
    const allow = wf.allowOrigins;
    return {
      guard: this.guard,
      secrets: this.bindings.get(env) ?? [],
      ...(allow ? { allowOrigins: [...allow.origins, ...allow.bases.map((b) => new URL(settings.baseUrls![b]!).origin)] } : {}),
    };
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

interface CacheClosure {
  claims: Map<string, Set<string>>;
  flagContextReadsSessions: boolean;
  version: string;
}

function generationKey(env: string, product: string, featureTag: string, tag: string): string {
  return `workflow:cache-gen:${env}:${product}:${featureTag}:${createHash('sha256').update(tag).digest('base64url')}`;
}

/** The error a run reports when its caller's signal aborts: the caller's own coded error, or `ABORTED`. */
function callerReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && errorCode(reason)) return reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return new RunAbortedError(reason.message);
  if (typeof reason === 'string' && reason) return new RunAbortedError(reason);
  return new RunAbortedError();
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

/** Outputs and records are JSON: `undefined` drops, binary becomes base64. */
function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : typeof v === 'bigint' ? v.toString() : v)) ?? 'null') as JsonValue;
}
