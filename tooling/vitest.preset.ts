import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * Shared vitest settings for one workspace package. Workspace imports resolve to
 * `src/` through the `@switchyard/source` export condition, so tests never need a build.
 */
export function packageProject(name: string, overrides: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { conditions: ['@switchyard/source'] },
    ssr: { resolve: { conditions: ['@switchyard/source'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: 20_000,
      hookTimeout: 30_000,
      ...overrides,
    },
  });
}
