import { withBackend } from '../../backend/open-backend';
import type { CommandContext, CommandInput } from '../../context';
import { applyUpdate, buildUpdate, type ValueOptions } from './update';

/** `switchyard values clear <key>`: removes the value at the root or at `--scope`. */
export async function run(ctx: CommandContext, input: CommandInput<ValueOptions>): Promise<void> {
  const key = input.args[0]!;
  const update = buildUpdate(key, null, input.options);
  await withBackend(ctx, input, (backend) => applyUpdate(ctx, input, backend, update));
}
