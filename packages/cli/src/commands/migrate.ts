import { withStore } from '../backend/open-backend';
import type { CommandContext, CommandInput } from '../context';
import { BackendError } from '../exit-error';
import { jsonText } from '../output/format-value';
import { renderTable } from '../output/table';

interface MigrateOptions {
  store?: string;
  create?: boolean;
  json?: boolean;
}

/** `switchyard migrate --store URL`: applies pending migrations and lists them. */
export async function run(ctx: CommandContext, input: CommandInput<MigrateOptions>): Promise<void> {
  const results = await withStore(ctx, input.options.store, (store) => store.migrate(), { migrate: false, create: input.options.create });
  const failed = results.find((r) => r.status === 'Error');
  if (input.options.json) ctx.print(jsonText({ migrations: results }));
  else if (results.length === 0) ctx.print(`${ctx.out.green('✔')} schema is up to date`);
  else {
    const { out } = ctx;
    ctx.print(renderTable(out, ['MIGRATION', 'STATUS', 'ERROR'], results.map((r) => [r.migrationName, r.status === 'Success' ? out.green(r.status) : out.red(r.status), r.error ?? ''])));
  }
  if (failed) throw new BackendError(`migration ${failed.migrationName} failed: ${failed.error ?? 'unknown error'}`);
}
