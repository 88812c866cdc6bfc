import { packageProject } from '../../tooling/vitest.preset.ts';

// CAP servers are started as real processes; their first start compiles the model.
export default packageProject('cds', { testTimeout: 60_000, hookTimeout: 90_000 });
