/** Where a reference reads from. */
export type ReferenceSource = 'Input' | 'Session' | 'Sequence' | 'Env' | 'Secret';

/** The built-in functions of the mapping language. */
export type FunctionName = 'Default' | 'Concat' | 'Now' | 'Lowercase' | 'Uppercase';

/** `start`/`end` are offsets into the mapped string (end exclusive). */
export interface ReferenceNode {
  kind: 'ref';
  source: ReferenceSource;
  /** `$Session{user}{id}` → `['user', 'id']`. */
  path: string[];
  start: number;
  end: number;
}

export interface CallNode {
  kind: 'call';
  name: FunctionName;
  args: ExpressionNode[];
  start: number;
  end: number;
}

export interface LiteralNode {
  kind: 'literal';
  value: string | number | boolean | null;
  start: number;
  end: number;
}

export type ExpressionNode = ReferenceNode | CallNode | LiteralNode;

/** A parsed string: literal text and expressions in order. */
export type TemplatePart = string | ExpressionNode;

export interface ParsedTemplate {
  source: string;
  parts: TemplatePart[];
}

export const REFERENCE_SOURCES: readonly ReferenceSource[] = ['Input', 'Session', 'Sequence', 'Env', 'Secret'];
export const FUNCTION_NAMES: readonly FunctionName[] = ['Default', 'Concat', 'Now', 'Lowercase', 'Uppercase'];

/** How many `{…}` segments each reference takes: [min, max]. */
export const SEGMENT_COUNTS: Record<ReferenceSource, readonly [number, number]> = {
  Input: [1, Infinity],
  Session: [2, Infinity],
  Sequence: [1, Infinity],
  Env: [1, 1],
  Secret: [1, 1],
};

/** How many arguments each function takes: [min, max]. */
export const ARITIES: Record<FunctionName, readonly [number, number]> = {
  Default: [2, 2],
  Concat: [1, Infinity],
  Now: [0, 0],
  Lowercase: [1, 1],
  Uppercase: [1, 1],
};
