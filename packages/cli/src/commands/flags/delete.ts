import { withBackend, type BackendOptions } from '../../backend/open-backend';
import type { CommandContext, CommandInput } from '../../context';
import { EXIT, ExitError } from '../../exit-error';
import { jsonText } from '../../output/format-value';
import { parseVersion } from '../../input/parse-pairs';

interface DeleteOptions extends BackendOptions {
  expectVersion?: string;
  actor?: string;
  json?: boolean;
}

/** `switchyard flags delete <key>`: removes the definition and its maintained values. */
export async function run(ctx: CommandContext, input: CommandInput<DeleteOptions>): Promise<void> {
  const key = input.args[0]!;
  const expectedVersion = parseVersion(input.options.expectVersion);
  const deleted = await withBackend(ctx, input, (backend) => backend.deleteFlag(key, { expectedVersion, actor: input.options.actor }));
  if (!deleted) throw new ExitError(EXIT.USER, `flag "${key}" not found`);
  if (input.options.json) ctx.print(jsonText({ key, deleted: true }));
  else ctx.print(`${ctx.out.green('✔')} deleted ${key}`);
}
