import type { FlagDefinition, MaintainedValues, ValueValidator } from '@switchyard/core';
import type { Diagnostic } from './diagnostic';
import type { ManifestFormat } from './types';
import type { DocPath, SourceDocument } from './yaml-document';

/** A definition read from a document, and the path of its key there (for duplicate reports). */
export interface ParsedFlag {
  definition: FlagDefinition;
  docPath: DocPath;
}

/** What one document yields before documents are merged into a set. */
export interface DocumentResult {
  file: string;
  format: ManifestFormat | undefined;
  flags: ParsedFlag[];
  values: Map<string, MaintainedValues>;
  diagnostics: Diagnostic[];
  /** Builds a diagnostic at a path of this document (for problems found once documents are merged). */
  diagnostic?: (path: DocPath, message: string, code: Diagnostic['code'], severity?: Diagnostic['severity']) => Diagnostic;
}

export interface ReadContext {
  doc: SourceDocument;
  flagSet: string;
  validators?: Record<string, ValueValidator> | ReadonlyMap<string, ValueValidator>;
  /** Configured acceptance sources; when given, acceptance rules naming another source are warned about. */
  acceptanceSources?: ReadonlySet<string>;
  out: DocumentResult;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own property even for keys such as `__proto__`, which plain assignment would not. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Plain assignment is much cheaper and right for every other key.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** `definition.source` for a flag whose key sits at `docPath`. */
export function sourceOf(ctx: ReadContext, docPath: DocPath): FlagDefinition['source'] {
  const { line, column } = ctx.doc.locate(docPath);
  return { kind: 'manifest', file: ctx.doc.file, line, column };
}

/** True when an error was reported since `from` (an index into `diagnostics`). */
export function hasErrors(diagnostics: readonly Diagnostic[], from: number): boolean {
  for (let i = from; i < diagnostics.length; i++) if (diagnostics[i]!.severity === 'error') return true;
  return false;
}
