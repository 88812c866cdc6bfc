import { withBackend } from '../../backend/open-backend';
import type { CommandContext, CommandInput } from '../../context';
import { parseFlagValue } from '../../input/parse-flag-value';
import { applyUpdate, buildUpdate, type ValueOptions } from './update';

/**
 * `switchyard values set <key> <value>`: the value is read according to the flag's type (a string
 * flag keeps `123` as text); for keys without a definition it is read as JSON when it parses.
 */
export async function run(ctx: CommandContext, input: CommandInput<ValueOptions>): Promise<void> {
  const [key, text] = input.args as [string, string];
  await withBackend(ctx, input, async (backend) => {
    const flag = await backend.getFlag(key);
    const update = buildUpdate(key, parseFlagValue(text, flag?.definition.type, 'value'), input.options);
    await applyUpdate(ctx, input, backend, update);
  });
}
