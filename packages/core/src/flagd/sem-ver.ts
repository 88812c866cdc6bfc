import { coerce, compare, parse, type SemVer } from 'semver';

/**
 * A version as flagd reads it: a leading `v`/`V` is dropped, numbers are their text, and the
 * shorthands `1` and `1.2` mean `1.0.0` and `1.2.0`. `null` for anything else (`2.0.0.0`).
 */
function version(raw: unknown): SemVer | null {
  if (raw === null || raw === undefined || typeof raw === 'object') return null;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects returned above: `raw` is a number, boolean or string here
  const text = String(raw).replace(/^[vV]/, '');
  const strict = parse(text);
  if (strict) return strict;
  return /^\d+(\.\d+)?$/.test(text) ? coerce(text) : null;
}

/**
 * flagd's `sem_ver`: `[version, operator, version]` with `=`, `!=`, `<`, `<=`, `>`, `>=`, `^` (same
 * major) and `~` (same major and minor). Build metadata is ignored. `null` (the default variant) for
 * a wrong argument count, an unknown operator or a value that is not a version.
 */
export function semVer(args: readonly unknown[]): boolean | null {
  if (args.length !== 3) return null;
  const a = version(args[0]);
  const b = version(args[2]);
  if (!a || !b) return null;
  const op = args[1];
  if (typeof op !== 'string') return null;
  switch (op) {
    case '=':
      return compare(a, b) === 0;
    case '!=':
      return compare(a, b) !== 0;
    case '<':
      return compare(a, b) < 0;
    case '<=':
      return compare(a, b) <= 0;
    case '>':
      return compare(a, b) > 0;
    case '>=':
      return compare(a, b) >= 0;
    case '^':
      return a.major === b.major;
    case '~':
      return a.major === b.major && a.minor === b.minor;
    default:
      return null;
  }
}

/** flagd's `starts_with`: two strings, else `null`. */
export function startsWith(args: readonly unknown[]): boolean | null {
  if (args.length !== 2 || typeof args[0] !== 'string' || typeof args[1] !== 'string') return null;
  return args[0].startsWith(args[1]);
}

/** flagd's `ends_with`: two strings, else `null`. */
export function endsWith(args: readonly unknown[]): boolean | null {
  if (args.length !== 2 || typeof args[0] !== 'string' || typeof args[1] !== 'string') return null;
  return args[0].endsWith(args[1]);
}
