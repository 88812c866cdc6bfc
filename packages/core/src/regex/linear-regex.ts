import { RE2JS } from 're2js';

/**
 * Every user-supplied pattern (the `matches` operator, `validations[].regex`, workflow input
 * `pattern`) runs on this engine: RE2's automata (re2js, a JavaScript port of Go's `regexp`),
 * whose matching time is linear in the input whatever the pattern. A backtracking engine such as
 * `RegExp` can spend seconds on `^(a|a)*$` against thirty characters; this one cannot, so no
 * write can stall the event loop. The price is RE2's syntax: no back-references and no
 * look-arounds, which are refused with the reason when a pattern is written.
 */
export interface LinearRegex {
  /** The pattern as given. */
  readonly source: string;
  readonly caseInsensitive: boolean;
  /** True when the pattern matches somewhere in `input` (like `RegExp.prototype.test`). */
  test(input: string): boolean;
}

/** Longest accepted pattern, in characters: bounds the compiled program's size. */
export const MAX_PATTERN_LENGTH = 1024;

/** The compiled pattern, or why it cannot be compiled (one line, for a 422 or a diagnostic). */
export type CompiledPattern = { ok: true; regex: LinearRegex } | { ok: false; reason: string };

/** Compiled patterns by flags + source; definitions and validations reuse the same few patterns. */
const cache = new Map<string, CompiledPattern>();
const CACHE_SIZE = 512;

/**
 * Compiles a user-supplied pattern in JavaScript syntax (`\d`, `(?<name>…)`, `\u00e9` and `/`
 * are translated) for the linear-time engine. Never throws.
 */
export function compilePattern(pattern: string, options: { caseInsensitive?: boolean } = {}): CompiledPattern {
  const caseInsensitive = options.caseInsensitive === true;
  const id = (caseInsensitive ? 'i:' : '-:') + pattern;
  const known = cache.get(id);
  if (known) return known;
  const compiled = compileUncached(pattern, caseInsensitive);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(id, compiled);
  return compiled;
}

function compileUncached(pattern: string, caseInsensitive: boolean): CompiledPattern {
  if (typeof pattern !== 'string') return { ok: false, reason: 'a pattern must be a string' };
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, reason: `the pattern is ${pattern.length} characters long, at most ${MAX_PATTERN_LENGTH} are allowed` };
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    return { ok: false, reason: explain(err instanceof Error ? err.message : String(err)) };
  }
  return { ok: true, regex: Object.freeze({ source: pattern, caseInsensitive, test: (input: string) => re.test(input) }) };
}

/** The engine's message without its prefix, with what to do for the features RE2 leaves out. */
function explain(message: string): string {
  const text = message.replace(/^error parsing regexp:\s*/, '');
  if (/invalid escape sequence: `\\[1-9]/.test(text)) return `${text} (back-references are not supported: patterns run on a linear-time engine)`;
  if (/`\(\?<?[=!]/.test(text)) return `${text} (look-ahead and look-behind are not supported: patterns run on a linear-time engine)`;
  return text;
}

/** Why `pattern` cannot be used, or `undefined` when it compiles. */
export function patternProblem(pattern: string, options: { caseInsensitive?: boolean } = {}): string | undefined {
  const compiled = compilePattern(pattern, options);
  return compiled.ok ? undefined : compiled.reason;
}
