import type { Engine, EvaluationContext } from '@switchyard/core';
import type { CompiledStep, CompiledWorkflow } from '../definition/compiled';
import { FlagNotFoundError, RunCancelledError, StepTimeoutError } from '../errors';
import { abortable, abortReason } from '../drivers/abortable';
import type { MappingScope } from '../mapping/evaluate';
import type { EnvironmentSettings } from '../settings';
import type { StepContext, StepNetwork } from '../steps/context';
import { EXECUTORS } from '../steps/index';
import type { Resources } from './resources';
import type { StepReport } from './types';

export interface ExecuteOptions {
  env: string;
  settings: EnvironmentSettings;
  resources: Resources;
  network: StepNetwork;
  engine?: Engine;
  /** The run's signal: the caller's abort and the deadline. */
  signal: AbortSignal;
  runFeature: StepContext['runFeature'];
  clock: () => number;
  /** Per-attempt timeout of steps (other than `feature` steps) that set none. */
  stepTimeoutMs: number;
}

export interface Execution {
  status: 'completed' | 'failed' | 'cancelled';
  output: unknown;
  steps: StepReport[];
  error?: { step: string; message: string; code?: string };
}

/**
 * Runs a workflow's steps: each starts once its dependencies settle, so steps of a `parallel`
 * group run together. The first failure that is not allowed cancels the steps still running
 * and skips those not started.
 */
export async function executeWorkflow(wf: CompiledWorkflow, scope: MappingScope, options: ExecuteOptions): Promise<Execution> {
  const reports = new Array<StepReport>(wf.steps.length);
  const results: Record<string, unknown> = {};
  const runScope: MappingScope = { ...scope, steps: results };
  const cancel = new AbortController();
  const signal = AbortSignal.any([options.signal, cancel.signal]);
  let failure: { step: string; message: string; code?: string } | undefined;
  const flagContext = options.engine && wf.steps.some((s) => s.flag) ? buildFlagContext(wf, runScope) : undefined;

  const promises: Promise<void>[] = [];
  for (const step of wf.steps) {
    const deps = step.deps.map((d) => promises[d]!);
    promises.push(
      (async () => {
        if (deps.length) await Promise.all(deps);
        if (failure) {
          reports[step.index] = { tag: step.tag, status: 'skipped', attempts: 0, durationMs: 0, reason: `not reached: step "${failure.step}" failed` };
          return;
        }
        if (options.signal.aborted) {
          reports[step.index] = { tag: step.tag, status: 'skipped', attempts: 0, durationMs: 0, reason: `not reached: ${abortReason(options.signal).message}` };
          return;
        }
        const report = await runStep(step, runScope, options, signal, flagContext);
        reports[step.index] = report;
        if (report.status === 'failed' && !report.allowedFailure && !failure) {
          failure = { step: step.tag, message: report.error ?? 'failed', ...(report.code ? { code: report.code } : {}) };
          cancel.abort(new RunCancelledError(step.tag));
        }
      })(),
    );
  }
  await Promise.all(promises);
  if (failure) return { status: 'failed', output: null, steps: reports, error: failure };
  if (options.signal.aborted) {
    // The deadline fails the run; the caller's abort cancels it. Name the step the abort interrupted.
    const reason = abortReason(options.signal);
    const code = errorCode(reason);
    const hit = reports.find((r) => r.status === 'cancelled') ?? reports.find((r) => r.status === 'skipped' && r.reason?.startsWith('not reached:')) ?? reports.at(-1)!;
    return { status: code === 'DEADLINE_EXCEEDED' ? 'failed' : 'cancelled', output: null, steps: reports, error: { step: hit.tag, message: reason.message, ...(code ? { code } : {}) } };
  }
  let output: unknown = null;
  if (wf.output) {
    try {
      output = wf.output.resolve(runScope) ?? null;
    } catch (err) {
      return { status: 'failed', output: null, steps: reports, error: { step: 'output', message: errorText(err) } };
    }
  }
  return { status: 'completed', output, steps: reports };

  async function runStep(step: CompiledStep, s: MappingScope, o: ExecuteOptions, runSignal: AbortSignal, ctxForFlags: EvaluationContext | undefined): Promise<StepReport> {
    const started = performance.now();
    const done = (partial: Omit<StepReport, 'tag' | 'durationMs'>): StepReport => ({ tag: step.tag, durationMs: Math.round((performance.now() - started) * 100) / 100, ...partial });
    try {
      if (step.condition && !truthy(step.condition.resolve(s))) return done({ status: 'skipped', attempts: 0, reason: `condition ${JSON.stringify(step.definition.if)} is false` });
      if (step.flag && o.engine) {
        // A gate naming a flag that does not exist is a failure, never a silent skip.
        if (!o.engine.has(step.flag.key)) return failed(0, new FlagNotFoundError(step.flag.key));
        const details = o.engine.evaluate(step.flag.key, ctxForFlags, { environment: o.env });
        if (details.errorCode === 'FLAG_NOT_FOUND') return failed(0, new FlagNotFoundError(step.flag.key));
        if (!sameValue(details.value, step.flag.value)) {
          const why = details.errorCode ? `${details.reason}, ${details.errorCode}` : details.reason;
          return done({ status: 'skipped', attempts: 0, reason: `flag "${step.flag.key}" is not active (value ${JSON.stringify(details.value ?? null)}, ${why})` });
        }
      }
    } catch (err) {
      return failed(0, err);
    }
    const executor = EXECUTORS[step.definition.type];
    // `feature` steps are bounded by the deadline only: the nested workflow's steps have timeouts of their own.
    const timeoutMs = step.timeoutMs ?? (step.definition.type === 'feature' ? undefined : (wf.stepTimeoutMs ?? o.stepTimeoutMs));
    const cancelled = (attempts: number) => {
      const reason = abortReason(runSignal);
      const code = errorCode(reason);
      return done({ status: 'cancelled', attempts, error: reason.message, ...(code ? { code } : {}) });
    };
    let attempt = 0;
    for (;;) {
      attempt++;
      if (runSignal.aborted) return cancelled(attempt - 1);
      const attemptController = new AbortController();
      const timer = timeoutMs !== undefined ? setTimeout(() => attemptController.abort(new StepTimeoutError(timeoutMs)), timeoutMs) : undefined;
      const attemptSignal = AbortSignal.any([runSignal, attemptController.signal]);
      try {
        const fields = step.config.resolve(s) as Record<string, unknown>;
        const ctx: StepContext = { env: o.env, settings: o.settings, resources: o.resources, network: o.network, signal: attemptSignal, step, scope: s, runFeature: o.runFeature };
        const result = await abortable(executor(fields, ctx), attemptSignal);
        results[step.tag] = result;
        return done({ status: 'completed', attempts: attempt });
      } catch (err) {
        if (runSignal.aborted) return cancelled(attempt);
        if (attempt > step.retry.retries || !retryable(err)) return failed(attempt, err);
        const delay = Math.min(step.retry.maxDelayMs, step.retry.delayMs * step.retry.factor ** (attempt - 1));
        try {
          await sleep(delay, runSignal);
        } catch {
          return cancelled(attempt);
        }
      } finally {
        if (timer) clearTimeout(timer);
      }
    }

    function failed(attempts: number, err: unknown): StepReport {
      const message = errorText(err);
      const code = errorCode(err);
      return done({ status: 'failed', attempts, error: message, ...(code ? { code } : {}), ...(step.definition.allow_fail ? { allowedFailure: true as const } : {}) });
    }
  }
}

