import type { Engine, EvaluationContext } from '@switchyard/core';
import type { CompiledStep, CompiledWorkflow } from '../definition/compiled';
import { RunCancelledError, StepTimeoutError } from '../errors';
import { abortable, abortReason } from '../drivers/abortable';
import type { MappingScope } from '../mapping/evaluate';
import type { EnvironmentSettings } from '../settings';
import type { StepContext } from '../steps/context';
import { EXECUTORS } from '../steps/index';
import type { Resources } from './resources';
import type { StepReport } from './types';

export interface ExecuteOptions {
  env: string;
  settings: EnvironmentSettings;
  resources: Resources;
  engine?: Engine;
  signal: AbortSignal;
  runFeature: StepContext['runFeature'];
  clock: () => number;
}

export interface Execution {
  status: 'completed' | 'failed';
  output: unknown;
  steps: StepReport[];
  error?: { step: string; message: string };
}

/**
 * Runs a workflow's steps: each starts once its dependencies settle, so steps of a `parallel`
 * group run together. The first failure that is not allowed cancels the steps still running
 * and skips those not started.
 */
export async function executeWorkflow(wf: CompiledWorkflow, scope: MappingScope, options: ExecuteOptions): Promise<Execution> {
  const reports: StepReport[] = new Array(wf.steps.length);
  const results: Record<string, unknown> = {};
  const runScope: MappingScope = { ...scope, steps: results };
  const cancel = new AbortController();
  const signal = AbortSignal.any([options.signal, cancel.signal]);
  let failure: { step: string; message: string } | undefined;
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
        const report = await runStep(step, runScope, options, signal, flagContext);
        reports[step.index] = report;
        if (report.status === 'failed' && !report.allowedFailure && !failure) {
          failure = { step: step.tag, message: report.error ?? 'failed' };
          cancel.abort(new RunCancelledError(step.tag));
        }
      })(),
    );
  }
  await Promise.all(promises);
  if (failure) return { status: 'failed', output: null, steps: reports, error: failure };
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
        const details = o.engine.evaluate(step.flag.key, ctxForFlags, { environment: o.env });
        if (!sameValue(details.value, step.flag.value)) {
          const why = details.errorCode ? `${details.reason}, ${details.errorCode}` : details.reason;
          return done({ status: 'skipped', attempts: 0, reason: `flag "${step.flag.key}" is not active (value ${JSON.stringify(details.value ?? null)}, ${why})` });
        }
      }
    } catch (err) {
      return failed(0, err);
    }
    const executor = EXECUTORS[step.definition.type];
    let attempt = 0;
    for (;;) {
      attempt++;
      if (runSignal.aborted) return done({ status: 'cancelled', attempts: attempt - 1, error: abortReason(runSignal).message });
      const attemptController = new AbortController();
      const timer = step.timeoutMs !== undefined ? setTimeout(() => attemptController.abort(new StepTimeoutError(step.timeoutMs!)), step.timeoutMs) : undefined;
      const attemptSignal = AbortSignal.any([runSignal, attemptController.signal]);
      try {
        const fields = step.config.resolve(s) as Record<string, unknown>;
        const ctx: StepContext = { env: o.env, settings: o.settings, resources: o.resources, signal: attemptSignal, step, runFeature: o.runFeature };
        const result = await abortable(executor(fields, ctx), attemptSignal);
        results[step.tag] = result;
        return done({ status: 'completed', attempts: attempt });
      } catch (err) {
        if (runSignal.aborted) return done({ status: 'cancelled', attempts: attempt, error: abortReason(runSignal).message });
        if (attempt > step.retry.retries) return failed(attempt, err);
        const delay = Math.min(step.retry.maxDelayMs, step.retry.delayMs * step.retry.factor ** (attempt - 1));
        try {
          await sleep(delay, runSignal);
        } catch {
          return done({ status: 'cancelled', attempts: attempt, error: abortReason(runSignal).message });
        }
      } finally {
        if (timer) clearTimeout(timer);
      }
    }

    function failed(attempts: number, err: unknown): StepReport {
      const message = errorText(err);
      return step.definition.allow_fail ? done({ status: 'failed', attempts, error: message, allowedFailure: true }) : done({ status: 'failed', attempts, error: message });
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
