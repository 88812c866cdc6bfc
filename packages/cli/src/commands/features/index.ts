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
  const { indexFeatures } = await import('@switchyard/features');
  const o = input.options;
  const ext = o.importExtension;
  if (ext !== 'js' && ext !== 'ts' && ext !== 'none') throw usageError(`--import-extension must be js, ts or none, got "${ext}"`);
  const dir = path.resolve(ctx.io.cwd, o.dir);
  const out = path.resolve(ctx.io.cwd, o.out ?? path.join(o.dir, 'registry.ts'));
  const report = (count: number, file: string) => ctx.print(`${ctx.out.green('✔')} indexed ${count} feature${count === 1 ? '' : 's'} into ${path.relative(ctx.io.cwd, file) || file}`);
  if (!o.watch) {
    const index = await indexFeatures({ dir, out, importExtension: ext });
    report(index.features.length, index.out);
    return;
  }
  const watcher = await indexFeatures({
    dir,
    out,
    importExtension: ext,
    watch: true,
    onChange: (index) => report(index.features.length, index.out),
    onError: (err) => ctx.note(ctx.err.red(`error: ${err.message}`)),
  });
  report(watcher.features.length, watcher.out);
  ctx.note(`watching ${path.relative(ctx.io.cwd, dir) || dir} for *_feature files (Ctrl+C to stop)`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await watcher.close();
}
