/**
 * What kind of problem a diagnostic reports; stable, for tools that filter or count them.
 * Manifests and workflow definitions share the codes they have in common (`syntax`,
 * `unknown-key`, `read-error`, …).
 */
export type DiagnosticCode =
  /** The text is not valid YAML or JSON. */
  | 'syntax'
  /** A mapping holds the same key twice. */
  | 'duplicate-key'
  /** A flag key is defined in two places (two files, or two documents). */
  | 'duplicate-flag'
  /** A workflow (product and tag) is defined twice, or was registered already. */
  | 'duplicate-workflow'
  /** A key the format does not know (an error: a misspelt key must not be ignored). */
  | 'unknown-key'
  /** The document's shape is not a manifest or workflow (root is not a mapping, unsupported version, …). */
  | 'invalid-format'
  /** A value has the wrong type for its flag. */
  | 'type-mismatch'
  /** A definition breaks a rule of its model (missing field, weights, dates, regexes, references, …). */
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
 * One problem in a definition file (a manifest, a workflow). `line` and `column` are 1-based and
 * point at the offending key (or sequence item); both are 0 when the problem has no position (an
 * unreadable file, a definition made in code). `path` is the location inside the document, e.g.
 * `flags.checkout.environments.production.variants[1].weight` or `steps[1].url`; empty for the
 * whole document. `hint` says how to fix it, when there is more to say than the message.
 */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
  severity: DiagnosticSeverity;
  code: DiagnosticCode;
  hint?: string;
}

/**
 * `file:line:col path: message`, the way compilers print problems. Without a path the message
 * follows the position directly (`file:line:col: message`); without a position, the file name.
 * A hint follows in parentheses.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const text = d.path ? `${where} ${d.path}: ${d.message}` : `${where}: ${d.message}`;
  return d.hint ? `${text} (${d.hint})` : text;
}

/** Orders diagnostics by file, then position, so output reads top to bottom. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

/** A diagnostic as JSON output shows it: always the same keys in the same order (`hint` only when there is one). */
export function diagnosticJson(d: Diagnostic): Diagnostic {
  const out: Diagnostic = { file: d.file, line: d.line, column: d.column, path: d.path, message: d.message, severity: d.severity, code: d.code };
  if (d.hint !== undefined) out.hint = d.hint;
  return out;
}

export interface RenderDiagnosticsOptions {
  /** Put in front of each warning's line (e.g. a coloured `warning:`). Default `warning:`. */
  warningPrefix?: string;
}

/** One line per diagnostic, errors unmarked and warnings prefixed, in the order given. */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], options: RenderDiagnosticsOptions = {}): string[] {
  const prefix = options.warningPrefix ?? 'warning:';
  return diagnostics.map((d) => (d.severity === 'warning' ? `${prefix} ${formatDiagnostic(d)}` : formatDiagnostic(d)));
}

/**
 * `message: first problem (and N more problems)`: a one-line summary of a non-empty list, for
 * errors that stop a start. `noun` names what "more" counts (`problem` by default).
 */
export function summarizeDiagnostics(lead: string, lines: readonly string[], noun = 'problem'): string {
  const more = lines.length - 1;
  return `${lead}: ${lines[0] ?? ''}${more > 0 ? ` (and ${more} more${noun ? ` ${noun}${more > 1 ? 's' : ''}` : ''})` : ''}`;
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
