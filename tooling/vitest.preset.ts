import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

const propertySetup = fileURLToPath(new URL('./testing/property-setup.ts', import.meta.url));

/**
 * Shared vitest settings for one workspace package. Workspace imports resolve to
 * `src/` through the `@switchyard/source` export condition, so tests never need a build. Property
 * tests get a fixed fast-check seed (see `testing/property.ts`).
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
      setupFiles: [propertySetup, ...toArray(overrides.setupFiles)],
    },
  });
}

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
