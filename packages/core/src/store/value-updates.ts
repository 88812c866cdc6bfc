import { ValidationError, type ValidationIssue } from '../errors/store-errors';
import { flagKeyProblem, flagValueSchema } from '../schema/definition-schema';
import { isSubScope, parseScopeKey, ROOT_SCOPE_KEY, scopeKey, scopeMapProblems } from '../scope/scope-key';
import { validateValue, validateValueAsync } from '../validation/validate-value';
import type { ValidatorSource } from '../validation/validators';
import type { FlagDefinition, MaintainedValues } from '../types/flag';
import type { FlagValue } from '../types/values';
import type { ValueLayer, ValueUpdate } from './store';

/**
 * Checks a batch of value updates before anything is written: each key must have a definition
 * (unless `remoteOnly`), and each value must pass the definition's type and validations. A
 * `remoteOnly` update of a key that has a definition is validated like any other. Throws one
 * `ValidationError` listing every problem, with paths like `[2].value`.
 *
 * Synchronous: async custom validators are reported as problems; stores and servers use
 * `validateValueUpdatesAsync`.
 */
export function validateValueUpdates(
  updates: readonly ValueUpdate[],
  definitionOf: (key: string) => FlagDefinition | undefined,
  validators?: ValidatorSource,
): void {
  const issues: ValidationIssue[] = [];
  updates.forEach((u, i) => {
    const definition = shapeIssues(u, i, definitionOf, issues);
    if (definition) for (const issue of validateValue(definition, u.value, u.scope, { validators })) issues.push({ path: [i, ...issue.path], message: issue.message });
  });
  throwIfAny(issues, updates.length);
}

/**
 * Like `validateValueUpdates`, awaiting async custom validators (all of them run concurrently).
 * `custom: false` runs the built-in checks only (type, regex, scopes).
 */
export async function validateValueUpdatesAsync(
  updates: readonly ValueUpdate[],
  definitionOf: (key: string) => FlagDefinition | undefined,
  validators?: ValidatorSource,
  options: { custom?: boolean } = {},
): Promise<void> {
  const issues: ValidationIssue[] = [];
  const pending: Promise<ValidationIssue[]>[] = [];
  updates.forEach((u, i) => {
    const definition = shapeIssues(u, i, definitionOf, issues);
    if (!definition) return;
    pending.push(validateValueAsync(definition, u.value, u.scope, { validators, custom: options.custom }).then((found) => found.map((issue) => ({ path: [i, ...issue.path], message: issue.message }))));
  });
  for (const found of await Promise.all(pending)) issues.push(...found);
  // Keep the order of the batch, whatever order the validators finished in.
  issues.sort((a, b) => (a.path[0] as number) - (b.path[0] as number));
  throwIfAny(issues, updates.length);
}

/** Problems with the update itself; the definition its value must satisfy, if any. */
function shapeIssues(u: ValueUpdate, i: number, definitionOf: (key: string) => FlagDefinition | undefined, issues: ValidationIssue[]): FlagDefinition | undefined {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) {
    issues.push({ path: [i], message: 'update must be an object' });
    return undefined;
  }
  if (typeof u.key !== 'string' || u.key.length === 0) {
    issues.push({ path: [i, 'key'], message: 'key must be a non-empty string' });
    return undefined;
  }
  const keyProblem = flagKeyProblem(u.key);
  if (keyProblem) {
    issues.push({ path: [i, 'key'], message: keyProblem.startsWith('flag key') ? keyProblem : `key "${u.key}" ${keyProblem}` });
    return undefined;
  }
  const definition = definitionOf(u.key);
  if (definition) return definition;
  if (u.remoteOnly) {
    for (const problem of scopeMapProblems(u.scope)) issues.push({ path: [i, 'scope'], message: problem });
    if (u.value !== null && !flagValueSchema.safeParse(u.value).success) {
      issues.push({ path: [i, 'value'], message: 'value must be a JSON flag value (boolean, string, finite number, object or array) or null' });
    }
    return undefined;
  }
  issues.push({ path: [i, 'key'], message: `key "${u.key}" has no definition; use remoteOnly to change values of keys without one` });
  return undefined;
}

function throwIfAny(issues: ValidationIssue[], count: number): void {
  if (issues.length) throw new ValidationError(issues, count === 1 ? issues.map((i) => i.message).join('; ') : undefined);
}

