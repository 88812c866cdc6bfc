import type { CommandContext, CommandInput } from '../../context';
import { setEnabled, type ToggleOptions } from './toggle';

/** `switchyard flags enable <key>`. */
export function run(ctx: CommandContext, input: CommandInput<ToggleOptions>): Promise<void> {
  return setEnabled(ctx, input, true);
}
