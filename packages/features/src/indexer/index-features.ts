import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { watch } from 'chokidar';
import { FLAG_KEY_PATTERN, ValidationError, type ValidationIssue } from '@switchyard/core';
import { renderRegistry, type IndexedFeature } from './render-registry';

export type { IndexedFeature } from './render-registry';

const FEATURE_FILE = /_feature\.(ts|js|mts|mjs)$/;
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const IMPORT_EXTENSION: Record<string, string> = { ts: 'js', js: 'js', mts: 'mjs', mjs: 'mjs' };

export interface IndexFeaturesOptions {
  /** Folder searched (recursively) for files ending in `_feature.ts`, `.js`, `.mts` or `.mjs`. */
  dir: string;
  /** The registry module to write, e.g. `app/features/registry.ts`. */
  out: string;
  /** Keep running and rewrite the registry when feature files are added, removed or renamed. */
  watch?: boolean;
  /**
   * Extension of import specifiers in the registry: `js` (default; `.ts` files are imported as `.js`,
   * as Node ESM and TypeScript's NodeNext expect), `ts` (the file's own extension) or `none`.
   */
  importExtension?: 'js' | 'ts' | 'none';
  /** Module the registry imports `FeatureValueOf` from. Default `@switchyard/features`. */
  packageName?: string;
  /** Watch mode: called after each rewrite. */
  onChange?: (index: FeatureIndex) => void;
  /** Watch mode: called with errors (a duplicate name, …); watching continues. */
  onError?: (error: Error) => void;
}

/** The result of one indexing run. */
export interface FeatureIndex {
  features: IndexedFeature[];
  /** Absolute path of the registry module. */
  out: string;
  /** The registry's content changed (and was written) in this run. */
  written: boolean;
}

export interface FeatureIndexWatcher extends FeatureIndex {
  close(): Promise<void>;
}

/**
 * Indexes feature files under `dir` and writes a typed registry to `out`. A feature's name is its path
 * below `dir` without `_feature.<ext>`, folders joined with dots (`billing/new_invoice_feature.ts` →
 * `billing.new_invoice`). The registry is only rewritten when its content changes.
 */
export function indexFeatures(options: IndexFeaturesOptions & { watch: true }): Promise<FeatureIndexWatcher>;
export function indexFeatures(options: IndexFeaturesOptions): Promise<FeatureIndex>;
export async function indexFeatures(options: IndexFeaturesOptions): Promise<FeatureIndex | FeatureIndexWatcher> {
  const dir = path.resolve(options.dir);
  const out = path.resolve(options.out);
  const first = await writeIndex(dir, out, options);
  if (!options.watch) return first;

  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const rerun = () => {
    running = running.then(async () => {
      try {
        const next = await writeIndex(dir, out, options);
        if (next.written) options.onChange?.(next);
      } catch (err) {
        options.onError?.(err instanceof Error ? err : new Error(String(err)));
      }
    });
  };
  const watcher = watch(dir, { ignoreInitial: true, ignored: (p) => p === out || p.includes(`${path.sep}node_modules`) });
  const onEvent = (file: string) => {
    if (!FEATURE_FILE.test(file) && path.extname(file) !== '') return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(rerun, 30);
  };
  watcher.on('add', onEvent).on('unlink', onEvent).on('addDir', onEvent).on('unlinkDir', onEvent);
  watcher.on('error', (err) => options.onError?.(err instanceof Error ? err : new Error(String(err))));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ...first,
    async close() {
      if (timer) clearTimeout(timer);
      await watcher.close();
      await running;
    },
  };
}

async function writeIndex(dir: string, out: string, options: IndexFeaturesOptions): Promise<FeatureIndex> {
  const features = await scan(dir, out, options.importExtension ?? 'js');
  const source = renderRegistry(features, options.packageName);
  const previous = await readFile(out, 'utf8').catch(() => undefined);
  if (previous === source) return { features, out, written: false };
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, source);
  return { features, out, written: true };
}

async function scan(dir: string, out: string, importExtension: 'js' | 'ts' | 'none'): Promise<IndexedFeature[]> {
  let entries: string[];
  try {
    entries = await readdir(dir, { recursive: true });
  } catch (err) {
    throw new ValidationError([{ path: ['dir'], message: `cannot read the features folder ${dir}: ${(err as Error).message}` }]);
  }
  const issues: ValidationIssue[] = [];
  const byName = new Map<string, IndexedFeature>();
  for (const entry of entries.sort()) {
    const match = FEATURE_FILE.exec(entry);
    if (!match || entry.split(path.sep).includes('node_modules')) continue;
    const file = path.join(dir, entry);
    const segments = entry.slice(0, -match[0].length).split(path.sep);
    const name = segments.join('.');
    const bad = segments.find((s) => !SEGMENT.test(s));
    if (bad !== undefined || !FLAG_KEY_PATTERN.test(name)) {
      issues.push({ path: [entry], message: `"${entry}" does not give a valid feature name; use letters, digits, _ and - in file and folder names` });
      continue;
    }
    const other = byName.get(name);
    if (other) {
      issues.push({ path: [entry], message: `"${entry}" and "${path.relative(dir, other.file)}" both define the feature "${name}"` });
      continue;
    }
    byName.set(name, { name, file, importPath: importPath(out, file, match[1]!, importExtension) });
  }
  if (issues.length) throw new ValidationError(issues);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function importPath(out: string, file: string, ext: string, mode: 'js' | 'ts' | 'none'): string {
  let rel = path.relative(path.dirname(out), file).split(path.sep).join('/');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const stem = rel.slice(0, -(ext.length + 1));
  if (mode === 'none') return stem;
  return `${stem}.${mode === 'ts' ? ext : IMPORT_EXTENSION[ext]}`;
}
