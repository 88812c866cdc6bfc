import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError } from '@switchyard/core';
import { parseDocument } from 'yaml';
import { usageError } from '../exit-error';

/**
 * Reads a flag definition from a YAML or JSON file. The file holds the definition itself, or what
 * `switchyard flags get KEY --json` prints (the definition is taken from its `definition`).
 * A missing `key` is filled in; a different key is refused.
 */
export async function readDefinitionFile(file: string, cwd: string, key: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (err) {
    // A file named on the command line that cannot be read is a usage mistake, not invalid input.
    throw usageError(`--file: cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const at = first.linePos?.[0];
    const where = at ? `${file}:${at.line}:${at.col}` : file;
    const message = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ValidationError([{ path: [], message }], `${where}: ${message}`);
  }
  let body: unknown = doc.toJS();
  if (isObject(body) && isObject(body.definition) && typeof body.version === 'number') body = body.definition;
  if (!isObject(body)) throw new ValidationError([{ path: [], message: 'must hold a flag definition (a mapping)' }], `${file}: must hold a flag definition (a mapping with type, fallbackValue, …)`);
  // Where a definition lives is recorded by the store; a file may carry back what `flags get` printed.
  const source = body.source;
  if (source !== undefined && !(isObject(source) && Object.keys(source).length === 1 && source.kind === 'store')) {
    throw new ValidationError([{ path: ['source'], message: 'set by the store' }], `${file}: source is set by the store ({kind: store} for flags written here); leave it out`);
  }
  if (body.key === undefined) return { ...body, key };
  if (body.key !== key) {
    // A key that is not text (a number, a mapping) is shown as JSON, not as "[object Object]".
    const given = typeof body.key === 'string' ? body.key : JSON.stringify(body.key);
    throw new ValidationError([{ path: ['key'], message: `"${given}" differs from "${key}"` }], `${file}: key "${given}" differs from the key given on the command line ("${key}")`);
  }
  return body;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
