import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { adminPath, flagValueSchema, ValidationError, type ValidationIssue } from '@switchyard/core';
import type { FlagDefinition, ListFlagsResponse, ListValuesResponse, MaintainedValues } from '@switchyard/core';
import type { Http } from './http';

/**
 * Everything the client evaluates: flag definitions and maintained values. This is also the format
 * of bootstrap files and of the snapshot file the client keeps (`{ definitions, values }` as JSON).
 */
export interface ClientSnapshot {
  definitions: FlagDefinition[];
  values?: Record<string, MaintainedValues>;
}

/**
 * Reads the server's full state: every definition (disabled ones too, so they serve their
 * fallback with `DISABLED` instead of being unknown) and every maintained value. Paths and answers
 * are typed from the admin API contract; the transport stays `Http` for the client's own timeouts
 * and `ServerUnavailableError`/`ServerResponseError` semantics.
 */
export async function fetchSnapshot(http: Http): Promise<ClientSnapshot> {
  const [flags, values] = await Promise.all([
    http.json<ListFlagsResponse | undefined>('GET', `${adminPath('listFlags')}?includeDisabled=true`),
    http.json<ListValuesResponse | undefined>('GET', adminPath('listValues')),
  ]);
  if (!Array.isArray(flags?.flags)) throw new ValidationError([{ path: ['flags'], message: 'GET /api/v1/flags: expected { flags: [...] }' }]);
  if (typeof values?.values !== 'object' || values.values === null) {
    throw new ValidationError([{ path: ['values'], message: 'GET /api/v1/values: expected { values: {...} }' }]);
  }
  const out: Record<string, MaintainedValues> = {};
  for (const [key, v] of Object.entries(values.values)) out[key] = withoutVersion(v);
  return checkSnapshot({ definitions: flags.flags.map((f) => f.definition), values: out }, 'server');
}

function withoutVersion(v: MaintainedValues): MaintainedValues {
  const out: MaintainedValues = {};
  if (v.rootValue !== undefined) out.rootValue = v.rootValue;
  if (v.scopedValues !== undefined) out.scopedValues = v.scopedValues;
  return out;
}

/**
 * Checks the shape of a snapshot (definitions are validated in full when loaded into the engine).
 * Throws a `ValidationError` listing every problem.
 */
export function checkSnapshot(input: unknown, origin: string): ClientSnapshot {
  const issues: ValidationIssue[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError([{ path: [], message: `${origin}: a snapshot must be an object with "definitions" and "values"` }]);
  }
  const { definitions, values } = input as { definitions?: unknown; values?: unknown };
  if (!Array.isArray(definitions)) issues.push({ path: ['definitions'], message: `${origin}: expected an array of flag definitions` });
  if (values !== undefined && (typeof values !== 'object' || values === null || Array.isArray(values))) {
    issues.push({ path: ['values'], message: `${origin}: expected an object of maintained values by key` });
  } else if (values !== undefined) {
    for (const [key, v] of Object.entries(values as Record<string, unknown>)) checkValues(key, v, origin, issues);
  }
  if (issues.length) throw new ValidationError(issues);
  return { definitions: definitions as FlagDefinition[], values: (values ?? {}) as Record<string, MaintainedValues> };
}

function checkValues(key: string, v: unknown, origin: string, issues: ValidationIssue[]): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    issues.push({ path: ['values', key], message: `${origin}: expected { rootValue?, scopedValues? }` });
    return;
  }
  const { rootValue, scopedValues } = v as { rootValue?: unknown; scopedValues?: unknown };
  if (rootValue !== undefined && !flagValueSchema.safeParse(rootValue).success) {
    issues.push({ path: ['values', key, 'rootValue'], message: `${origin}: not a flag value` });
  }
  if (scopedValues === undefined) return;
  if (typeof scopedValues !== 'object' || scopedValues === null || Array.isArray(scopedValues)) {
    issues.push({ path: ['values', key, 'scopedValues'], message: `${origin}: expected an object of values by scope key` });
    return;
  }
  for (const [scope, value] of Object.entries(scopedValues)) {
    if (!flagValueSchema.safeParse(value).success) issues.push({ path: ['values', key, 'scopedValues', scope], message: `${origin}: not a flag value` });
  }
}

/** Reads a snapshot file (JSON `{ definitions, values }`); `undefined` when the file does not exist. */
export async function readSnapshotFile(file: string): Promise<ClientSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ValidationError([{ path: [], message: `${file}: not valid JSON (${(err as Error).message})` }]);
  }
  return checkSnapshot(parsed, file);
}

/** Writes a snapshot file atomically (a temporary file renamed over the old one), so a crash never leaves half a file. */
export async function writeSnapshotFile(file: string, snapshot: ClientSnapshot): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  await writeFile(temp, JSON.stringify({ savedAt: new Date().toISOString(), definitions: snapshot.definitions, values: snapshot.values ?? {} }));
  await rename(temp, file);
}

/** Keys whose definition or maintained values differ between two snapshots (added and removed ones included). */
export function changedKeys(before: ClientSnapshot | undefined, after: ClientSnapshot): string[] {
  const old = new Map((before?.definitions ?? []).map((d) => [d.key, d]));
  const oldValues = before?.values ?? {};
  const newValues = after.values ?? {};
  const changed = new Set<string>();
  for (const d of after.definitions) {
    if (!isDeepStrictEqual(old.get(d.key), d) || !isDeepStrictEqual(oldValues[d.key], newValues[d.key])) changed.add(d.key);
    old.delete(d.key);
  }
  for (const key of old.keys()) changed.add(key);
  return [...changed];
}
