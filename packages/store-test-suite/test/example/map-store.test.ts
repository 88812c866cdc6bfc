// The conformance suite wired to the example adapter: this is all a new adapter's test needs.
import { test } from 'vitest';
import { storageTestSuite } from '../../src/index';
import { createMapBackend, MapStore } from './map-store';

let backend = createMapBackend();
storageTestSuite(test, async (options) => new MapStore(backend, options), {
  name: 'map (example adapter)',
  // Before every test: a fresh, empty backend.
  cleanup: async () => {
    backend = createMapBackend();
  },
  migrations: ['0001_maps'],
});
