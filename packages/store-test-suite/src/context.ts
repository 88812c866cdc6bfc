import { describe, type TestAPI } from 'vitest';
import type { FlagStore, StoreCapabilities, StoreOptions } from '@switchyard/core';

/** Options the suite passes to the factory for the cases that need them; the factory must apply them. */
export type SuiteStoreOptions = Pick<StoreOptions, 'auditMaxEntries'>;

/** Settings of one conformance run. */
export interface StorageTestSuiteOptions {
  /** Shown in the suite title, e.g. `sqlite`. */
  name: string;
  /**
   * Called before every test. Afterwards `factory` must yield clients on an EMPTY backend: empty the
   * tables, or switch the factory to a fresh namespace, file or hub. Without it the suite empties the
   * backend through the store API (flags, values and feature results; audit entries stay, and the
   * audit tests only read entries of keys they wrote).
   */
  cleanup?: () => Promise<void>;
  /** Called once after the last test (drop schemas, remove files). */
  teardown?: () => Promise<void>;
  /**
   * Capabilities to test against. Default: those a client from `factory` reports (one client is
   * opened while the tests are collected to read them).
   */
  capabilities?: StoreCapabilities;
  /**
   * Names `migrate()` applies, in order, on the first client after `cleanup` (for adapters whose
   * `cleanup` yields an un-migrated backend). Without it only the result shape and idempotence are checked.
   */
  migrations?: string[];
  /**
   * Cuts the change feed of `store` as an outage would (terminate its listening connection, drop its
   * subscription), so the resync case can check that it reports `reset` and then receives changes
   * again. Without it that case is skipped, naming `interruptChangeFeed`.
   */
  interruptChangeFeed?: (store: FlagStore) => Promise<void>;
  /** Clients sharing the backend in the concurrency tests. Default 4. */
  clients?: number;
  /** Concurrent scoped writes to one key in the lost-update test. Default 1000. */
  concurrentWrites?: number;
  /** How long a write through one client may take to reach another (`propagation`). Default 5000 ms. */
  propagationTimeoutMs?: number;
  /** Timeout of the slow tests (concurrency, propagation). Default 60000 ms. */
  slowTestTimeoutMs?: number;
}

/** What every group of cases gets. */
export interface SuiteContext {
  test: TestAPI;
  capabilities: StoreCapabilities;
  options: Required<Pick<StorageTestSuiteOptions, 'clients' | 'concurrentWrites' | 'propagationTimeoutMs' | 'slowTestTimeoutMs'>> &
    StorageTestSuiteOptions;
  /** A new client on the shared backend, migrated, closed after the test. */
  client: () => Promise<FlagStore>;
  /** A new client exactly as the factory returns it (not migrated), closed after the test. */
  rawClient: () => Promise<FlagStore>;
  /** Like `client`, with store options (e.g. audit retention) passed to the factory. */
  clientWith: (options: SuiteStoreOptions) => Promise<FlagStore>;
}

/** A set of cases registered with the suite's context. */
export type CaseSet = (ctx: SuiteContext) => void;

/** The case sets under one `describe` title; test names are the title and each test's own. */
export function describeCases(title: string, ...sets: CaseSet[]): CaseSet {
  return (ctx) => describe(title, () => sets.forEach((set) => set(ctx)));
}
