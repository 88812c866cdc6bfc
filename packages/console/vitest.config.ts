import { packageProject } from '../../tooling/vitest.preset.ts';

// The browser tests start Chromium and a server per file; the global setup builds the console when it is stale.
export default packageProject('console', {
  globalSetup: ['./test/global-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
});
