import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MaintainedValues } from '@switchyard/core';
import { withStore } from '../backend/open-backend';
import type { CommandContext, CommandInput } from '../context';
import { usageError } from '../exit-error';

interface ExportOptions {
  store?: string;
  format: 'yaml' | 'json';
  flagSet?: string;
  output?: string;
}

/** `switchyard export --store URL`: one native manifest with every flag and its maintained values. */
export async function run(ctx: CommandContext, input: CommandInput<ExportOptions>): Promise<void> {
  const { exportManifest } = await import('@switchyard/manifest');
  const { options } = input;
  const text = await withStore(ctx, options.store, async (store) => {
    const [flags, stored] = await Promise.all([store.listFlags({ flagSet: options.flagSet }), store.listValues()]);
    const values: Record<string, MaintainedValues> = {};
    for (const { definition } of flags) {
      const v = stored[definition.key];
      if (v) values[definition.key] = { rootValue: v.rootValue, scopedValues: v.scopedValues };
    }
    return exportManifest(
      flags.map((f) => f.definition),
      values,
      { format: options.format },
    );
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
