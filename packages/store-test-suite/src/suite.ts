import { afterAll, afterEach, beforeEach, describe } from 'vitest';
import type { TestAPI } from 'vitest';
import type { FlagStore } from '@switchyard/core';
import { auditCases } from './cases/audit';
import { cacheCases } from './cases/cache';
import { changeFeedCases } from './cases/change-feed';
import { concurrencyCases } from './cases/concurrency';
import { featureCases } from './cases/features';
import { flagBatchCases } from './cases/flag-batch';
import { flagCases } from './cases/flags';
import { lifecycleCases } from './cases/lifecycle';
import { scopeCases } from './cases/scopes';
import { subscribeCases } from './cases/subscribe';
import { validationCases } from './cases/validation';
import { valueCases } from './cases/values';
import type { StorageTestSuiteOptions, SuiteContext, SuiteStoreOptions } from './context';
import { resetThroughApi } from './reset';

/**
 * Registers the storage conformance tests for one adapter (in the style of keyv's test suite).
 *
 * @param test vitest's `test`
 * @param factory returns a NEW client on the SAME backend on every call: two calls are two clients
 *   sharing state (used by the propagation and concurrency tests). It must apply the options it is
 *   given (audit retention); the retention cases fail otherwise. The suite closes every client it opens.
 * @param options see {@link StorageTestSuiteOptions}
 */
export function storageTestSuite(test: TestAPI, factory: (options?: SuiteStoreOptions) => Promise<FlagStore>, options: StorageTestSuiteOptions): void {
  describe(`storage conformance: ${options.name}`, async () => {
    const capabilities = options.capabilities ?? (await probeCapabilities(factory));
    const open: FlagStore[] = [];

    const rawClient = async (storeOptions?: SuiteStoreOptions) => {
      const store = await factory(storeOptions);
      open.push(store);
      return store;
    };
    const ctx: SuiteContext = {
      test,
      capabilities,
      options: { clients: 4, concurrentWrites: 1000, propagationTimeoutMs: 5000, slowTestTimeoutMs: 60_000, ...options },
      rawClient: () => rawClient(),
      async client() {
        const store = await rawClient();
        await store.migrate();
        return store;
      },
      async clientWith(storeOptions) {
        const store = await rawClient(storeOptions);
        await store.migrate();
        return store;
      },
    };

    beforeEach(async () => {
      if (options.cleanup) await options.cleanup();
      else {
        const store = await factory();
        try {
          await store.migrate();
          await resetThroughApi(store);
        } finally {
          await store.close();
        }
      }
    });

    afterEach(async () => {
      const closing = open.splice(0).map((store) => store.close().catch(() => undefined));
      await Promise.all(closing);
    });

    if (options.teardown) afterAll(options.teardown);

    flagCases(ctx);
    flagBatchCases(ctx);
    validationCases(ctx);
    valueCases(ctx);
    scopeCases(ctx);
    concurrencyCases(ctx);
    featureCases(ctx);
    cacheCases(ctx);
    auditCases(ctx);
    lifecycleCases(ctx);
    subscribeCases(ctx);
    changeFeedCases(ctx);
  });
}

async function probeCapabilities(factory: () => Promise<FlagStore>) {
  const store = await factory();
  try {
    return { ...store.capabilities };
  } finally {
    await store.close();
  }
}
