import type { FlagDefinition, StoredFlag, StoredValues, ValueUpdate } from '@switchyard/core';

/** A flag as the CLI shows it: the stored record plus where the definition lives. */
export interface FlagEntry extends StoredFlag {
  /** `manifest` for flags a server reads from manifests; those cannot be changed through the API. */
  source: 'store' | 'manifest';
  readOnly: boolean;
}

export interface FlagListOptions {
  flagSet?: string;
  includeDisabled?: boolean;
}

export interface WriteOptions {
  expectedVersion?: number;
  actor?: string;
}

export interface PurgeOptions {
  /** Only these features; all features when absent. */
  features?: string[];
  /** Keep these features. */
  except?: string[];
}

/**
 * Where `flags`, `values` and `features` commands read and write: a store opened directly, or a
 * server's native API. Both answer with the same shapes and throw core's typed errors.
 */
export interface Backend {
  /** The URL with credentials removed, for messages. */
  readonly label: string;
  listFlags(options?: FlagListOptions): Promise<FlagEntry[]>;
  getFlag(key: string): Promise<FlagEntry | undefined>;
  upsertFlag(definition: FlagDefinition, options?: WriteOptions): Promise<FlagEntry>;
  deleteFlag(key: string, options?: WriteOptions): Promise<boolean>;
  listValues(): Promise<Record<string, StoredValues>>;
  setValues(updates: ValueUpdate[], options?: { actor?: string }): Promise<void>;
  listFeatures(): Promise<string[]>;
  purgeFeatures(options: PurgeOptions): Promise<number>;
  close(): Promise<void>;
}
