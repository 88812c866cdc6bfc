import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MaintainedValues } from '@switchyard/core';
import { withStore } from '../backend/open-backend';
import type { CommandContext, CommandInput } from '../context';
import { EXIT, ExitError, usageError } from '../exit-error';

interface ExportOptions {
  store?: string;
  format: 'yaml' | 'json' | 'flagd';
  environment?: string;
  skipUnrepresentable?: boolean;
  flagSet?: string;
  output?: string;
}

/**
 * `switchyard export --store URL`: one native manifest with every flag and its maintained values;
 * `--format flagd` writes a flagd file instead, refusing (or with `--skip-unrepresentable`, leaving
 * out) flags flagd cannot express, each named with the reason.
 */
export async function run(ctx: CommandContext, input: CommandInput<ExportOptions>): Promise<void> {
  const { exportManifest, exportFlagd } = await import('@switchyard/manifest');
  const { options } = input;
  if (options.format !== 'flagd' && (options.environment !== undefined || options.skipUnrepresentable)) {
    throw usageError(`--${options.environment !== undefined ? 'environment' : 'skip-unrepresentable'} applies to --format flagd only`);
  }
  const text = await withStore(ctx, options.store, async (store) => {
    const [flags, stored] = await Promise.all([store.listFlags({ flagSet: options.flagSet }), store.listValues()]);
    const values: Record<string, MaintainedValues> = {};
    for (const { definition } of flags) {
      const v = stored[definition.key];
      if (v) values[definition.key] = { rootValue: v.rootValue, scopedValues: v.scopedValues };
    }
    const definitions = flags.map((f) => f.definition);
    if (options.format !== 'flagd') return exportManifest(definitions, values, { format: options.format });
    const flagd = exportFlagd(definitions, values, { environment: options.environment });
    for (const n of flagd.notes) ctx.note(`${n.key}: ${n.severity === 'error' ? ctx.err.red('error') : ctx.err.yellow('warning')}: ${n.message}`);
    const left = flagd.notes.filter((n) => n.severity === 'error').length;
    if (left > 0 && !options.skipUnrepresentable) {
      throw new ExitError(EXIT.USER, `export refused: ${left} flag${left === 1 ? '' : 's'} cannot be written as flagd (--skip-unrepresentable writes the others); nothing was written`);
    }
    return flagd.text;
  });
  if (options.output === undefined) {
    ctx.io.stdout.write(text);
    return;
  }
  try {
    await writeFile(path.resolve(ctx.io.cwd, options.output), text);
  } catch (err) {
    throw usageError(`--output: cannot write ${options.output}: ${err instanceof Error ? err.message : String(err)}`);
  }
  ctx.note(`${ctx.err.green('✔')} wrote ${options.output}`);
}
