import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { PendingDefinition } from './check-workflows';
import type { Diagnostic } from '@switchyard/core';
import { SourceDocument } from './source-document';

const EXTENSIONS = /\.(ya?ml|json)$/i;

/** Splits one YAML/JSON text into pending definitions: a single workflow, or a list of them. */
export function readDefinitionText(text: string, file: string): { pending: PendingDefinition[]; diagnostics: Diagnostic[] } {
  const doc = new SourceDocument(text, file);
  if (doc.problems.length) return { pending: [], diagnostics: doc.problems };
  const value = doc.value;
  if (Array.isArray(value)) return { pending: value.map((v: unknown, i) => ({ value: v, locator: doc, basePath: [i] })), diagnostics: [] };
  if (value === null || typeof value !== 'object') {
    return { pending: [], diagnostics: [doc.diagnostic([], 'a workflow file must hold a workflow (a mapping with tag, product and steps) or a list of them', 'invalid-format')] };
  }
  return { pending: [{ value, locator: doc, basePath: [] }], diagnostics: [] };
}

/**
 * Reads every `.yaml`, `.yml` and `.json` file under `dir` (recursively, in name order).
 * File names in diagnostics are relative to `dir`'s parent, e.g. `workflows/checkout.yaml`.
 */
export async function readDefinitionDir(dir: string): Promise<{ pending: PendingDefinition[]; diagnostics: Diagnostic[] }> {
  const pending: PendingDefinition[] = [];
  const diagnostics: Diagnostic[] = [];
  const files = await listFiles(dir).catch((err: NodeJS.ErrnoException) => {
    diagnostics.push({ file: dir, line: 0, column: 0, path: '', message: `cannot read the workflows directory: ${err.code ?? err.message}`, severity: 'error', code: 'read-error' });
    return [];
  });
  for (const file of files) {
    const name = relative(join(dir, '..'), file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      diagnostics.push({ file: name, line: 0, column: 0, path: '', message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, severity: 'error', code: 'read-error' });
      continue;
    }
    const read = readDefinitionText(text, name);
    pending.push(...read.pending);
    diagnostics.push(...read.diagnostics);
  }
  return { pending, diagnostics };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full)));
    else if (e.isFile() && EXTENSIONS.test(e.name)) out.push(full);
  }
  return out;
}
