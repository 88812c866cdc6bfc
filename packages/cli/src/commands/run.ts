import { readFile } from 'node:fs/promises';
import { createEngine, isValidationError, renderDiagnostics, type Engine, type FlagStore } from '@switchyard/core';
import type { FeatureRunInput, RunResult } from '@switchyard/workflow';
import { openStoreUrl } from '../backend/open-backend';
import type { CommandContext, CommandInput } from '../context';
import { EXIT, ExitError, toExitError, usageError } from '../exit-error';
import { jsonText } from '../output/format-value';
import { renderTable } from '../output/table';

interface RunOptions {
  create?: boolean;
  env?: string;
  product?: string;
  inputJson?: string;
  inputFile?: string;
  sessionTag?: string;
  token?: string;
  cache?: string;
  workflows?: string;
  config?: string;
  manifests?: string;
  store?: string;
  server?: string;
  apiKey?: string;
  json?: boolean;
}

/**
 * `switchyard run <feature_tag>`: runs a workflow feature, locally from a workflows folder (with the
 * environments and sessions of a server config file) or on a server (`POST /v1/features/run`).
 * Exit 0 when the run completed, 1 when it failed or was refused, 3 when a backend is unreachable.
 */
export async function run(ctx: CommandContext, input: CommandInput<RunOptions>): Promise<void> {
  const o = input.options;
  const featureTag = input.args[0]!;
  if (!o.env) throw usageError('--env is required (the environment the feature runs in)');
  if (!o.product) throw usageError('--product is required');
  if ((o.sessionTag === undefined) !== (o.token === undefined)) throw usageError('--session-tag and --token go together');
  const request = {
    env: o.env,
    product: o.product,
    feature_tag: featureTag,
    input: await readInput(o),
    ...(o.cache ? { cache: o.cache } : {}),
    ...(o.sessionTag ? { session: { tag: o.sessionTag, token: o.token! } } : {}),
  };
  const result = o.server ? await runOnServer(o.server, o.apiKey, request) : await runLocally(ctx, o, request);
  print(ctx, result, o.json === true);
  if (result.status !== 'completed') throw new ExitError(EXIT.USER, result.error ? `step ${result.error.step} failed: ${result.error.message}` : 'the run failed');
}

async function readInput(o: RunOptions): Promise<Record<string, unknown>> {
  if (o.inputJson !== undefined && o.inputFile !== undefined) throw usageError('give either --input-json or --input-file, not both');
  let text = o.inputJson;
  if (o.inputFile !== undefined) text = await readFile(o.inputFile, 'utf8').catch((err: Error) => {
    throw usageError(`--input-file: ${err.message}`);
  });
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw usageError(`the input is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw usageError('the input must be a JSON object');
  return value as Record<string, unknown>;
}

async function runLocally(ctx: CommandContext, o: RunOptions, request: FeatureRunInput): Promise<RunResult> {
  const { parseServerConfig, workflowRunnerSettings } = await import('@switchyard/server');
  const { createWorkflowRunner, isWorkflowDefinitionError } = await import('@switchyard/workflow');
  // The server's config file holds the workflow environments and sessions (they carry secrets).
  const parsed = parseServerConfig([...(o.config ? ['--config', o.config] : []), '--store', 'memory:'], {});
  if (parsed.errors) throw usageError(`invalid server configuration: ${parsed.errors.join('; ')}`);
  const dir = o.workflows ?? parsed.config.workflows;
  if (!dir) throw usageError('no workflows: pass --workflows DIR (or SWITCHYARD_WORKFLOWS, or workflows.dir in --config)');

  let engine: Engine | undefined;
  if (o.manifests) engine = await manifestEngine(o.manifests, request.env);
  // Cache entries and run records need a store; an in-memory one lives as long as the command.
  const store: FlagStore = await openStoreUrl(ctx, o.store ?? 'memory:', { create: o.create });
  // Environments, sessions, network policy and time limits, as the server would use them.
  let runner: ReturnType<typeof createWorkflowRunner>;
  try {
    runner = createWorkflowRunner({ ...workflowRunnerSettings(parsed.config), store, engine });
  } catch (err) {
    await store.close().catch(() => undefined);
    if (isValidationError(err)) throw new ExitError(EXIT.USER, `invalid workflow settings: ${err.message}`, { cause: err });
    throw err;
  }
  try {
    try {
      await runner.loadWorkflows(dir);
    } catch (err) {
      if (isWorkflowDefinitionError(err)) {
        for (const line of renderDiagnostics(err.diagnostics)) ctx.note(line);
        throw new ExitError(EXIT.USER, `${err.diagnostics.length} problem${err.diagnostics.length === 1 ? '' : 's'} in ${dir}`);
      }
      throw err;
    }
    return await runner.run(request);
  } catch (err) {
    // Matched by code: the runner's errors keep their meaning whatever module format threw them.
    throw toExitError(err);
  } finally {
    await runner.close();
    await store.close().catch(() => undefined);
  }
}

async function manifestEngine(dir: string, environment: string): Promise<Engine> {
  const { loadManifests, formatDiagnostic } = await import('@switchyard/manifest');
  const loaded = await loadManifests(dir);
  if (loaded.errors.length) throw new ExitError(EXIT.USER, `manifests in ${dir} are invalid: ${formatDiagnostic(loaded.errors[0]!)}`);
  const engine = createEngine({ environment });
  engine.load({ definitions: loaded.definitions, values: loaded.values }, { validate: false });
  return engine;
}

async function runOnServer(server: string, apiKey: string | undefined, request: object): Promise<RunResult> {
  let url: URL;
  try {
    url = new URL('/v1/features/run', server);
  } catch {
    throw usageError(`--server: "${server}" is not a URL (expected e.g. http://localhost:3000)`);
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (err) {
    throw new ExitError(EXIT.BACKEND, `cannot reach server ${url.origin}: ${(err as Error).message}`, { cause: err });
  }
  const body = (await response.json().catch(() => undefined)) as (RunResult & { error?: { message?: string } }) | undefined;
  if (response.ok && body) return body;
  const message = (body?.error as { message?: string } | undefined)?.message ?? `HTTP ${response.status}`;
  throw new ExitError(response.status >= 500 ? EXIT.BACKEND : EXIT.USER, `the server refused the run: ${message}`);
}

function print(ctx: CommandContext, result: RunResult, json: boolean): void {
  if (json) {
    ctx.print(jsonText(result));
    return;
  }
  const { out } = ctx;
  const mark = result.status === 'completed' ? out.green('✔ completed') : out.red('✘ failed');
  ctx.print(`${mark}${result.cached ? ' (cached)' : ''} · run ${result.runId} · ${Math.round(result.durationMs)} ms`);
  if (result.steps.length) {
    ctx.print(
      renderTable(
        out,
        ['STEP', 'STATUS', 'ATTEMPTS', 'MS', 'ERROR'],
        result.steps.map((s) => [s.tag, s.status === 'completed' ? out.green(s.status) : s.status === 'failed' ? out.red(s.status) : out.dim(s.status), String(s.attempts), String(Math.round(s.durationMs)), s.error ?? s.reason ?? '']),
      ),
    );
  }
  ctx.print(jsonText(result.output ?? null));
}
