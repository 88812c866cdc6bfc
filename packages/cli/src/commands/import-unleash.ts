import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FlagStore } from '@switchyard/core';
import { withStore } from '../backend/open-backend';
import type { CommandContext, CommandInput } from '../context';
import { EXIT, ExitError, usageError } from '../exit-error';
import type { LoadedPaths } from '../input/load-manifest-paths';
import type { ImportOptions } from './import';
import { jsonText } from '../output/format-value';
import { applyPlan } from '../plan/apply-plan';
import { isEmptyPlan, planCounts, planImport } from '../plan/import-plan';
import { planJson, renderPlan } from '../plan/render-plan';

/** The options of `switchyard import` (the Unleash source takes the same ones, except `--from`). */
export type ImportUnleashOptions = Omit<ImportOptions, 'from'>;

/**
 * `switchyard import --from unleash export.json`: maps an Unleash export (admin export, client API
 * answer or delta events) to flags that evaluate as Unleash does, prints every difference, and
 * writes them into a store (or, with `--output`, a native manifest). A feature that cannot be
 * mapped refuses the whole import: nothing is written.
 */
export async function run(ctx: CommandContext, input: CommandInput<ImportUnleashOptions>): Promise<void> {
  const { options } = input;
  if (input.rest.length !== 1) throw usageError('--from unleash reads exactly one export file');
  if (options.output !== undefined && options.store !== undefined && input.sources.store === 'cli') throw usageError('give either --store or --output, not both');
  const file = input.rest[0]!;
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path.resolve(ctx.io.cwd, file), 'utf8'));
  } catch (err) {
    throw new ExitError(EXIT.USER, `${file}: ${err instanceof SyntaxError ? `not JSON: ${err.message}` : `cannot read: ${(err as Error).message}`}`);
  }
  const { importUnleash, exportManifest } = await import('@switchyard/manifest');
  const result = importUnleash(raw, { environment: options.environment, flagSet: options.flagSet });
  for (const n of result.notes) {
    const where = n.path ? `${file} ${n.path}` : file;
    ctx.note(`${where}: ${n.severity === 'error' ? ctx.err.red('error') : ctx.err.yellow('warning')}: ${n.message}`);
  }
  const errors = result.notes.filter((n) => n.severity === 'error');
  if (errors.length) throw new ExitError(EXIT.USER, `import refused: ${errors.length} part${errors.length === 1 ? '' : 's'} of ${file} cannot be mapped exactly; nothing was written`);
  const count = `${result.definitions.length} Unleash feature${result.definitions.length === 1 ? '' : 's'}`;
  if (options.output !== undefined) {
    const format = /\.json$/i.test(options.output) ? 'json' : 'yaml';
    await writeFile(path.resolve(ctx.io.cwd, options.output), exportManifest(result.definitions, {}, { format }));
    ctx.note(`${ctx.err.green('✔')} wrote ${count} to ${options.output}`);
    return;
  }
  const loaded: LoadedPaths = { definitions: result.definitions, values: {}, errors: [], warnings: [], files: [file] };
  const { redactUrl } = await import('@switchyard/stores');
  await withStore(ctx, options.store, (store, url) => importInto(ctx, store, redactUrl(url), loaded, options, count), { create: options.create });
}

async function importInto(ctx: CommandContext, store: FlagStore, url: string, loaded: LoadedPaths, options: ImportUnleashOptions, count: string): Promise<void> {
  const plan = await planImport(store, loaded, { prune: options.prune });
  if (!options.dryRun && !isEmptyPlan(plan)) await applyPlan(store, plan, { actor: options.actor });
  if (options.json) {
    ctx.print(jsonText({ store: url, dryRun: Boolean(options.dryRun), ...planJson(plan) }));
    return;
  }
  if (options.dryRun) {
    for (const line of renderPlan(ctx.out, plan, options)) ctx.print(line);
    ctx.print(ctx.out.dim('dry run: nothing was written'));
    return;
  }
  const counts = planCounts(plan);
  const parts = [`${counts.added} added`, `${counts.changed} changed`];
  if (options.prune) parts.push(`${counts.removed} removed`);
  parts.push(`${counts.unchanged} unchanged`);
  ctx.print(`${ctx.out.green('✔')} imported ${count} into ${url}: ${parts.join(', ')}`);
}
