import { withBackend, type BackendOptions } from '../../backend/open-backend';
import type { CommandContext, CommandInput } from '../../context';
import { EXIT, ExitError } from '../../exit-error';
import { jsonText } from '../../output/format-value';
import { definitionText } from './show-flag';

interface GetOptions extends BackendOptions {
  format?: 'yaml' | 'json';
  json?: boolean;
}

/** `switchyard flags get <key>`: the definition with version and timestamps. */
export async function run(ctx: CommandContext, input: CommandInput<GetOptions>): Promise<void> {
  const key = input.args[0]!;
  const flag = await withBackend(ctx, input, (backend) => backend.getFlag(key));
  if (!flag) throw new ExitError(EXIT.USER, `flag "${key}" not found`);
  if (input.options.json) {
    ctx.print(jsonText(flag));
    return;
  }
  if (input.options.format) {
    ctx.print(definitionText(flag, input.options.format));
    return;
  }
  const { out } = ctx;
  ctx.print(`${out.bold(flag.definition.key)}  version ${flag.version}  ${flag.readOnly ? 'read-only (manifest)' : flag.source}`);
  ctx.print(out.dim(`created ${flag.createdAt}, updated ${flag.updatedAt}`));
  ctx.print(definitionText(flag, 'yaml'));
}
