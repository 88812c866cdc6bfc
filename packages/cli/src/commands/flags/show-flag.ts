import { stringify } from 'yaml';
import type { FlagEntry } from '../../backend/backend';
import type { CommandContext } from '../../context';
import { formatValue, jsonText } from '../../output/format-value';

/** One line per flag for `flags list`. */
export function flagRow(ctx: CommandContext, flag: FlagEntry): string[] {
  const d = flag.definition;
  const enabled = d.enabled === false ? ctx.out.yellow('off') : ctx.out.green('on');
  return [d.key, d.type, enabled, formatValue(d.fallbackValue), String(flag.version), flag.readOnly ? 'manifest' : flag.source, d.flagSet ?? '-', d.description ?? ''];
}

export const FLAG_HEAD = ['KEY', 'TYPE', 'ENABLED', 'FALLBACK', 'VERSION', 'SOURCE', 'FLAG SET', 'DESCRIPTION'];

/** The outcome of a write: the entry as JSON, or one confirmation line. */
export function printWritten(ctx: CommandContext, json: boolean | undefined, flag: FlagEntry, verb: string): void {
  if (json) ctx.print(jsonText(flag));
  else ctx.print(`${ctx.out.green('✔')} ${verb} ${flag.definition.key} (version ${flag.version})`);
}

/** The whole definition for `flags get`, as YAML (default) or JSON. */
export function definitionText(flag: FlagEntry, format: 'yaml' | 'json'): string {
  const { source: _source, ...definition } = flag.definition;
  return format === 'json' ? jsonText(definition) : stringify(definition, { lineWidth: 0 }).trimEnd();
}
