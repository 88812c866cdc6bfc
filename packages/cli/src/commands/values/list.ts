import { parseScopeKey } from '@switchyard/core';
import { withBackend, type BackendOptions } from '../../backend/open-backend';
import type { CommandContext, CommandInput } from '../../context';
import { EXIT, ExitError } from '../../exit-error';
import { formatValue, jsonText } from '../../output/format-value';
import { renderTable } from '../../output/table';

interface ListOptions extends BackendOptions {
  json?: boolean;
}

function scopeText(key: string): string {
  const scope = parseScopeKey(key);
  if (!scope) return key;
  const pairs = Object.entries(scope).map(([k, v]) => `${k}=${v}`);
  return pairs.length ? pairs.join(',') : '(root)';
}

/** `switchyard values list [key]`: root and scoped values with their versions. */
export async function run(ctx: CommandContext, input: CommandInput<ListOptions>): Promise<void> {
  const only = input.args[0];
  const all = await withBackend(ctx, input, (backend) => backend.listValues());
  const values = only === undefined ? all : Object.hasOwn(all, only) ? { [only]: all[only]! } : {};
  if (only !== undefined && !Object.hasOwn(all, only)) throw new ExitError(EXIT.USER, `"${only}" has no maintained values`);
  if (input.options.json) {
    ctx.print(jsonText({ values }));
    return;
  }
  const rows: string[][] = [];
  for (const [key, v] of Object.entries(values)) {
    if (v.rootValue !== undefined) rows.push([key, '(root)', formatValue(v.rootValue), String(v.version)]);
    for (const [scope, value] of Object.entries(v.scopedValues ?? {})) rows.push([key, scopeText(scope), formatValue(value), String(v.version)]);
  }
  if (rows.length === 0) {
    ctx.note('no maintained values');
    return;
  }
  ctx.print(renderTable(ctx.out, ['KEY', 'SCOPE', 'VALUE', 'VERSION'], rows));
}
