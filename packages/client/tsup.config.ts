import { packageConfig } from '../../tooling/tsup.base';

export default packageConfig({ entry: { index: 'src/index.ts', admin: 'src/admin/index.ts' } });