/**
 * Applies one update to a key's maintained values and returns the new values (the input is not
 * changed). Root updates set `rootValue`; scoped ones set `scopedValues[scopeKey(scope)]`; `null`
 * removes; `clearSubScopes` also removes every more specific scope (for the root: every scope).
 *
 * `seeded` are the key's values from a base layer (manifests) that the stored values overlay. A
 * removal (`null`, `clearSubScopes`) of a scope that has a seeded value records that scope in
 * `removedSeeds`, so the seeded value stays hidden; setting a value again drops the record.
 * Returns `undefined` when nothing is left.
 */
export function applyValueUpdate(current: ValueLayer | undefined, update: ValueUpdate, seeded?: MaintainedValues): ValueLayer | undefined {
  const entries = entriesOf(current);
  const key = scopeKey(update.scope);
  const scope = update.scope ?? {};
  const seededKeys = seeded ? [...entriesOf(seeded).keys()] : [];
  const below = (k: string): boolean => {
    if (k === ROOT_SCOPE_KEY) return false;
    if (key === ROOT_SCOPE_KEY) return true;
    const map = parseScopeKey(k);
    return map !== undefined && isSubScope(map, scope);
  };
  if (update.clearSubScopes) {
    for (const k of [...entries.keys()]) if (below(k)) entries.delete(k);
    for (const k of seededKeys) if (below(k)) entries.set(k, null);
  }
  if (update.value !== null) entries.set(key, update.value);
  else if (seededKeys.includes(key)) entries.set(key, null);
  else entries.delete(key);
  return valuesFromEntries(entries);
}

/** Applies a batch in order, per key; returns the new values of every touched key (`undefined` = none left). */
export function applyValueUpdates(
  read: (key: string) => ValueLayer | undefined,
  updates: readonly ValueUpdate[],
  seededValuesOf?: (key: string) => MaintainedValues | undefined,
): Map<string, ValueLayer | undefined> {
  const out = new Map<string, ValueLayer | undefined>();
  for (const u of updates) {
    const current = out.has(u.key) ? out.get(u.key) : read(u.key);
    out.set(u.key, applyValueUpdate(current, u, seededValuesOf?.(u.key)));
  }
  return out;
}

/**
 * The entries of stored values by canonical scope key (`//` is the root): a value, or `null` where
 * a seeded value was removed. Adapters persist exactly these entries, a removal as JSON `null`.
 */
export function entriesOf(values: ValueLayer | undefined): Map<string, FlagValue | null> {
  const entries = new Map<string, FlagValue | null>();
  if (!values) return entries;
  if (values.rootValue !== undefined) entries.set(ROOT_SCOPE_KEY, values.rootValue);
  for (const k of Object.keys(values.scopedValues ?? {})) entries.set(k, values.scopedValues![k]!);
  for (const k of values.removedSeeds ?? []) entries.set(k, null);
  return entries;
}

/** Stored values from entries (see `entriesOf`); `undefined` when there are none. */
export function valuesFromEntries(entries: Iterable<readonly [string, FlagValue | null]>): ValueLayer | undefined {
  const out: ValueLayer = {};
  const removed: string[] = [];
  let any = false;
  for (const [k, value] of entries) {
    any = true;
    if (value === null) removed.push(k);
    else if (k === ROOT_SCOPE_KEY) out.rootValue = value;
    // Own property even for keys like `__proto__`.
    else Object.defineProperty((out.scopedValues ??= {}), k, { value, enumerable: true, writable: true, configurable: true });
  }
  if (!any) return undefined;
  if (removed.length) out.removedSeeds = removed.sort();
  return out;
}

/**
 * What a key serves: seeded values (manifests) overlaid, scope by scope, with stored values; a
 * scope listed in the stored `removedSeeds` has no value. `undefined` when nothing is left.
 */
export function overlayValues(seeded: MaintainedValues | undefined, stored: ValueLayer | undefined): MaintainedValues | undefined {
  if (!stored) return seeded;
  if (!seeded) return stored.removedSeeds ? withoutMarkers(stored) : stored;
  const entries = entriesOf(seeded);
  for (const [k, value] of entriesOf(stored)) {
    if (value === null) entries.delete(k);
    else entries.set(k, value);
  }
  const out = valuesFromEntries(entries);
  return out && (out.rootValue !== undefined || out.scopedValues !== undefined) ? out : undefined;
}

function withoutMarkers(values: ValueLayer): MaintainedValues | undefined {
  const out: MaintainedValues = {};
  if (values.rootValue !== undefined) out.rootValue = values.rootValue;
  if (values.scopedValues !== undefined) out.scopedValues = values.scopedValues;
  return out.rootValue === undefined && out.scopedValues === undefined ? undefined : out;
}
