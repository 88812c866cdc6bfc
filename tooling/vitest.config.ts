import { defineProject } from 'vitest/config';

/** Repository-level checks (release versioning) that belong to no single package. */
export default defineProject({
  test: {
    name: 'tooling',
    include: ['release/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
