import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import type { Diagnostic, DiagnosticCode } from '@switchyard/core';
import { formatDefinitionPath } from './diagnostic';

/** Where a definition came from, so diagnostics can point into it. */
export interface DefinitionLocator {
  readonly file: string;
  /** A problem at `path` (an `invalid-definition` error unless `code` says otherwise). */
  diagnostic(path: readonly (string | number)[], message: string, code?: DiagnosticCode): Diagnostic;
}

/** Locates paths of code-defined workflows: no positions, the path only. */
export function codeLocator(file: string): DefinitionLocator {
  return { file, diagnostic: (path, message, code = 'invalid-definition') => ({ file, line: 0, column: 0, path: formatDefinitionPath(path), message, severity: 'error', code }) };
}

/** A YAML or JSON text, its plain value, its syntax problems, and the position of every node. */
export class SourceDocument implements DefinitionLocator {
  readonly value: unknown;
  readonly problems: Diagnostic[] = [];
  private readonly lines = new LineCounter();
  private readonly doc: Document.Parsed;

  constructor(
    text: string,
    readonly file: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    if (this.doc.errors.length) this.problems.push(...this.syntaxProblems(text));
    this.value = this.problems.length ? undefined : this.doc.toJS({ maxAliasCount: 100 });
  }

  /**
   * One syntax error explains the rest: after it the parser is out of step and reports every
   * token that follows. An unquoted mapping expression inside `{…}` or `[…]` (where YAML reads
   * braces and commas as structure) is reported once per expression, with a fix; otherwise the
   * first error is reported, with any duplicate keys (which are independent of it).
   */
  private syntaxProblems(text: string): Diagnostic[] {
    const errors = this.doc.errors;
    const culprits = new Map<number, string>();
    for (const e of errors) {
      const found = expressionAround(text, e.pos[0]);
      if (found && !culprits.has(found.start)) culprits.set(found.start, found.text);
    }
    if (culprits.size) {
      return [...culprits].map(([start, expr]) =>
        this.at(start, [], 'syntax', `unquoted ${JSON.stringify(expr)} inside a YAML flow collection ({…} or […]), where "{", "}" and "," are structure: quote it (${JSON.stringify(expr)}) or write the collection in block style`),
      );
    }
    const firstSyntax = errors.find((e) => e.code !== 'DUPLICATE_KEY');
    const kept = errors.filter((e) => e === firstSyntax || e.code === 'DUPLICATE_KEY').sort((a, b) => a.pos[0] - b.pos[0]);
    return kept.map((e) => this.at(e.pos[0], [], e.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'syntax', e.message.split('\n')[0]!));
  }

  diagnostic(path: readonly (string | number)[], message: string, code: DiagnosticCode = 'invalid-definition'): Diagnostic {
    let node: unknown = this.doc.contents;
    let offset = startOf(node) ?? 0;
    for (const segment of path) {
      let next: unknown;
      let at: number | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
        if (pair) {
          next = pair.value;
          at = startOf(pair.key) ?? startOf(pair.value);
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
        at = startOf(next);
      }
      if (next === undefined && at === undefined) break;
      node = next;
      if (at !== undefined) offset = at;
    }
    return this.at(offset, path, code, message);
  }

  private at(offset: number, path: readonly (string | number)[], code: DiagnosticCode, message: string): Diagnostic {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col, path: formatDefinitionPath(path), message, severity: 'error', code };
  }
}

function startOf(node: unknown): number | undefined {
  return node && typeof node === 'object' && 'range' in node ? (node as Node).range?.[0] : undefined;
}

/** The mapping expression (`$Name{…}…` or `$Name(…)`) whose text holds `offset`, if any, on its line. */
function expressionAround(text: string, offset: number): { start: number; text: string } | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const pattern = /\$[A-Za-z][A-Za-z0-9_]*(?=[{(])/g;
  pattern.lastIndex = lineStart;
  for (let m = pattern.exec(text); m && m.index <= offset; m = pattern.exec(text)) {
    const end = expressionEnd(text, m.index + m[0].length);
    if (offset < end) return { start: m.index, text: text.slice(m.index, end) };
    pattern.lastIndex = end;
  }
  return undefined;
}

/** The end of `{…}` segments or a `(…)` argument list starting at `from` (quotes and nesting honoured; a line ends it). */
function expressionEnd(text: string, from: number): number {
  let i = from;
  if (text[i] === '(') {
    let depth = 0;
    let quote: string | undefined;
    for (; i < text.length && text[i] !== '\n'; i++) {
      const c = text[i]!;
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return i + 1;
    }
    return i;
  }
  while (text[i] === '{') {
    const close = text.indexOf('}', i);
    const newline = text.indexOf('\n', i);
    if (close < 0 || (newline >= 0 && newline < close)) return newline < 0 ? text.length : newline;
    i = close + 1;
  }
  return i;
}
