import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { formatDefinitionPath, type WorkflowDiagnostic } from './diagnostic';

/** Where a definition came from, so diagnostics can point into it. */
export interface DefinitionLocator {
  readonly file: string;
  diagnostic(path: readonly (string | number)[], message: string): WorkflowDiagnostic;
}

/** Locates paths of code-defined workflows: no positions, the path only. */
export function codeLocator(file: string): DefinitionLocator {
  return { file, diagnostic: (path, message) => ({ file, line: 0, column: 0, path: formatDefinitionPath(path), message }) };
}

/** A YAML or JSON text, its plain value, its syntax problems, and the position of every node. */
export class SourceDocument implements DefinitionLocator {
  readonly value: unknown;
  readonly problems: WorkflowDiagnostic[] = [];
  private readonly lines = new LineCounter();
  private readonly doc: Document.Parsed;

  constructor(
    text: string,
    readonly file: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const e of this.doc.errors) this.problems.push(this.at(e.pos[0], [], e.message.split('\n')[0]!));
    this.value = this.problems.length ? undefined : this.doc.toJS({ maxAliasCount: 100 });
  }

  diagnostic(path: readonly (string | number)[], message: string): WorkflowDiagnostic {
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
    return this.at(offset, path, message);
  }

  private at(offset: number, path: readonly (string | number)[], message: string): WorkflowDiagnostic {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col, path: formatDefinitionPath(path), message };
  }
}

function startOf(node: unknown): number | undefined {
  return node && typeof node === 'object' && 'range' in node ? (node as Node).range?.[0] : undefined;
}
