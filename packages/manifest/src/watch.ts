import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { watch as watchFiles } from 'chokidar';
import { isValidationError } from '@switchyard/core';
import type { Engine, FlagDefinition, MaintainedValues } from '@switchyard/core';
import { formatDocumentPath } from './diagnostic';
import type { Diagnostic } from './diagnostic';
import type { DocumentResult } from './document-result';
import { isManifestFile, listManifestFiles, readError, readManifestFile } from './load-manifests';
import type { LoadManifestsOptions } from './load-manifests';
import { mergeDocuments } from './merge';

/** chokidar's per-file throttle of change events, plus a margin. */
const CHANGE_THROTTLE_MS = 75;

/** A valid set of definitions, delivered by `watch`. */
export interface ManifestChange {
  definitions: FlagDefinition[];
  values: Record<string, MaintainedValues>;
  /** Keys added, removed, or whose definition (ignoring `source`) or seeded values changed. */
  changedKeys: string[];
  warnings: Diagnostic[];
}

export interface WatchOptions extends LoadManifestsOptions {
  /** Quiet period after the last file event before files are read again. Default 100 ms. */
  debounceMs?: number;
  /** Problems that keep a new set from being applied; the last good set stays in force. */
  onError?: (diagnostics: Diagnostic[]) => void;
  /** Poll instead of using native file events (network file systems, some containers). */
  usePolling?: boolean;
}

export interface ManifestWatcher {
  /** The set in force: the last valid one, or `undefined` when none was valid yet. */
  current(): ManifestChange | undefined;
  close(): Promise<void>;
}

/**
 * Watches a manifest directory. Changed files are parsed again (after `debounceMs` of quiet), and
 * only when the whole set is valid is `onChange` called with it; otherwise `onError` gets every
 * problem and the last good set stays. `onChange` also receives the initial set. When `onChange`
 * throws, the set is not taken over and the error is reported through `onError`.
 */
export async function watch(
  dir: string,
  onChange: (change: ManifestChange) => void | Promise<void>,
  options: WatchOptions = {},
): Promise<ManifestWatcher> {
  const root = path.resolve(dir);
  const documents = new Map<string, DocumentResult>();
  const pending = new Set<string>();
  const debounceMs = options.debounceMs ?? 100;
  const onError = options.onError ?? (() => {});
  let current: ManifestChange | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  const checks = new Set<ReturnType<typeof setTimeout>>();

  const relative = (p: string) => path.relative(root, path.resolve(root, p)).split(path.sep).join('/');

  const publish = async () => {
    const ordered = [...documents.keys()].sort().map((k) => documents.get(k)!);
    const merged = mergeDocuments(ordered);
    if (merged.errors.length) {
      onError(merged.errors);
      return;
    }
    const changedKeys = diffKeys(current, merged.definitions, merged.values);
    const next: ManifestChange = { definitions: merged.definitions, values: merged.values, changedKeys, warnings: merged.warnings };
    if (current && changedKeys.length === 0 && isDeepStrictEqual(current.definitions, next.definitions)) return;
    try {
      await onChange(next);
      current = next;
    } catch (err) {
      onError(rejectionDiagnostics(err, next.definitions, root));
    }
  };

  // chokidar drops a change event that follows another one of the same file within 50 ms, so
  // a quick second save could go unseen. Each file read is stamped, and checked again once that
  // window has passed; a file that changed meanwhile is read again.
  const stamps = new Map<string, string>();
  const stampOf = async (file: string) => {
    const s = await stat(path.join(root, file)).catch(() => undefined);
    return s?.isFile() ? `${s.mtimeMs}:${s.size}` : undefined;
  };
  const verify = async (files: readonly string[]) => {
    for (const file of files) if (!closed && (await stampOf(file)) !== stamps.get(file)) schedule(file);
  };

  const reload = async () => {
    const files = [...pending];
    pending.clear();
    for (const file of files) {
      const stamp = await stampOf(file);
      if (stamp !== undefined && isManifestFile(file)) {
        stamps.set(file, stamp);
        documents.set(file, await readManifestFile(root, file, options));
      } else {
        stamps.delete(file);
        documents.delete(file);
      }
    }
    if (closed) return;
    await publish();
    verifyLater(files);
  };

  const verifyLater = (files: readonly string[]) => {
    const check = setTimeout(() => {
      checks.delete(check);
      void enqueue(() => verify(files));
    }, CHANGE_THROTTLE_MS);
    checks.add(check);
  };

  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((err) => onError([readError(dir, err)]));
    return chain;
  };

  const schedule = (file: string) => {
    pending.add(file);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void enqueue(reload);
    }, debounceMs);
  };

  const watcher = watchFiles(root, {
    ignoreInitial: true,
    usePolling: options.usePolling ?? false,
    ignored: (p, stats) => {
      const rel = relative(p);
      if (rel === '' || rel.startsWith('..')) return false;
      if (rel.split('/').some((segment) => segment.startsWith('.'))) return true;
      return stats?.isFile() === true && !isManifestFile(p);
    },
  });
  watcher.on('add', (p) => schedule(relative(p)));
  watcher.on('change', (p) => schedule(relative(p)));
  watcher.on('unlink', (p) => schedule(relative(p)));
  watcher.on('unlinkDir', (p) => {
    const prefix = `${relative(p)}/`;
    for (const file of documents.keys()) if (file.startsWith(prefix)) schedule(file);
  });
  watcher.on('error', (err) => onError([readError(dir, err)]));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  await enqueue(async () => {
    let files: string[];
    try {
      files = await listManifestFiles(root);
    } catch (err) {
      onError([readError(dir, err)]);
      return;
    }
    for (const file of files) {
      const stamp = await stampOf(file);
      if (stamp !== undefined) stamps.set(file, stamp);
      documents.set(file, await readManifestFile(root, file, options));
    }
    await publish();
    verifyLater(files);
  });

  return {
    current: () => current,
    close: async () => {
      closed = true;
      for (const check of checks) clearTimeout(check);
      if (timer) clearTimeout(timer);
      timer = undefined;
      await watcher.close();
      await chain;
    },
  };
}

