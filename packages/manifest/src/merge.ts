import { findPrerequisiteCycle } from '@switchyard/core';
import type { FlagDefinition, MaintainedValues } from '@switchyard/core';
import { compareDiagnostics, formatDocumentPath } from './diagnostic';
import type { Diagnostic } from './diagnostic';
import type { DocumentResult, ParsedFlag } from './document-result';
import { splitDiagnostics } from './parse-manifest';
import type { ManifestResult } from './types';

function where(definition: FlagDefinition): string {
  const s = definition.source;
  return s?.file ? `${s.file}:${s.line ?? 0}:${s.column ?? 0}` : 'another file';
}

interface Placed extends ParsedFlag {
  document: DocumentResult;
}

/**
 * Combines documents into one set. A flag key defined twice is an error at the second definition,
 * naming the first (which is kept). Prerequisites are checked across the set: a cycle is an error,
 * a prerequisite no manifest defines is a warning (it may come from a store or from code).
 */
export function mergeDocuments(documents: readonly DocumentResult[]): ManifestResult {
  const definitions: FlagDefinition[] = [];
  const values: Record<string, MaintainedValues> = {};
  const diagnostics: Diagnostic[] = [];
  const byKey = new Map<string, Placed>();
  for (const document of documents) {
    diagnostics.push(...document.diagnostics);
    for (const flag of document.flags) {
      const { definition, docPath } = flag;
      const first = byKey.get(definition.key);
      if (first) {
        diagnostics.push({
          file: document.file,
          line: definition.source?.line ?? 0,
          column: definition.source?.column ?? 0,
          path: formatDocumentPath(docPath),
          message: `flag "${definition.key}" is already defined at ${where(first.definition)}`,
          severity: 'error',
          code: 'duplicate-flag',
        });
        continue;
      }
      byKey.set(definition.key, { definition, docPath, document });
      definitions.push(definition);
      const seeded = document.values.get(definition.key);
      if (seeded) Object.defineProperty(values, definition.key, { value: seeded, enumerable: true, writable: true, configurable: true });
    }
  }
  checkPrerequisites(byKey, definitions, diagnostics);
  diagnostics.sort(compareDiagnostics);
  return { definitions, values, ...splitDiagnostics(diagnostics) };
}

function checkPrerequisites(byKey: ReadonlyMap<string, Placed>, definitions: readonly FlagDefinition[], diagnostics: Diagnostic[]): void {
  for (const { definition, docPath, document } of byKey.values()) {
    if (!definition.prerequisites) continue;
    definition.prerequisites.forEach((p, i) => {
      if (!byKey.has(p.flag) && document.diagnostic) {
        diagnostics.push(document.diagnostic([...docPath, 'prerequisites', i, 'flag'], `flag "${p.flag}" is not defined in these manifests`, 'invalid-definition', 'warning'));
      }
    });
  }
  const cycle = findPrerequisiteCycle(definitions);
  if (!cycle) return;
  const [start, next] = cycle;
  const placed = byKey.get(start!);
  if (!placed?.document.diagnostic) return;
  const index = placed.definition.prerequisites?.findIndex((p) => p.flag === next) ?? -1;
  diagnostics.push(placed.document.diagnostic([...placed.docPath, 'prerequisites', Math.max(index, 0)], `prerequisite cycle: ${cycle.join(' → ')}`, 'invalid-definition'));
}
