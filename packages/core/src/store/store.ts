import type { ValidatorSource } from '../validation/validators';
import type { AuditLog } from './audit-log';
import type { StoreCapabilities } from './capabilities';
import type { ChangeFeed } from './change-feed';
import type { FeatureCache } from './feature-cache';
import type { FlagRepository } from './flag-repository';
import type { ValueRepository } from './value-repository';

export type * from './audit-log';
export type * from './capabilities';
export type * from './change-feed';
export type * from './feature-cache';
export type * from './flag-repository';
export type * from './value-repository';

/** As in Workertown's `/v1/admin/migrate`. */
export interface MigrationResult {
  migrationName: string;
  direction: 'Up';
  status: 'Success' | 'Error';
  error?: string;
}

export interface StoreHealth {
  ok: boolean;
  latencyMs?: number;
  error?: string;
}

/** What every store has besides its concerns: identity, capabilities, migrations, health and close. */
export interface StoreLifecycle {
  /** Adapter name: `memory`, `sqlite`, `postgres`, `redis`, … */
  readonly name: string;
  readonly capabilities: StoreCapabilities;
  /** Apply pending schema migrations; idempotent. Returns the migrations applied by this call. */
  migrate(): Promise<MigrationResult[]>;
  health(): Promise<StoreHealth>;
  /** Release connections; pending writes finish first. Later calls reject with `StoreUnavailableError`. */
  close(): Promise<void>;
  /** Raw backend command (Redis `INFO`, …); only when `capabilities.sendCommand`. */
  sendCommand?(command: string[]): Promise<unknown>;
}

/**
 * The contract every storage adapter implements: the composition of one interface per concern.
 * Code that needs one concern takes that interface (`FlagRepository`, `ValueRepository`,
 * `FeatureCache`, `AuditLog`, `ChangeFeed`), so a test double or a partial adapter implements only it.
 * All methods may reject with `StoreUnavailableError` when the backend cannot be reached; writes are
 * all-or-nothing. `StoreKit` (and `StoreBase`) hold what every adapter repeats (argument checks, change events,
 * audit entries, value-update planning), so an adapter holds only its storage specifics.
 */
export interface FlagStore extends StoreLifecycle, FlagRepository, ValueRepository, FeatureCache, AuditLog, ChangeFeed {}

/** Builds a store from a URL such as `sqlite:./data/switchyard.db`. */
export type StoreFactory = (url: URL, options?: StoreOptions) => FlagStore | Promise<FlagStore>;

export interface StoreOptions {
  /** Namespace inside the backend: a Postgres schema, a Redis key prefix. */
  namespace?: string;
  /** Milliseconds before a backend call fails with `StoreUnavailableError`. */
  timeoutMs?: number;
  logger?: { warn(msg: string, data?: object): void; error(msg: string, data?: object): void };
  /** Custom value validators referenced by definitions' `{ validator: name }` validations (names not found fall back to `registerValidator`'s). */
  validators?: ValidatorSource;
  /**
   * Audit retention: keep the newest this-many entries and remove older ones as writes add new
   * ones (removal may trail a write briefly). Default: keep every entry (the memory store: 10,000).
   * Store URLs take it as `?auditMaxEntries=N`.
   */
  auditMaxEntries?: number;
  /**
   * For stores kept in a local file (SQLite): create the file, and its folder, when the URL names
   * one that does not exist. Default `true`; with `false` a missing file is refused with a
   * `ValidationError` naming the path, so a mistyped path never creates anything.
   */
  create?: boolean;
}
