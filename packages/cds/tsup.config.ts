import { packageConfig } from '../../tooling/tsup.base';

// Two entries: the library API and the CAP plugin glue that `cds-plugin.js` loads.
export default packageConfig({ entry: ['src/index.ts', 'src/plugin.ts'] });
