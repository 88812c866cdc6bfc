import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createEngine, ValidationError } from '@switchyard/core';
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
export async function loadManifestPaths(paths: readonly string[], cwd: string): Promise<LoadedPaths> {
  const manifest = await import('@switchyard/manifest');
  const out: LoadedPaths = { definitions: [], values: {}, errors: [], warnings: [], files: [] };
  const seen = new Map<string, FlagDefinition>();
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
      const loaded = await manifest.loadManifests(absolute);
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
      result = manifest.parseManifest(text, { file: display, flagSet: manifest.flagSetName(path.basename(given)) });
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
      createEngine().load({ definitions: out.definitions, values: out.values });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      for (const issue of err.issues) {
        const key = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
        const source = key ? seen.get(key)?.source : undefined;
        out.errors.push({ ...problem(source?.file ?? out.files[0] ?? '', issue.message, 'rejected', source), path: issue.path.join('.') });
      }
    }
  }
  const manifestSort = manifest.compareDiagnostics;
  out.errors.sort(manifestSort);
  out.warnings.sort(manifestSort);
  return out;
}
