export const REDACTED = '[REDACTED]';

export interface RedactorOptions {
  /**
   * Text the caller supplied (the run's input). A secret that occurs in it is one the caller
   * already knows, and it is left as is: masking it would tell a caller who guesses secrets in
   * the input (echoed back by a step) whether a guess was right. So the redacted result is the
   * same whether a guess is right or wrong, whole or part of a longer string.
   */
  knownToCaller?: Iterable<string>;
}

/** Replaces every occurrence of the given secrets in strings, deeply; returns the input itself when there is nothing to hide. */
export function createRedactor(secrets: Iterable<string>, options: RedactorOptions = {}): <T>(value: T) => T {
  const known = [...(options.knownToCaller ?? [])];
  const list = [...new Set([...secrets].filter((s) => typeof s === 'string' && s.length > 0 && !known.some((k) => k.includes(s))))].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (v) => v;
  const pattern = new RegExp(list.map(escapeRegExp).join('|'), 'g');
  const redactString = (s: string) => (s.length === 0 ? s : s.replace(pattern, REDACTED));
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return redactString(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[redactString(k)] = walk(v);
      return out;
    }
    return value;
  };
  return <T>(value: T) => walk(value) as T;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every string in a JSON-like value (keys included), for `knownToCaller`. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsIn(v, out);
    }
  }
  return out;
}
