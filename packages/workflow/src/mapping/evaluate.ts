import type { ExpressionNode, ParsedTemplate, ReferenceNode } from './ast';
import { parseTemplate } from './parser';

/** What mapping expressions read at run time. */
export interface MappingScope {
  input: Readonly<Record<string, unknown>>;
  /** Verified session claims by session tag. */
  sessions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Results of steps that completed, by step tag. */
  steps: Readonly<Record<string, unknown>>;
  env: Readonly<Record<string, string>>;
  secrets: Readonly<Record<string, string>>;
  /** Milliseconds since the epoch, for `$Now()`. */
  now: () => number;
}

/** A compiled mapping: computes a value from a scope. */
export type Mapper = (scope: MappingScope) => unknown;

/**
 * Compiles one string. A string that is exactly one expression keeps the expression's type
 * (a number stays a number, an object stays an object); mixed text and expressions become text.
 */
export function compileTemplate(template: ParsedTemplate | string): Mapper {
  const parsed = typeof template === 'string' ? parseTemplate(template) : template;
  const { parts } = parsed;
  if (parts.length === 0) return () => '';
  if (parts.length === 1) {
    const only = parts[0]!;
    if (typeof only === 'string') return () => only;
    return compileExpression(only);
  }
  const pieces = parts.map((p) => (typeof p === 'string' ? p : compileExpression(p)));
  return (scope) => {
    let out = '';
    for (const piece of pieces) out += typeof piece === 'string' ? piece : toText(piece(scope));
    return out;
  };
}

/** A value as it reads inside text: nothing for null/undefined, JSON for objects. */
export function toText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return value instanceof Date ? value.toISOString() : JSON.stringify(value);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects returned above: only primitives reach `String`
  return String(value);
}

export function compileExpression(node: ExpressionNode): Mapper {
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'ref':
      return compileReference(node);
    case 'call': {
      const args = node.args.map(compileExpression);
      switch (node.name) {
        case 'Default': {
          const [value, fallback] = args as [Mapper, Mapper];
          return (scope) => {
            const v = value(scope);
            return v === undefined || v === null || v === '' ? fallback(scope) : v;
          };
        }
        case 'Concat':
          return (scope) => {
            let out = '';
            for (const arg of args) out += toText(arg(scope));
            return out;
          };
        case 'Now':
          return (scope) => new Date(scope.now()).toISOString();
        case 'Lowercase': {
          const arg = args[0]!;
          return (scope) => toText(arg(scope)).toLowerCase();
        }
        case 'Uppercase': {
          const arg = args[0]!;
          return (scope) => toText(arg(scope)).toUpperCase();
        }
      }
    }
  }
}

function compileReference(node: ReferenceNode): Mapper {
  const path = node.path;
  switch (node.source) {
    case 'Input':
      return (scope) => dig(scope.input, path, 0);
    case 'Session':
      return (scope) => dig(scope.sessions, path, 0);
    case 'Sequence':
      return (scope) => dig(scope.steps, path, 0);
    case 'Env': {
      const name = path[0]!;
      return (scope) => (Object.hasOwn(scope.env, name) ? scope.env[name] : undefined);
    }
    case 'Secret': {
      const name = path[0]!;
      return (scope) => (Object.hasOwn(scope.secrets, name) ? scope.secrets[name] : undefined);
    }
  }
}

/** Follows `path` from `from`; array items by index. Own properties only, so `{__proto__}` reads nothing. */
function dig(from: unknown, path: readonly string[], index: number): unknown {
  let current = from;
  for (let i = index; i < path.length; i++) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = path[i]!;
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(key)) return undefined;
      current = current[Number(key)];
    } else {
      if (!Object.hasOwn(current, key)) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
  }
  return current;
}
