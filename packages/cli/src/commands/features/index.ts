import path from 'node:path';
import type { CommandContext, CommandInput } from '../../context';
import { usageError } from '../../exit-error';

interface IndexOptions {
  dir: string;
  out?: string;
  watch?: boolean;
  importExtension: string;
}

/**
 * `switchyard features index`: writes the typed registry of `*_feature.ts` files (so
 * `isActive('new_checkout')` is type-checked), once or on every change with `--watch`.
 */
export async function run(ctx: CommandContext, input: CommandInput<IndexOptions>): Promise<void> {
  const { importExtensionOf, runFeatureIndex } = await import('@switchyard/features');
  const o = input.options;
  const importExtension = importExtensionOf(o.importExtension);
  if (!importExtension) throw usageError(`--import-extension must be js, ts or none, got "${o.importExtension}"`);
  const cwd = ctx.io.cwd;
  const shown = (file: string) => path.relative(cwd, file) || file;
  await runFeatureIndex(
    { dir: path.resolve(cwd, o.dir), ...(o.out !== undefined ? { out: path.resolve(cwd, o.out) } : {}), watch: o.watch === true, importExtension },
    {
      indexed: ({ features, out }) => ctx.print(`${ctx.out.green('✔')} indexed ${features.length} feature${features.length === 1 ? '' : 's'} into ${shown(out)}`),
      watching: (dir) => ctx.note(`watching ${shown(dir)} for *_feature files (Ctrl+C to stop)`),
      error: (err) => ctx.note(ctx.err.red(`error: ${err.message}`)),
    },
  );
}
