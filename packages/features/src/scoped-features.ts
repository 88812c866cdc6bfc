import { ValidationError } from '@switchyard/core';
import type { JsonValue } from '@switchyard/core';
import type { FeatureFamily } from './family';
import type { Memo } from './memo';
import type { BoundScope } from './scope';
import { storableValue } from './value';

/** Handlers of `match`: each receives the resolved value. */
export interface MatchHandlers<V, A, I> {
  active: (value: V) => A | Promise<A>;
  inactive: (value: V) => I | Promise<I>;
}

type Names<R> = keyof R & string;

/**
 * Features for one scope, or for several (`for([a, b])`). Checks over several scopes hold for every
 * scope; `value`, `values` and `match` need exactly one. A value is active when it is truthy, so a
 * variant string such as `'blue'` is active; `false`, `0`, `''` and `null` are inactive.
 */
export class ScopedFeatures<R extends object> {
  /** @internal */
  constructor(
    private readonly family: FeatureFamily,
    private readonly memo: Memo,
    private readonly scopes: readonly BoundScope[],
  ) {}

  /** Stored ids of the scopes, in order. */
  get scopeIds(): string[] {
    return this.scopes.map((s) => s.id);
  }

  /** The value of one feature. */
  async value<K extends Names<R>>(name: K): Promise<R[K]> {
    return (await this.family.value(name, this.single('value'), this.memo)) as R[K];
  }

  /** Values of several features (default: every defined feature), by name. */
  async values<K extends Names<R>>(names?: readonly K[]): Promise<{ [P in K]: R[P] }> {
    const scope = this.single('values');
    const list = names ?? (this.family.registry.names() as K[]);
    const values = await Promise.all(list.map((n) => this.family.value(n, scope, this.memo)));
    const out = {} as { [P in K]: R[P] };
    list.forEach((n, i) => (out[n] = values[i] as R[K]));
    return out;
  }

  /** True when the feature is active for every scope. */
  async isActive(name: Names<R>): Promise<boolean> {
    if (this.scopes.length === 1) return Boolean(await this.family.value(name, this.scopes[0]!, this.memo));
    return this.every([name], true, true);
  }

  /** Flick's name for `isActive`: `user.features.active('new_checkout')`. */
  active(name: Names<R>): Promise<boolean> {
    return this.isActive(name);
  }

  /** Flick's name for `isInactive`. */
  inactive(name: Names<R>): Promise<boolean> {
    return this.isInactive(name);
  }

  /** True when the feature is inactive for every scope. */
  isInactive(name: Names<R>): Promise<boolean> {
    return this.every([name], false, true);
  }

  /** Every feature is active, for every scope. */
  allActive(names: readonly Names<R>[]): Promise<boolean> {
    return this.every(names, true, true);
  }

  /** At least one feature is active, for every scope. */
  someActive(names: readonly Names<R>[]): Promise<boolean> {
    return this.every(names, true, false);
  }

  /** Every feature is inactive, for every scope. */
  allInactive(names: readonly Names<R>[]): Promise<boolean> {
    return this.every(names, false, true);
  }

  /** At least one feature is inactive, for every scope. */
  someInactive(names: readonly Names<R>[]): Promise<boolean> {
    return this.every(names, false, false);
  }

  /** Runs `active(value)` or `inactive(value)` and returns what it returns. */
  async match<K extends Names<R>, A, I>(name: K, handlers: MatchHandlers<R[K], A, I>): Promise<A | I> {
    const value = (await this.family.value(name, this.single('match'), this.memo)) as R[K];
    return value ? handlers.active(value) : handlers.inactive(value);
  }

  /** Stores `value` (default `true`) for the features and every scope, replacing stored results. */
  async activate<K extends Names<R>>(names: K | readonly K[], value: R[K] | JsonValue = true): Promise<void> {
    const list = listOf(names);
    for (const name of list) this.family.registry.get(name);
    const writes: Promise<void>[] = [];
    for (const name of list) {
      for (const s of this.scopes) {
        const checked = storableValue(name, s.id, value, 'activate()');
        writes.push(this.family.store.setFeatureValue(name, s.id, checked).then((stored) => this.memo.set(name, s.id, stored)));
      }
    }
    await Promise.all(writes);
  }

  /** Stores `false` for the features and every scope. */
  deactivate(names: Names<R> | readonly Names<R>[]): Promise<void> {
    return this.activate(names, false);
  }

  /** Forgets stored results (default: of every defined feature) for the scopes; the next lookup resolves again. */
  async clear(names?: Names<R> | readonly Names<R>[]): Promise<void> {
    const list = names === undefined ? this.family.registry.names() : listOf(names);
    const deletes: Promise<void>[] = [];
    for (const name of list) {
      for (const s of this.scopes) {
        this.memo.delete(name, s.id);
        deletes.push(this.family.store.deleteFeatureValue(name, s.id));
      }
    }
    await Promise.all(deletes);
  }

  /**
   * Reads the stored results of the features (default: every defined one) for all scopes, one store
   * call per feature, resolving and storing those missing. Returns each feature's values in scope order.
   */
  load<K extends Names<R>>(names?: readonly K[]): Promise<{ [P in K]: R[P][] }> {
    return this.loadValues(names, false);
  }

  /** Like `load`, but skips (feature, scope) pairs this view has already read. */
  loadMissing<K extends Names<R>>(names?: readonly K[]): Promise<{ [P in K]: R[P][] }> {
    return this.loadValues(names, true);
  }

  private async loadValues<K extends Names<R>>(names: readonly K[] | undefined, missingOnly: boolean): Promise<{ [P in K]: R[P][] }> {
    const list = names ?? (this.family.registry.names() as K[]);
    await this.family.load(list, this.scopes, this.memo, missingOnly);
    const out = {} as { [P in K]: R[P][] };
    await Promise.all(
      list.map(async (name) => {
        out[name] = (await Promise.all(this.scopes.map((s) => this.family.value(name, s, this.memo)))) as R[K][];
      }),
    );
    return out;
  }

  private async every(names: readonly string[], active: boolean, all: boolean): Promise<boolean> {
    for (const s of this.scopes) {
      let matched = all;
      for (const name of names) {
        const isActive = Boolean(await this.family.value(name, s, this.memo));
        if (all && isActive !== active) {
          matched = false;
          break;
        }
        if (!all && isActive === active) {
          matched = true;
          break;
        }
      }
      if (!matched) return false;
    }
    return true;
  }

  private single(method: string): BoundScope {
    if (this.scopes.length !== 1) {
      throw new ValidationError([{ path: ['scope'], message: `${method}() needs exactly one scope, but ${this.scopes.length} were given to for()` }]);
    }
    return this.scopes[0]!;
  }
}

function listOf<T>(names: T | readonly T[]): readonly T[] {
  return Array.isArray(names) ? names : [names as T];
}
