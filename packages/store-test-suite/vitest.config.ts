import { packageProject } from '../../tooling/vitest.preset';

export default packageProject('store-test-suite');
