/** What kind of problem a diagnostic reports; stable, for tools that filter or count them. */
export type DiagnosticCode =
  /** The text is not valid YAML or JSON. */
  | 'syntax'
  /** A mapping holds the same key twice. */
  | 'duplicate-key'
  /** A flag key is defined in two places (two files, or two documents). */
  | 'duplicate-flag'
  /** A key the format does not know (an error: a misspelt key must not be ignored). */
  | 'unknown-key'
  /** The document's shape is not a manifest (root is not a mapping, unsupported version, …). */
  | 'invalid-format'
  /** A value has the wrong type for its flag. */
  | 'type-mismatch'
  /** A definition breaks a rule of the flag model (missing field, weights, dates, regexes, …). */
  | 'invalid-definition'
  /** A maintained (seeded) value breaks its flag's type, validations or scope rules. */
  | 'invalid-value'
  /** A custom validation cannot be used: its module or export is missing, or its name was never registered. */
  | 'invalid-validator'
  /** A file or directory could not be read. */
  | 'read-error'
  /** The definitions were rejected by their consumer (for example an engine refusing a load). */
  | 'rejected'
  /** An acceptance rule names a source that is not configured (a warning: the flag serves its "not accepted" value). */
  | 'unconfigured-source';

export type DiagnosticSeverity = 'error' | 'warning';

/**
 * One problem in a manifest. `line` and `column` are 1-based and point at the offending key
 * (or sequence item); both are 0 when the problem has no position (an unreadable file).
 * `path` is the location inside the document, e.g. `checkout_page.production` or
 * `flags.checkout.environments.production.variants[1].weight`; empty for the whole document.
 */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
  severity: DiagnosticSeverity;
  code: DiagnosticCode;
}

/**
 * `file:line:col path: message`, the way compilers print problems. Without a path the message
 * follows the position directly (`file:line:col: message`); without a position, the file name.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  return d.path ? `${where} ${d.path}: ${d.message}` : `${where}: ${d.message}`;
}

/** Keys that read unambiguously after a dot; anything else is written as `["…"]`. */
const PLAIN_SEGMENT = /^[A-Za-z0-9_\-/:$]+$/;

/** `flags.checkout.environments.production.variants[1].weight` from its segments. */
export function formatDocumentPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (PLAIN_SEGMENT.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** Orders diagnostics by file, then position, so output reads top to bottom. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}
