import type { FlagDefinition } from '../types/flag';

/** A flag definition as a store keeps it. `version` starts at 1 and grows by one per write. */
export interface StoredFlag {
  definition: FlagDefinition;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface WriteOptions {
  /** Who made the change; recorded in the audit log. Default `system`. */
  actor?: string;
  /**
   * Optimistic concurrency: the version the caller last read. A write against any other
   * version is refused with `ConflictError`. `0` means "must not exist yet".
   */
  expectedVersion?: number;
}

/** One definition of an `upsertFlags` batch. */
export interface FlagWrite {
  definition: FlagDefinition;
  /** As `WriteOptions.expectedVersion`, for this flag: the version last read, `0` for "must not exist yet". */
  expectedVersion?: number;
}

export interface ListFlagsOptions {
  /** Include flags whose `enabled` is false. Default `true`. */
  includeDisabled?: boolean;
  flagSet?: string;
}

/**
 * Flag definitions: validated on write, versioned, audited (`flag.upsert`, `flag.delete`) and
 * reported as `flags` changes on the `ChangeFeed`.
 */
export interface FlagRepository {
  getFlag(key: string): Promise<StoredFlag | undefined>;
  /** Sorted by key. */
  listFlags(options?: ListFlagsOptions): Promise<StoredFlag[]>;
  /** Create or replace a definition after validating it (`ValidationError`), honouring `expectedVersion` (`ConflictError`). */
  upsertFlag(definition: FlagDefinition, options?: WriteOptions): Promise<StoredFlag>;
  /**
   * Create or replace many definitions in one atomic write (an import, a bulk edit): every definition
   * is validated and every `expectedVersion` checked before anything is written, then all are
   * written or none is. Refuses a batch naming a key twice (`ValidationError`). One audit entry per
   * flag and one `flags` change listing every key. Resolves the stored records in input order.
   */
  upsertFlags(writes: FlagWrite[], options?: Pick<WriteOptions, 'actor'>): Promise<StoredFlag[]>;
  /** Remove a definition and its maintained values. Resolves `false` when there was none. */
  deleteFlag(key: string, options?: WriteOptions): Promise<boolean>;
}
