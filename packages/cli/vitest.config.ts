import { fileURLToPath } from 'node:url';
import { packageProject } from '../../tooling/vitest.preset.ts';

// The tests run the built `switchyard` executable; the global setup builds it (turbo caches the work).
export default packageProject('cli', {
  globalSetup: [fileURLToPath(new URL('./test/global-setup.ts', import.meta.url))],
  testTimeout: 30_000,
  hookTimeout: 60_000,
});
