import type { ParsedTemplate, ReferenceNode } from './ast';
import { compileTemplate, type Mapper, type MappingScope } from './evaluate';
import { MappingSyntaxError } from './mapping-error';
import { parseTemplate } from './parser';

/** A reference found in a mapped value, with where it sits inside the value. */
export interface FoundReference {
  node: ReferenceNode;
  /** Path inside the mapped value, e.g. `['headers', 'authorization']`. */
  path: (string | number)[];
}

/** A mapping problem found while compiling, with where the string sits inside the value. */
export interface MappingProblem {
  path: (string | number)[];
  error: MappingSyntaxError;
}

/** A compiled value: constant parts are shared, never rebuilt. */
export interface CompiledValue {
  readonly constant: boolean;
  readonly references: readonly FoundReference[];
  resolve(scope: MappingScope): unknown;
}

/**
 * Compiles every string inside a JSON-like value. Problems are collected (not thrown) so a loader
 * can report all of them. `undefined` results of whole-value expressions drop the object property.
 */
export function compileValue(value: unknown, problems: MappingProblem[] = [], basePath: (string | number)[] = []): CompiledValue {
  const references: FoundReference[] = [];
  const mapper = build(value, basePath, references, problems);
  if (mapper === undefined) return { constant: true, references, resolve: () => value };
  return { constant: false, references, resolve: mapper };
}

function build(value: unknown, path: (string | number)[], refs: FoundReference[], problems: MappingProblem[]): Mapper | undefined {
  if (typeof value === 'string') {
    if (!value.includes('$')) return undefined;
    let parsed: ParsedTemplate;
    try {
      parsed = parseTemplate(value);
    } catch (err) {
      if (err instanceof MappingSyntaxError) {
        problems.push({ path, error: err });
        return undefined;
      }
      throw err;
    }
    collectReferences(parsed, path, refs);
    if (parsed.parts.length === 1 && typeof parsed.parts[0] === 'string') {
      const text = parsed.parts[0];
      return text === value ? undefined : () => text;
    }
    return compileTemplate(parsed);
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => build(item, [...path, i], refs, problems));
    if (items.every((m) => m === undefined)) return undefined;
    return (scope) => items.map((m, i): unknown => (m === undefined ? value[i] : m(scope)));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, v, build(v, [...path, k], refs, problems)] as const);
    if (entries.every((e) => e[2] === undefined)) return undefined;
    return (scope) => {
      const out: Record<string, unknown> = {};
      for (const [k, v, m] of entries) {
        const resolved: unknown = m === undefined ? v : m(scope);
        if (resolved !== undefined) out[k] = resolved;
      }
      return out;
    };
  }
  return undefined;
}

function collectReferences(parsed: ParsedTemplate, path: (string | number)[], refs: FoundReference[]): void {
  const visit = (node: ParsedTemplate['parts'][number]): void => {
    if (typeof node === 'string') return;
    if (node.kind === 'ref') refs.push({ node, path });
    else if (node.kind === 'call') node.args.forEach(visit);
  };
  parsed.parts.forEach(visit);
}
