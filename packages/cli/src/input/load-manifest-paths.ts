import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createEngine, isValidationError } from '@switchyard/core';
import type { FlagDefinition, MaintainedValues } from '@switchyard/core';
import type { Diagnostic } from '@switchyard/manifest';

/** Definitions, seeded values and every diagnostic from manifest files and directories. */
export interface LoadedPaths {
  definitions: FlagDefinition[];
  values: Record<string, MaintainedValues>;
  errors: Diagnostic[];
  warnings: Diagnostic[];
  /** Every manifest file read, as displayed in diagnostics. */
  files: string[];
}

function slash(p: string): string {
  return p.split(path.sep).join('/');
}

function problem(file: string, message: string, code: Diagnostic['code'], at?: { line?: number; column?: number }, severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { file, line: at?.line ?? 0, column: at?.column ?? 0, path: '', message, severity, code };
}

/** Moves names relative to a loaded directory under the directory as the user wrote it. */
function under(dir: string, file: string): string {
  return slash(path.normalize(path.join(dir, file)));
}

function rebase(d: Diagnostic, dir: string): Diagnostic {
  return { ...d, file: under(dir, d.file) };
}

/**
 * Loads manifests from files and directories (directories recursively), as the user named them
 * relative to `cwd`. Diagnostics name files the way the user wrote the path, so they can be
 * clicked in a terminal. A flag defined under two paths is a `duplicate-flag` error; once every
 * file is clean, the whole set is loaded into an engine to catch problems across files (such as
 * prerequisite cycles).
 */
export interface LoadPathsOptions {
  acceptanceSources?: readonly string[];
  /** Files read so far and the files known so far (directories add theirs once listed). */
  onProgress?: (done: number, total: number) => void;
}

export async function loadManifestPaths(paths: readonly string[], cwd: string, options: LoadPathsOptions = {}): Promise<LoadedPaths> {
  const manifest = await import('@switchyard/manifest');
  const out: LoadedPaths = { definitions: [], values: {}, errors: [], warnings: [], files: [] };
  const seen = new Map<string, FlagDefinition>();
  /** Files named directly (directories check prerequisites among their own files). */
  const fromFiles = new Set<string>();
  for (const given of paths) {
    const display = slash(given);
    const absolute = path.resolve(cwd, given);
    let info;
    try {
      info = await stat(absolute);
    } catch (err) {
      out.errors.push(problem(display, `cannot read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`, 'read-error'));
      continue;
    }
    let result: { definitions: FlagDefinition[]; values: Record<string, MaintainedValues>; errors: Diagnostic[]; warnings: Diagnostic[] };
    if (info.isDirectory()) {
      const before = out.files.length;
      const loaded = await manifest.loadManifests(absolute, {
        acceptanceSources: options.acceptanceSources,
        onFile: (done, total) => options.onProgress?.(before + done, before + total),
      });
      out.files.push(...loaded.files.map((f) => under(display, f)));
      result = {
        definitions: loaded.definitions.map((d) => (d.source?.file ? { ...d, source: { ...d.source, file: under(display, d.source.file) } } : d)),
        values: loaded.values,
        errors: loaded.errors.map((d) => rebase(d, display)),
        warnings: loaded.warnings.map((d) => rebase(d, display)),
      };
      if (loaded.files.length === 0 && loaded.errors.length === 0) out.warnings.push(problem(display, 'no manifest files (.yaml, .yml, .json) found', 'read-error', undefined, 'warning'));
    } else {
      let text: string;
      try {
        text = await readFile(absolute, 'utf8');
      } catch (err) {
        out.errors.push(problem(display, `cannot read: ${(err as Error).message}`, 'read-error'));
        continue;
      }
      out.files.push(display);
      fromFiles.add(display);
      options.onProgress?.(out.files.length, out.files.length);
      result = manifest.parseManifest(text, { file: display, flagSet: manifest.flagSetName(path.basename(given)), acceptanceSources: options.acceptanceSources });
    }
    out.errors.push(...result.errors);
    out.warnings.push(...result.warnings);
    for (const definition of result.definitions) {
      const first = seen.get(definition.key);
      if (first) {
        const at = definition.source;
        const where = first.source?.file ? ` (first defined in ${first.source.file}${first.source.line ? `:${first.source.line}` : ''})` : '';
        out.errors.push({ ...problem(at?.file ?? display, `flag "${definition.key}" is defined twice${where}`, 'duplicate-flag', at), path: definition.key });
        continue;
      }
      seen.set(definition.key, definition);
      out.definitions.push(definition);
      const values = result.values[definition.key];
      if (values) out.values[definition.key] = values;
    }
  }
  if (out.errors.length === 0 && out.definitions.length > 0) {
    try {
      // What the server would refuse beyond each flag's schema (cycles, evaluators that cannot be
      // built). The schema itself was checked by the manifest parser: not validated twice.
      createEngine().load({ definitions: out.definitions, values: out.values }, { validate: false });
    } catch (err) {
      if (!isValidationError(err)) throw err;
      for (const issue of err.issues) {
        const key = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
        const source = key ? seen.get(key)?.source : undefined;
        out.errors.push({ ...problem(source?.file ?? out.files[0] ?? '', issue.message, 'rejected', source), path: issue.path.join('.') });
      }
    }
  }
  checkPrerequisites(out, seen, fromFiles, manifest.formatDocumentPath);
  const manifestSort = manifest.compareDiagnostics;
  out.errors.sort(manifestSort);
  out.warnings.sort(manifestSort);
  return out;
}

const UNDEFINED_PREREQUISITE = /^flag "(.+)" is not defined in these manifests$/;

/**
 * Prerequisites are checked across everything given: a directory's warning about a prerequisite
 * that another given path defines is dropped, and flags of single files get the same warning for a
 * prerequisite defined nowhere (at the flag's key).
 */
function checkPrerequisites(out: LoadedPaths, seen: ReadonlyMap<string, FlagDefinition>, fromFiles: ReadonlySet<string>, formatPath: (path: (string | number)[]) => string): void {
  out.warnings = out.warnings.filter((w) => {
    const match = UNDEFINED_PREREQUISITE.exec(w.message);
    return !match || !seen.has(match[1]!);
  });
  for (const definition of seen.values()) {
    const source = definition.source;
    if (!source?.file || !fromFiles.has(source.file)) continue;
    definition.prerequisites?.forEach((p, i) => {
      if (seen.has(p.flag)) return;
      out.warnings.push({
        ...problem(source.file!, `flag "${p.flag}" is not defined in these manifests`, 'invalid-definition', source, 'warning'),
        path: formatPath([definition.key, 'prerequisites', i, 'flag']),
      });
    });
  }
}
