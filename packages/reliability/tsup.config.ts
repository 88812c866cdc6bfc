import { packageConfig } from '../../tooling/tsup.base';

export default packageConfig();
