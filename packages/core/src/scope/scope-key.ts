import { isReservedKey, reservedKeyMessage } from '../schema/reserved-keys';
import type { ScopeMap } from '../types/flag';

/** At most this many keys in one scope map, as in cds-feature-toggles. */
export const MAX_SCOPE_KEYS = 4;
const INNER = '::';
const OUTER = '##';

/**
 * The canonical storage key of a scope map: `key::value` pairs sorted by key, joined by `##`
 * (`{user: 'alice', tenant: 'people'}` → `tenant::people##user::alice`). The empty map is the root (`//`).
 */
export function scopeKey(scope: ScopeMap | undefined): string {
  if (!scope) return ROOT_SCOPE_KEY;
  const keys = Object.keys(scope).sort();
  if (keys.length === 0) return ROOT_SCOPE_KEY;
  let out = '';
  for (const k of keys) out += (out ? OUTER : '') + k + INNER + scope[k];
  return out;
}

export const ROOT_SCOPE_KEY = '//';

/** Letters, digits and `_ . -`: the grammar of a scope key (`tenant`, `user.id`). */
export const SCOPE_KEY_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** The scope map of a canonical key; `undefined` for text that is not one (including a reserved scope key). */
export function parseScopeKey(key: string): ScopeMap | undefined {
  if (key === ROOT_SCOPE_KEY) return {};
  const out: ScopeMap = {};
  for (const part of key.split(OUTER)) {
    const i = part.indexOf(INNER);
    if (i <= 0) return undefined;
    const name = part.slice(0, i);
    if (isReservedKey(name)) return undefined;
    out[name] = part.slice(i + INNER.length);
  }
  return out;
}

/**
 * Problems with a scope map, or an empty list. Checked on the raw input (own keys, as `JSON.parse`
 * made them), so `__proto__` is seen and refused rather than lost by a parser.
 */
export function scopeMapProblems(scope: unknown): string[] {
  if (scope === undefined) return [];
  if (typeof scope !== 'object' || scope === null || Array.isArray(scope)) return ['scope must be an object of scope keys to strings'];
  const entries = Object.keys(scope).map((k) => [k, (scope as Record<string, unknown>)[k]] as const);
  const problems: string[] = [];
  if (entries.length > MAX_SCOPE_KEYS) problems.push(`scope has ${entries.length} keys, at most ${MAX_SCOPE_KEYS} are allowed`);
  for (const [k, v] of entries) {
    if (isReservedKey(k)) {
      problems.push(reservedKeyMessage('scope key', k));
      continue;
    }
    if (!SCOPE_KEY_PATTERN.test(k)) problems.push(`scope key "${k}" must be letters, digits, _ . or -`);
    if (typeof v !== 'string' || v.length === 0) problems.push(`scope value of "${k}" must be a non-empty string`);
    else if (v.includes(INNER) || v.includes(OUTER)) problems.push(`scope value of "${k}" must not contain "::" or "##"`);
  }
  return problems;
}

/** True when `inner` is more specific than `outer`: it has every pair of `outer` and at least one more. */
export function isSubScope(inner: ScopeMap, outer: ScopeMap): boolean {
  const outerKeys = Object.keys(outer);
  if (Object.keys(inner).length <= outerKeys.length) return false;
  for (const k of outerKeys) if (inner[k] !== outer[k]) return false;
  return true;
}
