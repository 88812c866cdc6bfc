import path from 'node:path';
import { indexFeatures, type FeatureIndex } from './index-features';

/** How the registry spells its import specifiers: see `IndexFeaturesOptions.importExtension`. */
export type ImportExtension = 'js' | 'ts' | 'none';

/** `value` as an import-extension mode, or `undefined` when it is not `js`, `ts` or `none`. */
export function importExtensionOf(value: string): ImportExtension | undefined {
  return value === 'js' || value === 'ts' || value === 'none' ? value : undefined;
}

export interface FeatureIndexCommandOptions {
  /** Folder of feature files. */
  dir: string;
  /** Registry file to write; default `<dir>/registry.ts`. */
  out?: string;
  /** Index again on every change until SIGINT or SIGTERM. */
  watch?: boolean;
  importExtension: ImportExtension;
}

/** Where the command tells its user what happened. */
export interface FeatureIndexReporter {
  /** After the first run, and in watch mode after each rewrite. */
  indexed(index: FeatureIndex): void;
  /** Watch mode: the folder is being watched. */
  watching(dir: string): void;
  /** Watch mode: a run failed; watching continues. */
  error(error: Error): void;
}

/**
 * The `index` command behind both `switchyard features index` and `switchyard-features index`:
 * writes the registry once, or keeps it current until the process is asked to stop.
 */
export async function runFeatureIndex(options: FeatureIndexCommandOptions, reporter: FeatureIndexReporter): Promise<void> {
  const { dir, importExtension } = options;
  const out = options.out ?? path.join(dir, 'registry.ts');
  if (!options.watch) {
    reporter.indexed(await indexFeatures({ dir, out, importExtension }));
    return;
  }
  const watcher = await indexFeatures({
    dir,
    out,
    importExtension,
    watch: true,
    onChange: (index) => reporter.indexed(index),
    onError: (err) => reporter.error(err),
  });
  reporter.indexed(watcher);
  reporter.watching(dir);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await watcher.close();
}
