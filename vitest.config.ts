import { defineConfig } from 'vitest/config';
import { propertyRunsFactor, propertySeed } from './tooling/testing/property.ts';

// Printed once per run so any property failure can be replayed with FC_SEED.
console.log(`property tests: fast-check seed ${propertySeed()} (FC_SEED=<n> to replay), runs ×${propertyRunsFactor()}`);

// One run over every workspace package; each package declares its own project config.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tooling/vitest.config.ts'],
  },
});
