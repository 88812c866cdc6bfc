import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from './diagnostic';
import type { DocumentResult } from './document-result';
import { mergeDocuments } from './merge';
import { flagSetName, readDocument } from './parse-manifest';
import type { ManifestResult, ParseManifestOptions } from './types';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

export interface LoadManifestsOptions {
  /** File names in diagnostics and `source.file` are relative to this directory. Default: the loaded directory. */
  relativeTo?: string;
  validators?: ParseManifestOptions['validators'];
  /** Configured acceptance sources; see `ParseManifestOptions.acceptanceSources`. */
  acceptanceSources?: ParseManifestOptions['acceptanceSources'];
  /** Called once the file list is known (`done` 0) and after each file is read and parsed, e.g. to show progress. */
  onFile?: (done: number, total: number) => void;
}

export interface LoadedManifests extends ManifestResult {
  /** The files read, relative to the loaded directory, with `/` separators, in load order. */
  files: string[];
}

/** True for names of manifest files (`.yaml`, `.yml`, `.json`) that are not hidden. */
export function isManifestFile(name: string): boolean {
  const base = path.basename(name);
  return MANIFEST_FILE.test(base) && !base.startsWith('.');
}

/** Manifest files under `dir`, recursively, relative with `/` separators, sorted; hidden files and folders are skipped. */
export async function listManifestFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !isManifestFile(entry.name)) continue;
    const parent = (entry as { parentPath?: string; path?: string }).parentPath ?? (entry as { path?: string }).path ?? dir;
    const relative = path.relative(dir, path.join(parent, entry.name)).split(path.sep).join('/');
    if (relative.split('/').some((segment) => segment.startsWith('.'))) continue;
    files.push(relative);
  }
  return files.sort();
}

/** Reads and parses one manifest file of a directory; a file that cannot be read becomes a `read-error`. */
export async function readManifestFile(dir: string, relative: string, options: LoadManifestsOptions = {}): Promise<DocumentResult> {
  const absolute = path.join(dir, relative);
  const file = displayName(absolute, options.relativeTo ?? dir);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    return { file, format: undefined, flags: [], values: new Map(), diagnostics: [readError(file, err)] };
  }
  return readDocument(text, { file, flagSet: flagSetName(relative), validators: options.validators, acceptanceSources: options.acceptanceSources });
}

function displayName(absolute: string, relativeTo: string): string {
  return path.relative(relativeTo, absolute).split(path.sep).join('/');
}

export function readError(file: string, err: unknown): Diagnostic {
  const message = err instanceof Error ? err.message : String(err);
  return { file, line: 0, column: 0, path: '', message: `cannot read: ${message}`, severity: 'error', code: 'read-error' };
}

/**
 * Loads every `.yaml`, `.yml` and `.json` file under `dir` (recursively). Each file is a flag set
 * named after its path without extension (`team/payments.yaml` → `team/payments`). Both formats
 * may be mixed; flag keys must be unique across all files.
 */
export async function loadManifests(dir: string, options: LoadManifestsOptions = {}): Promise<LoadedManifests> {
  let files: string[];
  try {
    files = await listManifestFiles(dir);
  } catch (err) {
    return { files: [], definitions: [], values: {}, errors: [readError(dir, err)], warnings: [] };
  }
  const onFile = options.onFile;
  let read = 0;
  onFile?.(0, files.length);
  const documents = await Promise.all(
    files.map(async (f) => {
      const document = await readManifestFile(dir, f, options);
      onFile?.(++read, files.length);
      return document;
    }),
  );
  return { files, ...mergeDocuments(documents) };
}