function diffKeys(previous: ManifestChange | undefined, definitions: readonly FlagDefinition[], values: Record<string, MaintainedValues>): string[] {
  const before = new Map((previous?.definitions ?? []).map((d) => [d.key, d]));
  const changed = new Set<string>();
  for (const d of definitions) {
    const old = before.get(d.key);
    before.delete(d.key);
    const { source: _a, ...now } = d;
    const same = old !== undefined && isDeepStrictEqual(withoutSource(old), now) && isDeepStrictEqual(previous?.values[d.key], values[d.key]);
    if (!same) changed.add(d.key);
  }
  for (const key of before.keys()) changed.add(key);
  return [...changed];
}

function withoutSource(d: FlagDefinition): Omit<FlagDefinition, 'source'> {
  const { source: _source, ...rest } = d;
  return rest;
}

/** Reports a consumer's refusal of a set (an engine's `ValidationError`) at the definitions concerned. */
function rejectionDiagnostics(err: unknown, definitions: readonly FlagDefinition[], dir: string): Diagnostic[] {
  // A consumer that found problems with positions already (e.g. `resolveValidators`) passes them on.
  const given = (err as { diagnostics?: unknown } | null)?.diagnostics;
  if (Array.isArray(given) && given.length) return given as Diagnostic[];
  // Matched by code: the consumer may use core's other module format.
  if (!isValidationError(err)) {
    return [{ file: dir, line: 0, column: 0, path: '', message: err instanceof Error ? err.message : String(err), severity: 'error', code: 'rejected' }];
  }
  return err.issues.map((issue) => {
    const [head, ...rest] = issue.path;
    const definition = typeof head === 'number' ? definitions[head] : definitions.find((d) => d.key === head);
    const source = definition?.source;
    return {
      file: source?.file ?? dir,
      line: source?.line ?? 0,
      column: source?.column ?? 0,
      path: definition ? formatDocumentPath([definition.key, ...rest]) : formatDocumentPath(issue.path),
      message: issue.message,
      severity: 'error',
      code: 'rejected',
    };
  });
}

/** The part of an engine `watchIntoEngine` needs. */
export type LoadableEngine = Pick<Engine, 'load'>;

export interface WatchIntoEngineOptions extends WatchOptions {
  /** Called after each set was loaded into the engine. */
  onLoad?: (change: ManifestChange) => void;
}

/**
 * Keeps an engine in step with a manifest directory: every valid set is loaded with
 * `engine.load` (an atomic swap). Invalid sets, and sets the engine refuses, are reported through
 * `onError` and leave the engine as it was.
 */
export function watchIntoEngine(dir: string, engine: LoadableEngine, options: WatchIntoEngineOptions = {}): Promise<ManifestWatcher> {
  return watch(
    dir,
    (change) => {
      engine.load({ definitions: change.definitions, values: change.values });
      options.onLoad?.(change);
    },
    options,
  );
}
