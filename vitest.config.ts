import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { propertyRunsFactor, propertySeed } from './tooling/testing/property.ts';

// Printed once per run so any property failure can be replayed with FC_SEED.
console.log(`property tests: fast-check seed ${propertySeed()} (FC_SEED=<n> to replay), runs ×${propertyRunsFactor()}`);

// One run over every workspace package; each package declares its own project config.
export default defineConfig({
  test: {
    // vitest's default leaves one core idle (one worker on a 2-core machine), but most of this suite waits
    // on child processes, sockets and databases: one worker per core took the suite from 341 s to 238 s
    // on 2 cores, with the same results. `--maxWorkers` still overrides it.
    maxWorkers: Math.max(2, availableParallelism()),
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tooling/vitest.config.ts'],
  },
});
