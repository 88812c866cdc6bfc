import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { watch as watchFiles, type FSWatcher } from 'chokidar';
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
  const reloader = new ManifestReloader(dir, onChange, options);
  const files = await watchFileEvents(reloader, options);
  await reloader.loadAll();
  return {
    current: () => reloader.current,
    close: async () => {
      reloader.stop();
      await files.close();
      await reloader.settled();
    },
  };
}

/** Starts chokidar on the directory and feeds its events to `reloader`; resolves once it is ready. */
async function watchFileEvents(reloader: ManifestReloader, options: WatchOptions): Promise<FSWatcher> {
  const { root } = reloader;
  const relative = (p: string) => path.relative(root, path.resolve(root, p)).split(path.sep).join('/');
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
  watcher.on('add', (p) => reloader.schedule(relative(p)));
  watcher.on('change', (p) => reloader.schedule(relative(p)));
  watcher.on('unlink', (p) => reloader.schedule(relative(p)));
  watcher.on('unlinkDir', (p) => reloader.scheduleUnder(relative(p)));
  watcher.on('error', (err) => reloader.readFailed(err));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return watcher;
}

/**
 * The documents of a manifest directory and the work of keeping them current: reads are queued
 * one after another, debounced, and each valid merged set is handed to `onChange`.
 */
class ManifestReloader {
  readonly root: string;
  current: ManifestChange | undefined;
  private readonly documents = new Map<string, DocumentResult>();
  private readonly pending = new Set<string>();
  /** Size and modification time of each file when it was last read. */
  private readonly stamps = new Map<string, string>();
  private readonly checks = new Set<ReturnType<typeof setTimeout>>();
  private readonly debounceMs: number;
  private readonly onError: (diagnostics: Diagnostic[]) => void;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly onChange: (change: ManifestChange) => void | Promise<void>,
    private readonly options: WatchOptions,
  ) {
    this.root = path.resolve(dir);
    this.debounceMs = options.debounceMs ?? 100;
    this.onError = options.onError ?? (() => {});
  }

  /** Reads every manifest file and publishes the initial set. */
  loadAll(): Promise<void> {
    return this.enqueue(async () => {
      let files: string[];
      try {
        files = await listManifestFiles(this.root);
      } catch (err) {
        this.readFailed(err);
        return;
      }
      for (const file of files) {
        const stamp = await this.stampOf(file);
        if (stamp !== undefined) this.stamps.set(file, stamp);
        this.documents.set(file, await readManifestFile(this.root, file, this.options));
      }
      await this.publish();
      this.verifyLater(files);
    });
  }

  /** Reads `file` again after the quiet period. */
  schedule = (file: string): void => {
    this.pending.add(file);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.enqueue(() => this.reload());
    }, this.debounceMs);
  };

  /** Reads again every known file under a removed directory. */
  scheduleUnder(directory: string): void {
    const prefix = `${directory}/`;
    for (const file of this.documents.keys()) if (file.startsWith(prefix)) this.schedule(file);
  }

  readFailed(err: unknown): void {
    this.onError([readError(this.dir, err)]);
  }

  /** Stops timers; queued work still finishes (see `settled`). */
  stop(): void {
    this.closed = true;
    for (const check of this.checks) clearTimeout(check);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  settled(): Promise<void> {
    return this.chain;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(work).catch((err) => this.readFailed(err));
    return this.chain;
  }

  private async reload(): Promise<void> {
    const files = [...this.pending];
    this.pending.clear();
    for (const file of files) {
      const stamp = await this.stampOf(file);
      if (stamp !== undefined && isManifestFile(file)) {
        this.stamps.set(file, stamp);
        this.documents.set(file, await readManifestFile(this.root, file, this.options));
      } else {
        this.stamps.delete(file);
        this.documents.delete(file);
      }
    }
    if (this.closed) return;
    await this.publish();
    this.verifyLater(files);
  }

  /** Merges the documents; a valid set that differs from the current one goes to `onChange`. */
  private async publish(): Promise<void> {
    const ordered = [...this.documents.keys()].sort().map((k) => this.documents.get(k)!);
    const merged = mergeDocuments(ordered);
    if (merged.errors.length) {
      this.onError(merged.errors);
      return;
    }
    const current = this.current;
    const changedKeys = diffKeys(current, merged.definitions, merged.values);
    const next: ManifestChange = { definitions: merged.definitions, values: merged.values, changedKeys, warnings: merged.warnings };
    if (current && changedKeys.length === 0 && isDeepStrictEqual(current.definitions, next.definitions)) return;
    try {
      await this.onChange(next);
      this.current = next;
    } catch (err) {
      this.onError(rejectionDiagnostics(err, next.definitions, this.root));
    }
  }

  // chokidar drops a change event that follows another one of the same file within 50 ms, so
  // a quick second save could go unseen. Each file read is stamped, and checked again once that
  // window has passed; a file that changed meanwhile is read again.
  private async stampOf(file: string): Promise<string | undefined> {
    const s = await stat(path.join(this.root, file)).catch(() => undefined);
    return s?.isFile() ? `${s.mtimeMs}:${s.size}` : undefined;
  }

  private verifyLater(files: readonly string[]): void {
    const check = setTimeout(() => {
      this.checks.delete(check);
      void this.enqueue(() => this.verify(files));
    }, CHANGE_THROTTLE_MS);
    this.checks.add(check);
  }

  private async verify(files: readonly string[]): Promise<void> {
    for (const file of files) if (!this.closed && (await this.stampOf(file)) !== this.stamps.get(file)) this.schedule(file);
  }
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
