import type { FlagDefinition, MaintainedValues, ScopeMap } from '../types/flag';
import type { FlagValue } from '../types/values';
import type { ValidatorSource } from '../validation/validators';

/**
 * Maintained values as a layer over seeded values (manifests): `removedSeeds` lists the canonical
 * scope keys (`//` for the root) whose seeded value was removed by a write, so it stays hidden.
 */
export interface ValueLayer extends MaintainedValues {
  removedSeeds?: string[];
}

/** Maintained values as a store keeps them; `version` grows by one per applied update batch touching the key. */
export interface StoredValues extends ValueLayer {
  version: number;
}

/** One maintained-value change (cds `redisUpdate`). */
export interface ValueUpdate {
  key: string;
  /** `null` removes the value at this scope. */
  value: FlagValue | null;
  /** Absent or empty: the root value. */
  scope?: ScopeMap;
  /** Also remove every value of a more specific scope (root: every scoped value). */
  clearSubScopes?: boolean;
  /**
   * Allowed for keys that have no definition (cleaning legacy keys). A key that has a definition is
   * validated as usual: type, regex, scopes and custom validators.
   */
  remoteOnly?: boolean;
  /** Optimistic concurrency against the key's values version. */
  expectedVersion?: number;
}

export interface SetValuesOptions {
  actor?: string;
  /** Definitions the store does not hold itself (manifests, code), used to validate updates. */
  definitionOf?: (key: string) => FlagDefinition | undefined;
  /**
   * Values a key has in the layer below the store (manifest `values:`). Stored values overlay them
   * scope by scope; removing (`null`, `clearSubScopes`) a scope that has a seeded value records the
   * removal in `removedSeeds` instead of forgetting it, so the seeded value does not come back.
   */
  seededValuesOf?: (key: string) => MaintainedValues | undefined;
  /** Custom validators for this call (else the store's own `validators`, then the process-wide registry). */
  validators?: ValidatorSource;
  /**
   * The caller ran the custom validators of these updates already (with `validateValueUpdatesAsync`),
   * so the store runs the built-in checks only (type, regex, scopes) and user code runs once per write.
   */
  skipCustomValidators?: boolean;
}

/**
 * Maintained (per-key, per-scope) values: validated batches applied all-or-nothing, versioned per
 * key, audited (`values.update`, one entry per touched key) and reported as `values` changes.
 */
export interface ValueRepository {
  getValues(key: string): Promise<StoredValues | undefined>;
  /** Every key with maintained values, including keys without a definition. */
  listValues(): Promise<Record<string, StoredValues>>;
  /** Apply a batch of value updates atomically after validating every one of them. */
  setValues(updates: ValueUpdate[], options?: SetValuesOptions): Promise<void>;
}
