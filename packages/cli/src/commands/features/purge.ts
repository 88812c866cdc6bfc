import { withBackend, type BackendOptions } from '../../backend/open-backend';
import type { CommandContext, CommandInput } from '../../context';
import { jsonText } from '../../output/format-value';

interface PurgeOptions extends BackendOptions {
  except?: string[];
  json?: boolean;
}

/** `switchyard features purge [names…] [--except …]`: forgets stored per-scope results so they are resolved again. */
export async function run(ctx: CommandContext, input: CommandInput<PurgeOptions>): Promise<void> {
  const features = input.rest.length ? input.rest : undefined;
  const except = input.options.except?.length ? input.options.except : undefined;
  const purged = await withBackend(ctx, input, (backend) => backend.purgeFeatures({ features, except }));
  if (input.options.json) ctx.print(jsonText({ purged }));
  else ctx.print(`${ctx.out.green('✔')} purged ${purged} stored result${purged === 1 ? '' : 's'}`);
}
