import type { z } from 'zod';
import { knownKeysOf, typeOfValue, unknownKeyMessage } from '@switchyard/core';
import type { DiagnosticCode, DiagnosticSeverity } from './diagnostic';
import type { DocPath } from './yaml-document';

/** One problem found by a zod schema, with its path inside the checked value. */
export interface Finding {
  path: DocPath;
  message: string;
  code: DiagnosticCode;
  severity: DiagnosticSeverity;
  /** Found by a check across fields (zod `custom` issue) rather than by the shape of the value. */
  crossField?: boolean;
  /** For an unknown key: the keys accepted where it was written (in the schema's vocabulary), for a "did you mean". */
  known?: readonly string[];
}

type Issue = z.core.$ZodIssue;

/** Give up stripping unknown keys after this many rounds (each round removes every one it found). */
const MAX_STRIP_ROUNDS = 4;

/**
 * Parses `candidate` with `schema`. An unknown key is an error (a misspelt key would otherwise be
 * ignored); to report every other problem at once, unknown keys are removed and the value is parsed
 * again, so the schema's own checks still run. `data` is then the value without its unknown keys,
 * for further checks only: a caller must not use it while `findings` hold an error.
 */
export function parseWithSchema<T>(schema: z.ZodType<T>, candidate: unknown): { data?: T; findings: Finding[]; input: unknown } {
  const unknownFindings: Finding[] = [];
  let input = candidate;
  for (let round = 0; ; round++) {
    const result = schema.safeParse(input, { reportInput: true });
    if (result.success) return { data: result.data, findings: unknownFindings, input };
    const unknown = unknownKeys(result.error.issues, []);
    if (unknown.length === 0 || round === MAX_STRIP_ROUNDS) {
      const findings = describeIssues(result.error.issues, []).filter((f) => f.code !== 'unknown-key' || round === MAX_STRIP_ROUNDS);
      return { findings: [...unknownFindings, ...findings], input };
    }
    input = structuredClone(input);
    for (const { path, key, known } of unknown) {
      unknownFindings.push(unknownKeyFinding([...path, key], known));
      const owner = valueAt(input, path);
      if (owner && typeof owner === 'object') delete (owner as Record<string, unknown>)[key];
    }
  }
}

/** The value at `path` inside `root`, or `undefined`. */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** An unknown key: an error, with the accepted keys kept so the format can suggest one in its own words. */
export function unknownKeyFinding(path: DocPath, known: readonly string[] = []): Finding {
  return { path, message: unknownKeyMessage(String(path[path.length - 1]), known), code: 'unknown-key', severity: 'error', known };
}

function pathOf(base: DocPath, issue: Issue): DocPath {
  return [...base, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
}

function unknownKeys(issues: readonly Issue[], base: DocPath): { path: DocPath; key: string; known: readonly string[] }[] {
  const out: { path: DocPath; key: string; known: readonly string[] }[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) out.push({ path: pathOf(base, issue), key, known: knownKeysOf(issue.input) ?? [] });
    else if (issue.code === 'invalid_union' && issue.errors.length) out.push(...unknownKeys(bestBranch(issue.errors), pathOf(base, issue)));
  }
  return out;
}

/** The union branch the input most likely meant: fewest real problems, unknown keys counting little. */
function bestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] {
  let best = branches[0] ?? [];
  let bestScore = Infinity;
  for (const branch of branches) {
    let score = 0;
    for (const issue of branch) score += issue.code === 'unrecognized_keys' ? 1 : 10;
    if (score < bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

/** Turns zod issues into manifest findings with messages written for people editing a file. */
export function describeIssues(issues: readonly Issue[], base: DocPath): Finding[] {
  const out: Finding[] = [];
  for (const issue of issues) describeIssue(issue, base, out);
  return out;
}

function error(path: DocPath, message: string, code: DiagnosticCode = 'invalid-definition'): Finding {
  return { path, message, code, severity: 'error' };
}

function describeIssue(issue: Issue, base: DocPath, out: Finding[]): void {
  const path = pathOf(base, issue);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys':
      for (const key of issue.keys) out.push(unknownKeyFinding([...path, key], knownKeysOf(input) ?? []));
      return;
    case 'invalid_type':
      out.push(input === undefined ? error(path, 'required') : error(path, `expected ${typeName(issue.expected)}, got ${describeValue(input)}`, 'type-mismatch'));
      return;
    case 'invalid_union': {
      const discriminated = issue as { note?: string; discriminator?: string; options?: unknown[] };
      if (discriminated.note === 'No matching discriminator') {
        const options = (discriminated.options ?? []).map(String).join(', ');
        const name = discriminated.discriminator ?? 'kind';
        // zod reports the whole object as the input; the offending value is its discriminator.
        const value = input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[name] : input;
        out.push(value === undefined ? error(path, `required, one of: ${options}`) : error(path, `unknown ${name} ${describeValue(value, false)}, expected one of: ${options}`));
        return;
      }
      const expected = issue.errors.map((branch) => (branch.length === 1 && branch[0]!.code === 'invalid_type' && branch[0].path.length === 0 ? branch[0].expected : undefined));
      if (expected.length > 0 && expected.every((e) => e !== undefined)) {
        if (input === undefined) {
          out.push(error(path, 'required'));
          return;
        }
        out.push(error(path, `expected ${listOf([...new Set(expected.map((e) => typeName(e)))], 'or')}, got ${describeValue(input)}`, 'type-mismatch'));
        return;
      }
      if (issue.errors.length === 0) {
        out.push(error(path, issue.message));
        return;
      }
      for (const inner of bestBranch(issue.errors)) describeIssue(inner, path, out);
      return;
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v)).join(', ');
      out.push(input === undefined ? error(path, `required, one of: ${options}`) : error(path, `expected one of: ${options}, got ${describeValue(input, false)}`));
      return;
    }
    case 'invalid_key':
      for (const inner of issue.issues) describeIssue(inner, path, out);
      return;
    case 'too_small':
    case 'too_big': {
      if (!/^Too (small|big)/.test(issue.message)) {
        out.push(error(path, issue.message));
        return;
      }
      const small = issue.code === 'too_small';
      const limit = Number(small ? (issue as { minimum: unknown }).minimum : (issue as { maximum: unknown }).maximum);
      if (issue.origin === 'string') out.push(error(path, small && limit === 1 ? 'must not be empty' : `must have ${small ? 'at least' : 'at most'} ${limit} characters`));
      else if (issue.origin === 'array' || issue.origin === 'set') out.push(error(path, `needs ${small ? 'at least' : 'at most'} ${limit} item${limit === 1 ? '' : 's'}`));
      else out.push(error(path, `must be ${small ? 'at least' : 'at most'} ${limit}`));
      return;
    }
    case 'custom':
      out.push({ ...error(path, issue.message, /has invalid type/.test(issue.message) ? 'type-mismatch' : 'invalid-definition'), crossField: true });
      return;
    default:
      out.push(error(path, issue.message));
  }
}

function typeName(expected: string): string {
  return expected === 'record' ? 'object' : expected;
}

/** `string "abc"`, `number 5`, `null`, `array`; with `withType` false just the value. */
export function describeValue(value: unknown, withType = true): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'object') return typeOfValue(value);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects returned above: only primitives reach `String`
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return withType ? `${typeOfValue(value)} ${shown}` : shown;
}

/** `a, b or c`. */
export function listOf(items: readonly string[], last: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}
