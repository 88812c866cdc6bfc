export const REDACTED = '[REDACTED]';

/** Replaces every occurrence of the given secrets in strings, deeply; returns the input itself when there is nothing to hide. */
export function createRedactor(secrets: Iterable<string>): <T>(value: T) => T {
  const list = [...new Set([...secrets].filter((s) => typeof s === 'string' && s.length > 0))].sort((a, b) => b.length - a.length);
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
