import { withBackend, type BackendOptions } from '../../backend/open-backend';
import type { CommandContext, CommandInput } from '../../context';
import { jsonText } from '../../output/format-value';
import { renderTable } from '../../output/table';
import { FLAG_HEAD, flagRow } from './show-flag';

interface ListOptions extends BackendOptions {
  flagSet?: string;
  enabledOnly?: boolean;
  json?: boolean;
}

/** `switchyard flags list`: every flag with type, state, fallback and version. */
export async function run(ctx: CommandContext, input: CommandInput<ListOptions>): Promise<void> {
  const { options } = input;
  const flags = await withBackend(ctx, input, (backend) => backend.listFlags({ flagSet: options.flagSet, includeDisabled: !options.enabledOnly }));
  if (options.json) {
    ctx.print(jsonText({ flags }));
    return;
  }
  if (flags.length === 0) {
    ctx.note('no flags');
    return;
  }
  ctx.print(renderTable(ctx.out, FLAG_HEAD, flags.map((f) => flagRow(ctx, f))));
}
