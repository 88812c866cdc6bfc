import type { EvaluationDetails, FlagDefinition, FlagStore, MaintainedValues } from '@switchyard/core';
import type { Runtime } from '@switchyard/manifest';
import { chooseBackend, openStoreUrl, type BackendOptions } from '../backend/open-backend';
import { HttpBackend } from '../backend/http-backend';
import type { CommandContext, CommandInput } from '../context';
import { BackendError, EXIT, ExitError, usageError } from '../exit-error';
import { loadManifestPaths } from '../input/load-manifest-paths';
import { parseContext } from '../input/parse-pairs';
import { formatValue, jsonText } from '../output/format-value';
import { renderTable } from '../output/table';

interface EvalOptions extends BackendOptions {
  all?: boolean;
  env?: string;
  context?: string[];
  contextJson?: string;
  manifests?: string;
  json?: boolean;
}

/** Evaluates locally: manifests as the base, a store's flags and values on top, as a server would. */
async function evaluateLocally(ctx: CommandContext, manifests: string | undefined, storeUrl: string | undefined, context: Record<string, unknown>, env: string | undefined, flag: string | undefined): Promise<EvaluationDetails[]> {
  const [{ createEngine }, { createRuntime, formatDiagnostic }] = await Promise.all([import('@switchyard/core'), import('@switchyard/manifest')]);
  const engine = createEngine({ environment: env });
  let store: FlagStore | undefined;
  let runtime: Runtime | undefined;
  try {
    if (storeUrl) store = await openStoreUrl(ctx, storeUrl);
    let base: { definitions: FlagDefinition[]; values: Record<string, MaintainedValues> } | undefined;
    if (manifests !== undefined) {
      // Files as well as directories, named the way the user wrote them: read here, given as the base.
      const loaded = await loadManifestPaths([manifests], ctx.io.cwd);
      if (loaded.errors.length) {
        for (const d of loaded.errors) ctx.note(formatDiagnostic(d));
        throw new ExitError(EXIT.USER, `${manifests} has ${loaded.errors.length} manifest error${loaded.errors.length === 1 ? '' : 's'}; run switchyard validate ${manifests}`);
      }
      base = { definitions: loaded.definitions, values: loaded.values };
    }
    runtime = createRuntime({ engine, store, ownsStore: true, ...(base ? { base } : {}) });
    await runtime.start();
    const status = runtime.status;
    if (!status.synced) throw new BackendError(`cannot read store: ${status.lastError ?? 'unknown error'}`);
  } finally {
    await (runtime ? runtime.close() : store?.close())?.catch(() => undefined);
  }
  return flag === undefined ? engine.evaluateAll(context, { environment: env }) : [engine.evaluate(flag, context, { environment: env }) as EvaluationDetails];
}

function printResults(ctx: CommandContext, results: readonly EvaluationDetails[]): void {
  const { out } = ctx;
  const rows = results.map((r) => [
    r.key,
    r.reason === 'ERROR' ? out.red(formatValue(r.value)) : formatValue(r.value),
    r.variant ?? '-',
    r.reason === 'ERROR' ? out.red(r.reason) : r.reason,
    r.errorCode ? `${r.errorCode}${r.errorMessage ? `: ${r.errorMessage}` : ''}` : '',
  ]);
  const hasErrors = results.some((r) => r.errorCode);
  const head = hasErrors ? ['FLAG', 'VALUE', 'VARIANT', 'REASON', 'ERROR'] : ['FLAG', 'VALUE', 'VARIANT', 'REASON'];
  ctx.print(renderTable(out, head, hasErrors ? rows : rows.map((r) => r.slice(0, 4))));
}

/** `switchyard eval <flag> | --all`: value, variant and reason for a context. */
export async function run(ctx: CommandContext, input: CommandInput<EvalOptions>): Promise<void> {
  const { options } = input;
  const flag = input.args[0];
  if (options.all && flag !== undefined) throw usageError('give a flag key or --all, not both');
  if (!options.all && flag === undefined) throw usageError('give a flag key to evaluate, or --all');
  const context = parseContext(options.context, options.contextJson);
  const backend = chooseBackend(input);
  const manifests = options.manifests ?? (backend ? undefined : ctx.io.env.SWITCHYARD_MANIFESTS || undefined);
  if (backend?.kind === 'server' && options.manifests !== undefined) throw usageError('--manifests cannot be combined with --server (the server has its own)');
  if (!backend && manifests === undefined) {
    throw usageError('nothing to evaluate against: pass --manifests DIR, --store URL or --server URL (or set SWITCHYARD_MANIFESTS)');
  }
  let results: EvaluationDetails[];
  if (backend?.kind === 'server') {
    results = await new HttpBackend(backend.url, options.apiKey).evaluate(context, options.env, flag === undefined ? undefined : [flag]);
  } else {
    results = await evaluateLocally(ctx, manifests, backend?.url, context, options.env, flag);
  }
  if (options.json) ctx.print(jsonText(flag === undefined ? results : (results[0] ?? null)));
  else printResults(ctx, results);
  const missing = flag !== undefined && (results.length === 0 || results[0]?.errorCode === 'FLAG_NOT_FOUND');
  if (missing) throw new ExitError(EXIT.USER, `flag "${flag}" not found`);
}
