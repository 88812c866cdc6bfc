import { withStore } from '../backend/open-backend';
import type { CommandContext, CommandInput } from '../context';
import { EXIT, ExitError } from '../exit-error';
import { jsonText } from '../output/format-value';
import { isEmptyPlan, planImport } from '../plan/import-plan';
import { planJson, renderPlan } from '../plan/render-plan';
import { loadValidManifests } from '../input/load-valid-manifests';

interface DiffOptions {
  store?: string;
  prune?: boolean;
  exitCode?: boolean;
  json?: boolean;
}

/** `switchyard diff <path…> --store URL`: what `import` would add, change and (with --prune) remove. */
export async function run(ctx: CommandContext, input: CommandInput<DiffOptions>): Promise<void> {
  const loaded = await loadValidManifests(ctx, input.rest, 'diff');
  const plan = await withStore(ctx, input.options.store, (store) => planImport(store, loaded, { prune: input.options.prune }));
  if (input.options.json) ctx.print(jsonText(planJson(plan)));
  else for (const line of renderPlan(ctx.out, plan, input.options)) ctx.print(line);
  if (input.options.exitCode && !isEmptyPlan(plan)) throw new ExitError(EXIT.USER, '');
}
