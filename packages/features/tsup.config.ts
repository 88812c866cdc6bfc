import { packageConfig } from '../../tooling/tsup.base';

export default packageConfig({ entry: ['src/index.ts', 'src/bin.ts'] });
