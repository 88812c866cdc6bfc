import type { JsonValue, ScopeMap } from '@switchyard/core';
import { scopeMapProblems } from '@switchyard/core';
import { usageError } from '../exit-error';

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Reads a context attribute given on the command line: `true`/`false` become booleans, decimal
 * numbers become numbers, anything else stays the string it is. Text that would not survive as a
 * number stays text: leading zeros (`007`, zip codes), overflow (`1e400`) and integers beyond
 * 2^53 (`12345678901234567890`, ids).
 */
export function parseAttributeValue(text: string): JsonValue {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (NUMBER.test(text)) {
    const n = Number(text);
    const integral = !/[.eE]/.test(text);
    if (Number.isFinite(n) && (!integral || Number.isSafeInteger(n))) return n;
  }
  return text;
}

/** Splits `key=value` at the first `=`; the key must not be empty. */
export function splitPair(pair: string, option: string): [string, string] {
  const i = pair.indexOf('=');
  if (i <= 0) throw usageError(`${option} expects key=value, got "${pair}"`);
  return [pair.slice(0, i), pair.slice(i + 1)];
}

/** Builds an evaluation context from `--context-json` and `--context key=value` pairs (pairs win). */
export function parseContext(pairs: readonly string[] = [], json?: string): Record<string, JsonValue> {
  let context: Record<string, JsonValue> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw usageError(`--context-json is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw usageError('--context-json must be a JSON object');
    context = parsed as Record<string, JsonValue>;
  }
  for (const pair of pairs) {
    const [key, value] = splitPair(pair, '--context');
    context[key] = parseAttributeValue(value);
  }
  return context;
}

/** Builds a scope map from `--scope key=value` pairs; values stay strings. */
export function parseScope(pairs: readonly string[] = []): ScopeMap | undefined {
  if (pairs.length === 0) return undefined;
  const scope: ScopeMap = {};
  for (const pair of pairs) {
    const [key, value] = splitPair(pair, '--scope');
    if (Object.hasOwn(scope, key)) throw usageError(`--scope names "${key}" twice`);
    scope[key] = value;
  }
  const problems = scopeMapProblems(scope);
  if (problems.length) throw usageError(`--scope: ${problems.join('; ')}`);
  return scope;
}

/** Reads a whole non-negative number option such as `--expect-version`. */
export function parseVersion(text: string | undefined, option = '--expect-version'): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw usageError(`${option} expects a whole number, got "${text}"`);
  return Number(text);
}
