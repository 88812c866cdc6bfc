import type { FlagValue, ValueUpdate } from '@switchyard/core';
import type { Backend } from '../../backend/backend';
import type { BackendOptions } from '../../backend/open-backend';
import type { CommandContext, CommandInput } from '../../context';
import { jsonText } from '../../output/format-value';
import { parseScope, parseVersion } from '../../input/parse-pairs';

export interface ValueOptions extends BackendOptions {
  scope?: string[];
  clearSubScopes?: boolean;
  remoteOnly?: boolean;
  expectVersion?: string;
  actor?: string;
  json?: boolean;
}

/** Builds the one `ValueUpdate` of `values set` / `values clear` from the command's options. */
export function buildUpdate(key: string, value: FlagValue | null, options: ValueOptions): ValueUpdate {
  const update: ValueUpdate = { key, value };
  const scope = parseScope(options.scope);
  if (scope) update.scope = scope;
  if (options.clearSubScopes) update.clearSubScopes = true;
  if (options.remoteOnly) update.remoteOnly = true;
  const expected = parseVersion(options.expectVersion);
  if (expected !== undefined) update.expectedVersion = expected;
  return update;
}

/** Applies the update and confirms it, as JSON or as one line. */
export async function applyUpdate(ctx: CommandContext, input: CommandInput<ValueOptions>, backend: Backend, update: ValueUpdate): Promise<void> {
  await backend.setValues([update], { actor: input.options.actor });
  if (input.options.json) {
    ctx.print(jsonText({ applied: [update] }));
    return;
  }
  const where = update.scope ? Object.entries(update.scope).map(([k, v]) => `${k}=${v}`).join(',') : 'root';
  const what = update.value === null ? `cleared ${update.key} at ${where}` : `set ${update.key} at ${where} to ${JSON.stringify(update.value)}`;
  ctx.print(`${ctx.out.green('✔')} ${what}${update.clearSubScopes ? ' (and cleared more specific scopes)' : ''}`);
}
