import { ValidationError, type ValidationIssue } from '../errors/store-errors';
import { flagKeyProblem, flagValueSchema } from '../schema/definition-schema';
import { isSubScope, parseScopeKey, ROOT_SCOPE_KEY, scopeKey, scopeMapProblems } from '../scope/scope-key';
import { validateValue, type ValueValidator } from '../validation/validate-value';
import type { FlagDefinition, MaintainedValues } from '../types/flag';
import type { FlagValue } from '../types/values';
import type { ValueUpdate } from './store';

/**
 * Checks a batch of value updates before anything is written: each key must have a definition
 * (unless `remoteOnly`), and each value must pass the definition's type and validations.
 * Throws one `ValidationError` listing every problem, with paths like `[2].value`.
 */
export function validateValueUpdates(
  updates: readonly ValueUpdate[],
  definitionOf: (key: string) => FlagDefinition | undefined,
  validators?: Record<string, ValueValidator> | ReadonlyMap<string, ValueValidator>,
): void {
  const issues: ValidationIssue[] = [];
  updates.forEach((u, i) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) {
      issues.push({ path: [i], message: 'update must be an object' });
      return;
    }
    if (typeof u.key !== 'string' || u.key.length === 0) {
      issues.push({ path: [i, 'key'], message: 'key must be a non-empty string' });
      return;
    }
    const keyProblem = flagKeyProblem(u.key);
    if (keyProblem) {
      issues.push({ path: [i, 'key'], message: keyProblem.startsWith('flag key') ? keyProblem : `key "${u.key}" ${keyProblem}` });
      return;
    }
    if (u.remoteOnly) {
      for (const problem of scopeMapProblems(u.scope)) issues.push({ path: [i, 'scope'], message: problem });
      if (u.value !== null && !flagValueSchema.safeParse(u.value).success) {
        issues.push({ path: [i, 'value'], message: 'value must be a JSON flag value (boolean, string, finite number, object or array) or null' });
      }
      return;
    }
    const definition = definitionOf(u.key);
    if (!definition) {
      issues.push({ path: [i, 'key'], message: `key "${u.key}" has no definition; use remoteOnly to change values of keys without one` });
      return;
    }
    for (const issue of validateValue(definition, u.value, u.scope, { validators })) issues.push({ path: [i, ...issue.path], message: issue.message });
  });
  if (issues.length) throw new ValidationError(issues, updates.length === 1 ? issues.map((i) => i.message).join('; ') : undefined);
}

/**
 * Applies one update to a key's maintained values and returns the new values (the input is not
 * changed). Root updates set `rootValue`; scoped ones set `scopedValues[scopeKey(scope)]`; `null`
 * removes; `clearSubScopes` also removes every more specific scope (for the root: every scope).
 * Returns `undefined` when nothing is left.
 */
export function applyValueUpdate(current: MaintainedValues | undefined, update: ValueUpdate): MaintainedValues | undefined {
  const next: MaintainedValues = {};
  if (current?.rootValue !== undefined) next.rootValue = current.rootValue;
  const scoped: Record<string, FlagValue> = { ...(current?.scopedValues ?? {}) };
  const key = scopeKey(update.scope);
  const scope = update.scope ?? {};
  if (update.clearSubScopes) {
    for (const k of Object.keys(scoped)) {
      const map = parseScopeKey(k);
      if (key === ROOT_SCOPE_KEY || (map && isSubScope(map, scope))) delete scoped[k];
    }
  }
  if (key === ROOT_SCOPE_KEY) {
    if (update.value === null) delete next.rootValue;
    else next.rootValue = update.value;
  } else if (update.value === null) delete scoped[key];
  else scoped[key] = update.value;
  if (Object.keys(scoped).length) next.scopedValues = scoped;
  return next.rootValue === undefined && next.scopedValues === undefined ? undefined : next;
}

/** Applies a batch in order, per key; returns the new values of every touched key (`undefined` = none left). */
export function applyValueUpdates(
  read: (key: string) => MaintainedValues | undefined,
  updates: readonly ValueUpdate[],
): Map<string, MaintainedValues | undefined> {
  const out = new Map<string, MaintainedValues | undefined>();
  for (const u of updates) {
    const current = out.has(u.key) ? out.get(u.key) : read(u.key);
    out.set(u.key, applyValueUpdate(current, u));
  }
  return out;
}
