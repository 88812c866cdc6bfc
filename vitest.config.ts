import { defineConfig } from 'vitest/config';

// One run over every workspace package; each package declares its own project config.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
  },
});
