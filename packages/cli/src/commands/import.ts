import type { FlagStore } from '@switchyard/core';
import { withStore } from '../backend/open-backend';
import type { CommandContext, CommandInput } from '../context';
import { usageError } from '../exit-error';
import type { LoadedPaths } from '../input/load-manifest-paths';
import { loadValidManifests } from '../input/load-valid-manifests';
import { jsonText } from '../output/format-value';
import { applyPlan, planSteps } from '../plan/apply-plan';
import { isEmptyPlan, planCounts, planImport } from '../plan/import-plan';
import { planJson, renderPlan } from '../plan/render-plan';

export interface ImportOptions {
  from?: 'manifests' | 'unleash';
  output?: string;
  environment?: string;
  flagSet?: string;
  store?: string;
  create?: boolean;
  prune?: boolean;
  dryRun?: boolean;
  actor?: string;
  json?: boolean;
}

async function importInto(ctx: CommandContext, store: FlagStore, url: string, loaded: LoadedPaths, options: ImportOptions): Promise<void> {
  const plan = await planImport(store, loaded, { prune: options.prune });
  const counts = planCounts(plan);
  if (!options.dryRun && !isEmptyPlan(plan)) {
    const progress = options.json ? undefined : await ctx.progress(planSteps(plan), 'import', 'writes');
    try {
      await applyPlan(store, plan, { actor: options.actor, onProgress: (done) => progress?.update(done) });
    } finally {
      progress?.stop();
    }
  }
  if (options.json) {
    ctx.print(jsonText({ store: url, dryRun: Boolean(options.dryRun), ...planJson(plan) }));
    return;
  }
  const { out } = ctx;
  if (options.dryRun) {
    for (const line of renderPlan(out, plan, options)) ctx.print(line);
    ctx.print(out.dim('dry run: nothing was written'));
    return;
  }
  const parts = [`${counts.added} added`, `${counts.changed} changed`];
  if (options.prune) parts.push(`${counts.removed} removed`);
  parts.push(`${counts.unchanged} unchanged`, `${counts.values} value${counts.values === 1 ? '' : 's'} set`);
  ctx.print(`${out.green('✔')} imported ${loaded.definitions.length} flag${loaded.definitions.length === 1 ? '' : 's'} into ${url}: ${parts.join(', ')}`);
  if (plan.kept.length) ctx.print(out.dim(`kept ${plan.kept.length} stored flag${plan.kept.length === 1 ? '' : 's'} the manifests do not define (--prune removes them)`));
}

/**
 * `switchyard import <path…> --store URL`: validates every manifest first and writes nothing on
 * any error; then writes definitions and seeded values, undoing its own writes if one fails.
 */
export async function run(ctx: CommandContext, input: CommandInput<ImportOptions>): Promise<void> {
  if (input.options.from === 'unleash') return (await import('./import-unleash')).run(ctx, input);
  for (const name of ['output', 'environment', 'flagSet'] as const) {
    if (input.options[name] !== undefined) throw usageError(`--${name === 'flagSet' ? 'flag-set' : name} applies to --from unleash only`);
  }
  const loaded = await loadValidManifests(ctx, input.rest, 'import');
  const { redactUrl } = await import('@switchyard/stores');
  await withStore(ctx, input.options.store, (store, url) => importInto(ctx, store, redactUrl(url), loaded, input.options), { create: input.options.create });
}
