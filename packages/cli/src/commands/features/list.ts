import { withBackend, type BackendOptions } from '../../backend/open-backend';
import type { CommandContext, CommandInput } from '../../context';
import { jsonText } from '../../output/format-value';

interface ListOptions extends BackendOptions {
  json?: boolean;
}

/** `switchyard features list`: code-defined features with stored results. */
export async function run(ctx: CommandContext, input: CommandInput<ListOptions>): Promise<void> {
  const features = await withBackend(ctx, input, (backend) => backend.listFeatures());
  if (input.options.json) ctx.print(jsonText({ features }));
  else if (features.length === 0) ctx.note('no features have stored results');
  else for (const f of features) ctx.print(f);
}
