import type { FlagDefinition, MaintainedValues } from '@switchyard/core';
import { compareDiagnostics } from './diagnostic';
import type { Diagnostic } from './diagnostic';
import { detectFormat } from './detect-format';
import { isPlainObject } from './document-result';
import type { DocumentResult, ReadContext } from './document-result';
import { readFeaturis } from './featuris';
import { readFlagd } from './flagd/read-flagd';
import { readNative } from './native';
import { describeValue } from './schema-issues';
import type { ParsedManifest, ParseManifestOptions } from './types';
import { SourceDocument } from './yaml-document';

/** `team/payments.yaml` → `team/payments`: the path without extension, with `/` separators. */
export function flagSetName(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\.(ya?ml|json)$/i, '');
}

/** Reads one document into definitions, seeded values and diagnostics. Never throws on bad input. */
export function readDocument(text: string, options: ParseManifestOptions): DocumentResult {
  const doc = new SourceDocument(text, options.file);
  const out: DocumentResult = {
    file: options.file,
    format: undefined,
    flags: [],
    values: new Map(),
    diagnostics: [...doc.problems],
    diagnostic: (path, message, code, severity) => doc.diagnostic(path, message, code, severity),
  };
  if (doc.fatal) return finish(out);
  const format = options.format ?? detectFormat(doc.value);
  out.format = format;
  const ctx: ReadContext = {
    doc,
    flagSet: options.flagSet ?? flagSetName(options.file),
    validators: options.validators,
    acceptanceSources: options.acceptanceSources ? new Set(options.acceptanceSources) : undefined,
    out,
  };
  if (format === 'featuris') readFeaturis(doc.value, ctx);
  else if (format === 'flagd' && isPlainObject(doc.value)) readFlagd(doc.value, ctx);
  else if (isPlainObject(doc.value)) readNative(doc.value, ctx);
  else out.diagnostics.push(doc.diagnostic([], `a native manifest is a mapping with switchyard: 1 and flags, got ${describeValue(doc.value)}`, 'invalid-format'));
  return finish(out);
}

function finish(out: DocumentResult): DocumentResult {
  out.diagnostics.sort(compareDiagnostics);
  return out;
}

/** Splits diagnostics by severity. */
export function splitDiagnostics(diagnostics: readonly Diagnostic[]): { errors: Diagnostic[]; warnings: Diagnostic[] } {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  for (const d of diagnostics) (d.severity === 'error' ? errors : warnings).push(d);
  return { errors, warnings };
}

/**
 * Parses one manifest document (YAML or JSON, Featuris or native). Every problem is reported with
 * its file, line, column and document path; nothing is thrown for bad input.
 */
export function parseManifest(text: string, options: ParseManifestOptions): ParsedManifest {
  const result = readDocument(text, options);
  const definitions: FlagDefinition[] = result.flags.map((f) => f.definition);
  const values: Record<string, MaintainedValues> = {};
  for (const [key, v] of result.values) Object.defineProperty(values, key, { value: v, enumerable: true, writable: true, configurable: true });
  return { format: result.format, definitions, values, ...splitDiagnostics(result.diagnostics) };
}
