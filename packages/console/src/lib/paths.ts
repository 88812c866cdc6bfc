import type { ApiIssue } from '../api/types';

export type Path = readonly (string | number)[];

/** Same path, element by element. */
export function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((p, i) => String(p) === String(b[i]));
}

/** Issues reported exactly at `path`. */
export function issuesAt(issues: readonly ApiIssue[], path: Path): ApiIssue[] {
  return issues.filter((i) => samePath(i.path, path));
}

/** `environments.production.variants[1].weight` */
export function pathText(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || '(definition)';
}

/** A copy of `root` with the value at `path` replaced (`undefined` removes an object key). */
export function setAt<T>(root: T, path: Path, value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path;
  const container = (root ?? (typeof head === 'number' ? [] : {})) as Record<string | number, unknown> | unknown[];
  const copy = (Array.isArray(container) ? [...container] : { ...container }) as Record<string | number, unknown>;
  const next = setAt(copy[head as string | number], rest, value);
  if (next === undefined && !Array.isArray(copy)) delete copy[head as string];
  else copy[head as string | number] = next;
  return copy as T;
}
