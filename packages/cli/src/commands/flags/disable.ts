import type { CommandContext, CommandInput } from '../../context';
import { setEnabled, type ToggleOptions } from './toggle';

/** `switchyard flags disable <key>`: the flag serves its fallback with reason DISABLED. */
export function run(ctx: CommandContext, input: CommandInput<ToggleOptions>): Promise<void> {
  return setEnabled(ctx, input, false);
}
