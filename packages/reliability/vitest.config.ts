import { packageProject } from '../../tooling/vitest.preset.ts';

export default packageProject('reliability');
