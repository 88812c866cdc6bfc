import { withBackend, type BackendOptions } from '../../backend/open-backend';
import type { CommandContext, CommandInput } from '../../context';
import { EXIT, ExitError } from '../../exit-error';
import { parseVersion } from '../../input/parse-pairs';
import { printWritten } from './show-flag';

export interface ToggleOptions extends BackendOptions {
  expectVersion?: string;
  actor?: string;
  json?: boolean;
}

/**
 * Sets `enabled` of a stored flag. The write is conditional on the version just read (or on
 * `--expect-version`), so a concurrent change is never overwritten silently.
 */
export async function setEnabled(ctx: CommandContext, input: CommandInput<ToggleOptions>, enabled: boolean): Promise<void> {
  const key = input.args[0]!;
  const expected = parseVersion(input.options.expectVersion);
  await withBackend(ctx, input, async (backend) => {
    const current = await backend.getFlag(key);
    if (!current) throw new ExitError(EXIT.USER, `flag "${key}" not found`);
    if (current.readOnly) throw new ExitError(EXIT.USER, `flag "${key}" is defined by a manifest on the server and cannot be changed here`);
    const { source: _source, ...definition } = current.definition;
    const flag = await backend.upsertFlag({ ...definition, enabled }, { expectedVersion: expected ?? current.version, actor: input.options.actor });
    printWritten(ctx, input.options.json, flag, enabled ? 'enabled' : 'disabled');
  });
}