/** The flag-gate context: the workflow's `context` mapping, or the input and session claims with `sub` as targeting key. */
function buildFlagContext(wf: CompiledWorkflow, scope: MappingScope): EvaluationContext {
  if (wf.context) return (wf.context.resolve(scope) ?? {}) as EvaluationContext;
  const ctx: EvaluationContext = {};
  for (const [k, v] of Object.entries(scope.input)) ctx[k] = v;
  for (const claims of Object.values(scope.sessions)) {
    for (const [k, v] of Object.entries(claims)) if (k !== 'exp' && k !== 'iat' && k !== 'nbf') ctx[k] = v;
    if (typeof claims.sub === 'string' && ctx.targetingKey === undefined) ctx.targetingKey = claims.sub;
  }
  return ctx;
}

function truthy(value: unknown): boolean {
  if (typeof value === 'string') return value !== '' && value !== 'false' && value !== '0';
  return Boolean(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && JSON.stringify(a) === JSON.stringify(b);
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The codes a step report or run error may carry: the runner's own, not those of drivers. */
export const RUN_ERROR_CODES: ReadonlySet<string> = new Set([
  'TIMEOUT',
  'DEADLINE_EXCEEDED',
  'ABORTED',
  'CANCELLED',
  'ORIGIN_REFUSED',
  'SECRET_NOT_BOUND',
  'FLAG_NOT_FOUND',
  'TOO_MANY_REDIRECTS',
  'RESPONSE_TOO_LARGE',
  'REQUEST_FAILED',
  'HTTP_STATUS',
  'INVALID_HEADER',
]);

/** An error's stable `code`, when it is one of `RUN_ERROR_CODES`. */
export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RUN_ERROR_CODES.has(code) ? code : undefined;
}

/** Refusals are decided by configuration, not chance: trying again would only repeat them. */
const FINAL_CODES = new Set(['ORIGIN_REFUSED', 'SECRET_NOT_BOUND', 'FLAG_NOT_FOUND', 'INVALID_HEADER', 'TOO_MANY_REDIRECTS']);

function retryable(err: unknown): boolean {
  return !FINAL_CODES.has(errorCode(err) ?? '');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
