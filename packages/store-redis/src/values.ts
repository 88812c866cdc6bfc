import { entriesOf, isSubScope, parseScopeKey, ROOT_SCOPE_KEY, scopeKey, valuesFromEntries } from '@switchyard/core';
import type { FlagValue, MaintainedValues, StoredValues, ValueUpdate } from '@switchyard/core';

/** The field of a values hash that holds the key's version. */
export const VERSION_FIELD = '#v';

/** The arguments of the `SET_VALUES` script for one validated batch (see lua.ts for the layout). */
export function setValuesArgs(
  updates: ValueUpdate[],
  keys: string[],
  actor: string,
  changePayload: string,
  seededValuesOf: ((key: string) => MaintainedValues | undefined) | undefined,
): string[] {
  const index = new Map(keys.map((k, i) => [k, i + 1]));
  const args: string[] = [new Date().toISOString(), actor, changePayload, String(keys.length), ...keys, String(updates.length)];
  for (const u of updates) {
    const field = scopeKey(u.scope);
    const pairs = field === ROOT_SCOPE_KEY ? [] : field.split('##');
    const marks = removedSeedsOf(u, seededValuesOf?.(u.key));
    args.push(
      String(index.get(u.key)),
      field,
      u.value === null ? '' : JSON.stringify(u.value),
      u.value === null ? '1' : '0',
      u.clearSubScopes ? '1' : '0',
      u.expectedVersion === undefined ? '' : String(u.expectedVersion),
      String(pairs.length),
      ...pairs,
      String(marks.length),
      ...marks,
    );
  }
  return args;
}

/** A values hash: one field per scope (JSON; `null` marks a removed seeded value) and the version under `#v`. */
export function toStoredValues(flat: string[]): StoredValues | undefined {
  let version = 0;
  const entries: [string, FlagValue | null][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i]!;
    const text = flat[i + 1]!;
    if (field === VERSION_FIELD) version = Number(text);
    else entries.push([field, JSON.parse(text) as FlagValue | null]);
  }
  if (version === 0) return undefined;
  return { ...valuesFromEntries(entries), version };
}

/**
 * The seeded scopes an update removes, as core's applyValueUpdate records them: with
 * `clearSubScopes` every seeded scope below the update's (every seeded scope for the root), and
 * with `null` the update's own scope when it is seeded.
 */
function removedSeedsOf(update: ValueUpdate, seeded: MaintainedValues | undefined): string[] {
  if (!seeded) return [];
  const seededKeys = [...entriesOf(seeded).keys()];
  if (seededKeys.length === 0) return [];
  const field = scopeKey(update.scope);
  const scope = update.scope ?? {};
  const marks = new Set<string>();
  if (update.clearSubScopes) {
    for (const k of seededKeys) {
      if (k === ROOT_SCOPE_KEY) continue;
      const map = parseScopeKey(k);
      if (field === ROOT_SCOPE_KEY || (map && isSubScope(map, scope))) marks.add(k);
    }
  }
  if (update.value === null && seededKeys.includes(field)) marks.add(field);
  return [...marks];
}

