import type { EvaluationContext } from '../types/context';

/**
 * A compiled JsonLogic expression. `data` is what `var` reads (the context, or an item inside
 * `map`/`filter`/…); `root` is always the evaluation context, for operators that need it.
 */
export type Logic = (data: unknown, root: EvaluationContext) => unknown;

/** Compiles an operator of a JsonLogic dialect from its compiled arguments. */
export type CustomOperator = (args: readonly Logic[]) => Logic;

export interface CompileLogicOptions {
  /** Operators beyond JsonLogic's own (flagd's `fractional`, `sem_ver`, …). */
  operators?: Readonly<Record<string, CustomOperator>>;
  /**
   * Reads `var` paths at the top level before the context does (flagd's `$flagd.flagKey`). Returns
   * `undefined` for paths it does not own.
   */
  rootVar?: (path: readonly string[]) => Logic | undefined;
}

/** A JsonLogic expression that cannot be compiled (unknown operator, unresolved `$ref`, too deep). */
export class LogicError extends Error {
  override readonly name = 'LogicError';
  readonly code = 'PARSE_ERROR';
}

const MAX_DEPTH = 200;

/** JsonLogic's truthiness: like JavaScript's, except that an empty array is false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

/**
 * Compiles JsonLogic (jsonlogic.com semantics) into nested closures, once: evaluating walks no JSON
 * and parses nothing. Throws `LogicError` for operators it does not know.
 */
export function compileLogic(logic: unknown, options: CompileLogicOptions = {}): Logic {
  return new Compiler(options).compile(logic, true, 0);
}


class Compiler {
  constructor(private readonly options: CompileLogicOptions) {}

  compile(logic: unknown, root: boolean, depth: number): Logic {
    if (depth > MAX_DEPTH) throw new LogicError(`expression nested deeper than ${MAX_DEPTH} levels`);
    if (logic === null || typeof logic !== 'object') return constant(logic ?? null);
    if (Array.isArray(logic)) {
      const items = logic.map((item) => this.compile(item, root, depth + 1));
      if (items.every(isConstant)) return constant(Object.freeze(items.map((f) => f.value)));
      return (data, ctx) => items.map((f) => f(data, ctx));
    }
    const keys = Object.keys(logic);
    // A mapping with other than one key is data, not an operation.
    if (keys.length !== 1) return constant(logic);
    const name = keys[0]!;
    const raw = (logic as Record<string, unknown>)[name];
    const args = Array.isArray(raw) ? raw : [raw];
    if (name === '$ref') throw new LogicError(`$ref to ${JSON.stringify(raw)}: no such evaluator in $evaluators`);
    if (name === 'var') return this.variable(args, root, depth);
    if (Object.prototype.hasOwnProperty.call(SCOPED, name)) return SCOPED[name]!(this, args, root, depth);
    if (Object.prototype.hasOwnProperty.call(LAZY, name)) return LAZY[name]!(args.map((a) => this.compile(a, root, depth + 1)));
    const compiled = args.map((a) => this.compile(a, root, depth + 1));
    const custom = this.options.operators;
    if (custom && Object.prototype.hasOwnProperty.call(custom, name)) return custom[name]!(compiled);
    if (Object.prototype.hasOwnProperty.call(EAGER, name)) return eager(EAGER[name]!, compiled);
    throw new LogicError(`unknown operator "${name}"`);
  }

  private variable(args: unknown[], root: boolean, depth: number): Logic {
    const fallback = args.length > 1 ? this.compile(args[1], root, depth + 1) : NULL;
    const pathArg = args[0];
    if (pathArg !== null && typeof pathArg === 'object') {
      // A computed path: rare, resolved on each evaluation.
      const path = this.compile(pathArg, root, depth + 1);
      return (data, ctx) => read(data, splitPath(path(data, ctx)), fallback, ctx);
    }
    const segments = splitPath(pathArg);
    if (root && this.options.rootVar && segments.length > 0) {
      const own = this.options.rootVar(segments);
      if (own) return own;
    }
    if (segments.length === 0) return (data) => data;
    if (segments.length === 1) {
      const key = segments[0]!;
      return (data, ctx) => {
        const v = own(data, key);
        return v === undefined ? fallback(data, ctx) : v;
      };
    }
    return (data, ctx) => read(data, segments, fallback, ctx);
  }

