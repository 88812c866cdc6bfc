import { test } from 'vitest';
import { storageTestSuite } from '@switchyard/store-test-suite';
import { createMemoryStore } from '../src/index';

let hub = 'conformance-0';
let run = 0;
storageTestSuite(test, async (options) => createMemoryStore({ hub, ...options }), {
  name: 'memory',
  cleanup: async () => {
    hub = `conformance-${++run}`;
  },
});
