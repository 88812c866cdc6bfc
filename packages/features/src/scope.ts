import { InvalidScopeError } from './errors';

/** Anything a feature can be resolved for: a user, a tenant, a team. The identifier must be stable. */
export interface FeatureScopeable {
  toFeatureIdentifier(): string | number;
}

/** Maps scopes that do not implement `FeatureScopeable` (plain user records, …) to their identifier. */
export type ScopeIdentifier = (scope: unknown) => string | number | undefined;

/** The stored scope id of the null scope (`features.for(null)`). */
export const NULL_SCOPE_ID = '__null__';

/** A scope together with its stored id, computed once per `for()`. */
export interface BoundScope {
  readonly scope: unknown;
  readonly id: string;
}

/**
 * The stored id of a scope: `null` → the null scope, strings and numbers are their own identifier,
 * objects answer through `toFeatureIdentifier()` or the configured identifier function. The
 * identifier is read twice: a value that changes between calls (a timestamp, a random id) would
 * defeat the cache, so it is refused.
 */
export function scopeIdOf(scope: unknown, identify: ScopeIdentifier | undefined): string {
  if (scope === null) return NULL_SCOPE_ID;
  if (scope === undefined) throw new InvalidScopeError('scope is undefined; pass a scope, or null for the null scope', { missing: true });
  if (typeof scope === 'string' || typeof scope === 'number') return checkedId(scope, scope, 'the scope');
  if (typeof scope === 'object' || typeof scope === 'function') {
    const method = (scope as Partial<FeatureScopeable>).toFeatureIdentifier;
    if (typeof method === 'function') {
      const first = method.call(scope);
      const second = method.call(scope);
      return stable(scope, checkedId(first, scope, 'toFeatureIdentifier()'), second, 'toFeatureIdentifier()');
    }
    if (identify) {
      const first = identify(scope);
      const second = identify(scope);
      return stable(scope, checkedId(first, scope, 'the identify option'), second, 'the identify option');
    }
    throw new InvalidScopeError(
      `scope ${describe(scope)} has no toFeatureIdentifier() method and no identify option is configured`,
    );
  }
  throw new InvalidScopeError(`scope must be an object, a string, a number or null, not ${typeof scope}`);
}

/** Binds each scope to its id, keeping the first of scopes that share an id. */
export function bindScopes(scopes: readonly unknown[], identify: ScopeIdentifier | undefined): BoundScope[] {
  if (scopes.length === 1) return [{ scope: scopes[0], id: scopeIdOf(scopes[0], identify) }];
  const seen = new Set<string>();
  const out: BoundScope[] = [];
  for (const scope of scopes) {
    const id = scopeIdOf(scope, identify);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ scope, id });
  }
  return out;
}

function checkedId(id: unknown, scope: unknown, source: string): string {
  if (typeof id === 'string') {
    if (id.length === 0) throw new InvalidScopeError(`${source} of scope ${describe(scope)} returned an empty string`);
    return id;
  }
  if (typeof id === 'number') {
    if (!Number.isFinite(id)) throw new InvalidScopeError(`${source} of scope ${describe(scope)} returned ${id}, not a finite number`);
    return String(id);
  }
  throw new InvalidScopeError(
    `${source} of scope ${describe(scope)} returned ${id === null ? 'null' : typeof id}; it must return a non-empty string or a finite number`,
  );
}

function stable(scope: unknown, id: string, second: unknown, source: string): string {
  if (String(second) !== id) {
    throw new InvalidScopeError(
      `${source} of scope ${describe(scope)} is unstable: it returned "${id}", then "${String(second)}"; use an id that stays the same for the same scope`,
    );
  }
  return id;
}

function describe(scope: unknown): string {
  if (typeof scope === 'object' && scope !== null) {
    const name = scope.constructor?.name;
    return name && name !== 'Object' ? name : 'object';
  }
  return typeof scope;
}