  /** Exposed to the scoped operators. */
  sub(logic: unknown, root: boolean, depth: number): Logic {
    return this.compile(logic, root, depth + 1);
  }
}

interface ConstantLogic extends Logic {
  value: unknown;
}

function constant(value: unknown): Logic {
  const f = (() => value) as unknown as ConstantLogic;
  f.value = value;
  return f;
}

function isConstant(f: Logic): f is ConstantLogic {
  return Object.prototype.hasOwnProperty.call(f, 'value');
}

const NULL = constant(null);

function splitPath(path: unknown): string[] {
  if (path === null || path === undefined || path === '') return [];
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- JsonLogic coerces a `var` path as JavaScript does (json-logic-js parity)
  return String(path).split('.');
}

/** An own property of an object or an element of an array; never the prototype chain. */
function own(data: unknown, key: string): unknown {
  if (data === null || typeof data !== 'object') return undefined;
  if (!Object.prototype.hasOwnProperty.call(data, key)) return undefined;
  return (data as Record<string, unknown>)[key];
}

function read(data: unknown, segments: readonly string[], fallback: Logic, ctx: EvaluationContext): unknown {
  let current = data;
  const last = segments.length - 1;
  for (let i = 0; i <= last; i++) {
    current = own(current, segments[i]!);
    if (current === undefined || (current === null && i < last)) return fallback(data, ctx);
  }
  return current === undefined ? fallback(data, ctx) : current;
}

/**
 * An operator over evaluated arguments. Context values are untrusted: an object whose `toString` or
 * `valueOf` is not a function makes JavaScript's coercions throw, which counts as `null` here.
 */
function eager(op: (...args: any[]) => unknown, compiled: readonly Logic[]): Logic {
  const fn = (...args: unknown[]): unknown => {
    try {
      return op(...args);
    } catch {
      return null;
    }
  };
  switch (compiled.length) {
    case 0:
      return () => fn();
    case 1: {
      const [a] = compiled as [Logic];
      return (d, c) => fn(a(d, c));
    }
    case 2: {
      const [a, b] = compiled as [Logic, Logic];
      return (d, c) => fn(a(d, c), b(d, c));
    }
    default:
      return (d, c) => fn(...compiled.map((f) => f(d, c)));
  }
}

function toNumber(v: unknown): number {
  return typeof v === 'number' ? v : parseFloat(String(v));
}

/** `Array.isArray` narrowing to `unknown[]` rather than `any[]`. */
const isList = Array.isArray as (value: unknown) => value is unknown[];

/* eslint-disable eqeqeq -- JsonLogic's `==` and `!=` are JavaScript's loose comparisons. */
const EAGER: Record<string, (...args: any[]) => unknown> = {
  '==': (a, b) => a == b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a != b,
  '!==': (a, b) => a !== b,
  '!': (a) => !truthy(a),
  '!!': (a) => truthy(a),
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b, c) => (c === undefined ? a < b : a < b && b < c),
  '<=': (a, b, c) => (c === undefined ? a <= b : a <= b && b <= c),
  max: (...xs: unknown[]) => (xs.length === 0 ? null : Math.max(...xs.map(Number))),
  min: (...xs: unknown[]) => (xs.length === 0 ? null : Math.min(...xs.map(Number))),
  '+': (...xs: unknown[]) => xs.reduce<number>((sum, x) => sum + toNumber(x), 0),
  '*': (...xs: unknown[]) => xs.reduce<number>((product, x) => product * toNumber(x), 1),
  '-': (a, b) => (b === undefined ? -a : a - b),
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  in: (a, b) => (typeof b === 'string' ? b.includes(String(a)) : Array.isArray(b) ? b.includes(a) : false),
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- JsonLogic's `cat` coerces as JavaScript does (json-logic-js parity)
  cat: (...xs: unknown[]) => xs.map((x) => (x === null || x === undefined ? '' : String(x))).join(''),
  substr: (source, start, end) => {
    const s = String(source);
    const from = Number(start) || 0;
    const begin = from < 0 ? Math.max(0, s.length + from) : Math.min(from, s.length);
    if (end === undefined) return s.slice(begin);
    const n = Number(end);
    return n < 0 ? s.slice(begin, Math.max(begin, s.length + n)) : s.slice(begin, begin + n);
  },
  merge: (...xs: unknown[]) => xs.flatMap((x) => (isList(x) ? x : [x])),
  log: (a: unknown) => a,
};
/* eslint-enable eqeqeq */

/** Operators that decide which arguments to evaluate. */
const LAZY: Record<string, (args: Logic[]) => Logic> = {
  if: conditional,
  '?:': conditional,
  or: (args) => (d, c) => {
    let last: unknown = undefined;
    for (const f of args) {
      last = f(d, c);
      if (truthy(last)) return last;
    }
    return last ?? null;
  },
  and: (args) => (d, c) => {
    let last: unknown = undefined;
    for (const f of args) {
      last = f(d, c);
      if (!truthy(last)) return last;
    }
    return last ?? null;
  },
};

function conditional(args: Logic[]): Logic {
  return (d, c) => {
    let i = 0;
    for (; i < args.length - 1; i += 2) if (truthy(args[i]!(d, c))) return args[i + 1]!(d, c);
    return i === args.length - 1 ? args[i]!(d, c) : null;
  };
}

/** Operators whose second argument is evaluated per item, with the item as data. */
const SCOPED: Record<string, (compiler: Compiler, args: unknown[], root: boolean, depth: number) => Logic> = {
  map: (compiler, args, root, depth) => {
    const [items, each] = scoped(compiler, args, root, depth);
    return (d, c) => {
      const list = items(d, c);
      return Array.isArray(list) ? list.map((item) => each(item, c)) : [];
    };
  },
  filter: (compiler, args, root, depth) => {
    const [items, each] = scoped(compiler, args, root, depth);
    return (d, c) => {
      const list = items(d, c);
      return isList(list) ? list.filter((item) => truthy(each(item, c))) : [];
    };
  },
  all: (compiler, args, root, depth) => {
    const [items, each] = scoped(compiler, args, root, depth);
    return (d, c) => {
      const list = items(d, c);
      if (!Array.isArray(list) || list.length === 0) return false;
      return list.every((item) => truthy(each(item, c)));
    };
  },
  some: (compiler, args, root, depth) => {
    const [items, each] = scoped(compiler, args, root, depth);
    return (d, c) => {
      const list = items(d, c);
      return Array.isArray(list) && list.some((item) => truthy(each(item, c)));
    };
  },
  none: (compiler, args, root, depth) => {
    const [items, each] = scoped(compiler, args, root, depth);
    return (d, c) => {
      const list = items(d, c);
      return !(Array.isArray(list) && list.some((item) => truthy(each(item, c))));
    };
  },
  reduce: (compiler, args, root, depth) => {
    const [items, each] = scoped(compiler, args, root, depth);
    const initial = args.length > 2 ? compiler.sub(args[2], root, depth) : NULL;
    return (d, c) => {
      const list = items(d, c);
      const start = initial(d, c);
      if (!isList(list)) return start;
      return list.reduce((accumulator: unknown, current: unknown) => each({ current, accumulator }, c), start);
    };
  },
  missing_some: (compiler, args, root, depth) => {
    const need = compiler.sub(args[0], root, depth);
    const keys = compiler.sub(args[1], root, depth);
    return (d, c) => {
      const wanted = keys(d, c);
      const list = Array.isArray(wanted) ? wanted : [];
      const missing = missingOf(d, list);
      return list.length - missing.length >= Number(need(d, c)) ? [] : missing;
    };
  },
};

// `missing` reads the data, so it is compiled here rather than as a plain function of its arguments.
SCOPED.missing = (compiler, args, root, depth) => {
  const keys = args.map((a) => compiler.sub(a, root, depth));
  return (d, c) => {
    const values = keys.map((k) => k(d, c));
    return missingOf(d, Array.isArray(values[0]) ? (values[0] as unknown[]) : values);
  };
};

function missingOf(data: unknown, keys: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const key of keys) {
    const v = read(data, splitPath(key), NULL, {});
    if (v === null || v === '') out.push(key);
  }
  return out;
}

function scoped(compiler: Compiler, args: unknown[], root: boolean, depth: number): [Logic, Logic] {
  return [compiler.sub(args[0], root, depth), compiler.sub(args[1], false, depth)];
}
